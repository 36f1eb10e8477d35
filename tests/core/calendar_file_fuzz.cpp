// The calendar loader reads a file an operator edits by hand (deploy/calendar.yaml): any bytes
// give a table or an error with file:line:column, never a crash, and a table answers every
// question about the years it names.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "lodestone/core/calendar.hpp"
#include "lodestone/core/closure_table.hpp"

namespace {
void check(bool ok) {
  if (!ok) std::abort();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace lodestone;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto table = parse_closure_table(text, "fuzz.yaml");
  if (!table) {
    check(table.error().code == ErrorCode::bad_config);
    check(table.error().message.starts_with("fuzz.yaml:"));
    return 0;
  }
  const TradingCalendar cal(std::move(*table));
  const auto first = cal.closures().first_known_day();
  const auto last = cal.last_known_day();
  check(first && last && *first <= *last);
  for (Date d = *first; d <= *last && d.days - first->days < 800; d = d.next()) {
    check(cal.known(d));
    check(cal.is_trading_day(d) == !cal.closed_for(d).has_value());
  }
  check(!cal.known(last->next()));
  check(cal.next_trading_day(*last) > *last);
  return 0;
}
