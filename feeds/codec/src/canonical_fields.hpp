#pragma once
// The canonical quote's per-field work, on the hot path of every tape, ingest body and ws-json
// frame: which field a key names, and prices in the plain form the writers emit. Apart from
// canonical.cpp so the tests can hold both against the general code they stand in for.
#include <cstdint>
#include <cstring>
#include <optional>
#include <string_view>

#include "lodestone/core/price.hpp"
#include "lodestone/core/symbol.hpp"

namespace lodestone::feeds::detail {

enum class QuoteField : std::uint8_t {
  Other,  // tolerated and skipped (iopv, source, trading_day …)
  Type,
  Symbol,
  Ts,
  Last,
  Volume,
  PrevClose,
  Open,
  High,
  Low,
  Bid,
  Ask,
  Turnover,
  Name,     // the source's short name: ST status follows it
  LimitUp,  // the source's own limit prices: a cross-check of ours
  LimitDown,
};

// By length first, then fixed-size compares: no memcmp call and no chain of string compares
// per field (a quote line has a dozen of them).
inline QuoteField quote_field(std::string_view key) {
  auto is = [&]<std::size_t N>(const char(&name)[N]) { return std::memcmp(key.data(), name, N - 1) == 0; };
  switch (key.size()) {
    case 2:
      return is("ts") ? QuoteField::Ts : QuoteField::Other;
    case 3:
      return is("low")   ? QuoteField::Low
             : is("bid") ? QuoteField::Bid
             : is("ask") ? QuoteField::Ask
                         : QuoteField::Other;
    case 4:
      return is("type")   ? QuoteField::Type
             : is("last") ? QuoteField::Last
             : is("open") ? QuoteField::Open
             : is("high") ? QuoteField::High
             : is("name") ? QuoteField::Name
                          : QuoteField::Other;
    case 6:
      return is("symbol") ? QuoteField::Symbol : is("volume") ? QuoteField::Volume : QuoteField::Other;
    case 8:
      return is("turnover") ? QuoteField::Turnover : is("limit_up") ? QuoteField::LimitUp : QuoteField::Other;
    case 10:
      return is("prev_close") ? QuoteField::PrevClose : is("limit_down") ? QuoteField::LimitDown : QuoteField::Other;
    default:
      return QuoteField::Other;
  }
}

// "10.23", "-0.5", "98765400": [-]digits[.digits] with at most 12 whole digits and at most 4
// decimals, which is every price and count the writers emit. Gives exactly what Price::parse
// gives; nullopt for anything else (exponents, more decimals to round, "1.", huge values,
// garbage), where the caller asks Price::parse, which also says what is wrong.
inline std::optional<Price> plain_price(std::string_view s) {
  std::size_t i = 0;
  const bool negative = !s.empty() && s[0] == '-';
  if (negative) i = 1;
  const std::size_t whole_start = i;
  std::int64_t whole = 0;
  for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) {
    if (i - whole_start == 12) return std::nullopt;  // a 13th digit: too large to take on trust
    whole = whole * 10 + (s[i] - '0');
  }
  if (i == whole_start) return std::nullopt;
  std::int64_t frac = 0;
  std::size_t frac_digits = 0;
  if (i < s.size() && s[i] == '.') {
    ++i;
    for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) {
      if (++frac_digits > static_cast<std::size_t>(Price::kDecimals)) return std::nullopt;
      frac = frac * 10 + (s[i] - '0');
    }
    if (frac_digits == 0) return std::nullopt;
  }
  if (i != s.size()) return std::nullopt;
  static constexpr std::int64_t kFracScale[] = {10'000, 1'000, 100, 10, 1};
  static_assert(Price::kScale == kFracScale[0]);
  const std::int64_t units = whole * Price::kScale + frac * kFracScale[frac_digits];
  return Price::from_units(negative ? -units : units);
}

// "600000.SH", "159713.SZ", "930598.CSI": six digits, a dot and the exchange as the writers
// spell it. Gives the symbol Symbol::parse gives; nullopt for every other form (aliases, lower
// case, XSHG, Eastmoney secids …), which Symbol::parse reads. Skips its upper-casing copy of the
// suffix and its chain of compares.
inline std::optional<Symbol> plain_symbol(std::string_view s) {
  if (s.size() < 9 || s[6] != '.') return std::nullopt;
  for (std::size_t i = 0; i < 6; ++i)
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
  const std::string_view suffix = s.substr(7);
  Exchange exchange = Exchange::SH;
  if (suffix == "SH")
    exchange = Exchange::SH;
  else if (suffix == "SZ")
    exchange = Exchange::SZ;
  else if (suffix == "BJ")
    exchange = Exchange::BJ;
  else if (suffix == "CSI")
    exchange = Exchange::CSI;
  else
    return std::nullopt;
  auto symbol = Symbol::checked(s.substr(0, 6), exchange);
  if (!symbol) return std::nullopt;  // 930598.SH: Symbol::parse says why
  return *symbol;
}

}  // namespace lodestone::feeds::detail
