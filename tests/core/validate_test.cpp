#include "lodestone/core/validate.hpp"

#include <gtest/gtest.h>

namespace lodestone {
namespace {

class ValidateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    registry.add(instrument_from_code(*Symbol::parse("159713.SZ"), "稀土ETF"));
    q.symbol = *Symbol::parse("159713.SZ");
    q.ts = *parse_timestamp("2026-02-09T10:15:03+08:00");
    q.last = *Price::parse("1.234");
  }
  InstrumentRegistry registry;
  Quote q;
  Timestamp now = *parse_timestamp("2026-02-09T10:16:00+08:00");
};

TEST_F(ValidateTest, AcceptsAGoodQuote) { EXPECT_TRUE(validate(q, registry, now).ok()); }

TEST_F(ValidateTest, RejectsWithAReason) {
  auto reason = [&](const Quote& bad) {
    auto s = validate(bad, registry, now);
    return s ? std::string("ok") : s.error().message;
  };
  Quote bad = q;
  bad.last = Price::from_units(0);
  EXPECT_EQ(reason(bad), "last price 0.00 is not positive");
  bad = q;
  bad.last = *Price::parse("-1.2");
  EXPECT_EQ(reason(bad), "last price -1.20 is not positive");
  bad = q;
  bad.symbol = *Symbol::parse("600111.SH");
  EXPECT_EQ(reason(bad), "unknown symbol 600111.SH");
  bad = q;
  bad.ts = Timestamp{12345};
  EXPECT_EQ(reason(bad), "timestamp 12345 is before 2000");
  bad = q;
  bad.ts = *parse_timestamp("2026-02-09T11:00:00+08:00");
  EXPECT_NE(reason(bad).find("in the future"), std::string::npos);
  bad = q;
  bad.prev_close = Price::from_units(0);
  EXPECT_EQ(reason(bad), "prev_close 0.00 is not positive");
}

TEST_F(ValidateTest, Headlines) {
  Headline h{"id-1", q.ts, "新浪财经", "稀土", "", "", {}, "zh", {}, "", false};
  EXPECT_TRUE(validate(h, now).ok());
  h.title.clear();
  EXPECT_FALSE(validate(h, now).ok());
}

}  // namespace
}  // namespace lodestone
