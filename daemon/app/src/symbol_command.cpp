#include "lodestone/app/symbol_command.hpp"

#include <CLI/CLI.hpp>
#include <filesystem>
#include <iostream>
#include <optional>

#include "lodestone/app/config.hpp"
#include "lodestone/app/symbol_report.hpp"
#include "lodestone/app/universe.hpp"
#include "lodestone/core/clock.hpp"

namespace lodestone::app {
namespace {

constexpr int kUsageError = 2;

// The reference data to take names, ST flags and listing dates from: --universe, else the one
// --config names, else the bundled deploy/universe.yaml when it is there (none is fine).
Result<std::optional<InstrumentRegistry>> reference_data(const SymbolQuery& q) {
  std::string path = q.universe;
  if (!q.universe_given && !q.config.empty()) {
    auto config = load_config(q.config);
    if (!config) return config.error();
    path = config->universe;
  } else if (!q.universe_given) {
    path = default_config().universe;
    if (!std::filesystem::exists(path)) return std::optional<InstrumentRegistry>();
  }
  auto registry = load_universe(path);
  if (!registry) return registry.error();
  return std::optional<InstrumentRegistry>(std::move(*registry));
}

}  // namespace

int run_symbol_command(const SymbolQuery& q, const Clock& clock, std::ostream& out, std::ostream& err) {
  // Everything is checked before anything is printed: a script sees all of it or an error.
  Date day = exchange_date(clock.now());
  if (!q.date.empty()) {
    auto d = parse_date(q.date);
    if (!d) {
      err << "lodestone symbol: --date '" << q.date << "': " << d.error().message << "\n";
      return kUsageError;
    }
    day = *d;
  }
  std::optional<Price> prev_close;
  if (!q.prev_close.empty()) {
    auto p = Price::parse(q.prev_close);
    if (!p || !p->positive()) {
      err << "lodestone symbol: --prev-close '" << q.prev_close << "' must be a positive price, like 40.00\n";
      return kUsageError;
    }
    prev_close = *p;
  }
  std::vector<Symbol> symbols;
  bool bad = false;
  for (const auto& code : q.codes) {
    auto s = Symbol::parse(code);
    if (!s) {
      err << "lodestone symbol: " << s.error().message << "\n";
      bad = true;
      continue;
    }
    symbols.push_back(*s);
  }
  if (bad) return kUsageError;
  auto registry = reference_data(q);
  if (!registry) {
    err << "lodestone symbol: " << registry.error().message << "\n";
    return kUsageError;
  }
  const InstrumentRegistry* known = registry->has_value() ? &**registry : nullptr;
  for (std::size_t i = 0; i < symbols.size(); ++i) {
    const SymbolReport r = describe(q.codes[i], symbols[i], known, day, prev_close);
    out << (q.json ? to_json(r) : to_text(r)) << "\n";
  }
  return 0;
}

SymbolCommand::SymbolCommand(CLI::App& cli) {
  command_ = cli.add_subcommand("symbol", "How Lodestone reads a code: symbol, exchange, board, tick, price limits");
  command_->add_option("code", query_.codes, "Codes in any form: 920118, bj920118, 0.920118, 159713.XSHE, 2.930598")
      ->required();
  command_->add_option("--date", query_.date, "Trading day for the price band (default: today, exchange time)");
  command_->add_option("--prev-close", query_.prev_close, "Previous close: also print the limit prices");
  command_->add_flag("--json", query_.json, "One JSON object per code and line");
  universe_ = command_->add_option("--universe", query_.universe,
                                   "Reference data for names, ST flags and listing dates "
                                   "(default: the bundled deploy/universe.yaml)");
  command_->add_option("--config", query_.config, "Take the reference data this configuration names")
      ->excludes(universe_);
}

bool SymbolCommand::chosen() const { return command_->parsed(); }

int SymbolCommand::run() const {
  SymbolQuery q = query_;
  q.universe_given = universe_->count() > 0;
  return run_symbol_command(q, system_clock(), std::cout, std::cerr);
}

}  // namespace lodestone::app
