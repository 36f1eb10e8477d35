#include "price_series.hpp"

#include <cassert>

namespace lodestone::rules::detail {

void PriceSeries::push(const Tick& tick) {
  if (!ticks_.empty() && tick.clock / 1000 == ticks_.back().clock / 1000 && ticks_.size() > 1) {
    ticks_.back() = tick;
  } else {
    ticks_.push_back(tick);
  }
  const std::int64_t horizon = tick.clock - retention_ms_;
  while (ticks_.size() >= 2 && ticks_[1].clock <= horizon) {
    ticks_.pop_front();
    ++first_;
  }
}

const Tick& PriceSeries::at_or_before(std::int64_t clock, std::uint64_t& cursor) const {
  assert(!ticks_.empty());
  std::uint64_t pos = cursor < first_ ? first_ : cursor;
  const std::uint64_t end = first_ + ticks_.size();
  if (pos >= end) pos = end - 1;
  while (pos + 1 < end && ticks_[pos + 1 - first_].clock <= clock) ++pos;
  cursor = pos;
  return ticks_[pos - first_];
}

}  // namespace lodestone::rules::detail
