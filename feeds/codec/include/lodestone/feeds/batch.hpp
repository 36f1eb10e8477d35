#pragma once
// What one parse of a source's answer yields: the events, and what was skipped and why.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "lodestone/core/error_code.hpp"
#include "lodestone/core/events.hpp"

namespace lodestone::feeds {

// One skipped record. `code` is what it is counted by (its label: "bad_price", "short_line");
// `detail` says what was wrong, `sample` is the offending text (bounded) for the log.
struct Problem {
  ErrorCode code = ErrorCode::bad_field;
  std::string detail;
  std::string sample;
  [[nodiscard]] std::string_view reason() const { return to_string(code); }
};

struct QuoteBatch {
  std::vector<Quote> quotes;
  // Codes the source answered for without data (unknown or delisted codes): nothing to show.
  std::vector<std::string> unknown;
  // Instruments with no trade yet today or suspended: their quote carries last = prev_close
  // and volume 0 so a board can show them, and this list lets the caller flag them.
  std::vector<Symbol> no_trade;
  std::vector<Problem> problems;
  // The message's sequence number, when the source numbers its messages (mapping.seq).
  std::optional<std::uint64_t> seq;

  void clear() {
    quotes.clear();
    unknown.clear();
    no_trade.clear();
    problems.clear();
    seq.reset();
  }
};

struct HeadlineBatch {
  std::vector<Headline> headlines;
  std::vector<Problem> problems;

  void clear() {
    headlines.clear();
    problems.clear();
  }
};

// Keeps a sample short enough for one log line, cut on a UTF-8 boundary.
std::string bounded_sample(std::string_view text, std::size_t max_bytes = 160);

}  // namespace lodestone::feeds
