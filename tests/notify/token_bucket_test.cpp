// The receivers' pace: token bucket arithmetic, each service's documented limit, and Feishu's
// :00/:30 peaks. Explicit timestamps from a real trading day (2026-02-13, a Friday).
#include <gtest/gtest.h>

#include <set>
#include <stdexcept>

#include "lodestone/notify/dispatcher.hpp"

namespace lodestone::notify {
namespace {

Timestamp at(int hour, int minute, int second = 0, int ms = 0) {
  return exchange_time(make_date(2026, 2, 13), hour, minute, second, ms);
}
Timestamp plus(Timestamp t, std::int64_t ms) { return Timestamp{t.ms + ms}; }

TEST(TokenBucket, BurstUpToCapacityThenEmpty) {
  TokenBucket robot(20, std::chrono::minutes(1));  // DingTalk: 20 a minute
  const Timestamp open = at(9, 30);
  for (int i = 0; i < 20; ++i) EXPECT_TRUE(robot.take(open)) << "burst message " << i;
  EXPECT_FALSE(robot.take(open)) << "the 21st in the same instant waits";
  EXPECT_NEAR(robot.tokens(open), 0.0, 1e-9);
  EXPECT_EQ(robot.next_token(open), plus(open, 3'000)) << "one token back every 60 s / 20";
}

TEST(TokenBucket, SteadyRateAfterTheBurst) {
  TokenBucket robot(20, std::chrono::minutes(1));
  const Timestamp open = at(9, 30);
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(robot.take(open));
  EXPECT_FALSE(robot.take(plus(open, 2'999)));
  EXPECT_TRUE(robot.take(plus(open, 3'000)));
  EXPECT_FALSE(robot.take(plus(open, 3'000)));
  EXPECT_EQ(robot.next_token(plus(open, 3'000)), plus(open, 6'000));
  // Over ten minutes at the steady rate: exactly 200 more, never more than the limit per minute.
  int sent = 0;
  for (std::int64_t ms = 3'001; ms <= 603'001; ms += 500)
    if (robot.take(plus(open, ms))) ++sent;
  EXPECT_EQ(sent, 200);
}

TEST(TokenBucket, FractionalRefillAccumulates) {
  TokenBucket seven(7, std::chrono::minutes(1));  // 8571.43 ms per token
  const Timestamp t = at(10, 0);
  for (int i = 0; i < 7; ++i) ASSERT_TRUE(seven.take(t));
  EXPECT_EQ(seven.next_token(t), plus(t, 8'572)) << "rounded up, so take() succeeds then";
  EXPECT_FALSE(seven.take(plus(t, 8'571)));
  EXPECT_TRUE(seven.take(plus(t, 8'572)));
  // The fraction left over is kept: the second token is due at 2 * 8571.43 = 17142.86 ms.
  EXPECT_EQ(seven.next_token(plus(t, 8'572)), plus(t, 17'143));
  EXPECT_NEAR(seven.tokens(plus(t, 12'857)), 0.5, 1e-3);
}

TEST(TokenBucket, RefillStopsAtCapacity) {
  TokenBucket hook(60, std::chrono::minutes(1));
  const Timestamp t = at(9, 25);
  ASSERT_TRUE(hook.take(t));
  const Timestamp later = at(11, 30);  // two hours idle
  EXPECT_DOUBLE_EQ(hook.tokens(later), 60.0);
  int burst = 0;
  while (burst < 100 && hook.take(later)) ++burst;
  EXPECT_EQ(burst, 60);
}

TEST(TokenBucket, APaceBelowOnePerPeriodStillSends) {
  TokenBucket slow(0.5, std::chrono::minutes(1));  // one every two minutes
  const Timestamp t = at(13, 0);
  EXPECT_TRUE(slow.take(t)) << "capacity is at least one token";
  EXPECT_FALSE(slow.take(plus(t, 119'999)));
  EXPECT_EQ(slow.next_token(t), plus(t, 120'000));
  EXPECT_TRUE(slow.take(plus(t, 120'000)));
}

TEST(TokenBucket, RestartGivesNothingBeforeItsTimeThenRefillsFromThere) {
  TokenBucket robot(20, std::chrono::minutes(1));
  const Timestamp t = at(14, 0);
  const Timestamp until = at(14, 10);
  robot.restart(until, 1);
  EXPECT_FALSE(robot.take(t));
  EXPECT_EQ(robot.next_token(t), until);
  EXPECT_TRUE(robot.take(until));
  EXPECT_FALSE(robot.take(until)) << "one token, no burst after a pause";
  EXPECT_EQ(robot.next_token(until), plus(until, 3'000));
  robot.restart(at(14, 20), 0);
  EXPECT_EQ(robot.next_token(t), plus(at(14, 20), 3'000));
}

TEST(TokenBucket, AClockSteppingBackNeitherAddsNorRemovesTokens) {
  TokenBucket robot(20, std::chrono::minutes(1));
  const Timestamp t = at(14, 30, 10);
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(robot.take(t));
  const Timestamp earlier = plus(t, -10'000);
  EXPECT_FALSE(robot.take(earlier));
  EXPECT_EQ(robot.next_token(earlier), plus(t, 3'000)) << "refill runs from the last take";
  EXPECT_TRUE(robot.take(plus(t, 3'000)));
}

TEST(TokenBucket, RejectsANonPositivePace) {
  EXPECT_THROW(TokenBucket(0, std::chrono::minutes(1)), std::invalid_argument);
  EXPECT_THROW(TokenBucket(-1, std::chrono::minutes(1)), std::invalid_argument);
  EXPECT_THROW(TokenBucket(20, std::chrono::milliseconds(0)), std::invalid_argument);
}

TEST(Pace, EachServicesDocumentedLimit) {
  EXPECT_EQ(documented_pace(ReceiverKind::DingTalk).per_minute, 20);
  EXPECT_EQ(documented_pace(ReceiverKind::WeCom).per_minute, 20);
  const Pace feishu = documented_pace(ReceiverKind::Feishu);
  EXPECT_EQ(feishu.per_minute, 100);
  EXPECT_EQ(feishu.per_second, 5.0);
  const Pace telegram = documented_pace(ReceiverKind::Telegram);
  EXPECT_EQ(telegram.per_minute, 20);
  EXPECT_EQ(telegram.per_second, 1.0);
  EXPECT_EQ(documented_pace(ReceiverKind::ServerChan).per_day, 5.0);
  EXPECT_EQ(documented_pace(ReceiverKind::Webhook).per_minute, 60);
  EXPECT_EQ(documented_pace(ReceiverKind::Email).per_minute, 60);
  EXPECT_FALSE(documented_pace(ReceiverKind::Webhook).per_second);
}

TEST(Pace, RatePerMinuteOverridesOnlyThePerMinuteLimit) {
  ReceiverConfig lark;
  lark.kind = ReceiverKind::Feishu;
  lark.rate_per_minute = 30;
  const Pace pace = receiver_pace(lark);
  EXPECT_EQ(pace.per_minute, 30);
  EXPECT_EQ(pace.per_second, 5.0) << "the per-second limit still holds";
  lark.rate_per_minute = 0;
  EXPECT_EQ(receiver_pace(lark).per_minute, 100) << "no pace at all is not an override";
}

TEST(FeishuPeaks, OutsideTheGuardNothingMoves) {
  EXPECT_EQ(clear_of_peak(at(9, 31, 0), 1, "lark"), at(9, 31, 0));
  EXPECT_EQ(clear_of_peak(at(9, 29, 56, 999), 1, "lark"), at(9, 29, 56, 999));
  EXPECT_EQ(clear_of_peak(at(9, 30, 3), 1, "lark"), at(9, 30, 3)) << "the guard is half-open";
}

TEST(FeishuPeaks, TheSessionMarksMoveAFewSecondsPast) {
  // 09:30 open, 10:00, 11:30 morning close, 13:00 afternoon open, 14:30, 15:00 close.
  for (auto mark : {at(9, 30), at(10, 0), at(11, 30), at(13, 0), at(14, 30), at(15, 0)}) {
    for (std::int64_t off : {-3'000, -1, 0, 1'500, 2'999}) {
      const Timestamp moved = clear_of_peak(plus(mark, off), 7, "lark");
      EXPECT_GE(moved, plus(mark, 3'000)) << format_timestamp(plus(mark, off));
      EXPECT_LT(moved, plus(mark, 7'000)) << format_timestamp(plus(mark, off));
      EXPECT_EQ(clear_of_peak(moved, 7, "lark"), moved) << "the moved time is clear";
    }
  }
}

TEST(FeishuPeaks, TheJitterIsFixedBySeedReceiverAndMark) {
  const Timestamp t = at(9, 29, 59);
  EXPECT_EQ(clear_of_peak(t, 42, "lark"), clear_of_peak(t, 42, "lark"));
  EXPECT_EQ(clear_of_peak(t, 42, "lark"), clear_of_peak(at(9, 30, 1), 42, "lark")) << "same mark, same time";
  // Across seeds and receivers the moved times spread over the jitter (not all one instant).
  std::set<std::int64_t> spread;
  for (std::uint64_t seed = 0; seed < 16; ++seed) spread.insert(clear_of_peak(t, seed, "lark").ms);
  spread.insert(clear_of_peak(t, 42, "lark-ops").ms);
  EXPECT_GT(spread.size(), 8U);
}

}  // namespace
}  // namespace lodestone::notify
