#pragma once
// Questions the tests ask of a loaded tape: one instrument's quotes on one day, the quote
// in a given minute, the close.
#include <ostream>
#include <string_view>
#include <vector>

#include "lodestone/core/price.hpp"
#include "tape_reader.hpp"

namespace lodestone {
// Readable gtest failure messages.
inline void PrintTo(const Price& p, std::ostream* os) { *os << p.format(); }
inline void PrintTo(const Timestamp& t, std::ostream* os) { *os << format_timestamp(t); }
}  // namespace lodestone

namespace lodestone::tapes_test {

inline Symbol sym(std::string_view text) { return *Symbol::parse(text); }
inline Date day(std::string_view text) { return *parse_date(text); }

inline std::vector<const Quote*> quotes_of(const Tape& tape, std::string_view symbol, std::string_view date) {
  const Symbol s = sym(symbol);
  const Date d = day(date);
  std::vector<const Quote*> out;
  for (const auto& tq : tape.quotes)
    if (tq.quote.symbol == s && exchange_date(tq.quote.ts) == d) out.push_back(&tq.quote);
  return out;
}

// The snapshot taken in minute HH:MM (the tape stamps each a fraction of a second after the mark).
inline const Quote* quote_at(const Tape& tape, std::string_view symbol, std::string_view date, int hour, int minute) {
  const Timestamp from = exchange_time(day(date), hour, minute);
  for (const Quote* q : quotes_of(tape, symbol, date))
    if (q->ts >= from && q->ts.ms < from.ms + kMsPerMinute) return q;
  return nullptr;
}

inline const Quote* close_of(const Tape& tape, std::string_view symbol, std::string_view date) {
  const auto quotes = quotes_of(tape, symbol, date);
  return quotes.empty() ? nullptr : quotes.back();
}

// Change from prev_close in hundredths of a percent, as a board shows it.
inline std::int64_t change(const Quote& q) { return change_centipct(*q.prev_close, q.last); }

inline constexpr std::string_view kTradingDays[] = {"2026-02-03", "2026-02-04", "2026-02-05", "2026-02-06",
                                                    "2026-02-09", "2026-02-10", "2026-02-11"};
inline constexpr std::string_view kQuietDays[] = {"2026-02-04", "2026-02-06", "2026-02-10", "2026-02-11"};

}  // namespace lodestone::tapes_test
