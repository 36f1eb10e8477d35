#pragma once
// A compiled rules file: what parse_rules() produces and the Engine runs. Immutable once built
// and shared (std::shared_ptr<const RuleSet>), so a reload swaps one pointer.
//
// The language (see rules/packs/README.md for the full reference):
//   settings:  allowed_lateness, explain_within, resolve_after, session
//   groups:    name -> [symbols]
//   keywords:  name -> [terms]              matched as substrings, ASCII case-insensitive
//   taxonomy:  tag -> {keywords: [sets], terms: [...], direction: supportive|adverse|neutral}
//   rules:     - name, severity, one trigger (move | speed | price | volume | breadth) and/or a
//                headline filter, within, cooldown, frequency, expires, session, message, ...
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "lodestone/core/events.hpp"
#include "lodestone/core/price.hpp"
#include "lodestone/core/symbol.hpp"
#include "lodestone/core/time.hpp"
#include "lodestone/rules/keyword_matcher.hpp"
#include "lodestone/rules/message_template.hpp"
#include "lodestone/rules/threshold.hpp"

namespace lodestone::feeds {
class SymbolMentions;
}

namespace lodestone::rules {

// What a headline means for Chinese rare-earth equities, where the taxonomy knows.
enum class Direction : std::uint8_t { None, Supportive, Adverse, Mixed };
std::string_view to_string(Direction d);

struct KeywordSet {
  std::string name;
  std::vector<std::string> terms;
};

struct Tag {
  std::string name;
  Direction direction = Direction::None;
  std::vector<std::size_t> keyword_sets;  // indexes into RuleSet::keyword_sets
  std::vector<std::string> terms;
  std::string description;
};

struct SymbolGroup {
  std::string name;
  std::vector<Symbol> symbols;
};

// Which headlines a rule listens to. Every part that is set must hold.
struct HeadlineFilter {
  std::vector<std::size_t> any_keywords;      // `keywords`: at least one of these sets matched
  std::vector<std::size_t> all_keywords;      // every one of these sets matched
  std::vector<std::size_t> exclude_keywords;  // none of these sets matched
  std::vector<std::size_t> any_tags;          // at least one of these taxonomy tags
  std::optional<Direction> direction;         // the headline's overall direction
  std::vector<std::string> sources;           // exact source names; empty: any
  std::vector<std::string> exclude_sources;
  std::vector<Symbol> symbols;  // headline-only rules: the headline must name one of these
  bool mentions = false;        // the headline must name the alert's symbol
};

enum class Reference : std::uint8_t { Window, PrevClose, Open };
std::string_view to_string(Reference r);

// Change in percent of the last price against a reference: the price `window` of trading time
// ago (sliding, across the lunch break and overnight), the previous close, or today's open.
struct MoveCondition {
  Reference reference = Reference::Window;
  std::int64_t window_ms = 0;         // trading time, when reference == Window
  std::optional<Threshold> change;    // change_pct
  std::optional<Threshold> abnormal;  // abnormal_pct: change minus the benchmark's change
  std::optional<Symbol> benchmark;    // overrides each instrument's own benchmark
  bool speed = false;                 // written as `speed:` (涨速, a 5-minute window by default)
};

enum class LimitSide : std::uint8_t { Up, Down, Either };
// Touched: the last price reached the limit. Sealed (封板): it stayed there for seal_for, or the
// book shows no one on the other side. Opened (开板): it left the limit after being sealed.
enum class LimitStage : std::uint8_t { Touched, Sealed, Opened };
struct LimitCondition {
  LimitSide side = LimitSide::Up;
  LimitStage stage = LimitStage::Touched;
  std::int64_t seal_ms = kMsPerMinute;  // trading time at the limit that counts as sealed
};

enum class LevelKind : std::uint8_t { Above, Below, Cross, BandEnter, BandExit, BandEither };
enum class CrossDirection : std::uint8_t { Up, Down, Either };
struct LevelCondition {
  LevelKind kind = LevelKind::Above;
  Price level;  // above / below / cross
  Price low;    // band
  Price high;
  CrossDirection direction = CrossDirection::Either;
};

// 放量: volume traded in the last `window` against the average per `window` over the
// `baseline` of trading time before it. Both lie within today's session: the opening auction
// and yesterday's trading are never compared, so a rule first speaks `window` plus half the
// `baseline` after the open (10:05 for 5m against 60m).
struct VolumeCondition {
  Threshold ratio;  // hundredths: ">= 3" is 300
  std::int64_t window_ms = 5 * kMsPerMinute;
  std::int64_t baseline_ms = 60 * kMsPerMinute;
};

// At least `min_count` of the rule's symbols satisfy `move` at the same time.
struct BreadthCondition {
  MoveCondition move;
  std::size_t min_count = 1;
};

using Trigger =
    std::variant<std::monostate, MoveCondition, LevelCondition, LimitCondition, VolumeCondition, BreadthCondition>;

// TradingView's vocabulary: every time, only once, once per trading day, or once per interval
// (aligned blocks of clock time in exchange time, like bars: 10:00-10:30, 10:30-11:00, ...).
enum class Frequency : std::uint8_t { EveryTime, Once, OncePerDay, OncePerInterval };
// OpeningCall: as Any, and the rule's trigger also reads the indicative quotes of 09:15-09:20
// (every other rule skips them).
enum class Session : std::uint8_t { Any, TradingHours, Continuous, OpeningCall };
std::string_view to_string(Frequency f);
std::string_view to_string(Session s);

struct Rule {
  std::string name;
  Severity severity = Severity::Warning;
  std::string description;
  std::map<std::string, std::string> labels;
  std::vector<Symbol> symbols;  // what the trigger watches (the group for breadth)
  std::string symbols_name;     // "all", a group's name, or empty for a written list
  Trigger trigger;
  std::optional<HeadlineFilter> headline;
  // Headline and trigger must fall within this much trading time of each other (either order);
  // for trigger-only rules, the window in which a headline explains the move.
  std::int64_t within_ms = 0;
  std::optional<HeadlineFilter> explain;  // which headlines explain a move; default: any tagged
                                          // headline or one naming the symbol
  bool unexplained_only = false;          // fire only once `within` passed with no explanation
  std::int64_t cooldown_ms = 0;           // clock time between firings for one symbol
  Frequency frequency = Frequency::EveryTime;
  std::int64_t interval_ms = 0;  // Frequency::OncePerInterval
  std::optional<Timestamp> expires;
  Session session = Session::Any;
  MessageTemplate message;
  std::int64_t group_wait_ms = 0;     // collect a burst of this rule's alerts into one
  std::vector<std::string> inhibits;  // rules muted for this rule's symbols while it fires
  std::int64_t repeat_ms = 0;         // re-notify a still-firing alert this often
  std::int64_t keep_firing_ms = 0;    // condition must be false this long before resolving
  std::int64_t resolve_after_ms = 0;  // headline-only and one-off (cross, opened) alerts
  int line = 0;                       // where the rule starts in its file
  std::uint64_t config_hash = 0;      // equal hashes: same behaviour (state survives a reload)

  [[nodiscard]] bool has_trigger() const { return !std::holds_alternative<std::monostate>(trigger); }
  [[nodiscard]] bool correlates() const { return headline.has_value() && has_trigger(); }
  [[nodiscard]] bool headline_only() const { return headline.has_value() && !has_trigger(); }
};

struct Settings {
  std::int64_t allowed_lateness_ms = 2 * kMsPerMinute;  // how late (event time) a headline may arrive
  std::int64_t explain_within_ms = 30 * kMsPerMinute;   // default `within` for trigger-only rules
  std::int64_t resolve_after_ms = 30 * kMsPerMinute;    // default `resolve_after`
  Session session = Session::Any;                       // default `session`
};

// What the rule set's keywords and taxonomy make of one headline.
struct HeadlineMatch {
  std::vector<std::size_t> keyword_sets;  // ascending
  std::vector<std::string> keywords;      // matched terms as written in the file, file order
  std::vector<std::size_t> tag_indexes;   // ascending
  std::vector<std::string> tags;          // tag names, taxonomy order
  Direction direction = Direction::None;
  std::vector<Symbol> mentioned;  // listed by the feed or named in the text (code, name, alias)

  [[nodiscard]] bool has_set(std::size_t i) const;
  [[nodiscard]] bool has_tag(std::size_t i) const;
  [[nodiscard]] bool mentions(const Symbol& s) const;
};

class RuleSet {
 public:
  std::string file_name;
  Settings settings;
  std::vector<KeywordSet> keyword_sets;
  std::vector<Tag> taxonomy;
  std::vector<SymbolGroup> groups;
  std::vector<Rule> rules;

  [[nodiscard]] const Rule* find_rule(std::string_view name) const;
  [[nodiscard]] std::optional<std::size_t> rule_index(std::string_view name) const;

  // Keyword sets, taxonomy tags and instrument mentions found in the title and body.
  [[nodiscard]] HeadlineMatch classify(const Headline& headline) const;
  // Whether `filter` accepts the headline (`symbol`: the alert's symbol, for `mentions`).
  [[nodiscard]] bool accepts(const HeadlineFilter& filter, const Headline& headline, const HeadlineMatch& match,
                             const Symbol* symbol) const;

  // Built by the parser: one automaton for every term, and what each pattern id means.
  struct Pattern {
    enum class Kind : std::uint8_t { KeywordTerm, TagTerm } kind = Kind::KeywordTerm;
    std::size_t index = 0;  // keyword set or tag
    std::size_t term = 0;   // term within the set or tag
  };
  KeywordMatcher matcher;
  std::vector<Pattern> patterns;
  // Instruments named in a headline: the feeds' finder (leftmost-longest, whole codes), so the
  // rules and the feeds never disagree on what a headline names.
  std::shared_ptr<const feeds::SymbolMentions> mentions;
};

}  // namespace lodestone::rules
