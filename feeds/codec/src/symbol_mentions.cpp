#include "lodestone/feeds/symbol_mentions.hpp"

#include <algorithm>
#include <map>

namespace lodestone::feeds {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Continuation bytes of UTF-8 never start a match: the scan moves a whole character at a time.
constexpr std::size_t kPrefixBytes = 3;

std::uint32_t prefix_at(std::string_view text, std::size_t pos) {
  return static_cast<std::uint32_t>(static_cast<unsigned char>(text[pos])) << 16 |
         static_cast<std::uint32_t>(static_cast<unsigned char>(text[pos + 1])) << 8 |
         static_cast<std::uint32_t>(static_cast<unsigned char>(text[pos + 2]));
}

bool is_continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// What may follow a phrase name for it to be read as a company: a list, a bracketed code, or a
// word about its shares. Each starts the text after the name.
constexpr std::string_view kCompanyContextAfter[] = {
    "、",   "(",    "（",   "涨",   "跌",   "跟",   "领",   "等",   "股价",
    "股份", "公告", "盘中", "早盘", "午后", "尾盘", "封板", "拉升",
};

bool starts_with(std::string_view text, std::size_t pos, std::string_view word) {
  return text.size() - pos >= word.size() && text.compare(pos, word.size(), word) == 0;
}

bool company_context(std::string_view text, std::size_t begin, std::size_t end) {
  constexpr std::string_view kListMark = "、";
  if (begin >= kListMark.size() && text.compare(begin - kListMark.size(), kListMark.size(), kListMark) == 0)
    return true;
  return std::any_of(std::begin(kCompanyContextAfter), std::end(kCompanyContextAfter),
                     [&](std::string_view w) { return starts_with(text, end, w); });
}

}  // namespace

MentionHints MentionHints::rare_earth() {
  MentionHints h;
  h.other_names = {
      "厦钨新能",          // 688778.SH, Xiamen Tungsten's battery-materials arm: not 厦门钨业 (alias 厦钨)
      "中铝国际",          // 601068.SH, engineering: not 中国铝业 (alias 中铝)
      "中铝集团",          // Chinalco, 中国铝业's unlisted parent
      "中国铝业集团",      // the same, in full
      "中国稀土集团",      // China Rare Earth Group, 中国稀土's unlisted parent
      "中国稀土学会",      // the Chinese Society of Rare Earths
      "中国稀土行业协会",  // the Association of China Rare Earth Industry
  };
  // "中国稀土" reads as "China's rare earths" far more often than as 000831.
  h.phrase_names = {"中国稀土"};
  return h;
}

SymbolMentions::SymbolMentions(const InstrumentRegistry& registry, const MentionHints& hints) {
  // Each text once, with every instrument it names: a text two instruments share names none.
  struct Entry {
    std::vector<Symbol> symbols;
    Kind kind = Kind::Name;
    bool other = false;
  };
  std::map<std::string, Entry> entries;
  auto add = [&](const std::string& text, const Symbol& symbol, Kind kind) {
    Entry& e = entries[text];
    e.kind = kind;
    if (std::find(e.symbols.begin(), e.symbols.end(), symbol) == e.symbols.end()) e.symbols.push_back(symbol);
  };
  for (const auto& inst : registry.all()) {
    // Names of two characters or more: a single character would match everywhere.
    auto add_name = [&](const std::string& name) {
      if (name.size() >= 4) add(name, inst.symbol, Kind::Name);
    };
    add_name(inst.name);
    for (const auto& alias : inst.aliases) add_name(alias);
    add(std::string(inst.symbol.code()), inst.symbol, Kind::Code);
  }
  for (const auto& name : hints.other_names)
    if (!name.empty() && !entries.contains(name)) entries[name].other = true;
  for (const auto& name : hints.phrase_names)
    if (auto it = entries.find(name); it != entries.end() && it->second.kind == Kind::Name)
      it->second.kind = Kind::Phrase;

  for (auto& [text, e] : entries) {
    Pattern p{text, std::nullopt, e.kind};
    if (!e.other && e.symbols.size() == 1) p.symbol = e.symbols.front();
    patterns_.push_back(std::move(p));
  }
  for (std::size_t i = 0; i < patterns_.size(); ++i) {
    const std::string& text = patterns_[i].text;
    if (text.size() < kPrefixBytes) {
      short_.push_back(static_cast<std::uint16_t>(i));
      continue;
    }
    may_start_.set(prefix_at(text, 0) >> 8);
    by_prefix_[prefix_at(text, 0)].push_back(static_cast<std::uint16_t>(i));
  }
  auto longest_first = [&](std::uint16_t a, std::uint16_t b) {
    return patterns_[a].text.size() > patterns_[b].text.size();
  };
  for (auto& [prefix, bucket] : by_prefix_) std::stable_sort(bucket.begin(), bucket.end(), longest_first);
  std::stable_sort(short_.begin(), short_.end(), longest_first);
}

const SymbolMentions::Pattern* SymbolMentions::match_at(std::string_view text, std::size_t pos) const {
  if (pos + kPrefixBytes <= text.size() && may_start_.test(prefix_at(text, pos) >> 8)) {
    if (auto it = by_prefix_.find(prefix_at(text, pos)); it != by_prefix_.end())
      if (const Pattern* p = first_match(it->second, text, pos)) return p;
  }
  // Every keyed pattern is at least kPrefixBytes long, so longer than these: longest still wins.
  return first_match(short_, text, pos);
}

const SymbolMentions::Pattern* SymbolMentions::first_match(const std::vector<std::uint16_t>& bucket,
                                                           std::string_view text, std::size_t pos) const {
  for (const std::uint16_t i : bucket) {
    const Pattern& p = patterns_[i];
    if (!starts_with(text, pos, p.text)) continue;
    const std::size_t end = pos + p.text.size();
    switch (p.kind) {
      case Kind::Name:
        return &p;
      case Kind::Phrase:
        if (company_context(text, pos, end)) return &p;
        break;  // an ordinary phrase here: a shorter name may still match
      case Kind::Code:
        if ((pos == 0 || !is_digit(text[pos - 1])) && (end >= text.size() || !is_digit(text[end]))) return &p;
        break;
    }
  }
  return nullptr;
}

std::vector<Symbol> SymbolMentions::find(std::string_view text) const {
  std::vector<Symbol> out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    if (const Pattern* p = match_at(text, pos)) {
      if (p->symbol && std::find(out.begin(), out.end(), *p->symbol) == out.end()) out.push_back(*p->symbol);
      pos += p->text.size();
      continue;
    }
    // Inside a digit run no code can start: skip the run whole.
    if (is_digit(text[pos])) {
      while (pos < text.size() && is_digit(text[pos])) ++pos;
      continue;
    }
    ++pos;
    while (pos < text.size() && is_continuation(text[pos])) ++pos;
  }
  return out;
}

void SymbolMentions::attach(Headline& h) const {
  for (const auto& s : find(h.title + "\n" + h.body))
    if (std::find(h.symbols.begin(), h.symbols.end(), s) == h.symbols.end()) h.symbols.push_back(s);
}

}  // namespace lodestone::feeds
