// Any text as a symbol (feeds, ingest, rules files, the CLI all hand outside text to
// Symbol::parse): it never crashes, and what it accepts is canonical: its canonical form, its
// Eastmoney secid and its Sina code (when it has one) parse back to the same symbol, the
// exchange agrees with the code (check_exchange), and the band follows the board.
#include <cstdint>
#include <string_view>

#include "lodestone/core/limits.hpp"
#include "lodestone/core/symbol.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace lodestone;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto symbol = Symbol::parse(text);
  if (!symbol) {
    if (symbol.error().code != ErrorCode::bad_symbol) __builtin_trap();
    return 0;
  }
  auto again = Symbol::parse(symbol->str());
  if (!again || *again != *symbol) __builtin_trap();
  auto secid = Symbol::parse(symbol->eastmoney_secid());
  if (!secid || *secid != *symbol) __builtin_trap();
  if (symbol->has_sina_code()) {
    auto sina = Symbol::parse(symbol->sina_code());
    if (!sina || *sina != *symbol) __builtin_trap();
  } else if (!symbol->sina_code().empty()) {
    __builtin_trap();
  }
  if (!check_exchange(symbol->code(), symbol->exchange())) __builtin_trap();
  const Instrument instrument = instrument_from_code(*symbol);
  const auto pct = limit_pct(instrument, make_date(2026, 2, 9));
  if ((symbol->type() == InstrumentType::Index) != !pct.has_value()) __builtin_trap();
  if (symbol->board() == Board::Bse && pct != 30) __builtin_trap();
  return 0;
}
