// Any bytes as headline text through the symbol finder, over a universe with the hard cases:
// a name two instruments share, short aliases, codes, a phrase name and other companies' names.
// Invariants: every mention is an instrument of the registry, named once, and its name, an
// alias or its code occurs in the text; the same text gives the same answer.
#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>

#include "lodestone/feeds/symbol_mentions.hpp"

namespace {

const lodestone::InstrumentRegistry& registry() {
  static const lodestone::InstrumentRegistry reg = [] {
    lodestone::InstrumentRegistry r;
    auto add = [&](const char* symbol, const char* name, std::vector<std::string> aliases) {
      auto i = lodestone::instrument_from_code(*lodestone::Symbol::parse(symbol), name);
      i.aliases = std::move(aliases);
      r.add(i);
    };
    add("159713.SZ", "稀土ETF", {"稀土ETF富国"});
    add("516780.SH", "稀土ETF", {});
    add("516150.SH", "稀土ETF嘉实", {"稀土基金"});
    add("600111.SH", "北方稀土", {"包钢稀土"});
    add("000831.SZ", "中国稀土", {"五矿稀土"});
    add("600549.SH", "厦门钨业", {"厦钨"});
    add("601600.SH", "中国铝业", {"中铝"});
    add("000300.SH", "沪深300", {"CSI 300"});
    return r;
  }();
  return reg;
}

bool occurs(std::string_view text, const lodestone::Instrument& i) {
  if (text.find(i.symbol.code()) != std::string_view::npos || text.find(i.name) != std::string_view::npos) return true;
  return std::any_of(i.aliases.begin(), i.aliases.end(),
                     [&](const std::string& a) { return text.find(a) != std::string_view::npos; });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const lodestone::feeds::SymbolMentions mentions(registry());
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto found = mentions.find(text);
  for (std::size_t i = 0; i < found.size(); ++i) {
    const lodestone::Instrument* inst = registry().find(found[i]);
    if (inst == nullptr || !occurs(text, *inst)) __builtin_trap();
    if (std::find(found.begin() + static_cast<std::ptrdiff_t>(i) + 1, found.end(), found[i]) != found.end())
      __builtin_trap();
  }
  if (mentions.find(text) != found) __builtin_trap();
  return 0;
}
