#include "lodestone/feeds/symbol_mentions.hpp"

#include <algorithm>

namespace lodestone::feeds {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

SymbolMentions::SymbolMentions(const InstrumentRegistry& registry) {
  for (const auto& inst : registry.all()) {
    // Names of two characters or more: a single character would match everywhere.
    auto add_name = [&](const std::string& name) {
      if (name.size() >= 4) patterns_.push_back(Pattern{name, inst.symbol, false});
    };
    add_name(inst.name);
    for (const auto& alias : inst.aliases) add_name(alias);
    patterns_.push_back(Pattern{std::string(inst.symbol.code()), inst.symbol, true});
  }
  // Longer names first, so "中国稀土集团" is tried before "中国稀土".
  std::stable_sort(patterns_.begin(), patterns_.end(),
                   [](const Pattern& a, const Pattern& b) { return a.text.size() > b.text.size(); });
}

std::vector<Symbol> SymbolMentions::find(std::string_view text) const {
  std::vector<std::pair<std::size_t, Symbol>> hits;
  for (const auto& p : patterns_) {
    std::size_t pos = text.find(p.text);
    while (pos != std::string_view::npos) {
      const bool whole = !p.is_code || ((pos == 0 || !is_digit(text[pos - 1])) &&
                                        (pos + p.text.size() >= text.size() || !is_digit(text[pos + p.text.size()])));
      if (whole) {
        hits.emplace_back(pos, p.symbol);
        break;
      }
      pos = text.find(p.text, pos + 1);
    }
  }
  std::stable_sort(hits.begin(), hits.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<Symbol> out;
  for (const auto& [pos, symbol] : hits)
    if (std::find(out.begin(), out.end(), symbol) == out.end()) out.push_back(symbol);
  return out;
}

void SymbolMentions::attach(Headline& h) const {
  for (const auto& s : find(h.title + "\n" + h.body))
    if (std::find(h.symbols.begin(), h.symbols.end(), s) == h.symbols.end()) h.symbols.push_back(s);
}

}  // namespace lodestone::feeds
