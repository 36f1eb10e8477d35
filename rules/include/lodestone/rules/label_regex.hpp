#pragma once
// The regexes people write against alert labels (silences over the API, notification routes in
// the configuration) compile with libstdc++'s std::regex, which a careless or hostile pattern can
// turn against the daemon. Refused before compiling, each with its reason:
// - counted repetitions whose product passes 1,000: the automaton holds one state per repeated
//   item, and `(a{999}){999}` takes minutes and gigabytes to build;
// - a back-reference (`\1`): it forces backtracking, exponential on some patterns, and its number
//   is read into a `long` that a long enough run of digits overflows (undefined behaviour; the
//   fuzzer found it);
// - a pattern over 512 bytes: the compiler descends one level per group, and deep nesting
//   exhausts the stack.
// What passes is compiled to match in polynomial time (libstdc++'s `__polynomial`: the automaton
// is walked breadth-first instead of backtracking), which refusing back-references allows; RE2,
// Alertmanager's engine, refuses them too.
#include <cstddef>
#include <memory>
#include <regex>
#include <string_view>

#include "lodestone/core/result.hpp"

namespace lodestone::rules {

inline constexpr std::size_t kMaxLabelRegexBytes = 512;
inline constexpr std::size_t kMaxLabelRegexRepetition = 1'000;

// Why `pattern` is refused (ErrorCode::bad_field), before anything is compiled.
Status check_label_regex(std::string_view pattern);

// Checked, then compiled anchored (regex_match), ECMAScript, polynomial-time; a syntax error is
// "invalid regex: " and std::regex's reason.
Result<std::shared_ptr<const std::regex>> compile_label_regex(std::string_view pattern);

}  // namespace lodestone::rules
