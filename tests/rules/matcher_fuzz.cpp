// A silence's matchers arrive over the API (POST /api/v1/silences, any trader) and a route's in
// the configuration: any text gives a matcher or an error, never a crash, undefined behaviour
// or a stall; a regex that compiles matches in polynomial time (rules/label_regex.hpp), so the
// labels below, long ones included, are cheap to try.
#include <cstdint>
#include <cstdlib>
#include <map>
#include <string>
#include <string_view>

#include "lodestone/rules/label_regex.hpp"
#include "lodestone/rules/silence.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto matcher = lodestone::rules::parse_matcher(text);
  if (!matcher) {
    if (matcher.error().message.empty()) std::abort();  // an error always says what was wrong
    return 0;
  }
  const bool regex =
      matcher->op == lodestone::rules::Matcher::Op::Regex || matcher->op == lodestone::rules::Matcher::Op::NotRegex;
  if (regex != (matcher->regex != nullptr)) std::abort();
  if (regex && !lodestone::rules::check_label_regex(matcher->value)) std::abort();
  const std::map<std::string, std::string> labels{{matcher->label, std::string(200, 'a') + "b"},
                                                  {"symbol", "600111.SH"}};
  (void)matcher->matches(labels);
  (void)matcher->matches({});
  // What str() prints parses back to the same matcher.
  auto again = lodestone::rules::parse_matcher(matcher->str());
  if (!again || again->str() != matcher->str()) std::abort();
  return 0;
}
