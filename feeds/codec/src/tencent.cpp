#include "lodestone/feeds/tencent.hpp"

#include <array>

#include "envelope.hpp"
#include "parse_util.hpp"
#include "quote_fields.hpp"

namespace lodestone::feeds {
namespace {

using detail::make_problem;

constexpr detail::EnvelopeFormat kEnvelope{"v_", "v_", "pv_none_match"};

constexpr std::size_t kTime = 30;
constexpr std::size_t kLow = 34;
constexpr std::size_t kPriceVolAmount = 35;
constexpr std::size_t kAmountWan = 37;
constexpr std::size_t kLimitUp = 47;
constexpr std::size_t kLimitDown = 48;

void parse_statement(const detail::Envelope& env, QuoteBatch& out) {
  const auto symbol = detail::quoted_symbol(env, kEnvelope, out);
  if (!symbol) return;
  const std::string_view code = env.code;
  const std::string_view stmt = env.statement;
  std::array<std::string_view, kLimitDown + 1> f{};
  // Some funds answer with about 50 fields, old captures with fewer: the quote needs up to the low.
  const std::size_t n = detail::split_fields(env, '~', kLow + 1, f, out);
  if (n == 0) return;
  if (f[2] != symbol->code()) {
    out.problems.push_back(
        make_problem(ErrorCode::bad_code, "field 2 '" + std::string(f[2]) + "' is not " + std::string(code), stmt));
    return;
  }
  detail::QuoteText q;
  q.symbol = *symbol;
  q.name = f[1];
  q.last = f[3];
  q.prev_close = f[4];
  q.open = f[5];
  q.volume = f[6];
  q.volume_multiplier = 100;  // lots
  q.bid = f[9];
  q.ask = f[19];
  q.high = f[33];
  q.low = f[kLow];
  // Field 35 "price/volume/amount" carries the amount in CNY exactly; field 37 is 10k CNY.
  if (n > kPriceVolAmount) {
    const std::string_view pva = f[kPriceVolAmount];
    const std::size_t s2 = pva.rfind('/');
    if (s2 != std::string_view::npos && pva.find('/') != s2) q.turnover = pva.substr(s2 + 1);
  }
  if (q.turnover.empty() && n > kAmountWan) {
    q.turnover = f[kAmountWan];
    q.turnover_in_wan = true;
  }
  // The day's limit prices; the short fund answers (about 50 fields) may stop before them.
  if (n > kLimitDown) {
    q.limit_up = f[kLimitUp];
    q.limit_down = f[kLimitDown];
  }
  auto ts = detail::parse_compact_datetime(f[kTime]);
  if (!ts) {
    out.problems.push_back(
        make_problem(ErrorCode::bad_time, std::string(code) + ": time '" + std::string(f[kTime]) + "'", stmt));
    return;
  }
  q.ts = *ts;
  detail::emit(q, stmt, out);
}

}  // namespace

void parse_tencent(std::string_view text, QuoteBatch& out) {
  detail::for_each_envelope(text, kEnvelope, out, [&](const detail::Envelope& env) { parse_statement(env, out); });
}

}  // namespace lodestone::feeds
