#pragma once
// Which instruments a headline names: Chinese short names, aliases ("五矿稀土"), six-digit codes
// and canonical symbols, from the reference data.
//
// The rule, leftmost-longest: the text is read from the start; at each position the longest
// name, alias or code of the universe (or of MentionHints::other_names) that matches there wins
// and the scan carries on after it. So "稀土ETF嘉实(516150)" names 516150 only (not the
// shorter "稀土ETF" inside it), and a short alias never matches inside a longer name: "厦钨"
// inside "厦钨新能" (688778, not in the universe) is consumed by that other name, which names
// nothing. Besides:
// - a six-digit code counts only as a whole number (not inside a longer digit run);
// - a name shared by several instruments ("稀土ETF" is both 159713 and 516780) names none of
//   them on its own: the code next to it decides;
// - a phrase name (MentionHints::phrase_names, "中国稀土" = "China's rare earths") counts only
//   where the text treats it as a company: after "、" or before a list separator, a bracketed
//   code or a market word (涨, 跌, 跟, 领, 等, 股价, 公告, 盘中 ...). "对中国稀土的依赖" names
//   nothing; "北方稀土、中国稀土跟跌" names 000831.
#include <array>
#include <bitset>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "lodestone/core/events.hpp"
#include "lodestone/core/instrument.hpp"

namespace lodestone::feeds {

// What the reference data cannot say about Chinese text.
struct MentionHints {
  // Names of companies and bodies outside the universe that begin with (or contain) a universe
  // name or alias: matched like names, they name nothing, so the shorter name inside them does
  // not match either.
  std::vector<std::string> other_names;
  // Universe names that are also ordinary phrases: they count only in a market context.
  std::vector<std::string> phrase_names;

  // The hints for the rare-earth universe (deploy/universe.yaml); the reasons are in the source.
  static MentionHints rare_earth();
};

class SymbolMentions {
 public:
  explicit SymbolMentions(const InstrumentRegistry& registry, const MentionHints& hints = MentionHints::rare_earth());

  // Instruments named in `text`, in order of first mention, each once.
  [[nodiscard]] std::vector<Symbol> find(std::string_view text) const;

  // Adds the instruments named in the title and body to h.symbols (keeping those already there).
  void attach(Headline& h) const;

 private:
  enum class Kind : std::uint8_t { Name, Phrase, Code };
  struct Pattern {
    std::string text;
    std::optional<Symbol> symbol;  // none: another company's name, or a name several instruments share
    Kind kind = Kind::Name;
  };
  // The pattern that matches at `pos`, longest first, or nullptr.
  [[nodiscard]] const Pattern* match_at(std::string_view text, std::size_t pos) const;
  [[nodiscard]] const Pattern* first_match(const std::vector<std::uint16_t>& bucket, std::string_view text,
                                           std::size_t pos) const;

  std::vector<Pattern> patterns_;
  // Patterns by their first byte, longest first: a position tries only the few that can match.
  // Patterns by their first three bytes (a whole CJK character, or three digits of a code),
  // longest first; the few shorter than three bytes in `short_`. One lookup per position keeps
  // the scan from trying every Chinese name at every character (all share a handful of lead
  // bytes).
  std::unordered_map<std::uint32_t, std::vector<std::uint16_t>> by_prefix_;
  std::bitset<65536> may_start_;  // the first two bytes of some keyed pattern: most positions stop here
  std::vector<std::uint16_t> short_;
};

}  // namespace lodestone::feeds
