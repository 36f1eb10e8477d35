#include "lodestone/rules/threshold.hpp"

#include <algorithm>
#include <iterator>
#include <optional>

#include "enum_words.hpp"
#include "lodestone/core/price.hpp"

namespace lodestone::rules {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

// How str() writes each comparison.
constexpr std::array<std::string_view, 6> kOperators = {">=", ">", "<=", "<", "abs >=", "abs >"};
static_assert(kOperators.size() == static_cast<std::size_t>(Comparison::AbsAbove) + 1);

}  // namespace

std::string Threshold::str() const {
  return std::string(detail::word_of(comparison, kOperators, "")) + " " + format_centipct(hundredths);
}

Result<Threshold> parse_threshold(std::string_view text) {
  const std::string expected = "expected a comparison and a number such as \">= 2.0\", \"<= -3.0\" or \"abs >= 1.5\"";
  auto fail = [&](const std::string& why) {
    return make_error(ErrorCode::bad_field,
                      "bad threshold '" + std::string(text.substr(0, 40)) + "': " + why + "; " + expected);
  };
  std::string_view s = trim(text);
  bool absolute = false;
  if (starts_with(s, "abs")) {
    absolute = true;
    s = trim(s.substr(3));
  }
  // Longest first: ">=" is not ">" followed by "=".
  struct Operator {
    std::string_view text;
    Comparison plain;
    std::optional<Comparison> absolute;  // after "abs", if it may follow
  };
  constexpr Operator kParsed[] = {{">=", Comparison::AtLeast, Comparison::AbsAtLeast},
                                  {"<=", Comparison::AtMost, std::nullopt},
                                  {">", Comparison::Above, Comparison::AbsAbove},
                                  {"<", Comparison::Below, std::nullopt}};
  const auto* op =
      std::find_if(std::begin(kParsed), std::end(kParsed), [&](const Operator& o) { return starts_with(s, o.text); });
  if (op == std::end(kParsed)) return fail("no comparison");
  if (absolute && !op->absolute) return fail("'abs' takes > or >=");
  Threshold t;
  t.comparison = absolute ? *op->absolute : op->plain;
  s.remove_prefix(op->text.size());
  s = trim(s);
  const auto dot = s.find('.');
  if (dot != std::string_view::npos && s.size() - dot - 1 > 2) return fail("at most two decimals");
  auto value = parse_centipct(s);
  if (!value) return fail("not a number");
  if (*value > 100'000 || *value < -100'000) return fail("out of range");
  if (absolute && *value < 0) return fail("'abs' needs a non-negative number");
  t.hundredths = *value;
  return t;
}

}  // namespace lodestone::rules
