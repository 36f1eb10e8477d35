#include "lodestone/feeds/sina.hpp"

#include <array>

#include "envelope.hpp"
#include "parse_util.hpp"
#include "quote_fields.hpp"

namespace lodestone::feeds {
namespace {

using detail::make_problem;

constexpr detail::EnvelopeFormat kEnvelope{"var hq_str_", "hq_str_", {}};

constexpr std::size_t kDate = 30;
constexpr std::size_t kTime = 31;

void parse_statement(const detail::Envelope& env, QuoteBatch& out) {
  const auto symbol = detail::quoted_symbol(env, kEnvelope, out);
  if (!symbol) return;
  const std::string_view code = env.code;
  const std::string_view stmt = env.statement;
  std::array<std::string_view, 34> f{};
  if (detail::split_fields(env, ',', kTime + 1, f, out) == 0) return;
  detail::QuoteText q;
  q.symbol = *symbol;
  q.name = f[0];  // Sina prints no limit prices
  q.open = f[1];
  q.prev_close = f[2];
  q.last = f[3];
  q.high = f[4];
  q.low = f[5];
  q.bid = f[6];
  q.ask = f[7];
  q.volume = f[8];
  q.volume_multiplier = 1;  // shares
  q.turnover = f[9];
  auto date = parse_date(f[kDate]);
  auto ms = detail::parse_hms(f[kTime]);
  if (!date || !ms) {
    out.problems.push_back(make_problem(
        ErrorCode::bad_time,
        std::string(code) + ": date/time '" + std::string(f[kDate]) + " " + std::string(f[kTime]) + "'", stmt));
    return;
  }
  q.ts = Timestamp{exchange_time(*date, 0, 0).ms + *ms};
  detail::emit(q, stmt, out);
}

}  // namespace

void parse_sina(std::string_view text, QuoteBatch& out) {
  detail::for_each_envelope(text, kEnvelope, out, [&](const detail::Envelope& env) { parse_statement(env, out); });
}

}  // namespace lodestone::feeds
