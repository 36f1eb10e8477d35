#pragma once
// A symbol's recent prices and cumulative volume on the trading clock, long enough for the
// longest window any rule asks of it. Windows read "the price as of N trading ms ago" through
// a cursor that only moves forward, so each lookup is O(1) amortized. The ticks live in a
// ring buffer (power-of-two capacity, grown when needed): one indirection per lookup.
#include <cstdint>
#include <utility>
#include <vector>

#include "lodestone/core/price.hpp"
#include "lodestone/core/time.hpp"

namespace lodestone::rules::detail {

using PricePath = std::vector<std::pair<Timestamp, Price>>;

// Calls f(i) for at most `max_points` of the indices 0..count-1, spread evenly, first and last
// always among them.
template <class F>
void for_each_sample(std::uint64_t count, std::uint64_t max_points, F&& f) {
  if (count == 0 || max_points == 0) return;
  const std::uint64_t points = count < max_points ? count : max_points;
  for (std::uint64_t i = 0; i < points; ++i) f(points == 1 ? 0 : i * (count - 1) / (points - 1));
}

struct Tick {
  std::int64_t clock = 0;   // TradingClock::at
  Price price;              // last
  std::int64_t volume = 0;  // cumulative shares since the series began (across days)
  Timestamp ts;             // exchange time of the quote (for an alert's price path)
};

class PriceSeries {
 public:
  // Ticks older than this (trading time) behind the newest are dropped, except the one
  // that marks the start of the longest window.
  void set_retention(std::int64_t trading_ms) { retention_ms_ = trading_ms; }
  [[nodiscard]] std::int64_t retention() const { return retention_ms_; }

  // Clocks must not decrease. Ticks within the same trading second replace each other: a
  // window's edge is resolved to the second, and memory stays bounded however fast quotes come.
  void push(const Tick& tick);

  [[nodiscard]] bool empty() const { return first_ == end_; }
  [[nodiscard]] const Tick& last() const { return at(end_ - 1); }
  [[nodiscard]] std::size_t size() const { return static_cast<std::size_t>(end_ - first_); }

  // The newest tick at or before `clock`, or the oldest kept when none is that old (a window
  // longer than the history counts from the first price seen). `cursor` remembers the position
  // between calls; it must only be used with non-decreasing clocks.
  [[nodiscard]] const Tick& at_or_before(std::int64_t clock, std::uint64_t& cursor) const {
    std::uint64_t pos = cursor < first_ ? first_ : cursor;
    if (pos >= end_) pos = end_ - 1;
    while (pos + 1 < end_ && at(pos + 1).clock <= clock) ++pos;
    cursor = pos;
    return at(pos);
  }

  // Start loading what push() and at_or_before(…, cursor) will read (see Engine::State::prefetch).
  void prefetch_push() const {
    if (ring_.empty()) return;
    __builtin_prefetch(&at(end_));
    __builtin_prefetch(&at(first_ + 1));
  }
  void prefetch_at(std::uint64_t cursor) const {
    if (ring_.empty()) return;
    __builtin_prefetch(&at(cursor + 1));
  }

  // The prices from the window's reference tick (the newest at or before `from_clock`) to the
  // newest, at most `max_points` of them spread evenly over the ticks, first and last kept.
  [[nodiscard]] PricePath path(std::int64_t from_clock, std::size_t max_points) const;

 private:
  [[nodiscard]] const Tick& at(std::uint64_t absolute) const { return ring_[absolute & mask_]; }
  Tick& at(std::uint64_t absolute) { return ring_[absolute & mask_]; }
  void grow();

  std::vector<Tick> ring_;
  std::uint64_t mask_ = 0;
  std::uint64_t first_ = 0;  // absolute index of the oldest tick kept
  std::uint64_t end_ = 0;    // absolute index one past the newest
  std::int64_t retention_ms_ = 0;
};

}  // namespace lodestone::rules::detail
