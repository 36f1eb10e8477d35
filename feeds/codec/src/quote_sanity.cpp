#include "lodestone/feeds/quote_sanity.hpp"

namespace lodestone::feeds {
namespace {

SanityResult reject(ErrorCode code, std::string detail) {
  return SanityResult{Verdict::Reject, code, std::move(detail), {}};
}

SanityResult flag(ErrorCode code, std::string detail) {
  return SanityResult{Verdict::Flag, code, std::move(detail), {}};
}

}  // namespace

QuoteSanity::QuoteSanity(const InstrumentRegistry* registry, SanityOptions options)
    : registry_(registry), options_(options) {}

SanityResult QuoteSanity::check(const Quote& q, Timestamp now) {
  // Prices are fixed-point integers, so NaN and infinities cannot reach here: the parsers
  // reject them as text.
  if (!q.last.positive()) return reject(ErrorCode::non_positive_price, "last " + q.last.format() + " is not positive");
  for (const auto* p : {&q.prev_close, &q.open, &q.high, &q.low, &q.bid, &q.ask}) {
    if (p->has_value() && !(*p)->positive()) return reject(ErrorCode::non_positive_price, "a price is not positive");
  }
  if ((q.volume && *q.volume < 0) || (q.turnover && q.turnover->units() < 0)) {
    return reject(ErrorCode::bad_volume, "a cumulative count is negative");
  }
  if (q.ts.ms > now.ms + options_.max_future_ms) {
    return reject(ErrorCode::future_timestamp, format_timestamp(q.ts) + " is after " + format_timestamp(now));
  }
  // Fresh means dated today or the trading day whose prices are current (before the open,
  // yesterday's close).
  const auto& calendar = TradingCalendar::shanghai();
  const Date day = exchange_date(q.ts);
  if (day != exchange_date(now) && day != calendar.current_trading_day(now)) {
    return reject(ErrorCode::stale, "dated " + format_date(day) + ", current trading day is " +
                                        format_date(calendar.current_trading_day(now)));
  }

  SanityResult result;
  auto it = last_.find(q.symbol);
  if (it != last_.end()) {
    Last& prev = it->second;
    if (q.ts < prev.ts) {
      return reject(ErrorCode::out_of_order, format_timestamp(q.ts) + " after " + format_timestamp(prev.ts));
    }
    const std::int64_t volume = q.volume.value_or(-1);
    if (prev.volume_trusted && exchange_date(prev.ts) == day && volume >= 0 && prev.volume > volume) {
      // Consecutive quotes agreeing on a lower count, each no older and no smaller than the one
      // before, are the upstream restarting its counters.
      const bool agrees = prev.reset_votes > 0 && volume >= prev.reset_volume && q.ts >= prev.reset_ts;
      prev.reset_votes = agrees ? prev.reset_votes + 1 : 1;
      prev.reset_volume = volume;
      prev.reset_ts = q.ts;
      if (options_.volume_reset_after <= 0 || prev.reset_votes < options_.volume_reset_after) {
        return reject(ErrorCode::out_of_order,
                      "volume went back from " + std::to_string(prev.volume) + " to " + std::to_string(volume));
      }
      result = flag(ErrorCode::volume_reset,
                    "volume restarted from " + std::to_string(prev.volume) + " at " + std::to_string(volume));
    } else if (q.ts == prev.ts && q.last == prev.last && volume == prev.volume) {
      return reject(ErrorCode::duplicate, "same snapshot as before");
    }
  }

  const Instrument* inst = registry_ != nullptr ? registry_->find(q.symbol) : nullptr;
  std::optional<Price> prev_close = q.prev_close;
  if (!prev_close && it != last_.end() && exchange_date(it->second.ts) == day) prev_close = it->second.prev_close;
  LimitFindings limits;
  // From here on a verdict carries what the name and the source's limits said.
  const auto reject_noting = [&limits](ErrorCode code, std::string detail) {
    SanityResult r = reject(code, std::move(detail));
    r.limits = limits;
    return r;
  };
  if (inst != nullptr) {
    limits = limit_check_.observe(q, *inst, prev_close, day);
    if (limits.prev_close_out_of_range) {
      return reject_noting(ErrorCode::bad_price, "previous close " + prev_close->format() + " is beyond any band");
    }
    if (const auto& band = limits.ours; band && (q.last > band->up || q.last < band->down)) {
      return reject_noting(ErrorCode::outside_limit_band,
                           "last " + q.last.format() + " outside " + band->down.format() + "–" + band->up.format());
    }
  } else if (registry_ != nullptr && result.verdict == Verdict::Accept) {
    result = flag(ErrorCode::unknown_symbol, q.symbol.str() + " is not in the reference data");
  }

  // In the call auctions both sides show the indicative price, so a locked or crossed book
  // is normal there; in continuous trading it means a bad snapshot.
  if (q.bid && q.ask && calendar.is_continuous(q.ts)) {
    const std::string book = "bid " + q.bid->format() + ", ask " + q.ask->format();
    if (*q.bid > *q.ask) {
      if (options_.reject_crossed) return reject_noting(ErrorCode::crossed_book, book);
      result = flag(ErrorCode::crossed_book, book);
    } else if (*q.bid == *q.ask) {
      result = flag(ErrorCode::locked_book, book);
    } else if (options_.wide_spread_bp > 0) {
      // spread / mid > bp / 10000, in doubles: a flag needs no exactness, and no overflow.
      const double spread = static_cast<double>(q.ask->units()) - static_cast<double>(q.bid->units());
      const double mid = (static_cast<double>(q.ask->units()) + static_cast<double>(q.bid->units())) / 2;
      if (mid > 0 && spread * 10'000 > static_cast<double>(options_.wide_spread_bp) * mid) {
        result = flag(ErrorCode::wide_spread, book);
      }
    }
  }

  Last& slot = last_[q.symbol];
  slot.ts = q.ts;
  slot.last = q.last;
  slot.volume = q.volume.value_or(-1);
  slot.volume_trusted = true;
  slot.reset_votes = 0;
  slot.reset_volume = -1;
  if (q.prev_close) slot.prev_close = q.prev_close;
  result.limits = std::move(limits);
  return result;
}

void QuoteSanity::rebase() {
  for (auto& [symbol, last] : last_) {
    last.volume_trusted = false;  // still compared for duplicates
    last.reset_votes = 0;
    last.reset_volume = -1;
  }
}

}  // namespace lodestone::feeds
