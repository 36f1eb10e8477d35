#pragma once
// Shared by the rules-file readers: typed access to YAML nodes that reports every mistake as a
// diagnostic at the node's position and carries on, so one run lists all the errors.
//   rules_file.cpp             the file as a whole: shape, definitions, rules, the headline matcher
//   parse_context.cpp          the readers of values: text, names, durations, thresholds, prices ...
//   parse_references.cpp       names of instruments, groups, keyword sets and tags, resolved
//   parse_definitions.cpp      settings, groups, keywords and taxonomy
//   parse_rule.cpp             one rule: severity, labels, lifecycle settings, message
//   parse_conditions.cpp       its trigger: move, speed, price (limit or level), volume, breadth
//   parse_headline_filter.cpp  its headline filter and what explains a move
//   default_message.cpp        the message of a rule that gives none
//   rule_hash.cpp              the configuration hash a reload compares
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hash.hpp"
#include "lodestone/core/instrument.hpp"
#include "lodestone/rules/diagnostic.hpp"
#include "lodestone/rules/rule_set.hpp"
#include "yaml_document.hpp"

namespace lodestone::rules::detail {

using yaml::Node;

// Text as a diagnostic quotes it: in single quotes, cut at 60 bytes.
inline std::string quoted(std::string_view s) { return "'" + std::string(s.substr(0, 60)) + "'"; }

class ParseContext {
 public:
  ParseContext(std::string_view file, const InstrumentRegistry& registry, RuleSet& out,
               std::vector<Diagnostic>& diagnostics)
      : file_(file), registry_(registry), out_(out), diagnostics_(diagnostics) {}

  void error(yaml::Position at, std::string message);
  void error(const Node& at, std::string message) { error(at.pos, std::move(message)); }

  // A mapping whose keys are all in `allowed` (unknown and repeated keys are reported).
  bool check_map(const Node& node, std::string_view what, std::initializer_list<std::string_view> allowed);
  // A mapping with free-form keys (names), checked for repeats.
  bool check_named_map(const Node& node, std::string_view what);
  bool check_sequence(const Node& node, std::string_view what);

  std::optional<std::string> text(const Node& node, std::string_view what);
  std::optional<std::string> name(const Node& node, std::string_view what);  // [A-Za-z0-9_.-]+
  std::optional<std::int64_t> duration(const Node& node, std::string_view what, std::int64_t min_ms,
                                       std::int64_t max_ms);
  std::optional<Threshold> threshold(const Node& node, std::string_view what);
  std::optional<Price> price(const Node& node, std::string_view what);
  std::optional<bool> boolean(const Node& node, std::string_view what);
  std::optional<std::int64_t> integer(const Node& node, std::string_view what, std::int64_t min, std::int64_t max);
  // Index of `node`'s text in `choices`, or a diagnostic listing them.
  std::optional<std::size_t> choice(const Node& node, std::string_view what,
                                    std::initializer_list<std::string_view> choices);
  std::optional<std::vector<std::string>> text_list(const Node& node, std::string_view what);

  // `all`, a group's name, a symbol, or a list of symbols and group names.
  std::optional<std::vector<Symbol>> symbols(const Node& node, std::string_view what, std::string* name = nullptr);
  std::optional<Symbol> symbol(const Node& node, std::string_view what);
  // Names of keyword sets / taxonomy tags, resolved to indexes.
  std::optional<std::vector<std::size_t>> keyword_sets(const Node& node, std::string_view what);
  std::optional<std::vector<std::size_t>> tags(const Node& node, std::string_view what);

  [[nodiscard]] const InstrumentRegistry& registry() const { return registry_; }
  [[nodiscard]] RuleSet& out() { return out_; }
  [[nodiscard]] std::size_t error_count() const { return diagnostics_.size(); }

 private:
  std::string_view file_;
  const InstrumentRegistry& registry_;
  RuleSet& out_;
  std::vector<Diagnostic>& diagnostics_;
};

// settings, groups, keywords and taxonomy, in that order: rules refer to them by name.
void parse_definitions(ParseContext& ctx, const Node& root);

// rules: one entry. Returns nothing when it had errors (already reported).
std::optional<Rule> parse_rule(ParseContext& ctx, const Node& node);

// A rule's trigger block: `node` is null when the rule has none.
struct TriggerBlock {
  const Node* node = nullptr;
  std::string key;  // move, speed, price, volume or breadth
};
// The trigger: at most one of the condition blocks, read into r.symbols and r.trigger when valid.
TriggerBlock parse_trigger(ParseContext& ctx, const Node& node, const std::string& what, Rule& r);

// headline: or explain: (`symbols_allowed` only for a headline rule without a trigger).
std::optional<HeadlineFilter> parse_filter(ParseContext& ctx, const Node& node, const std::string& what,
                                           bool symbols_allowed);

// The message of a rule whose file gives none.
std::string default_message(const Rule& r);

// A compact, position-free serialization of a node: equal text, equal behaviour.
void serialize(const Node& node, std::string& out);
// Adds to `h` what the rule means: its text and the definitions it names.
void hash_rule(const Node& node, const Rule& r, const RuleSet& rs, Fnv64& h);

}  // namespace lodestone::rules::detail
