#pragma once
// `lodestone symbol CODE… [--date D] [--prev-close P] [--json] [--universe FILE | --config FILE]`:
// how Lodestone reads each code (docs: README "Symbols", docs/market-data.md#symbols-and-exchanges).
#include <iosfwd>
#include <string>
#include <vector>

namespace CLI {
class App;
class Option;
}  // namespace CLI

namespace lodestone {
class Clock;
}

namespace lodestone::app {

struct SymbolQuery {
  std::vector<std::string> codes;
  std::string date;        // YYYY-MM-DD or YYYYMMDD; empty: today in exchange time (clock)
  std::string prev_close;  // decimal; empty: no limit prices
  bool json = false;       // one JSON object per line instead of a line for a person
  std::string universe;    // reference data; empty: the config's, else the bundled one if present
  std::string config;      // take the reference data this configuration names
  bool universe_given = false;
};

// Writes one line per code to `out`; 0, or 2 with the reason on `err` for a bad code, date,
// previous close or reference data (nothing is printed to `out` then).
int run_symbol_command(const SymbolQuery& query, const Clock& clock, std::ostream& out, std::ostream& err);

// Adds the `symbol` subcommand to the CLI; run() after parsing when chosen().
class SymbolCommand {
 public:
  explicit SymbolCommand(CLI::App& cli);
  SymbolCommand(const SymbolCommand&) = delete;  // CLI11 holds pointers into query_
  SymbolCommand& operator=(const SymbolCommand&) = delete;
  [[nodiscard]] bool chosen() const;
  [[nodiscard]] int run() const;

 private:
  CLI::App* command_ = nullptr;
  CLI::Option* universe_ = nullptr;
  SymbolQuery query_;
};

}  // namespace lodestone::app
