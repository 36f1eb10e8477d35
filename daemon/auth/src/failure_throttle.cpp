#include "lodestone/auth/failure_throttle.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>

namespace lodestone::auth {

FailureThrottle::FailureThrottle(const Clock& clock, ThrottleOptions options) : clock_(clock), options_(options) {}

std::string FailureThrottle::key_of(std::string_view address) {
  std::string text(address);
  std::array<unsigned char, 16> v6{};
  if (text.find(':') == std::string::npos || ::inet_pton(AF_INET6, text.c_str(), v6.data()) != 1) return text;
  // An IPv4-mapped address (::ffff:a.b.c.d) is that IPv4 address.
  static constexpr std::array<unsigned char, 12> kMapped{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::equal(kMapped.begin(), kMapped.end(), v6.begin()))
    return std::to_string(v6[12]) + "." + std::to_string(v6[13]) + "." + std::to_string(v6[14]) + "." +
           std::to_string(v6[15]);
  char out[32];
  std::snprintf(out, sizeof out, "%02x%02x:%02x%02x:%02x%02x:%02x%02x::/64", v6[0], v6[1], v6[2], v6[3], v6[4], v6[5],
                v6[6], v6[7]);
  return out;
}

FailureThrottle::Bucket& FailureThrottle::bucket(const std::string& key, Clock::Steady now) {
  auto it = buckets_.find(key);
  if (it == buckets_.end()) {
    if (buckets_.size() >= std::max<std::size_t>(options_.max_addresses, 1)) {
      buckets_.erase(lru_.back());
      lru_.pop_back();
    }
    lru_.push_front(key);
    it = buckets_.emplace(key, Bucket{options_.burst, now, lru_.begin()}).first;
    return it->second;
  }
  Bucket& b = it->second;
  lru_.splice(lru_.begin(), lru_, b.lru);
  const double elapsed = std::chrono::duration<double>(now - b.at).count();
  const double per_token = std::chrono::duration<double>(options_.refill).count();
  if (elapsed > 0 && per_token > 0) b.tokens = std::min(options_.burst, b.tokens + elapsed / per_token);
  b.at = now;
  return b;
}

std::chrono::milliseconds FailureThrottle::retry_after(std::string_view address) {
  const std::string key = key_of(address);
  std::lock_guard lock(mutex_);
  auto it = buckets_.find(key);
  if (it == buckets_.end()) return std::chrono::milliseconds(0);  // never failed: nothing to remember
  const Bucket& b = bucket(key, clock_.steady());
  if (b.tokens >= 1) return std::chrono::milliseconds(0);
  const double wait_ms = (1 - b.tokens) * static_cast<double>(options_.refill.count());
  // A rounding error is not a whole millisecond more.
  return std::chrono::milliseconds(static_cast<std::int64_t>(std::ceil(wait_ms - 1e-3)));
}

void FailureThrottle::failed(std::string_view address) {
  const std::string key = key_of(address);
  std::lock_guard lock(mutex_);
  Bucket& b = bucket(key, clock_.steady());
  b.tokens = std::max(0.0, b.tokens - 1);
}

std::size_t FailureThrottle::tracked() const {
  std::lock_guard lock(mutex_);
  return buckets_.size();
}

}  // namespace lodestone::auth
