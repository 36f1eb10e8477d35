#include "lodestone/rules/rule_set.hpp"

#include <algorithm>

#include "enum_words.hpp"
#include "lodestone/feeds/symbol_mentions.hpp"

namespace lodestone::rules {

namespace {

using detail::word_of;

// As the rules file and the alert labels write them.
constexpr std::array<std::string_view, 4> kDirections = {"neutral", "supportive", "adverse", "mixed"};
constexpr std::array<std::string_view, 3> kReferences = {"window", "prev_close", "open"};
constexpr std::array<std::string_view, 4> kFrequencies = {"every_time", "once", "once_per_day", "once_per_interval"};
constexpr std::array<std::string_view, 4> kSessions = {"any", "trading_hours", "continuous", "opening_call"};
static_assert(kDirections.size() == static_cast<std::size_t>(Direction::Mixed) + 1);
static_assert(kReferences.size() == static_cast<std::size_t>(Reference::Open) + 1);
static_assert(kFrequencies.size() == static_cast<std::size_t>(Frequency::OncePerInterval) + 1);
static_assert(kSessions.size() == static_cast<std::size_t>(Session::OpeningCall) + 1);

}  // namespace

std::string_view to_string(Direction d) { return word_of(d, kDirections); }
std::string_view to_string(Reference r) { return word_of(r, kReferences); }
std::string_view to_string(Frequency f) { return word_of(f, kFrequencies); }
std::string_view to_string(Session s) { return word_of(s, kSessions); }

bool HeadlineMatch::has_set(std::size_t i) const {
  return std::binary_search(keyword_sets.begin(), keyword_sets.end(), i);
}
bool HeadlineMatch::has_tag(std::size_t i) const {
  return std::binary_search(tag_indexes.begin(), tag_indexes.end(), i);
}
bool HeadlineMatch::mentions(const Symbol& s) const {
  return std::find(mentioned.begin(), mentioned.end(), s) != mentioned.end();
}

const Rule* RuleSet::find_rule(std::string_view name) const {
  for (const auto& r : rules)
    if (r.name == name) return &r;
  return nullptr;
}

std::optional<std::size_t> RuleSet::rule_index(std::string_view name) const {
  for (std::size_t i = 0; i < rules.size(); ++i)
    if (rules[i].name == name) return i;
  return std::nullopt;
}

HeadlineMatch RuleSet::classify(const Headline& headline) const {
  HeadlineMatch m;
  std::vector<std::pair<std::size_t, std::size_t>> terms;  // (keyword set, term) that matched
  for (const std::string* text : {&headline.title, &headline.body}) {
    matcher.for_each_match(*text, [&](std::uint32_t id, std::size_t /*end*/) {
      const Pattern& p = patterns[id];
      switch (p.kind) {
        case Pattern::Kind::KeywordTerm:
          m.keyword_sets.push_back(p.index);
          terms.emplace_back(p.index, p.term);
          break;
        case Pattern::Kind::TagTerm:
          m.tag_indexes.push_back(p.index);
          break;
      }
    });
    if (mentions)
      for (const auto& s : mentions->find(*text))
        if (!m.mentions(s)) m.mentioned.push_back(s);
  }
  for (const auto& s : headline.symbols)
    if (!m.mentions(s)) m.mentioned.push_back(s);
  std::sort(m.keyword_sets.begin(), m.keyword_sets.end());
  m.keyword_sets.erase(std::unique(m.keyword_sets.begin(), m.keyword_sets.end()), m.keyword_sets.end());
  std::sort(terms.begin(), terms.end());
  for (const auto& [set, term] : terms) {
    const std::string& t = keyword_sets[set].terms[term];
    if (std::find(m.keywords.begin(), m.keywords.end(), t) == m.keywords.end()) m.keywords.push_back(t);
  }
  for (std::size_t t = 0; t < taxonomy.size(); ++t)
    for (std::size_t set : taxonomy[t].keyword_sets)
      if (m.has_set(set)) m.tag_indexes.push_back(t);
  std::sort(m.tag_indexes.begin(), m.tag_indexes.end());
  m.tag_indexes.erase(std::unique(m.tag_indexes.begin(), m.tag_indexes.end()), m.tag_indexes.end());
  bool supportive = false;
  bool adverse = false;
  for (std::size_t t : m.tag_indexes) {
    m.tags.push_back(taxonomy[t].name);
    supportive |= taxonomy[t].direction == Direction::Supportive;
    adverse |= taxonomy[t].direction == Direction::Adverse;
  }
  m.direction = supportive && adverse ? Direction::Mixed
                : supportive          ? Direction::Supportive
                : adverse             ? Direction::Adverse
                                      : Direction::None;
  return m;
}

bool RuleSet::accepts(const HeadlineFilter& f, const Headline& headline, const HeadlineMatch& match,
                      const Symbol* symbol) const {
  if (!f.any_keywords.empty() &&
      std::none_of(f.any_keywords.begin(), f.any_keywords.end(), [&](auto s) { return match.has_set(s); }))
    return false;
  if (!std::all_of(f.all_keywords.begin(), f.all_keywords.end(), [&](auto s) { return match.has_set(s); }))
    return false;
  if (std::any_of(f.exclude_keywords.begin(), f.exclude_keywords.end(), [&](auto s) { return match.has_set(s); }))
    return false;
  if (!f.any_tags.empty() &&
      std::none_of(f.any_tags.begin(), f.any_tags.end(), [&](auto t) { return match.has_tag(t); }))
    return false;
  if (f.direction && match.direction != *f.direction) return false;
  if (!f.sources.empty() && std::find(f.sources.begin(), f.sources.end(), headline.source) == f.sources.end())
    return false;
  if (std::find(f.exclude_sources.begin(), f.exclude_sources.end(), headline.source) != f.exclude_sources.end())
    return false;
  if (!f.symbols.empty() &&
      std::none_of(f.symbols.begin(), f.symbols.end(), [&](const Symbol& s) { return match.mentions(s); }))
    return false;
  if (f.mentions && symbol && !match.mentions(*symbol)) return false;
  return true;
}

}  // namespace lodestone::rules
