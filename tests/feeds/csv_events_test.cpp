#include "lodestone/feeds/csv_events.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "test_util.hpp"

namespace lodestone::feeds {
namespace {

using test::px;
using test::sym;

TEST(CsvEvents, QuotesAndNewsFromNamedColumns) {
  CsvEventParser p;
  auto header = p.parse_row("type,symbol,ts,last,prev_close,volume,id,title,source,symbols,extra");
  ASSERT_TRUE(header);
  EXPECT_FALSE(header->has_value());
  auto q = p.parse_row("quote,159713.SZ,2026-02-09T10:15:03+08:00,1.233,1.190,98765400,,,,,x");
  ASSERT_TRUE(q) << q.error().message;
  const Quote& quote = std::get<Quote>(**q);
  EXPECT_EQ(quote.symbol, sym("159713.SZ"));
  EXPECT_EQ(quote.last, px("1.233"));
  EXPECT_EQ(quote.prev_close, px("1.19"));
  EXPECT_EQ(quote.volume, 98765400);
  EXPECT_FALSE(quote.open.has_value());
  auto n = p.parse_row(R"(news,,1770603303000,,,,n1,"稀土, ""出口""管制",合成,600111.SH;000831.SZ,)");
  ASSERT_TRUE(n) << n.error().message;
  const Headline& h = std::get<Headline>(**n);
  EXPECT_EQ(h.title, "稀土, \"出口\"管制");
  EXPECT_EQ(h.ts.ms, 1770603303000);
  EXPECT_EQ(h.symbols, (std::vector<Symbol>{sym("600111.SH"), sym("000831.SZ")}));
  EXPECT_TRUE(p.parse_row("   ")->has_value() == false);
}

TEST(CsvEvents, BadRowsSayWhichField) {
  CsvEventParser p;
  ASSERT_TRUE(p.parse_row("type,symbol,ts,last"));
  EXPECT_EQ(p.parse_row("quote,159713.SZ,2026-02-09T10:15:03+08:00,abc").error().message.find("field 'last'"), 0u);
  EXPECT_EQ(p.parse_row("quote,XX,2026-02-09T10:15:03+08:00,1").error().message.find("field 'symbol'"), 0u);
  EXPECT_EQ(p.parse_row("trade,159713.SZ,2026-02-09T10:15:03+08:00,1").error().message.find("field 'type'"), 0u);
  EXPECT_EQ(p.parse_row("quote,159713.SZ,yesterday,1").error().message.find("field 'ts'"), 0u);
  EXPECT_FALSE(p.parse_row("quote,\"159713.SZ,2026,1"));
  EXPECT_FALSE(p.parse_row("quote,159713.SZ,2026-02-09T10:15:03+08:00,1,1,1"));
}

}  // namespace
}  // namespace lodestone::feeds
