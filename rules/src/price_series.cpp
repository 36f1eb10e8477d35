#include "price_series.hpp"

namespace lodestone::rules::detail {

void PriceSeries::grow() {
  const std::size_t capacity = ring_.empty() ? 64 : ring_.size() * 2;
  std::vector<Tick> bigger(capacity);
  const std::uint64_t new_mask = capacity - 1;
  for (std::uint64_t i = first_; i < end_; ++i) bigger[i & new_mask] = at(i);
  ring_ = std::move(bigger);
  mask_ = new_mask;
}

void PriceSeries::push(const Tick& tick) {
  if (size() > 1 && tick.clock / 1000 == last().clock / 1000) {
    at(end_ - 1) = tick;
  } else {
    if (size() == ring_.size()) grow();
    at(end_) = tick;
    ++end_;
  }
  const std::int64_t horizon = tick.clock - retention_ms_;
  while (size() >= 2 && at(first_ + 1).clock <= horizon) ++first_;
}

PricePath PriceSeries::path(std::int64_t from_clock, std::size_t max_points) const {
  PricePath out;
  if (empty()) return out;
  // Clocks never decrease: binary search for the first tick after from_clock, then step back one.
  std::uint64_t lo = first_;
  std::uint64_t hi = end_;
  while (lo < hi) {
    const std::uint64_t mid = lo + (hi - lo) / 2;
    if (at(mid).clock <= from_clock)
      lo = mid + 1;
    else
      hi = mid;
  }
  const std::uint64_t start = lo > first_ ? lo - 1 : first_;
  for_each_sample(end_ - start, max_points,
                  [&](std::uint64_t i) { out.emplace_back(at(start + i).ts, at(start + i).price); });
  return out;
}

}  // namespace lodestone::rules::detail
