#include "lodestone/core/validate.hpp"

namespace lodestone {
namespace {

// 2000-01-01T00:00:00Z: nothing Lodestone ingests is older.
constexpr std::int64_t kEarliestMs = 946'684'800'000;

Status check_time(Timestamp ts, Timestamp now, std::int64_t max_future_ms) {
  if (ts.ms < kEarliestMs)
    return make_error(ErrorCode::far_past, "timestamp " + std::to_string(ts.ms) + " is before 2000");
  if (ts.ms > now.ms + max_future_ms)
    return make_error(ErrorCode::future_timestamp,
                      "timestamp " + format_timestamp(ts) + " is in the future (now " + format_timestamp(now) + ")");
  return {};
}

Status check_price(std::string_view name, const std::optional<Price>& p) {
  if (p && !p->positive())
    return make_error(ErrorCode::non_positive_price, std::string(name) + " " + p->format() + " is not positive");
  return {};
}

}  // namespace

Status validate(const Quote& q, const InstrumentRegistry& registry, Timestamp now, std::int64_t max_future_ms) {
  if (registry.find(q.symbol) == nullptr)
    return make_error(ErrorCode::unknown_symbol, "unknown symbol " + q.symbol.str());
  if (!q.last.positive())
    return make_error(ErrorCode::non_positive_price, "last price " + q.last.format() + " is not positive");
  for (auto [name, p] : {std::pair{"prev_close", &q.prev_close}, std::pair{"open", &q.open}, std::pair{"high", &q.high},
                         std::pair{"low", &q.low}})
    if (auto s = check_price(name, *p); !s) return s;
  if (q.volume && *q.volume < 0)
    return make_error(ErrorCode::negative_volume, "volume " + std::to_string(*q.volume) + " is negative");
  if (q.turnover && q.turnover->units() < 0) return make_error(ErrorCode::negative_volume, "turnover is negative");
  return check_time(q.ts, now, max_future_ms);
}

Status validate(const Headline& h, Timestamp now, std::int64_t max_future_ms) {
  if (h.id.empty()) return make_error(ErrorCode::missing_field, "headline has no id");
  if (h.title.empty()) return make_error(ErrorCode::missing_field, "headline " + h.id + " has no title");
  return check_time(h.ts, now, max_future_ms);
}

}  // namespace lodestone
