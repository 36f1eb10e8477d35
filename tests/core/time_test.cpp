#include "lodestone/core/time.hpp"

#include <gtest/gtest.h>

namespace lodestone {
namespace {

TEST(Time, ParsesIsoWithOffsetsAndFormatsInExchangeTime) {
  auto t = parse_timestamp("2026-02-09T10:15:03.120+08:00");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(format_timestamp(*t), "2026-02-09T10:15:03.120+08:00");
  EXPECT_EQ(parse_timestamp("2026-02-09T02:15:03.120Z")->ms, t->ms);
  EXPECT_EQ(parse_timestamp("2026-02-09 10:15:03.12")->ms, t->ms);  // no offset: exchange time
  EXPECT_EQ(parse_timestamp("2026-02-09T10:15:03.120+0800")->ms, t->ms);
  EXPECT_EQ(parse_timestamp("2026-02-08T21:15:03.120-05:00")->ms, t->ms);
}

TEST(Time, RejectsMalformedTimestamps) {
  for (const char* bad : {"", "2026-02-09", "2026-02-30T10:00:00", "2026-02-09T25:00:00", "2026-02-09T10:00:00+8",
                          "2026-02-09T10:00:00 junk", "2026/02/09 10:00:00", "2026-02-09T10:00:00."}) {
    EXPECT_FALSE(parse_timestamp(bad).ok()) << bad;
  }
}

TEST(Time, ExchangeDateCrossesMidnightAtUtc16) {
  auto t = *parse_timestamp("2026-02-09T23:59:59+08:00");
  EXPECT_EQ(format_date(exchange_date(t)), "2026-02-09");
  EXPECT_EQ(format_date(exchange_date(Timestamp{t.ms + 1000})), "2026-02-10");
  EXPECT_EQ(weekday(make_date(2026, 2, 9)), 1U);  // Monday
  EXPECT_EQ(format_date(*parse_date("20260209")), "2026-02-09");
  EXPECT_EQ(exchange_time(make_date(2026, 2, 9), 10, 15, 3, 120).ms,
            parse_timestamp("2026-02-09T10:15:03.120+08:00")->ms);
}

TEST(Time, Durations) {
  EXPECT_EQ(*parse_duration_ms("15m"), 15 * 60'000);
  EXPECT_EQ(*parse_duration_ms("30s"), 30'000);
  EXPECT_EQ(*parse_duration_ms("250ms"), 250);
  EXPECT_EQ(*parse_duration_ms("2h"), 7'200'000);
  EXPECT_FALSE(parse_duration_ms("15").ok());
  EXPECT_FALSE(parse_duration_ms("m").ok());
  EXPECT_FALSE(parse_duration_ms("15x").ok());
  EXPECT_EQ(format_duration(15 * 60'000), "15m");
  EXPECT_EQ(format_duration(250), "250ms");
}

// format_timestamp/format_date write their digits by hand; these pin every field's width and
// padding, the edges of the day, and the years outside 0000-9999 that keep printf's form.
TEST(Time, FormatsEveryFieldZeroPadded) {
  EXPECT_EQ(format_timestamp(exchange_time(make_date(2026, 1, 2), 3, 4, 5, 6)), "2026-01-02T03:04:05.006+08:00");
  EXPECT_EQ(format_timestamp(exchange_time(make_date(2026, 12, 31), 23, 59, 59, 999)), "2026-12-31T23:59:59.999+08:00");
  EXPECT_EQ(format_timestamp(exchange_time(make_date(2026, 2, 9), 0, 0, 0, 0)), "2026-02-09T00:00:00.000+08:00");
  EXPECT_EQ(format_timestamp(Timestamp{0}), "1970-01-01T08:00:00.000+08:00");
  EXPECT_EQ(format_timestamp(Timestamp{-1}), "1970-01-01T07:59:59.999+08:00");
  EXPECT_EQ(format_date(make_date(9, 3, 4)), "0009-03-04");
  EXPECT_EQ(format_date(make_date(9999, 12, 31)), "9999-12-31");
  EXPECT_EQ(format_date(make_date(10000, 1, 1)), "10000-01-01");
  EXPECT_EQ(format_date(make_date(-1, 1, 1)), "-001-01-01");
  EXPECT_EQ(format_timestamp(exchange_time(make_date(10000, 1, 1), 1, 2, 3, 4)), "10000-01-01T01:02:03.004+08:00");
}

}  // namespace
}  // namespace lodestone
