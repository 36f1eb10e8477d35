#include "lodestone/rules/threshold.hpp"

#include "lodestone/core/price.hpp"

namespace lodestone::rules {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

}  // namespace

std::string Threshold::str() const {
  std::string op;
  switch (comparison) {
    case Comparison::AtLeast:
      op = ">=";
      break;
    case Comparison::Above:
      op = ">";
      break;
    case Comparison::AtMost:
      op = "<=";
      break;
    case Comparison::Below:
      op = "<";
      break;
    case Comparison::AbsAtLeast:
      op = "abs >=";
      break;
    case Comparison::AbsAbove:
      op = "abs >";
      break;
  }
  return op + " " + format_centipct(hundredths);
}

Result<Threshold> parse_threshold(std::string_view text) {
  const std::string expected = "expected a comparison and a number such as \">= 2.0\", \"<= -3.0\" or \"abs >= 1.5\"";
  auto fail = [&](std::string why) {
    return make_error(ErrorCode::bad_field,
                      "bad threshold '" + std::string(text.substr(0, 40)) + "': " + why + "; " + expected);
  };
  std::string_view s = trim(text);
  bool absolute = false;
  if (starts_with(s, "abs")) {
    absolute = true;
    s = trim(s.substr(3));
  }
  Threshold t;
  if (starts_with(s, ">=")) {
    t.comparison = absolute ? Comparison::AbsAtLeast : Comparison::AtLeast;
    s.remove_prefix(2);
  } else if (starts_with(s, "<=")) {
    if (absolute) return fail("'abs' takes > or >=");
    t.comparison = Comparison::AtMost;
    s.remove_prefix(2);
  } else if (starts_with(s, ">")) {
    t.comparison = absolute ? Comparison::AbsAbove : Comparison::Above;
    s.remove_prefix(1);
  } else if (starts_with(s, "<")) {
    if (absolute) return fail("'abs' takes > or >=");
    t.comparison = Comparison::Below;
    s.remove_prefix(1);
  } else {
    return fail("no comparison");
  }
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
