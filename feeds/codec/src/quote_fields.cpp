#include "quote_fields.hpp"

#include <limits>
#include <optional>
#include <string>

#include "parse_util.hpp"

namespace lodestone::feeds::detail {
namespace {

constexpr std::int64_t kMaxWanUnits = std::numeric_limits<std::int64_t>::max() / 10'000;

bool absent(std::string_view s) { return s.empty() || s == "-" || s == "null"; }

// "0.00001" or "1e-9" is not the "0.000" of no trade: it is a price below the tick, garbage.
bool names_a_nonzero_value(std::string_view s) {
  for (char c : s) {
    if (c == 'e' || c == 'E') break;
    if (c >= '1' && c <= '9') return true;
  }
  return false;
}

// An integer scaled by 10^decimals ("1234" with 3 -> 1.234), exactly.
Result<Price> parse_scaled(std::string_view s, int decimals) {
  if (s.find_first_of(".eE") != std::string_view::npos) return parse_decimal(s);  // already a decimal
  auto n = parse_count(s[0] == '-' ? s.substr(1) : s);
  if (!n) return n.error();
  std::int64_t units = *n;
  if (units > std::numeric_limits<std::int64_t>::max() / 10'000)
    return make_error(ErrorCode::bad_price, "price out of range");
  for (int d = decimals; d < Price::kDecimals; ++d) units *= 10;
  for (int d = Price::kDecimals; d < decimals; ++d) units /= 10;
  return Price::from_units(s[0] == '-' ? -units : units);
}

Result<Price> price_of(std::string_view s, int scaled_decimals) {
  return scaled_decimals > 0 ? parse_scaled(s, scaled_decimals) : parse_decimal(s);
}

// Optional price fields: absent, "-" and 0 (what vendors print for "none") leave it unset.
bool optional_price(std::string_view text, int scaled, std::optional<Price>& slot, std::string_view name,
                    std::string_view sample, QuoteBatch& out) {
  if (absent(text)) return true;
  auto p = price_of(text, scaled);
  if (!p) {
    out.problems.push_back(make_problem(ErrorCode::bad_price, std::string(name) + ": " + p.error().message, sample));
    return false;
  }
  if (p->units() < 0) {
    out.problems.push_back(
        make_problem(ErrorCode::bad_price, std::string(name) + " " + p->format() + " is negative", sample));
    return false;
  }
  if (p->units() > 0) slot = *p;
  return true;
}

}  // namespace

void emit(const QuoteText& t, std::string_view sample, QuoteBatch& out) {
  Quote q;
  q.symbol = t.symbol;
  q.ts = t.ts;
  const int sc = t.scaled_decimals;
  if (!optional_price(t.prev_close, sc, q.prev_close, "prev_close", sample, out) ||
      !optional_price(t.open, sc, q.open, "open", sample, out) ||
      !optional_price(t.high, sc, q.high, "high", sample, out) ||
      !optional_price(t.low, sc, q.low, "low", sample, out) || !optional_price(t.bid, sc, q.bid, "bid", sample, out) ||
      !optional_price(t.ask, sc, q.ask, "ask", sample, out) ||
      !optional_price(t.limit_up, sc, q.source_limit_up, "limit_up", sample, out) ||
      !optional_price(t.limit_down, sc, q.source_limit_down, "limit_down", sample, out)) {
    return;
  }
  q.name = source_name(t.name);
  bool no_trade = absent(t.last);
  if (!no_trade) {
    auto last = price_of(t.last, sc);
    if (!last) {
      out.problems.push_back(make_problem(ErrorCode::bad_price, "last: " + last.error().message, sample));
      return;
    }
    if (last->units() < 0) {
      out.problems.push_back(make_problem(ErrorCode::bad_price, "last " + last->format() + " is negative", sample));
      return;
    }
    if (last->units() == 0 && names_a_nonzero_value(t.last)) {
      out.problems.push_back(make_problem(ErrorCode::bad_price,
                                          "last '" + std::string(t.last.substr(0, 32)) + "' is below a tick", sample));
      return;
    }
    no_trade = last->units() == 0;
    q.last = *last;
  }
  if (no_trade) {
    if (!q.prev_close) {
      out.problems.push_back(make_problem(ErrorCode::no_price, "neither a last price nor a previous close", sample));
      return;
    }
    q.last = *q.prev_close;
  }
  if (!absent(t.volume)) {
    auto v = parse_count(t.volume);
    if (!v || *v < 0) {
      out.problems.push_back(
          make_problem(ErrorCode::bad_volume, "volume '" + std::string(t.volume.substr(0, 32)) + "'", sample));
      return;
    }
    if (*v > std::numeric_limits<std::int64_t>::max() / t.volume_multiplier) {
      out.problems.push_back(make_problem(ErrorCode::bad_volume, "volume out of range", sample));
      return;
    }
    q.volume = *v * t.volume_multiplier;
  } else if (no_trade) {
    q.volume = 0;
  }
  if (!absent(t.turnover)) {
    auto a = parse_decimal(t.turnover);
    if (!a || a->units() < 0) {
      out.problems.push_back(
          make_problem(ErrorCode::bad_turnover, "turnover '" + std::string(t.turnover.substr(0, 32)) + "'", sample));
      return;
    }
    if (t.turnover_in_wan && a->units() > kMaxWanUnits) {
      out.problems.push_back(make_problem(ErrorCode::bad_turnover, "turnover out of range", sample));
      return;
    }
    q.turnover = t.turnover_in_wan ? Price::from_units(a->units() * 10'000) : *a;
  }
  if (no_trade) out.no_trade.push_back(q.symbol);
  out.quotes.push_back(q);
}

Result<Symbol> symbol_from_prefixed(std::string_view code) {
  if (code.size() != 8)
    return make_error(ErrorCode::bad_code, "code '" + std::string(code.substr(0, 16)) + "' is not like sz159713");
  const std::string_view prefix = code.substr(0, 2);
  const Exchange ex = prefix == "sh"   ? Exchange::SH
                      : prefix == "sz" ? Exchange::SZ
                      : prefix == "bj" ? Exchange::BJ
                                       : Exchange::CSI;
  if (ex == Exchange::CSI)
    return make_error(ErrorCode::bad_code, "code '" + std::string(code) + "' has no sh/sz/bj prefix");
  // Checked as Symbol::parse checks "sh930598": a CSI index or BSE code under another prefix is refused.
  auto symbol = Symbol::checked(code.substr(2), ex);
  if (!symbol) return make_error(ErrorCode::bad_code, symbol.error().message);
  return symbol;
}

void BatchMark::drop(QuoteBatch& b, const Error& fault, std::string_view sample) const {
  b.quotes.resize(quotes);
  b.no_trade.resize(no_trade);
  b.problems.resize(problems);
  b.problems.push_back(make_problem(fault.code, fault.message, sample));
}

}  // namespace lodestone::feeds::detail
