#pragma once
// WebSocket tickets: a page exchanges its bearer token (POST /api/v1/ws-ticket) for a ticket and
// opens /ws?ticket=…, so no long-lived secret ever sits in a URL (proxies and browser histories
// keep URLs). A ticket is 256 random bits, bound to the user who asked, valid for `ttl` (30 s by
// default) and for one upgrade only. Kept by hash, so a lookup's timing says nothing about the
// tickets held. Bounded: at most `max_outstanding`; the oldest goes first. Thread-safe.
#include <chrono>
#include <cstddef>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "lodestone/auth/authenticator.hpp"
#include "lodestone/core/clock.hpp"

namespace lodestone::auth {

class TicketBook {
 public:
  explicit TicketBook(const Clock& clock, std::chrono::milliseconds ttl = std::chrono::seconds(30),
                      std::size_t max_outstanding = 10'000);

  struct Issued {
    std::string ticket;
    std::chrono::milliseconds expires_in;
  };
  Issued issue(const Principal& holder);
  // The holder, once: a second use, an unknown ticket and an expired one give nullopt.
  std::optional<Principal> redeem(std::string_view ticket);
  [[nodiscard]] std::size_t outstanding() const;
  [[nodiscard]] std::chrono::milliseconds ttl() const { return ttl_; }

 private:
  void forget_expired(Clock::Steady now);

  const Clock& clock_;
  const std::chrono::milliseconds ttl_;
  const std::size_t max_;
  mutable std::mutex mutex_;
  struct Held {
    Principal holder;
    Clock::Steady expires;
  };
  std::map<TokenHash, Held> held_;
  std::deque<std::pair<Clock::Steady, TokenHash>> order_;  // by expiry (issue order)
};

}  // namespace lodestone::auth
