#pragma once
// What every quote a text or JSON parser hands out must hold, for the fuzz targets: a positive
// price, no negative count, a name that is short and free of control characters (it reaches the
// log), the source's limit prices positive where given. Each quote also goes through the limit
// check (ST from the name, the source's limits against ours), which must keep its band ordered.
#include "lodestone/feeds/batch.hpp"
#include "lodestone/feeds/limit_check.hpp"

namespace lodestone::feeds::fuzz {

inline void check_quotes(const QuoteBatch& batch) {
  LimitCheck check;
  FeedStatus status("fuzz", "fuzz");
  for (const auto& q : batch.quotes) {
    if (!q.last.positive()) __builtin_trap();
    if (q.volume && *q.volume < 0) __builtin_trap();
    if (q.name.size() > 64) __builtin_trap();
    for (const char c : q.name)
      if (static_cast<unsigned char>(c) < 0x20) __builtin_trap();
    if (q.source_limit_up && !q.source_limit_up->positive()) __builtin_trap();
    if (q.source_limit_down && !q.source_limit_down->positive()) __builtin_trap();
    const auto found = check.observe(q, instrument_from_code(q.symbol), q.prev_close, exchange_date(q.ts));
    if (found.ours && found.ours->down > found.ours->up) __builtin_trap();
    (void)account(found, q, status);
  }
}

}  // namespace lodestone::feeds::fuzz
