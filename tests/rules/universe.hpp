#pragma once
// The rare-earth universe the rules tests run against, and small builders for events.
#include <optional>
#include <string>
#include <string_view>

#include "lodestone/core/events.hpp"
#include "lodestone/core/instrument.hpp"
#include "lodestone/core/price.hpp"
#include "lodestone/core/time.hpp"

namespace lodestone::rules::testing {

inline Symbol sym(std::string_view s) { return *Symbol::parse(s); }
inline Price px(std::string_view s) { return *Price::parse(s); }

inline InstrumentRegistry universe() {
  InstrumentRegistry r;
  auto add = [&](const char* code, const char* name, const char* benchmark) {
    Instrument i = instrument_from_code(sym(code), name);
    if (benchmark) i.benchmark = sym(benchmark);
    r.add(std::move(i));
  };
  add("159713.SZ", "稀土ETF", "930598.CSI");
  add("516150.SH", "稀土ETF嘉实", "930598.CSI");
  add("600111.SH", "北方稀土", "930598.CSI");
  add("000831.SZ", "中国稀土", "930598.CSI");
  add("600392.SH", "盛和资源", "930598.CSI");
  add("300748.SZ", "金力永磁", "930598.CSI");
  add("600549.SH", "厦门钨业", "930598.CSI");
  add("000300.SH", "沪深300", nullptr);
  add("930598.CSI", "稀土产业", "000300.SH");
  return r;
}

// 2026-02-09 (a Monday) at hh:mm:ss exchange time, and friends.
inline Timestamp at(int month, int day, int hour, int minute, int second = 0) {
  return exchange_time(make_date(2026, static_cast<unsigned>(month), static_cast<unsigned>(day)), hour, minute, second);
}

inline Quote quote(std::string_view symbol, Timestamp ts, std::string_view last,
                   std::optional<std::string_view> prev_close = std::nullopt) {
  Quote q;
  q.symbol = sym(symbol);
  q.ts = ts;
  q.last = px(last);
  if (prev_close) q.prev_close = px(*prev_close);
  return q;
}

inline Headline headline(std::string id, Timestamp ts, std::string title, std::string source = "财联社") {
  Headline h;
  h.id = std::move(id);
  h.ts = ts;
  h.source = std::move(source);
  h.title = std::move(title);
  h.lang = "zh";
  return h;
}

}  // namespace lodestone::rules::testing
