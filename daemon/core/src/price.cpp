#include "lodestone/core/price.hpp"

#include <cstdlib>
#include <limits>

namespace lodestone {
namespace {

constexpr std::int64_t kMaxUnits = std::numeric_limits<std::int64_t>::max() / 100;

// Parses [-]digits[.digits] into an integer scaled by 10^decimals, rounding half-up beyond.
Result<std::int64_t> parse_scaled(std::string_view text, int decimals, std::string_view what) {
  auto fail = [&](std::string_view why) {
    return make_error(ErrorCode::bad_price,
                      std::string(what) + " '" + std::string(text.substr(0, 32)) + "': " + std::string(why));
  };
  if (text.empty()) return fail("empty");
  std::size_t i = 0;
  bool negative = false;
  if (text[0] == '-' || text[0] == '+') {
    negative = text[0] == '-';
    i = 1;
  }
  std::int64_t whole = 0;
  std::size_t int_digits = 0;
  for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i, ++int_digits) {
    whole = whole * 10 + (text[i] - '0');
    if (whole > kMaxUnits) return fail("out of range");
  }
  std::int64_t frac = 0;
  int frac_digits = 0;
  bool round_up = false;
  if (i < text.size() && text[i] == '.') {
    ++i;
    std::size_t start = i;
    for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
      if (frac_digits < decimals) {
        frac = frac * 10 + (text[i] - '0');
        ++frac_digits;
      } else if (i == start + static_cast<std::size_t>(decimals)) {
        round_up = text[i] >= '5';
      }
    }
    if (i == start && int_digits == 0) return fail("no digits");
  } else if (int_digits == 0) {
    return fail("not a number");
  }
  if (i != text.size()) return fail("unexpected character");
  std::int64_t scale = 1;
  for (int d = 0; d < decimals; ++d) scale *= 10;
  for (; frac_digits < decimals; ++frac_digits) frac *= 10;
  if (whole > kMaxUnits / scale) return fail("out of range");
  std::int64_t value = whole * scale + frac + (round_up ? 1 : 0);
  return negative ? -value : value;
}

}  // namespace

Result<Price> Price::parse(std::string_view text) {
  auto v = parse_scaled(text, kDecimals, "price");
  if (!v) return v.error();
  return Price(*v);
}

std::string Price::format(int min_decimals) const {
  std::int64_t v = units_;
  std::string out;
  if (v < 0) {
    out.push_back('-');
    v = -v;
  }
  out += std::to_string(v / kScale);
  std::int64_t frac = v % kScale;
  char digits[kDecimals];
  for (int d = kDecimals - 1; d >= 0; --d) {
    digits[d] = static_cast<char>('0' + frac % 10);
    frac /= 10;
  }
  int last = kDecimals;
  while (last > min_decimals && digits[last - 1] == '0') --last;
  if (last > 0) {
    out.push_back('.');
    out.append(digits, static_cast<std::size_t>(last));
  }
  return out;
}

std::int64_t change_centipct(Price from, Price to) {
  // (to - from) / from × 10 000, rounded half away from zero, in 128-bit to avoid overflow.
  const __int128 num = static_cast<__int128>(to.units() - from.units()) * 10'000;
  const __int128 den = from.units();
  __int128 q = num / den;
  const __int128 r = num % den;
  if (2 * (r < 0 ? -r : r) >= den) q += (num < 0) ? -1 : 1;
  return static_cast<std::int64_t>(q);
}

std::string format_centipct(std::int64_t centipct) {
  std::string out;
  if (centipct < 0) {
    out.push_back('-');
    centipct = -centipct;
  }
  out += std::to_string(centipct / 100);
  out.push_back('.');
  const auto frac = centipct % 100;
  out.push_back(static_cast<char>('0' + frac / 10));
  out.push_back(static_cast<char>('0' + frac % 10));
  return out;
}

Result<std::int64_t> parse_centipct(std::string_view text) { return parse_scaled(text, 2, "percent"); }

}  // namespace lodestone
