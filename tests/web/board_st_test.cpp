// The board's snapshot: today's limit prices follow ST status as the quotes' names give it
// (issue #14); the shared registry is never written.
#include <gtest/gtest.h>

#include "lodestone/web/board.hpp"

namespace lodestone::web {
namespace {

Quote quote(Timestamp ts, std::string_view last, std::string name) {
  Quote q;
  q.symbol = *Symbol::parse("600392.SH");
  q.ts = ts;
  q.last = *Price::parse(last);
  q.prev_close = *Price::parse("10.00");
  q.name = std::move(name);
  return q;
}

std::string limits_of(const std::string& snapshot) {
  const auto at = snapshot.find(R"("limit_up":)");
  return at == std::string::npos ? "" : snapshot.substr(at, snapshot.find(R"(,"quote")", at) - at);
}

TEST(BoardLimits, TheSnapshotBandFollowsTheStName) {
  InstrumentRegistry registry;
  registry.add(instrument_from_code(*Symbol::parse("600392.SH"), "盛和资源"));
  Board board(registry);
  const Timestamp mar2 = exchange_time(make_date(2026, 3, 2), 10, 0);
  ASSERT_TRUE(board.update(quote(mar2, "10.10", "盛和资源")));
  EXPECT_EQ(limits_of(board.snapshot_json(mar2)), R"("limit_up":11.00,"limit_down":9.00)");
  ASSERT_TRUE(board.update(quote(Timestamp{mar2.ms + 1000}, "10.10", "*ST盛和")));
  EXPECT_EQ(limits_of(board.snapshot_json(mar2)), R"("limit_up":10.50,"limit_down":9.50)");
  // The quote message the clients get carries the same band as the snapshot row.
  EXPECT_NE(board.latest(*Symbol::parse("600392.SH"))->json->find(R"("limit_up":10.50,"limit_down":9.50)"),
            std::string::npos);
  ASSERT_TRUE(board.update(quote(Timestamp{mar2.ms + 2000}, "10.10", "")));  // a nameless source: kept
  EXPECT_EQ(limits_of(board.snapshot_json(mar2)), R"("limit_up":10.50,"limit_down":9.50)");
  EXPECT_NE(board.latest(*Symbol::parse("600392.SH"))->json->find(R"("limit_up":10.50,"limit_down":9.50)"),
            std::string::npos);
  EXPECT_FALSE(registry.find(*Symbol::parse("600392.SH"))->special_treatment);
  // From 2026-07-06 main-board ST has ±10%.
  const Timestamp jul6 = exchange_time(make_date(2026, 7, 6), 10, 0);
  ASSERT_TRUE(board.update(quote(jul6, "10.10", "*ST盛和")));
  EXPECT_EQ(limits_of(board.snapshot_json(jul6)), R"("limit_up":11.00,"limit_down":9.00)");
}

}  // namespace
}  // namespace lodestone::web
