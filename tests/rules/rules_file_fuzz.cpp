// libFuzzer target: arbitrary bytes as a rules file. The parser must answer with rules or with
// diagnostics (never both, never neither, never a crash or an exception), and whatever rules it
// accepts must run: a few synthetic events go through an engine with them.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "lodestone/rules/engine.hpp"
#include "lodestone/rules/parser.hpp"
#include "universe.hpp"

namespace {

using namespace lodestone;
using lodestone::rules::testing::at;

void check(bool ok) {
  if (!ok) std::abort();
}

void exercise(const std::shared_ptr<const rules::RuleSet>& rules, const InstrumentRegistry& registry) {
  rules::Engine engine(registry, TradingCalendar::shanghai());
  engine.set_rules(rules);
  using rules::testing::headline;
  using rules::testing::quote;
  const char* symbols[] = {"159713.SZ", "600392.SH", "930598.CSI", "000300.SH"};
  const char* prices[][3] = {{"1.000", "1.040", "0.960"},
                             {"10.00", "11.00", "10.50"},
                             {"2000.00", "2080.00", "1990.00"},
                             {"4000.00", "4010.00", "3990.00"}};
  for (int step = 0; step < 3; ++step) {
    for (int s = 0; s < 4; ++s) {
      Quote q = quote(symbols[s], at(2, 9, 10, step * 10), prices[s][step], prices[s][0]);
      q.volume = 1000 * (step + 1);
      for (const auto& a : engine.on_quote(q)) check(!a.id.empty());
    }
    for (const auto& a : engine.on_headline(headline("h" + std::to_string(step), at(2, 9, 10, step * 10 + 1),
                                                     "稀土出口管制 export control 配额 南鸟岛 稀土ETF")))
      check(!a.id.empty());
  }
  check(engine.advance(at(2, 10, 15, 0)).size() < 100'000);
  check(engine.firing().empty());  // everything that fired on 02-09 has resolved by the next close
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const InstrumentRegistry registry = rules::testing::universe();
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto outcome = rules::compile_rules(text, "fuzz.yaml", registry);
  check(static_cast<bool>(outcome.rules) != !outcome.diagnostics.empty());
  for (const auto& d : outcome.diagnostics) {
    check(d.line >= 0 && d.column >= 0 && !d.message.empty());
    check(!rules::format(d).empty());
  }
  if (outcome.rules) exercise(outcome.rules, registry);
  return 0;
}
