#pragma once
// A symbol's recent prices and cumulative volume on the trading clock, long enough for the
// longest window any rule asks of it. Windows read "the price as of N trading ms ago" through
// a cursor that only moves forward, so each lookup is O(1) amortized.
#include <cstdint>
#include <deque>

#include "lodestone/core/price.hpp"

namespace lodestone::rules::detail {

struct Tick {
  std::int64_t clock = 0;   // TradingClock::at
  Price price;              // last
  std::int64_t volume = 0;  // cumulative shares since the series began (across days)
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

  [[nodiscard]] bool empty() const { return ticks_.empty(); }
  [[nodiscard]] const Tick& last() const { return ticks_.back(); }
  [[nodiscard]] std::size_t size() const { return ticks_.size(); }

  // The newest tick at or before `clock`, or the oldest kept when none is that old (a window
  // longer than the history counts from the first price seen). `cursor` remembers the position
  // between calls; it must only be used with non-decreasing clocks.
  [[nodiscard]] const Tick& at_or_before(std::int64_t clock, std::uint64_t& cursor) const;

 private:
  std::deque<Tick> ticks_;
  std::uint64_t first_ = 0;  // absolute index of ticks_.front()
  std::int64_t retention_ms_ = 0;
};

}  // namespace lodestone::rules::detail
