#pragma once
// The text of one quote's fields as a source sent them, and the one place that turns them into
// a Quote: the same zero / missing / no-trade rules for every text and JSON source.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "lodestone/core/events.hpp"
#include "lodestone/feeds/batch.hpp"

namespace lodestone::feeds::detail {

struct QuoteText {
  Symbol symbol;
  Timestamp ts;
  std::string_view last;
  std::string_view prev_close;
  std::string_view open;
  std::string_view high;
  std::string_view low;
  std::string_view bid;
  std::string_view ask;
  std::string_view volume;
  std::int64_t volume_multiplier = 1;  // 100 where the source counts lots
  std::string_view turnover;
  bool turnover_in_wan = false;  // 10 000 CNY units
  // Eastmoney with fltt=1 sends prices as integers scaled by 10^decimals; 0 = plain decimals.
  int scaled_decimals = 0;
  // The source's short name and its own limit prices for the day, where it sends them (a
  // cross-check of ours, and ST status from the name): absent, "-" and 0 leave them unset.
  std::string_view name;
  std::string_view limit_up;
  std::string_view limit_down;
};

// Appends the quote (or a no-trade quote, or a Problem) to `out`; `sample` is logged on problems.
void emit(const QuoteText& q, std::string_view sample, QuoteBatch& out);

// Splits on `sep` into `fields` (the first fields.size() of them); returns how many there were.
template <std::size_t N>
std::size_t split(std::string_view s, char sep, std::array<std::string_view, N>& fields) {
  std::size_t n = 0;
  std::size_t start = 0;
  while (true) {
    const std::size_t pos = s.find(sep, start);
    const std::string_view piece =
        s.substr(start, pos == std::string_view::npos ? std::string_view::npos : pos - start);
    if (n < N) fields[n] = piece;
    ++n;
    if (pos == std::string_view::npos) return n;
    start = pos + 1;
  }
}

// Where a batch stood before one answer was read, so that an answer that turns out malformed is
// dropped whole (even the rows read before the fault) and counted once.
struct BatchMark {
  explicit BatchMark(const QuoteBatch& b)
      : quotes(b.quotes.size()), no_trade(b.no_trade.size()), problems(b.problems.size()) {}
  // Drops what was added since the mark and counts `fault` once, with `sample`.
  void drop(QuoteBatch& b, const Error& fault, std::string_view sample) const;
  std::size_t quotes;
  std::size_t no_trade;
  std::size_t problems;
};

// "sz159713" / "sh600111" / "bj430047" -> Symbol.
Result<Symbol> symbol_from_prefixed(std::string_view code);

}  // namespace lodestone::feeds::detail
