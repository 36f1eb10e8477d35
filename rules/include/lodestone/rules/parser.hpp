#pragma once
// Reading rules files. Every problem is reported at once, each as file:line:column with what
// was expected, the way promtool checks Prometheus rules: unknown keys, bad durations,
// thresholds and prices, unknown symbols, groups, keyword sets, tags and rule names.
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "lodestone/core/instrument.hpp"
#include "lodestone/core/result.hpp"
#include "lodestone/rules/diagnostic.hpp"
#include "lodestone/rules/rule_set.hpp"

namespace lodestone::rules {

struct CompileOutcome {
  std::shared_ptr<const RuleSet> rules;  // null when there are diagnostics
  std::vector<Diagnostic> diagnostics;   // file order
};

// The whole pipeline: YAML, schema, references, keyword automaton. Symbols must be in
// `registry`; mentions of the registry's instruments in headlines are compiled in.
CompileOutcome compile_rules(std::string_view yaml_text, std::string_view file_name,
                             const InstrumentRegistry& registry);

// The rule set, or an Error whose message is every diagnostic, one per line.
Result<std::shared_ptr<const RuleSet>> parse_rules(std::string_view yaml_text, std::string_view file_name,
                                                   const InstrumentRegistry& registry);
Result<std::shared_ptr<const RuleSet>> load_rules_file(const std::string& path, const InstrumentRegistry& registry);

// Empty when the text is a valid rules file (`lodestone check-rules` exits 0).
std::vector<Diagnostic> check_rules(std::string_view yaml_text, std::string_view file_name,
                                    const InstrumentRegistry& registry);
// A file that cannot be read is one diagnostic without a position.
std::vector<Diagnostic> check_rules_file(const std::string& path, const InstrumentRegistry& registry);

}  // namespace lodestone::rules
