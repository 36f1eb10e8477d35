#pragma once
// `lodestone backtest`: replays a tape through the rules as fast as it can. By default it
// prints a table for people (lodestone/cli/backtest_report.hpp) and, on a terminal, a progress
// line on stderr; `--ndjson` prints every notification as a canonical JSON line instead and
// `--json FILE` writes the whole result as one JSON document.
#include <iosfwd>
#include <memory>
#include <string>

namespace CLI {
class App;
}

namespace lodestone::cli {

struct BacktestArgs {
  std::string tape;
  std::string rules;
  std::string json;  // also write the full result here
  std::string universe;
  bool ndjson = false;  // alerts as NDJSON on stdout instead of the table
};

// Adds the subcommand and its options to `app`; the arguments are filled in when it parses.
std::shared_ptr<BacktestArgs> add_backtest_command(CLI::App& app);

// Exit status: 0, 1 when the rules have mistakes or the tape has lines that do not parse (they
// are reported and skipped), 2 when the reference data or the JSON file cannot be used.
int run_backtest(const BacktestArgs& args, std::ostream& out, std::ostream& err, bool show_progress);

}  // namespace lodestone::cli
