#include "lodestone/rules/label_regex.hpp"

#include <algorithm>
#include <cstdint>
#include <string>

namespace lodestone::rules {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// The product of the counted repetitions' largest bounds, capped just past the limit. A `{` whose
// digits run to the end of the pattern counts too: std::regex reads the number before it finds
// the brace missing.
std::uint64_t repetition_product(std::string_view pattern) {
  constexpr std::uint64_t kPast = kMaxLabelRegexRepetition + 1;
  std::uint64_t product = 1;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '\\') {
      ++i;  // an escaped character, `\{` included
      continue;
    }
    if (pattern[i] != '{') continue;
    std::uint64_t largest = 0;
    std::uint64_t number = 0;
    for (std::size_t k = i + 1; k < pattern.size() && (is_digit(pattern[k]) || pattern[k] == ','); ++k) {
      if (pattern[k] == ',') {
        number = 0;
        continue;
      }
      number = std::min<std::uint64_t>(number * 10 + static_cast<std::uint64_t>(pattern[k] - '0'), kPast);
      largest = std::max(largest, number);
    }
    if (largest > 1) product = std::min(product * largest, kPast);
  }
  return product;
}

bool has_back_reference(std::string_view pattern) {
  for (std::size_t i = 0; i + 1 < pattern.size(); ++i) {
    if (pattern[i] != '\\') continue;
    if (pattern[i + 1] >= '1' && pattern[i + 1] <= '9') return true;
    ++i;  // `\\1` is a backslash, then 1
  }
  return false;
}

}  // namespace

Status check_label_regex(std::string_view pattern) {
  if (pattern.size() > kMaxLabelRegexBytes)
    return make_error(ErrorCode::bad_field, "a label regex is at most " + std::to_string(kMaxLabelRegexBytes) +
                                                " bytes (this one is " + std::to_string(pattern.size()) + ")");
  if (has_back_reference(pattern))
    return make_error(ErrorCode::bad_field, "back-references (\\1 ...) are not supported, as in Alertmanager's RE2");
  if (repetition_product(pattern) > kMaxLabelRegexRepetition)
    return make_error(ErrorCode::bad_field,
                      "counted repetitions ({n}) multiply past 1000; a label regex needs far fewer");
  return {};
}

Result<std::shared_ptr<const std::regex>> compile_label_regex(std::string_view pattern) {
  if (auto st = check_label_regex(pattern); !st) return st.error();
  try {
    return std::make_shared<const std::regex>(pattern.begin(), pattern.end(),
                                              std::regex::ECMAScript | std::regex_constants::__polynomial);
  } catch (const std::regex_error& e) {
    return make_error(ErrorCode::bad_field, std::string("invalid regex: ") + e.what());
  }
}

}  // namespace lodestone::rules
