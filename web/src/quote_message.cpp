#include "quote_message.hpp"

#include "lodestone/core/calendar.hpp"
#include "lodestone/core/json_writer.hpp"

namespace lodestone::web {

Date quote_trading_day(const Quote& quote) { return TradingCalendar::shanghai().current_trading_day(quote.ts); }

std::optional<PriceLimits> quote_limits(const Quote& quote, const Instrument* instrument, bool special_treatment) {
  if (!instrument || !quote.prev_close) return std::nullopt;
  return price_limits(*instrument, *quote.prev_close, quote_trading_day(quote), special_treatment);
}

std::string quote_message(const Quote& quote, const Instrument* instrument, const std::optional<PriceLimits>& limits) {
  const int d = instrument ? instrument->price_decimals() : 2;
  std::string out = to_json(quote, d);
  // The canonical object is closed by its last byte: the board's fields go before it. Prices are
  // formatted from integer units, so a limit reads with exactly the tick's digits.
  out.pop_back();
  out += R"(,"trading_day":")";
  out += format_date(quote_trading_day(quote));
  out += '"';
  if (limits) {
    out += R"(,"limit_up":)" + limits->up.format(d) + R"(,"limit_down":)" + limits->down.format(d);
  } else {
    out += R"(,"limit_up":null,"limit_down":null)";
  }
  out.push_back('}');
  return out;
}

}  // namespace lodestone::web
