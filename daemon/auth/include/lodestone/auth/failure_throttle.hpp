#pragma once
// Failed authentications per client address, as a token bucket: each failure takes one token,
// tokens come back at a steady rate, and an address with none left is answered 429 (with the
// wait in Retry-After) without its credentials being checked. Memory is bounded: at most
// `max_addresses` buckets, the least recently failing address forgotten first (it then starts
// with a full bucket, which is what it would have had soon anyway). IPv6 addresses share their
// /64's bucket, since one host usually owns a whole /64. Thread-safe.
#include <chrono>
#include <cstddef>
#include <list>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "lodestone/core/clock.hpp"

namespace lodestone::auth {

struct ThrottleOptions {
  double burst = 10;                        // failures in a row before the 429s start
  std::chrono::milliseconds refill{6'000};  // one more failure allowed per this (10 a minute)
  std::size_t max_addresses = 10'000;       // buckets kept
};

class FailureThrottle {
 public:
  explicit FailureThrottle(const Clock& clock, ThrottleOptions options = {});

  // How long `address` must wait before it may try again; zero when it may try now.
  std::chrono::milliseconds retry_after(std::string_view address);
  // One failed authentication from `address`.
  void failed(std::string_view address);
  [[nodiscard]] std::size_t tracked() const;

  // The bucket an address counts against: itself, or its /64 for IPv6.
  static std::string key_of(std::string_view address);

 private:
  struct Bucket {
    double tokens = 0;
    Clock::Steady at{};
    std::list<std::string>::iterator lru;
  };
  Bucket& bucket(const std::string& key, Clock::Steady now);

  const Clock& clock_;
  const ThrottleOptions options_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Bucket> buckets_;
  std::list<std::string> lru_;  // most recent first
};

}  // namespace lodestone::auth
