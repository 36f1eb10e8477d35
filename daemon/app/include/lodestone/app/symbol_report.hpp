#pragma once
// How Lodestone reads one code: the canonical symbol, what the code (or the reference data) says
// of it, and its price band on a day. What `lodestone symbol` prints, for a person or as JSON.
#include <optional>
#include <string>

#include "lodestone/core/instrument.hpp"
#include "lodestone/core/limits.hpp"
#include "lodestone/core/price.hpp"
#include "lodestone/core/time.hpp"

namespace lodestone::app {

struct SymbolReport {
  std::string input;      // the code as given: "bj920118"
  Instrument instrument;  // from the reference data when it holds the symbol, else from the code
  bool known = false;     // the reference data holds it (name, ST flag, listing date from there)
  Date day;
  std::optional<int> limit_pct;  // none: an index, or a new listing's first days
  std::optional<Price> prev_close;
  std::optional<PriceLimits> limits;  // with a previous close and a band
};

// `registry` may be null (no reference data).
SymbolReport describe(std::string input, const Symbol& symbol, const InstrumentRegistry* registry, Date day,
                      std::optional<Price> prev_close);

// One line for a person: "600111 → 600111.SH 北方稀土: SSE main-board stock, tick 0.01, ±10% on
// 2026-02-09; from 40.00: up 44.00, down 36.00".
std::string to_text(const SymbolReport& r);
// One JSON object: symbol, exchange, board, type, tick, limit_pct, limit_up, limit_down (prices
// printed from integer units, null where none), and input, name, st, listed, date, prev_close.
std::string to_json(const SymbolReport& r);

}  // namespace lodestone::app
