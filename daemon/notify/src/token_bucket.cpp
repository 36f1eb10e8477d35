// A receiver's pace as a token bucket: full at first use so a burst up to the service's limit
// passes, then one token back every period/capacity, continuously (no fixed windows, which
// would let twice the limit through across a window's edge).
#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "lodestone/notify/dispatcher.hpp"

namespace lodestone::notify {
namespace {

// A level this close below a whole token counts as the token: the refill is computed in
// doubles, and next_token() must name a time at which take() succeeds.
constexpr double kEpsilon = 1e-9;

}  // namespace

TokenBucket::TokenBucket(double capacity, std::chrono::milliseconds period) {
  if (!(capacity > 0) || !std::isfinite(capacity) || period.count() <= 0)
    throw std::invalid_argument("TokenBucket: capacity and period must be positive");
  capacity_ = std::max(capacity, 1.0);
  per_ms_ = capacity / static_cast<double>(period.count());
  tokens_ = capacity_;
}

double TokenBucket::level(std::int64_t now_ms) const {
  if (now_ms < not_before_ms_) return 0;
  if (!started_) return capacity_;
  if (now_ms <= last_ms_) return tokens_;
  return std::min(capacity_, tokens_ + static_cast<double>(now_ms - last_ms_) * per_ms_);
}

double TokenBucket::tokens(Timestamp now) const { return level(now.ms); }

bool TokenBucket::take(Timestamp now) {
  const double have = level(now.ms);
  if (have + kEpsilon < 1) return false;
  tokens_ = std::max(0.0, have - 1);
  if (!started_ || now.ms > last_ms_) last_ms_ = now.ms;
  started_ = true;
  return true;
}

Timestamp TokenBucket::next_token(Timestamp now) const {
  if (level(now.ms) + kEpsilon >= 1) return now;
  // Refill runs from the latest of `now`, the last take (a clock that stepped back) and a
  // restart still ahead.
  const std::int64_t from = std::max({now.ms, last_ms_, not_before_ms_});
  const double have = level(from);
  if (have + kEpsilon >= 1) return Timestamp{from};
  auto wait = std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil((1 - have) / per_ms_)));
  // The division is in doubles: step past any rounding so take() at the answer succeeds.
  for (int i = 0; i < 4 && level(from + wait) + kEpsilon < 1; ++i) ++wait;
  return Timestamp{from + wait};
}

void TokenBucket::restart(Timestamp at, double tokens) {
  tokens_ = std::clamp(tokens, 0.0, capacity_);
  last_ms_ = at.ms;
  not_before_ms_ = at.ms;
  started_ = true;
}

}  // namespace lodestone::notify
