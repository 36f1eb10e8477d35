// Any bytes as a stream of quotes and message numbers from one feed, through the sequence
// tracker and QuoteSanity as Delivery applies them. Invariants: what is delivered has a positive
// price, is never older than what was delivered before for its symbol, never dated past the skew
// tolerance; a crossed book in continuous trading is never delivered; nothing delivered is outside
// the band (ST as the quotes' names give it) it was checked against.
#include <cstdint>
#include <cstring>
#include <map>

#include "lodestone/feeds/quote_sanity.hpp"
#include "lodestone/feeds/sequence.hpp"

namespace {

template <class T>
T take(const std::uint8_t*& p, const std::uint8_t* end) {
  T v{};
  const std::size_t n = std::min<std::size_t>(sizeof(T), static_cast<std::size_t>(end - p));
  std::memcpy(&v, p, n);
  p += n;
  return v;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace lodestone;
  using namespace lodestone::feeds;
  static const InstrumentRegistry reg = [] {
    InstrumentRegistry r;
    r.add(instrument_from_code(*Symbol::parse("159713.SZ"), "稀土ETF"));
    r.add(instrument_from_code(*Symbol::parse("600111.SH"), "北方稀土"));
    return r;
  }();
  static const Symbol symbols[3] = {*Symbol::parse("159713.SZ"), *Symbol::parse("600111.SH"),
                                    *Symbol::parse("000831.SZ")};
  const Timestamp now = exchange_time(make_date(2026, 2, 9), 10, 15);
  QuoteSanity sanity(&reg);
  SequenceTracker sequence;
  std::map<Symbol, std::int64_t> delivered_ts;
  const std::uint8_t* p = data;
  const std::uint8_t* end = data + size;
  for (int i = 0; i < 4096 && p < end; ++i) {
    const auto op = take<std::uint8_t>(p, end);
    if (op % 16 == 0) {
      sequence.reset();
      sanity.rebase();
      continue;
    }
    if (op % 16 == 1) {
      const auto v = sequence.next(take<std::uint16_t>(p, end));
      if (v.kind == SequenceKind::Reset) sanity.rebase();
      if (!v.deliver()) continue;
    }
    Quote q;
    q.symbol = symbols[op % 3];
    q.ts = Timestamp{now.ms + take<std::int32_t>(p, end) * 100LL};
    q.last = Price::from_units(take<std::int32_t>(p, end));
    if (op & 0x20) q.prev_close = Price::from_units(take<std::int32_t>(p, end));
    if (op & 0x40) q.volume = take<std::int32_t>(p, end);
    if (op & 0x80) {
      q.bid = Price::from_units(take<std::int32_t>(p, end));
      q.ask = Price::from_units(take<std::int32_t>(p, end));
    }
    if (op & 0x10) {
      // The source's name (ST on or off) and its own limits, as Tencent and Eastmoney send them.
      static const char* const names[4] = {"*ST某某", "某某", "S*ST 某某", ""};
      q.name = names[take<std::uint8_t>(p, end) % 4];
      q.source_limit_up = Price::from_units(take<std::int32_t>(p, end));
      q.source_limit_down = Price::from_units(take<std::int32_t>(p, end));
    }
    const SanityResult r = sanity.check(q, now);
    if (r.verdict == Verdict::Reject) continue;
    // Whatever the names said, what is delivered is inside the band it was checked against.
    if (const auto& band = r.limits.ours; band && (q.last > band->up || q.last < band->down)) __builtin_trap();
    if (!q.last.positive()) __builtin_trap();
    if (q.ts.ms > now.ms + SanityOptions{}.max_future_ms) __builtin_trap();
    if (q.bid && q.ask && *q.bid > *q.ask && TradingCalendar::shanghai().is_continuous(q.ts)) __builtin_trap();
    auto [it, fresh] = delivered_ts.emplace(q.symbol, q.ts.ms);
    if (!fresh) {
      if (q.ts.ms < it->second) __builtin_trap();
      it->second = q.ts.ms;
    }
  }
  return 0;
}
