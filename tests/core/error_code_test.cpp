#include "lodestone/core/error_code.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "lodestone/core/price.hpp"
#include "lodestone/core/symbol.hpp"
#include "lodestone/core/time.hpp"

namespace lodestone {
namespace {

constexpr auto kLast = static_cast<int>(kLastErrorCode);

// Labels are metric label values and feed counter keys: each distinct, each the enumerator's name.
TEST(ErrorCode, EveryCodeHasItsOwnLabel) {
  std::set<std::string> seen;
  for (int i = 0; i <= kLast; ++i) {
    const auto label = std::string(to_string(static_cast<ErrorCode>(i)));
    EXPECT_NE(label, "unknown") << i;
    EXPECT_EQ(label.find_first_not_of("abcdefghijklmnopqrstuvwxyz_"), std::string::npos) << label;
    EXPECT_TRUE(seen.insert(label).second) << label << " twice";
  }
  EXPECT_EQ(to_string(static_cast<ErrorCode>(kLast + 1)), "unknown");
}

TEST(ErrorCode, HttpStatusComesFromTheCode) {
  EXPECT_EQ(http_status(ErrorCode::bad_json), 400);
  EXPECT_EQ(http_status(ErrorCode::bad_price), 400);
  EXPECT_EQ(http_status(ErrorCode::future_timestamp), 422);
  EXPECT_EQ(http_status(ErrorCode::outside_limit_band), 422);
  EXPECT_EQ(http_status(ErrorCode::unauthorized), 401);
  EXPECT_EQ(http_status(ErrorCode::not_found), 404);
  EXPECT_EQ(http_status(ErrorCode::conflict), 409);
  EXPECT_EQ(http_status(ErrorCode::too_large), 413);
  EXPECT_EQ(http_status(ErrorCode::shed), 503);
  EXPECT_EQ(http_status(ErrorCode::tls_failed), 502);
  EXPECT_EQ(http_status(ErrorCode::timeout), 504);
  for (int i = 0; i <= kLast; ++i) {
    const int s = http_status(static_cast<ErrorCode>(i));
    EXPECT_TRUE(s >= 400 && s <= 599) << to_string(static_cast<ErrorCode>(i));
  }
}

// The domain's parsers say what kind of wrong in the code, whatever their words.
TEST(ErrorCode, DomainParsersNameTheirCode) {
  EXPECT_EQ(Price::parse("1.2.3").error().code, ErrorCode::bad_price);
  EXPECT_EQ(Symbol::parse("ABC").error().code, ErrorCode::bad_symbol);
  EXPECT_EQ(parse_timestamp("2026-13-01T00:00:00Z").error().code, ErrorCode::bad_time);
  EXPECT_EQ(parse_date("tomorrow").error().code, ErrorCode::bad_time);
  EXPECT_EQ(parse_duration_ms("5 weeks").error().code, ErrorCode::bad_field);
}

}  // namespace
}  // namespace lodestone
