#include "lodestone/cli/backtest_command.hpp"

#include <CLI/CLI.hpp>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <vector>

#include "lodestone/app/config.hpp"
#include "lodestone/app/universe.hpp"
#include "lodestone/cli/backtest_report.hpp"
#include "lodestone/cli/progress_line.hpp"
#include "lodestone/core/json_writer.hpp"
#include "lodestone/feeds/canonical.hpp"
#include "lodestone/rules/backtest.hpp"
#include "lodestone/rules/diagnostic.hpp"
#include "lodestone/rules/parser.hpp"

namespace lodestone::cli {
namespace {

// Progress is reported every this many lines or events: a check of the clock per few thousand
// lines costs nothing next to parsing them.
constexpr std::size_t kProgressEvery = 4096;

int percent(std::size_t done, std::size_t total) { return total == 0 ? 100 : static_cast<int>(done * 100 / total); }

struct Tape {
  std::vector<rules::Event> events;
  std::size_t bad = 0;
};

Tape read_tape(const std::string& path, std::ostream& err, ProgressLine& progress) {
  Tape tape;
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  const std::size_t total = ec ? 0 : static_cast<std::size_t>(size);
  std::ifstream in(path, std::ios::binary);
  feeds::CanonicalParser parser;
  std::string line;
  std::size_t line_no = 0;
  std::size_t bytes = 0;
  while (std::getline(in, line)) {
    ++line_no;
    bytes += line.size() + 1;
    if (line_no % kProgressEvery == 0) progress.update("reading tape", line_no, "lines", percent(bytes, total));
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    auto e = parser.parse(line);
    if (!e) {
      if (++tape.bad <= 20) {
        progress.finish();
        err << path << ":" << line_no << ": " << e.error().message << "\n";
      }
      continue;
    }
    tape.events.push_back(std::move(*e));
  }
  return tape;
}

}  // namespace

std::shared_ptr<BacktestArgs> add_backtest_command(CLI::App& app) {
  auto args = std::make_shared<BacktestArgs>();
  args->universe = app::default_config().universe;
  auto* cmd = app.add_subcommand("backtest", "Replay a tape through the rule engine as fast as it can");
  cmd->add_option("--tape", args->tape, "NDJSON tape")->required()->check(CLI::ExistingFile);
  cmd->add_option("--rules", args->rules, "Rules file")->required();
  cmd->add_option("--json", args->json, "Also write the full result (every alert with its evidence) as JSON here");
  cmd->add_flag("--ndjson", args->ndjson, "Print every notification as a JSON line instead of the table");
  cmd->add_option("--universe", args->universe, "Reference data");
  return args;
}

int run_backtest(const BacktestArgs& args, std::ostream& out, std::ostream& err, bool show_progress) {
  auto universe = app::load_universe(args.universe);
  if (!universe) {
    err << universe.error().message << "\n";
    return 2;
  }
  if (auto diagnostics = rules::check_rules_file(args.rules, *universe); !diagnostics.empty()) {
    err << rules::format(diagnostics);
    return 1;
  }
  auto ruleset = rules::load_rules_file(args.rules, *universe);
  if (!ruleset) {
    err << ruleset.error().message << "\n";
    return 1;
  }
  ProgressLine progress(err, show_progress);
  const Tape tape = read_tape(args.tape, err, progress);
  rules::BacktestOptions options;
  options.progress_every = kProgressEvery;
  options.progress = [&](std::size_t done) {
    progress.update("replaying", done, "events", percent(done, tape.events.size()));
  };
  const auto result = rules::backtest(tape.events, *ruleset, *universe, TradingCalendar::shanghai(), options);
  progress.finish();

  if (!args.json.empty()) {
    std::ofstream file(args.json, std::ios::binary | std::ios::trunc);
    file << rules::to_json(result) << "\n";
    if (!file.flush()) {
      err << args.json << ": cannot write the result\n";
      return 2;
    }
  }
  if (args.ndjson) {
    for (const auto& alert : result.alerts) out << to_json(alert) << "\n";
  } else {
    out << format_report(result, *universe);
  }
  if (tape.bad > 0) err << args.tape << ": " << tape.bad << " lines skipped\n";
  return tape.bad == 0 ? 0 : 1;
}

}  // namespace lodestone::cli
