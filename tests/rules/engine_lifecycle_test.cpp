// What happens to an alert between its condition and the trader: frequency, expiry, sessions,
// grouping, inhibition, silences, news updates, repeats, reloads and late news.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "harness.hpp"
#include "lodestone/rules/reload.hpp"

namespace lodestone::rules {
namespace {

using testing::at;
using ::testing::ElementsAre;
using testing::Harness;
using ::testing::IsEmpty;
using ::testing::SizeIs;

const char* kLimitUp = "rules:\n  - name: limit-up\n    price: { symbols: [\"600392.SH\"], limit: up }\n";

std::string with(const char* base, const std::string& extra) { return std::string(base) + extra; }

void touch_and_leave(Harness& t, int month, int day, int hour, int minute) {
  t.q("600392.SH", at(month, day, hour, minute), "11.00", "10.00");
  t.q("600392.SH", at(month, day, hour, minute + 1), "10.90");
}

TEST(Lifecycle, FrequencyOnceFiresOnlyTheFirstTime) {
  Harness t(with(kLimitUp, "    frequency: once\n"));
  touch_and_leave(t, 2, 9, 10, 0);
  touch_and_leave(t, 2, 9, 10, 10);
  touch_and_leave(t, 2, 10, 10, 0);
  EXPECT_THAT(t.summary(),
              ElementsAre("limit-up 600392.SH firing 02-09T10:00:00", "limit-up 600392.SH resolved 02-09T10:01:00"));
  EXPECT_EQ(t.engine().counters("limit-up").frequency, 2u);
}

TEST(Lifecycle, FrequencyOncePerDay) {
  Harness t(with(kLimitUp, "    frequency: once_per_day\n"));
  touch_and_leave(t, 2, 9, 10, 0);
  touch_and_leave(t, 2, 9, 10, 10);
  touch_and_leave(t, 2, 10, 10, 0);
  EXPECT_THAT(t.summary(),
              ElementsAre("limit-up 600392.SH firing 02-09T10:00:00", "limit-up 600392.SH resolved 02-09T10:01:00",
                          "limit-up 600392.SH firing 02-10T10:00:00", "limit-up 600392.SH resolved 02-10T10:01:00"));
}

TEST(Lifecycle, FrequencyOncePerIntervalIsOncePerBlock) {
  Harness t(with(kLimitUp, "    frequency: once_per_interval\n    interval: 30m\n"));
  touch_and_leave(t, 2, 9, 10, 0);
  touch_and_leave(t, 2, 9, 10, 20);  // the same 10:00-10:30 block
  touch_and_leave(t, 2, 9, 10, 31);  // the next block
  EXPECT_THAT(t.summary(),
              ElementsAre("limit-up 600392.SH firing 02-09T10:00:00", "limit-up 600392.SH resolved 02-09T10:01:00",
                          "limit-up 600392.SH firing 02-09T10:31:00", "limit-up 600392.SH resolved 02-09T10:32:00"));
  EXPECT_THAT(check_rules(with(kLimitUp, "    interval: 30m\n"), "r.yaml", t.registry()),
              ElementsAre(::testing::Field(&Diagnostic::message,
                                           "rule 'limit-up': interval goes with frequency: once_per_interval")));
}

TEST(Lifecycle, ExpiredRulesStaySilent) {
  Harness t(with(kLimitUp, "    expires: 2026-02-09\n"));
  touch_and_leave(t, 2, 9, 14, 0);   // the last day it runs
  touch_and_leave(t, 2, 10, 10, 0);  // expired at midnight
  EXPECT_THAT(t.summary(), SizeIs(2));
  EXPECT_EQ(t.engine().counters("limit-up").frequency, 1u);
}

TEST(Lifecycle, SessionWindowKeepsNewsRulesToTradingHours) {
  Harness t(
      "keywords: { k: [\"稀土\"] }\nrules:\n  - name: news\n    headline: { keywords: [k] }\n"
      "    session: trading_hours\n");
  EXPECT_THAT(t.h("1", at(2, 8, 15, 16), "稀土 周日"), IsEmpty());
  EXPECT_THAT(t.h("2", at(2, 9, 12, 0), "稀土 午间"), IsEmpty());
  EXPECT_THAT(t.h("3", at(2, 9, 14, 23), "稀土 盘中"), SizeIs(1));
  EXPECT_EQ(t.engine().counters("news").session, 2u);
}

TEST(Lifecycle, GroupingTurnsABurstIntoOneNotification) {
  Harness t("rules:\n  - name: limit-up\n    price: { symbols: all, limit: up }\n    group_wait: 30s\n");
  EXPECT_THAT(t.q("600392.SH", at(2, 9, 14, 0, 0), "11.00", "10.00"), IsEmpty());
  EXPECT_THAT(t.q("600111.SH", at(2, 9, 14, 0, 10), "22.00", "20.00"), IsEmpty());
  EXPECT_THAT(t.q("000831.SZ", at(2, 9, 14, 0, 20), "33.00", "30.00"), IsEmpty());
  auto group = t.advance(at(2, 9, 14, 0, 30));
  ASSERT_THAT(group, SizeIs(1));
  EXPECT_FALSE(group[0].symbol);
  EXPECT_EQ(group[0].ts, at(2, 9, 14, 0, 30));
  EXPECT_EQ(group[0].message, "600392.SH 盛和资源 touched limit-up 11.00 (+2 more: 600111.SH, 000831.SZ)");
  EXPECT_EQ(group[0].labels.at("symbols"), "600392.SH,600111.SH,000831.SZ");
  EXPECT_EQ(group[0].labels.at("group_size"), "3");
  // Members leave one by one; the group resolves with the last.
  EXPECT_THAT(t.q("600392.SH", at(2, 9, 14, 5), "10.90"), IsEmpty());
  EXPECT_THAT(t.q("600111.SH", at(2, 9, 14, 6), "21.90"), IsEmpty());
  auto resolved = t.q("000831.SZ", at(2, 9, 14, 7), "32.90");
  ASSERT_THAT(resolved, SizeIs(1));
  EXPECT_EQ(resolved[0].id, group[0].labels.at("fingerprint") + ":resolved");
  // A lone alert after the wait is notified as itself.
  t.q("300748.SZ", at(2, 9, 14, 20), "24.00", "20.00");
  auto single = t.advance(at(2, 9, 14, 21));
  ASSERT_THAT(single, SizeIs(1));
  EXPECT_EQ(single[0].symbol, testing::sym("300748.SZ"));
}

const char* kSector =
    "groups: { miners: [\"600111.SH\", \"000831.SZ\", \"600392.SH\"] }\n"
    "rules:\n"
    "  - name: sector\n"
    "    breadth: { symbols: miners, min_count: 2, change_pct: \">= 3.0\", from: prev_close }\n"
    "    inhibits: [stock]\n"
    "  - name: stock\n"
    "    move: { symbols: miners, change_pct: \">= 3.0\", from: prev_close }\n";

TEST(Lifecycle, SectorAlertMutesThePerSymbolAlertsItExplains) {
  Harness t(kSector);
  EXPECT_THAT(t.q("600111.SH", at(2, 9, 10, 0), "20.70", "20.00"), SizeIs(1));  // stock: alone so far
  auto second = t.q("000831.SZ", at(2, 9, 10, 1), "31.20", "30.00");
  ASSERT_THAT(second, SizeIs(1));  // the sector fires, the second stock is muted
  EXPECT_EQ(second[0].rule, "sector");
  EXPECT_THAT(t.q("600392.SH", at(2, 9, 10, 2), "10.40", "10.00"), SizeIs(0));
  EXPECT_EQ(t.engine().counters("stock").inhibited, 2u);
  // One stock calms down: two of three still move, the sector still fires.
  auto first = t.q("600111.SH", at(2, 9, 10, 10), "20.10");
  ASSERT_THAT(first, SizeIs(1));
  EXPECT_EQ(first[0].rule + " " + std::string(to_string(first[0].state)), "stock resolved");
  // Another: the sector ends, and the muted stock that still moves is told now (the muted one
  // that stopped moving with it is not).
  auto calm = t.q("000831.SZ", at(2, 9, 10, 11), "30.30");
  std::vector<std::string> what;
  for (const auto& a : calm)
    what.push_back(a.rule + " " + (a.symbol ? a.symbol->str() : "-") + " " + std::string(to_string(a.state)));
  EXPECT_THAT(what, ElementsAre("sector - resolved", "stock 600392.SH firing"));
  EXPECT_EQ(calm.back().ts, at(2, 9, 10, 11));
}

TEST(Lifecycle, GroupWaitGivesTheSectorAlertTimeToArrive) {
  Harness t(std::string(kSector) + "    group_wait: 20s\n");
  EXPECT_THAT(t.q("600111.SH", at(2, 9, 10, 0, 0), "20.70", "20.00"), IsEmpty());  // held for the group
  EXPECT_THAT(t.q("000831.SZ", at(2, 9, 10, 0, 5), "31.20", "30.00"), SizeIs(1));  // the sector
  EXPECT_THAT(t.advance(at(2, 9, 10, 0, 20)), IsEmpty());  // the burst is explained by the sector
  EXPECT_EQ(t.engine().counters("stock").inhibited, 2u);
}

TEST(Lifecycle, SilencesHoldBackUntilTheyEnd) {
  Harness t(kLimitUp);
  Silence s;
  s.matchers = {*parse_matcher("symbol=600392.SH"), *parse_matcher("rule=~limit-.*")};
  s.starts_at = at(2, 9, 9, 0);
  s.ends_at = at(2, 9, 11, 0);
  s.created_by = "desk";
  s.comment = "placement news already known";
  auto id = t.engine().add_silence(s, at(2, 9, 9, 0));
  ASSERT_TRUE(id.ok()) << id.error().message;
  EXPECT_THAT(t.engine().silences().list(at(2, 9, 9, 0)), SizeIs(1));
  EXPECT_THAT(t.q("600392.SH", at(2, 9, 10, 0), "11.00", "10.00"), IsEmpty());
  EXPECT_EQ(t.engine().counters("limit-up").silenced, 1u);
  auto late = t.advance(at(2, 9, 11, 0));
  ASSERT_THAT(late, SizeIs(1));  // still at the limit when the silence ends
  EXPECT_EQ(late[0].ts, at(2, 9, 11, 0));
  EXPECT_EQ(late[0].state, AlertState::Firing);
  // Silencing a notified alert does not take its resolved message away.
  s.ends_at = at(2, 9, 15, 0);
  s.comment = "enough";
  ASSERT_TRUE(t.engine().add_silence(s, at(2, 9, 11, 5)).ok());
  EXPECT_THAT(t.q("600392.SH", at(2, 9, 11, 10), "10.95"), SizeIs(1));
}

TEST(Lifecycle, ExpiringASilenceEarlyReleasesWhatItHeld) {
  Harness t(kLimitUp);
  Silence s;
  s.matchers = {*parse_matcher("severity=warning")};
  s.starts_at = at(2, 9, 9, 0);
  s.ends_at = at(2, 9, 15, 0);
  s.created_by = "desk";
  s.comment = "lunch";
  const std::string id = *t.engine().add_silence(s, at(2, 9, 9, 0));
  t.q("600392.SH", at(2, 9, 10, 0), "11.00", "10.00");
  ASSERT_TRUE(t.engine().expire_silence(id, at(2, 9, 10, 30)).ok());
  EXPECT_THAT(t.advance(at(2, 9, 10, 30)), SizeIs(1));
  EXPECT_FALSE(t.engine().expire_silence("s-nope", at(2, 9, 10, 30)).ok());
  EXPECT_THAT(t.engine().silences().list(at(2, 9, 10, 31)), IsEmpty());
  EXPECT_THAT(t.engine().silences().list(at(2, 9, 10, 31), true), SizeIs(1));
}

TEST(Silences, ValidateAndMatch) {
  SilenceBook book;
  Silence s;
  s.starts_at = at(2, 9, 9, 0);
  s.ends_at = at(2, 9, 10, 0);
  EXPECT_FALSE(book.add(s, at(2, 9, 9, 0)).ok());  // no matcher
  s.matchers = {*parse_matcher("symbol!=\"159713.SZ\"")};
  EXPECT_FALSE(book.add(s, at(2, 9, 9, 0)).ok());  // no author
  s.created_by = "a";
  s.comment = "c";
  EXPECT_FALSE(book.add(s, at(2, 9, 11, 0)).ok());  // already over
  auto id = book.add(s, at(2, 9, 9, 0));
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(*book.add(s, at(2, 9, 9, 0)), *id);  // same content, same id
  EXPECT_EQ(book.size(), 1u);
  EXPECT_TRUE(book.silencing({{"symbol", "600111.SH"}}, at(2, 9, 9, 30)));
  EXPECT_FALSE(book.silencing({{"symbol", "159713.SZ"}}, at(2, 9, 9, 30)));
  EXPECT_FALSE(book.silencing({{"symbol", "600111.SH"}}, at(2, 9, 10, 0)));
  EXPECT_FALSE(parse_matcher("=x").ok());
  EXPECT_FALSE(parse_matcher("rule=~(").ok());
  EXPECT_FALSE(parse_matcher("rule").ok());
}

const char* kExample =
    "keywords:\n  export_control: [\"出口管制\"]\n"
    "rules:\n  - name: reaction\n    headline: { keywords: [export_control] }\n"
    "    move: { symbols: [\"159713.SZ\"], change_pct: \">= 2.0\", window: 15m }\n    within: 30m\n"
    "  - name: news\n    headline: { keywords: [export_control] }\n";

TEST(Lifecycle, EditedHeadlineUpdatesItsAlerts) {
  Harness t(kExample);
  t.q("159713.SZ", at(2, 9, 10, 0), "1.000");
  EXPECT_THAT(t.h("n1", at(2, 9, 10, 1), "出口管制 草稿"), SizeIs(1));  // the news rule
  auto fired = t.q("159713.SZ", at(2, 9, 10, 5), "1.030");
  ASSERT_THAT(fired, SizeIs(1));
  auto edited = t.h("n1", at(2, 9, 10, 1), "商务部:出口管制正式公告");
  ASSERT_THAT(edited, SizeIs(2));
  for (const auto& a : edited) {
    EXPECT_EQ(a.state, AlertState::Firing);
    EXPECT_THAT(a.id, ::testing::EndsWith(":update-1"));
    EXPECT_EQ(a.headlines.at(0).title, "商务部:出口管制正式公告");
  }
  EXPECT_THAT(t.h("n1", at(2, 9, 10, 1), "商务部:出口管制正式公告"), IsEmpty());  // a duplicate delivery
  // The daemon classifies before evaluating: the enriched copy is still the same item.
  Headline enriched = testing::headline("n1", at(2, 9, 10, 1), "商务部:出口管制正式公告");
  t.engine().classify(enriched);
  enriched.tags.push_back("board-tag");
  EXPECT_THAT(t.h(enriched), IsEmpty());
  EXPECT_EQ(t.engine().stats().headline_updates, 1u);
}

TEST(Lifecycle, RetractedHeadlineResolvesTheAlertsRestingOnIt) {
  Harness t(kExample);
  t.q("159713.SZ", at(2, 9, 10, 0), "1.000");
  t.h("n1", at(2, 9, 10, 1), "出口管制");
  t.q("159713.SZ", at(2, 9, 10, 5), "1.030");
  Headline withdrawn = testing::headline("n1", at(2, 9, 10, 1), "出口管制");
  withdrawn.tags = {"retracted"};
  auto ended = t.h(withdrawn);
  ASSERT_THAT(ended, SizeIs(2));
  for (const auto& a : ended) {
    EXPECT_EQ(a.state, AlertState::Resolved);
    EXPECT_EQ(a.labels.at("reason"), "retracted");
  }
  EXPECT_EQ(t.engine().stats().headline_retractions, 1u);
}

TEST(Lifecycle, UnexplainedOnlyFiresWhenTheWindowPassesWithoutNews) {
  const char* rules =
      "rules:\n  - name: unexplained\n    move: { symbols: [\"600111.SH\"], change_pct: \"abs >= 3.0\", from: "
      "prev_close }\n"
      "    within: 20m\n    unexplained_only: true\n";
  Harness t(rules);
  EXPECT_THAT(t.q("600111.SH", at(2, 9, 10, 0), "20.80", "20.00"), IsEmpty());
  EXPECT_THAT(t.advance(at(2, 9, 10, 21)), IsEmpty());  // 20 minutes, but news may be 2 minutes late
  auto fired = t.advance(at(2, 9, 10, 22));
  ASSERT_THAT(fired, SizeIs(1));
  EXPECT_EQ(fired[0].explained, false);
  EXPECT_EQ(fired[0].labels.at("explanation"), "none");
  EXPECT_EQ(fired[0].ts, at(2, 9, 10, 22));
  // The same move with news inside the window never fires.
  Harness u(rules);
  u.q("600111.SH", at(2, 9, 10, 0), "20.80", "20.00");
  EXPECT_THAT(u.h("x", at(2, 9, 10, 15), "北方稀土发布业绩预告"), IsEmpty());
  EXPECT_THAT(u.advance(at(2, 9, 11, 0)), IsEmpty());
  EXPECT_THAT(u.all(), IsEmpty());
}

TEST(Lifecycle, AnExplainedCandidateDoesNotUseUpTheCooldown) {
  Harness t(
      "rules:\n  - name: unexplained\n    move: { symbols: [\"600111.SH\"], change_pct: \"abs >= 3.0\", window: 5m }\n"
      "    within: 10m\n    unexplained_only: true\n    cooldown: 60m\n");
  t.q("600111.SH", at(2, 9, 10, 0), "20.00", "20.00");
  t.q("600111.SH", at(2, 9, 10, 2), "20.70");   // a move ...
  t.h("x", at(2, 9, 10, 5), "北方稀土公告");    // ... that the news explains
  t.q("600111.SH", at(2, 9, 10, 20), "20.70");  // over
  t.q("600111.SH", at(2, 9, 10, 30), "21.40");  // another move, no news
  auto fired = t.advance(at(2, 9, 10, 42));
  ASSERT_THAT(fired, SizeIs(1));
  EXPECT_EQ(fired[0].move->to, testing::px("21.40"));
  EXPECT_EQ(t.engine().counters("unexplained").cooldown, 0u);
}

TEST(Lifecycle, RepeatWhileStillFiring) {
  Harness t(with(kLimitUp, "    repeat: 10m\n"));
  t.q("600392.SH", at(2, 9, 10, 0), "11.00", "10.00");
  EXPECT_THAT(t.advance(at(2, 9, 10, 9)), IsEmpty());
  auto repeat = t.advance(at(2, 9, 10, 10));
  ASSERT_THAT(repeat, SizeIs(1));
  EXPECT_THAT(repeat[0].id, ::testing::EndsWith(":repeat-1"));
  EXPECT_THAT(t.advance(at(2, 9, 10, 25)), SizeIs(1));
}

TEST(Lifecycle, KeepFiringForRidesOutAFlicker) {
  Harness t(with(kLimitUp, "    keep_firing_for: 1m\n"));
  t.q("600392.SH", at(2, 9, 10, 0), "11.00", "10.00");
  EXPECT_THAT(t.q("600392.SH", at(2, 9, 10, 1), "10.99"), IsEmpty());
  EXPECT_THAT(t.q("600392.SH", at(2, 9, 10, 1, 30), "11.00"), IsEmpty());  // back: the same alert
  EXPECT_THAT(t.q("600392.SH", at(2, 9, 10, 3), "10.99"), IsEmpty());
  auto resolved = t.advance(at(2, 9, 10, 4));
  ASSERT_THAT(resolved, SizeIs(1));
  EXPECT_EQ(resolved[0].ts, at(2, 9, 10, 4));
  EXPECT_THAT(t.summary(), SizeIs(2));
}

TEST(Lifecycle, LateNewsWithinTheAllowedLatenessStillCorrelates) {
  Harness t(kExample);
  t.q("159713.SZ", at(2, 9, 10, 0), "1.000");
  t.q("159713.SZ", at(2, 9, 10, 5), "1.030");
  t.q("159713.SZ", at(2, 9, 10, 21), "1.031");  // the move is over; the watermark is 10:21
  // Published 10:04, delivered now: correlates with the 10:05 move.
  auto fired = t.h("late", at(2, 9, 10, 4), "出口管制");
  ASSERT_THAT(fired, SizeIs(2));
  EXPECT_EQ(fired[0].rule, "reaction");
  EXPECT_EQ(fired[0].ts, at(2, 9, 10, 5));
  // Far behind the watermark: counted and dropped.
  EXPECT_THAT(t.h("stale", at(2, 9, 9, 40), "出口管制"), IsEmpty());
  EXPECT_EQ(t.engine().stats().headlines_late, 1u);
}

TEST(Lifecycle, StaleQuotesAreIgnored) {
  Harness t(kLimitUp);
  t.q("600392.SH", at(2, 9, 10, 0), "10.50", "10.00");
  EXPECT_THAT(t.q("600392.SH", at(2, 9, 9, 59), "11.00"), IsEmpty());
  EXPECT_EQ(t.engine().stats().quotes_stale, 1u);
}

TEST(Reload, UnchangedRulesKeepTheirAlertsAndChangedOnesResolve) {
  Harness t(std::string(kLimitUp) +
            "  - name: drop\n    move: { symbols: [\"159713.SZ\"], change_pct: \"<= -3.0\", from: prev_close }\n");
  t.q("600392.SH", at(2, 9, 10, 0), "11.00", "10.00");
  t.q("159713.SZ", at(2, 9, 10, 0), "0.960", "1.000");
  ASSERT_THAT(t.all(), SizeIs(2));
  // limit-up unchanged, drop's threshold changed.
  auto notes =
      t.reload(std::string(kLimitUp) +
               "  - name: drop\n    move: { symbols: [\"159713.SZ\"], change_pct: \"<= -3.5\", from: prev_close }\n");
  ASSERT_THAT(notes, SizeIs(1));
  EXPECT_EQ(notes[0].rule, "drop");
  EXPECT_EQ(notes[0].state, AlertState::Resolved);
  EXPECT_EQ(notes[0].labels.at("reason"), "rule_changed");
  // limit-up is still firing and does not fire again; the new drop rule sees -4% and fires.
  EXPECT_THAT(t.q("600392.SH", at(2, 9, 10, 1), "11.00"), IsEmpty());
  auto refired = t.q("159713.SZ", at(2, 9, 10, 1), "0.960");
  ASSERT_THAT(refired, SizeIs(1));
  EXPECT_EQ(refired[0].rule, "drop");
  EXPECT_THAT(t.engine().firing(), SizeIs(2));
}

TEST(Reload, ABadFileIsRejectedAndTheRunningRulesStay) {
  Harness t(kLimitUp);
  auto outcome = reload_rules(t.engine(), "rules:\n  - name: limit-up\n    price: { symbols: all, limit: sideways }\n",
                              "bad.yaml", t.registry());
  EXPECT_FALSE(outcome.applied);
  ASSERT_THAT(outcome.diagnostics, SizeIs(1));
  EXPECT_EQ(format(outcome.diagnostics[0]),
            "bad.yaml:3:35: rule 'limit-up' price limit: unknown value 'sideways' (expected one of: up, down, either)");
  EXPECT_EQ(outcome.rules, 1u);
  EXPECT_THAT(t.q("600392.SH", at(2, 9, 10, 0), "11.00", "10.00"), SizeIs(1));  // the old rules still run
  auto good = reload_rules(t.engine(), "rules: []\n", "good.yaml", t.registry());
  EXPECT_TRUE(good.applied);
  EXPECT_EQ(good.rules, 0u);
  ASSERT_THAT(good.alerts, SizeIs(1));  // the limit-up alert ends with its rule
  auto missing = reload_rules_file(t.engine(), "/nonexistent.yaml", t.registry());
  EXPECT_FALSE(missing.applied);
}

TEST(Headlines, AtMostFiveThousandWaitWhileTheMarketIsShut) {
  // Saturday: trading time stands still, so nothing ages out; the oldest beyond the cap goes.
  Harness t(
      "keywords: { stockpile: [\"收储\"] }\n"
      "rules:\n  - name: m\n    headline: { keywords: [stockpile] }\n"
      "    move: { symbols: [\"159713.SZ\"], change_pct: \">= 2.0\", window: 15m }\n    within: 30m\n");
  for (int i = 0; i < 5'003; ++i) t.h("n" + std::to_string(i), at(2, 7, 10, 0, i % 60), "收储 " + std::to_string(i));
  EXPECT_EQ(t.engine().stats().headlines, 5'003U);
  EXPECT_EQ(t.engine().stats().headlines_evicted, 3U);
}

}  // namespace
}  // namespace lodestone::rules
