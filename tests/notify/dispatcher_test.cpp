// The dispatcher on explicit timestamps (no wall clock): grouping, quiet hours, each
// receiver's pace and pauses, digests, retries and Feishu's peaks. Times are exchange times
// around a real trading day, 2026-02-13 (a Friday), and the night before it. Alerts synthetic.
#include "lodestone/notify/dispatcher.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace lodestone::notify {
namespace {

Timestamp at(int hour, int minute, int second = 0, int ms = 0) {
  return exchange_time(make_date(2026, 2, 13), hour, minute, second, ms);
}
Timestamp night(int hour, int minute, int second = 0) {  // the evening of 2026-02-12
  return exchange_time(make_date(2026, 2, 12), hour, minute, second);
}
Timestamp plus(Timestamp t, std::int64_t ms) { return Timestamp{t.ms + ms}; }

ReceiverConfig receiver(std::string name, ReceiverKind kind, std::optional<double> rate = std::nullopt) {
  ReceiverConfig r;
  r.name = std::move(name);
  r.kind = kind;
  r.rate_per_minute = rate;
  return r;
}

// A synthetic alert: `fp` is its fingerprint (its identity across firing and resolved).
Alert alert(const std::string& fp, Timestamp ts, Severity severity = Severity::Warning,
            AlertState state = AlertState::Firing) {
  Alert a;
  a.id = "synthetic-" + fp + "-" + std::to_string(ts.ms);
  a.rule = "big-move";
  a.severity = severity;
  a.state = state;
  a.ts = ts;
  a.message = "synthetic";
  a.labels["fingerprint"] = fp;
  return a;
}

RouteConfig route(std::chrono::milliseconds wait, std::vector<std::string> group_by = {}) {
  RouteConfig r;
  r.group_by = std::move(group_by);
  r.group_wait = wait;
  r.group_interval = std::chrono::minutes(5);
  return r;
}

std::vector<std::string> fingerprints(const Batch& b) {
  std::vector<std::string> out;
  for (const auto& a : b.notification.alerts) out.push_back(a.labels.at("fingerprint"));
  return out;
}

class DispatcherTest : public ::testing::Test {
 protected:
  DispatcherTest() {
    config.public_url = "http://127.0.0.1:8080";
    config.receivers = {receiver("hook", ReceiverKind::Webhook),      receiver("desk", ReceiverKind::DingTalk),
                        receiver("lark", ReceiverKind::Feishu),       receiver("tg", ReceiverKind::Telegram),
                        receiver("wechat", ReceiverKind::ServerChan), receiver("slow", ReceiverKind::Webhook, 2.0)};
  }

  // Routes are set before the dispatcher is made (it keeps a pointer into the config).
  std::size_t add_route(RouteConfig r) {
    config.routes.push_back(std::move(r));
    return config.routes.size() - 1;
  }
  Dispatcher& make(std::uint64_t seed = 0, Dispatcher::Limits limits = {}) {
    dispatcher = std::make_unique<Dispatcher>(config, seed, limits);
    return *dispatcher;
  }

  // One claimed entry through `route` to `to`; group_key as the router spells it.
  OutboxEntry add(const Alert& a, const std::string& to, Timestamp now, std::size_t route_index = 0,
                  std::map<std::string, std::string> labels = {{"rule", "big-move"}}) {
    OutboxEntry e;
    e.id = entry_id(a.id + ":" + std::string(to_string(a.state)), to);
    e.receiver = to;
    e.alert_json = "{\"synthetic\":true}";
    e.route = route_index;
    e.enqueued_at = now;
    RouteHit hit;
    hit.route = route_index;
    hit.receiver = to;
    hit.group_labels = std::move(labels);
    hit.group_key = "{}:{";
    for (const auto& [k, v] : hit.group_labels) hit.group_key += k + "=\"" + v + "\"";
    hit.group_key += "}";
    dispatcher->add(e, a, hit, now);
    return e;
  }

  NotifyConfig config;
  std::unique_ptr<Dispatcher> dispatcher;
};

// --- grouping -----------------------------------------------------------------------------

TEST_F(DispatcherTest, GroupWaitCollectsABurstIntoOneBatch) {
  add_route(route(std::chrono::seconds(30), {"rule"}));
  auto& d = make();
  const auto e1 = add(alert("600519.SH", at(9, 30, 0)), "hook", at(9, 30, 0));
  const auto e2 = add(alert("000001.SZ", at(9, 30, 5)), "hook", at(9, 30, 5));
  const auto e3 = add(alert("300750.SZ", at(9, 30, 20)), "hook", at(9, 30, 20));
  EXPECT_EQ(d.next_due(), at(9, 30, 30)) << "first arrival + group_wait";
  EXPECT_TRUE(d.due(at(9, 30, 29, 999)).empty());
  EXPECT_EQ(d.waiting(), 3U);
  EXPECT_EQ(d.held().size(), 3U);

  auto out = d.due(at(9, 30, 30));
  ASSERT_EQ(out.size(), 1U);
  const Batch& b = out.front();
  EXPECT_EQ(b.notification.kind, NotificationKind::Alerts);
  EXPECT_EQ(b.notification.receiver, "hook");
  EXPECT_EQ(fingerprints(b), (std::vector<std::string>{"600519.SH", "000001.SZ", "300750.SZ"})) << "oldest first";
  ASSERT_EQ(b.entries.size(), 3U);
  EXPECT_EQ(b.entries[0].id, e1.id);
  EXPECT_EQ(b.notification.group_key, "{}:{rule=\"big-move\"}");
  EXPECT_EQ(b.notification.group_labels.at("rule"), "big-move");
  EXPECT_EQ(b.notification.public_url, "http://127.0.0.1:8080");
  EXPECT_EQ(b.attempt, 0U);
  std::vector<std::string> ids{e1.id, e2.id, e3.id};
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(b.notification.id, entry_id(ids[0] + "," + ids[1] + "," + ids[2], "hook"))
      << "a stable id from the sorted entry ids";
  EXPECT_EQ(d.waiting(), 0U);
  EXPECT_EQ(d.next_due(), std::nullopt) << "nothing waits";
}

TEST_F(DispatcherTest, AOneEntryBatchCarriesTheEntrysIdAsItsWebhookId) {
  add_route(route(std::chrono::milliseconds(0)));
  auto& d = make();
  const auto e = add(alert("600519.SH", at(9, 31)), "hook", at(9, 31));
  EXPECT_EQ(d.next_due(), at(9, 31));
  auto out = d.due(at(9, 31));
  ASSERT_EQ(out.size(), 1U);
  EXPECT_EQ(out[0].notification.id, e.id);
}

TEST_F(DispatcherTest, GroupIntervalAfterASendThenAnIdleGroupStartsAfresh) {
  add_route(route(std::chrono::seconds(30), {"rule"}));
  auto& d = make();
  add(alert("600519.SH", at(9, 30)), "hook", at(9, 30));
  auto first = d.due(at(9, 30, 30));
  ASSERT_EQ(first.size(), 1U);
  d.sent(first[0], at(9, 30, 31));

  add(alert("000001.SZ", at(9, 31)), "hook", at(9, 31));
  EXPECT_EQ(d.next_due(), at(9, 35, 31)) << "last send + group_interval";
  EXPECT_TRUE(d.due(at(9, 35, 30, 999)).empty());
  auto second = d.due(at(9, 35, 31));
  ASSERT_EQ(second.size(), 1U);
  EXPECT_EQ(fingerprints(second[0]), std::vector<std::string>{"000001.SZ"});
  d.sent(second[0], at(9, 35, 32));

  // Fourteen minutes later the group is idle: a new arrival waits group_wait, not the interval.
  add(alert("300750.SZ", at(9, 50)), "hook", at(9, 50));
  EXPECT_EQ(d.next_due(), at(9, 50, 30));
}

TEST_F(DispatcherTest, ArrivalsWhileABatchIsOutWaitForTheIntervalFromTheAnswer) {
  add_route(route(std::chrono::seconds(30), {"rule"}));
  auto& d = make();
  add(alert("600519.SH", at(9, 30)), "hook", at(9, 30));
  auto out = d.due(at(9, 30, 30));
  ASSERT_EQ(out.size(), 1U);
  add(alert("000001.SZ", at(9, 30, 40)), "hook", at(9, 30, 40));
  EXPECT_EQ(d.next_due(), at(9, 35, 30)) << "the interval starts at hand-out";
  d.sent(out[0], at(9, 30, 45));
  EXPECT_EQ(d.next_due(), at(9, 35, 45)) << "and again at the service's answer";
}

TEST_F(DispatcherTest, WithoutGroupByEachAlertIsItsOwnGroupAndKeepsFiringAndResolved) {
  add_route(route(std::chrono::seconds(10)));
  auto& d = make();
  add(alert("600519.SH", at(9, 30, 0)), "hook", at(9, 30, 0), 0, {});
  add(alert("000001.SZ", at(9, 30, 1)), "hook", at(9, 30, 1), 0, {});
  add(alert("600519.SH", at(9, 30, 5), Severity::Warning, AlertState::Resolved), "hook", at(9, 30, 5), 0, {});
  EXPECT_EQ(d.next_due(), at(9, 30, 10));
  auto out = d.due(at(9, 30, 11));
  ASSERT_EQ(out.size(), 2U) << "two alerts, two groups, two messages";
  EXPECT_EQ(fingerprints(out[0]), (std::vector<std::string>{"600519.SH", "600519.SH"}));
  EXPECT_EQ(out[0].notification.alerts[0].state, AlertState::Firing);
  EXPECT_EQ(out[0].notification.alerts[1].state, AlertState::Resolved) << "the firing, then its resolution";
  EXPECT_EQ(fingerprints(out[1]), std::vector<std::string>{"000001.SZ"});
  EXPECT_NE(out[0].notification.group_key, out[1].notification.group_key);
}

TEST_F(DispatcherTest, AnEntryAlreadyHeldIsNotAddedTwice) {
  add_route(route(std::chrono::seconds(30)));
  auto& d = make();
  const Alert a = alert("600519.SH", at(9, 30));
  add(a, "hook", at(9, 30));
  add(a, "hook", at(9, 30, 1));
  EXPECT_EQ(d.waiting(), 1U);
  auto out = d.due(at(9, 30, 30));
  ASSERT_EQ(out.size(), 1U);
  EXPECT_EQ(out[0].entries.size(), 1U);
}

TEST_F(DispatcherTest, ARouteIndexTheConfigNoLongerHasSendsWithoutWaiting) {
  add_route(route(std::chrono::minutes(10)));
  auto& d = make();
  add(alert("600519.SH", at(9, 30)), "hook", at(9, 30), 7);
  EXPECT_EQ(d.next_due(), at(9, 30));
  EXPECT_EQ(d.due(at(9, 30)).size(), 1U);
}

// --- quiet hours --------------------------------------------------------------------------

RouteConfig quiet_route(bool critical_passes = true) {
  RouteConfig r = route(std::chrono::milliseconds(0));
  r.quiet_hours = QuietHours{22 * 60, 8 * 60, critical_passes};  // "22:00-08:00"
  return r;
}

TEST_F(DispatcherTest, QuietHoursHoldAWarningAndLetACriticalThrough) {
  add_route(quiet_route());
  auto& d = make();
  add(alert("600519.SH", night(23, 0)), "hook", night(23, 0));
  EXPECT_EQ(d.next_due(), at(8, 0)) << "held until the window ends";
  EXPECT_TRUE(d.due(night(23, 0)).empty());
  EXPECT_EQ(d.counters("hook").quiet_held, 1U);

  add(alert("000001.SZ", night(23, 10), Severity::Critical), "hook", night(23, 10));
  EXPECT_EQ(d.next_due(), night(23, 10)) << "a critical alert passes";
  auto out = d.due(night(23, 10));
  ASSERT_EQ(out.size(), 1U);
  EXPECT_EQ(fingerprints(out[0]), std::vector<std::string>{"000001.SZ"});
  EXPECT_EQ(d.next_due(), at(8, 0));

  EXPECT_TRUE(d.due(at(7, 59, 59, 999)).empty());
  out = d.due(at(8, 0));
  ASSERT_EQ(out.size(), 1U);
  EXPECT_EQ(out[0].notification.kind, NotificationKind::Alerts) << "one group waited: its own batch";
  EXPECT_EQ(fingerprints(out[0]), std::vector<std::string>{"600519.SH"});
  EXPECT_EQ(d.counters("hook").quiet_held, 1U) << "counted once however often due() looked";
}

TEST_F(DispatcherTest, QuietHoursHoldACriticalWhenTheRouteSaysHold) {
  add_route(quiet_route(false));
  auto& d = make();
  add(alert("000001.SZ", night(23, 10), Severity::Critical), "hook", night(23, 10));
  EXPECT_EQ(d.next_due(), at(8, 0));
  EXPECT_TRUE(d.due(night(23, 10)).empty());
  EXPECT_EQ(d.due(at(8, 0)).size(), 1U);
}

TEST_F(DispatcherTest, QuietHoursWrapPastMidnight) {
  add_route(quiet_route());
  auto& d = make();
  add(alert("600519.SH", at(2, 0)), "hook", at(2, 0));
  EXPECT_EQ(d.next_due(), at(8, 0)) << "after midnight: the same morning's 08:00";
  add(alert("000001.SZ", night(21, 59)), "hook", night(21, 59));
  EXPECT_EQ(d.next_due(), night(21, 59)) << "before the window: at once";
  EXPECT_EQ(d.due(night(21, 59)).size(), 1U);
}

TEST(QuietHours, WindowArithmetic) {
  const QuietHours overnight{22 * 60, 8 * 60, true};
  EXPECT_FALSE(in_quiet_hours(overnight, night(21, 59, 59)));
  EXPECT_TRUE(in_quiet_hours(overnight, night(22, 0)));
  EXPECT_TRUE(in_quiet_hours(overnight, at(0, 0)));
  EXPECT_TRUE(in_quiet_hours(overnight, at(7, 59, 59)));
  EXPECT_FALSE(in_quiet_hours(overnight, at(8, 0))) << "the end minute is outside";
  EXPECT_EQ(quiet_hours_end(overnight, night(22, 30)), at(8, 0));
  EXPECT_EQ(quiet_hours_end(overnight, at(3, 0)), at(8, 0));
  EXPECT_EQ(quiet_hours_end(overnight, at(9, 30)), at(9, 30)) << "outside: itself";

  const QuietHours lunch{11 * 60 + 30, 13 * 60, true};  // the midday break, 11:30-13:00
  EXPECT_TRUE(in_quiet_hours(lunch, at(12, 0)));
  EXPECT_FALSE(in_quiet_hours(lunch, at(13, 0)));
  EXPECT_FALSE(in_quiet_hours(lunch, at(11, 29, 59)));
  EXPECT_EQ(quiet_hours_end(lunch, at(11, 30)), at(13, 0));

  const QuietHours none{9 * 60, 9 * 60, true};
  EXPECT_FALSE(in_quiet_hours(none, at(9, 0)));
}

TEST_F(DispatcherTest, QuietHoursReleaseTheNightAsOneDigest) {
  add_route(quiet_route());
  auto& d = make();
  add(alert("600519.SH", night(22, 30)), "hook", night(22, 30), 0, {{"team", "desk"}, {"symbol", "600519.SH"}});
  EXPECT_TRUE(d.due(night(22, 30)).empty());
  add(alert("000001.SZ", at(1, 0)), "hook", at(1, 0), 0, {{"team", "desk"}, {"symbol", "000001.SZ"}});
  EXPECT_TRUE(d.due(at(1, 0)).empty());
  add(alert("300750.SZ", at(5, 0)), "hook", at(5, 0), 0, {{"team", "desk"}, {"symbol", "300750.SZ"}});
  EXPECT_EQ(d.next_due(), at(8, 0));

  auto out = d.due(at(8, 0));
  ASSERT_EQ(out.size(), 1U);
  const Notification& n = out[0].notification;
  EXPECT_EQ(n.kind, NotificationKind::Digest);
  EXPECT_EQ(n.digest_count, 3U);
  EXPECT_EQ(n.digest_from, night(22, 30));
  EXPECT_EQ(n.digest_to, at(5, 0));
  EXPECT_EQ(fingerprints(out[0]), (std::vector<std::string>{"600519.SH", "000001.SZ", "300750.SZ"}));
  EXPECT_EQ(n.group_key, kDigestGroupKey);
  EXPECT_EQ(n.group_labels, (std::map<std::string, std::string>{{"team", "desk"}})) << "what all three share";
  EXPECT_EQ(out[0].entries.size(), 3U);
  EXPECT_EQ(out[0].groups.size(), 3U);
  const auto c = d.counters("hook");
  EXPECT_EQ(c.digests, 1U);
  EXPECT_EQ(c.digested, 3U);
  EXPECT_EQ(c.quiet_held, 3U);
}

// --- pace and digests ---------------------------------------------------------------------

TEST_F(DispatcherTest, DingTalkTakesTwentyAtTheOpenAndTheRestAsOneDigest) {
  add_route(route(std::chrono::milliseconds(0)));
  auto& d = make();
  const Timestamp open = at(9, 30);
  std::vector<Batch> out;
  for (int i = 0; i < 25; ++i) {
    add(alert("synthetic-" + std::to_string(i), open), "desk", open, 0, {});
    for (auto& b : d.due(open)) out.push_back(std::move(b));
  }
  ASSERT_EQ(out.size(), 20U) << "DingTalk takes 20 a minute per robot";
  for (const auto& b : out) EXPECT_EQ(b.notification.kind, NotificationKind::Alerts);
  EXPECT_EQ(d.waiting("desk"), 5U);
  EXPECT_EQ(d.next_due(), plus(open, 3'000)) << "the next token: 60 s / 20";
  EXPECT_TRUE(d.due(plus(open, 2'999)).empty());

  auto digest = d.due(plus(open, 3'000));
  ASSERT_EQ(digest.size(), 1U);
  EXPECT_EQ(digest[0].notification.kind, NotificationKind::Digest);
  EXPECT_EQ(digest[0].notification.digest_count, 5U);
  EXPECT_EQ(digest[0].entries.size(), 5U);
  EXPECT_EQ(d.counters("desk").digests, 1U);
  EXPECT_EQ(d.counters("desk").digested, 5U);
  EXPECT_EQ(d.next_due(), std::nullopt);
}

TEST_F(DispatcherTest, AlertsArrivingWhileTheBucketIsEmptyJoinTheDigest) {
  add_route(route(std::chrono::milliseconds(0)));
  auto& d = make();
  const Timestamp open = at(9, 30);
  std::size_t sent = 0;
  for (int i = 0; i < 20; ++i) {
    add(alert("first-" + std::to_string(i), open), "desk", open, 0, {});
    sent += d.due(open).size();
  }
  ASSERT_EQ(sent, 20U);
  for (int i = 0; i < 4; ++i) {
    const Timestamp t = plus(open, 500 + 600 * i);  // 09:30:00.5 .. 09:30:02.3
    add(alert("late-" + std::to_string(i), t), "desk", t, 0, {});
    EXPECT_TRUE(d.due(t).empty());
    EXPECT_GT(*d.next_due(), t) << "after due(now), nothing is due at now: no busy loop";
  }
  auto out = d.due(plus(open, 3'000));
  ASSERT_EQ(out.size(), 1U);
  EXPECT_EQ(out[0].notification.digest_count, 4U);
  EXPECT_EQ(out[0].notification.digest_from, plus(open, 500));
  EXPECT_EQ(out[0].notification.digest_to, plus(open, 2'300));
}

TEST_F(DispatcherTest, ALateTimerDoesNotTurnFreshGroupsIntoADigest) {
  add_route(route(std::chrono::milliseconds(0)));
  auto& d = make();
  for (int s = 0; s < 3; ++s) add(alert("s" + std::to_string(s), at(10, 0, s)), "desk", at(10, 0, s));
  EXPECT_EQ(d.next_due(), at(10, 0, 0));
  auto out = d.due(at(10, 0, 5));  // the Notifier's timer fired five seconds late
  ASSERT_EQ(out.size(), 3U) << "tokens were there all along: each group goes as itself";
  for (const auto& b : out) EXPECT_EQ(b.notification.kind, NotificationKind::Alerts);
  EXPECT_EQ(d.counters("desk").digests, 0U);
}

TEST_F(DispatcherTest, TelegramSendsOneASecond) {
  add_route(route(std::chrono::milliseconds(0)));
  auto& d = make();
  add(alert("600519.SH", at(10, 0, 10)), "tg", at(10, 0, 10));
  add(alert("000001.SZ", at(10, 0, 10)), "tg", at(10, 0, 10));
  EXPECT_EQ(d.due(at(10, 0, 10)).size(), 1U);
  EXPECT_EQ(d.next_due(), at(10, 0, 11));
  auto out = d.due(at(10, 0, 11));
  ASSERT_EQ(out.size(), 1U);
  EXPECT_EQ(out[0].notification.kind, NotificationKind::Alerts) << "one group waited: no digest of one";
}

TEST_F(DispatcherTest, RatePerMinuteOverridesTheDocumentedPace) {
  add_route(route(std::chrono::milliseconds(0)));
  auto& d = make();
  for (const char* fp : {"600519.SH", "000001.SZ", "300750.SZ"}) add(alert(fp, at(10, 15)), "slow", at(10, 15));
  EXPECT_EQ(d.due(at(10, 15)).size(), 2U) << "rate_per_minute: 2";
  EXPECT_EQ(d.next_due(), at(10, 15, 30));
}

TEST_F(DispatcherTest, ServerChanKeepsToFiveADay) {
  add_route(route(std::chrono::milliseconds(0)));
  auto& d = make();
  for (int i = 0; i < 6; ++i) add(alert("stop-loss-" + std::to_string(i), at(9, 30)), "wechat", at(9, 30));
  EXPECT_EQ(d.due(at(9, 30)).size(), 5U);
  EXPECT_EQ(d.next_due(), plus(at(9, 30), 86'400'000 / 5)) << "the sixth a fifth of a day later";
}

TEST_F(DispatcherTest, APauseFoldsWhatWaitsIntoOneDigestAtItsEnd) {
  add_route(route(std::chrono::milliseconds(0)));
  auto& d = make();
  d.pause("desk", at(9, 40));  // DingTalk said 130101: send too fast
  EXPECT_EQ(d.paused_until("desk"), at(9, 40));
  EXPECT_EQ(d.counters("desk").pauses, 1U);
  for (int m = 1; m <= 3; ++m) {
    add(alert("synthetic-" + std::to_string(m), at(9, 30 + m)), "desk", at(9, 30 + m));
    EXPECT_TRUE(d.due(at(9, 30 + m)).empty());
    EXPECT_EQ(d.next_due(), at(9, 40));
  }
  d.pause("desk", at(9, 35));
  EXPECT_EQ(d.paused_until("desk"), at(9, 40)) << "an earlier end does not shorten the pause";
  EXPECT_EQ(d.counters("desk").pauses, 2U);

  EXPECT_TRUE(d.due(at(9, 39, 59, 999)).empty());
  auto out = d.due(at(9, 40));
  ASSERT_EQ(out.size(), 1U);
  EXPECT_EQ(out[0].notification.kind, NotificationKind::Digest);
  EXPECT_EQ(out[0].notification.digest_count, 3U);

  // The bucket restarted with one token at the pause's end: no burst follows.
  add(alert("synthetic-4", at(9, 40)), "desk", at(9, 40));
  EXPECT_TRUE(d.due(at(9, 40)).empty());
  EXPECT_EQ(d.next_due(), at(9, 40, 3));
  EXPECT_EQ(d.due(at(9, 40, 3)).size(), 1U);
}

TEST_F(DispatcherTest, OneGroupWaitingOutAPauseGoesAsItsOwnBatch) {
  add_route(route(std::chrono::milliseconds(0), {"rule"}));
  auto& d = make();
  d.pause("tg", at(10, 5));  // Telegram's 429 with retry_after
  add(alert("600519.SH", at(10, 1)), "tg", at(10, 1));
  add(alert("000001.SZ", at(10, 2)), "tg", at(10, 2));
  auto out = d.due(at(10, 5));
  ASSERT_EQ(out.size(), 1U);
  EXPECT_EQ(out[0].notification.kind, NotificationKind::Alerts);
  EXPECT_EQ(out[0].notification.alerts.size(), 2U);
}

TEST_F(DispatcherTest, ADigestShowsABoundedListButSettlesEveryEntry) {
  add_route(route(std::chrono::milliseconds(0)));
  auto& d = make(0, Dispatcher::Limits{10'000, 3});
  d.pause("hook", at(9, 40));
  add(alert("crit", at(9, 31), Severity::Critical), "hook", at(9, 31));
  for (int m = 2; m <= 6; ++m) add(alert("warn-" + std::to_string(m), at(9, 30 + m)), "hook", at(9, 30 + m));
  auto out = d.due(at(9, 40));
  ASSERT_EQ(out.size(), 1U);
  const Notification& n = out[0].notification;
  EXPECT_EQ(n.kind, NotificationKind::Digest);
  EXPECT_EQ(n.digest_count, 6U);
  EXPECT_EQ(out[0].entries.size(), 6U) << "every entry is settled by the digest";
  EXPECT_EQ(fingerprints(out[0]), (std::vector<std::string>{"crit", "warn-5", "warn-6"}))
      << "the critical, then the newest, shown oldest first";
  EXPECT_EQ(n.digest_from, at(9, 31));
  EXPECT_EQ(n.digest_to, at(9, 36));
}

TEST_F(DispatcherTest, PastTheCapTheOldestGroupsFoldIntoADigestAtOnce) {
  add_route(route(std::chrono::hours(1)));
  auto& d = make(0, Dispatcher::Limits{4, 100});
  for (int i = 0; i < 6; ++i) add(alert("s" + std::to_string(i), at(9, 30, i)), "hook", at(9, 30, i));
  EXPECT_EQ(d.next_due(), at(9, 30, 4)) << "the oldest stopped waiting when the cap was passed";
  auto out = d.due(at(9, 30, 5));
  ASSERT_EQ(out.size(), 1U);
  EXPECT_EQ(out[0].notification.kind, NotificationKind::Digest);
  EXPECT_EQ(fingerprints(out[0]), (std::vector<std::string>{"s0", "s1"}));
  EXPECT_EQ(d.waiting("hook"), 4U) << "nothing dropped: the rest still wait for their group";
  EXPECT_EQ(d.next_due(), at(10, 30, 2));
}

TEST_F(DispatcherTest, PastTheCapQuietHoursNoLongerHold) {
  add_route(quiet_route());
  auto& d = make(0, Dispatcher::Limits{2, 100});
  for (int i = 0; i < 3; ++i) add(alert("s" + std::to_string(i), night(23, 0, i)), "hook", night(23, 0, i));
  EXPECT_EQ(d.next_due(), night(23, 0, 2));
  auto out = d.due(night(23, 0, 2));
  ASSERT_EQ(out.size(), 1U);
  EXPECT_EQ(fingerprints(out[0]), std::vector<std::string>{"s0"});
  EXPECT_EQ(d.next_due(), at(8, 0));
}

TEST_F(DispatcherTest, TheDefaultCapHoldsTenThousandEntriesPerReceiver) {
  add_route(route(std::chrono::minutes(30)));
  auto& d = make();
  d.pause("desk", at(10, 0));
  const Timestamp t = at(9, 31);
  for (int i = 0; i < 10'010; ++i) add(alert("s" + std::to_string(i), t), "desk", t);
  EXPECT_EQ(d.waiting("desk"), 10'010U) << "nothing dropped";
  auto out = d.due(at(10, 0));
  ASSERT_EQ(out.size(), 1U) << "the ten oldest folded at once into the pause's digest";
  EXPECT_EQ(out[0].notification.digest_count, 10U);
  EXPECT_EQ(d.waiting("desk"), 10'000U);
}

// --- retries ------------------------------------------------------------------------------

TEST_F(DispatcherTest, RetryBacksOffExponentiallyWithJitterAndKeepsTheBatch) {
  add_route(route(std::chrono::milliseconds(0)));
  auto& d = make(11);
  add(alert("600519.SH", at(9, 30)), "hook", at(9, 30));
  auto out = d.due(at(9, 30));
  ASSERT_EQ(out.size(), 1U);
  Batch batch = out[0];
  const std::string id = batch.notification.id;
  Timestamp now = at(9, 30, 1);
  std::int64_t base = 1'000;
  for (std::uint32_t attempt = 1; attempt <= 12; ++attempt) {
    d.retry(batch, now);
    EXPECT_EQ(d.waiting(), 1U) << "a retried batch waits here again";
    const Timestamp next = *d.next_due();
    EXPECT_GE(next.ms - now.ms, base / 2) << "attempt " << attempt;
    EXPECT_LE(next.ms - now.ms, base) << "attempt " << attempt;
    EXPECT_TRUE(d.due(plus(next, -1)).empty());
    auto again = d.due(next);
    ASSERT_EQ(again.size(), 1U);
    EXPECT_EQ(again[0].attempt, attempt);
    EXPECT_EQ(again[0].notification.id, id) << "the idempotency key stays";
    EXPECT_EQ(again[0].entries.size(), 1U);
    batch = again[0];
    now = plus(next, 15'000);  // the attempt timed out
    base = std::min<std::int64_t>(base * 2, 600'000);
  }
  EXPECT_EQ(base, 600'000) << "the backoff reached its ceiling";
  d.sent(batch, now);
  d.retry(batch, now);
  EXPECT_LE(d.next_due()->ms - now.ms, 1'000) << "sent() reset the receiver's backoff";
}

TEST_F(DispatcherTest, RetryJitterIsSeeded) {
  add_route(route(std::chrono::milliseconds(0)));
  auto delays = [&](std::uint64_t seed) {
    auto& d = make(seed);
    add(alert("600519.SH", at(9, 30)), "hook", at(9, 30));
    Batch batch = d.due(at(9, 30)).at(0);
    std::vector<std::int64_t> out;
    Timestamp now = at(9, 30);
    for (int i = 0; i < 6; ++i) {
      d.retry(batch, now);
      const Timestamp next = *d.next_due();
      out.push_back(next.ms - now.ms);
      batch = d.due(next).at(0);
      now = next;
    }
    return out;
  };
  EXPECT_EQ(delays(3), delays(3)) << "the same seed, the same delays";
  EXPECT_NE(delays(3), delays(4)) << "jittered, not a fixed schedule";
}

TEST_F(DispatcherTest, RetryHonoursTheServicesNotBefore) {
  add_route(route(std::chrono::milliseconds(0)));
  auto& d = make();
  add(alert("600519.SH", at(9, 30)), "hook", at(9, 30));
  Batch batch = d.due(at(9, 30)).at(0);
  d.retry(batch, at(9, 30, 1), at(9, 31, 6));  // Retry-After: 65
  EXPECT_EQ(d.next_due(), at(9, 31, 6));
  EXPECT_TRUE(d.due(at(9, 31, 5, 999)).empty());
  auto out = d.due(at(9, 31, 6));
  ASSERT_EQ(out.size(), 1U);
  EXPECT_EQ(out[0].attempt, 1U);
}

TEST_F(DispatcherTest, ARetriedBatchIsNotRegroupedWithNewArrivals) {
  add_route(route(std::chrono::seconds(30), {"rule"}));
  auto& d = make();
  const auto first = add(alert("600519.SH", at(9, 30)), "hook", at(9, 30));
  Batch batch = d.due(at(9, 30, 30)).at(0);
  const auto second = add(alert("000001.SZ", at(9, 30, 40)), "hook", at(9, 30, 40));
  d.retry(batch, at(9, 30, 45), at(9, 35, 30));
  EXPECT_EQ(d.held().size(), 2U) << "both wait, to be kept in the outbox";
  auto out = d.due(at(9, 35, 30));
  ASSERT_EQ(out.size(), 2U);
  EXPECT_EQ(out[0].notification.id, first.id) << "the retry first, as it was";
  EXPECT_EQ(out[0].attempt, 1U);
  EXPECT_EQ(out[1].notification.id, second.id);
  EXPECT_EQ(out[1].attempt, 0U);
}

// --- Feishu's peaks -----------------------------------------------------------------------

TEST_F(DispatcherTest, FeishuKeepsClearOfTheOpen) {
  add_route(route(std::chrono::milliseconds(0)));
  auto& d = make(5);
  add(alert("600519.SH", at(9, 29, 58)), "lark", at(9, 29, 58));
  const Timestamp moved = clear_of_peak(at(9, 29, 58), 5, "lark");
  EXPECT_EQ(d.next_due(), moved);
  EXPECT_GE(moved, at(9, 30, 3));
  EXPECT_LT(moved, at(9, 30, 7));
  EXPECT_TRUE(d.due(at(9, 29, 58)).empty());
  EXPECT_TRUE(d.due(at(9, 30, 0)).empty());
  EXPECT_EQ(d.due(moved).size(), 1U);

  add(alert("000001.SZ", at(9, 31)), "lark", at(9, 31));
  EXPECT_EQ(d.next_due(), at(9, 31)) << "away from the marks: at once";
  EXPECT_EQ(d.due(at(9, 31)).size(), 1U);

  add(alert("300750.SZ", at(9, 30)), "hook", at(9, 30));
  EXPECT_EQ(d.due(at(9, 30)).size(), 1U) << "only Feishu asks for it";

  // Due just outside the guard, but the timer fired inside it: still kept clear.
  add(alert("601318.SH", at(9, 59, 56)), "lark", at(9, 59, 56));
  EXPECT_EQ(d.next_due(), at(9, 59, 56));
  EXPECT_TRUE(d.due(at(9, 59, 58)).empty());
  EXPECT_EQ(d.next_due(), clear_of_peak(at(10, 0), 5, "lark"));
}

TEST_F(DispatcherTest, FeishuMovesARetryOffTheCloseToo) {
  add_route(route(std::chrono::milliseconds(0)));
  auto& d = make(9);
  add(alert("600519.SH", at(14, 59, 50)), "lark", at(14, 59, 50));
  Batch batch = d.due(at(14, 59, 50)).at(0);
  d.retry(batch, at(14, 59, 55), at(15, 0, 1));
  const Timestamp moved = *d.next_due();
  EXPECT_GE(moved, at(15, 0, 3));
  EXPECT_LT(moved, at(15, 0, 7));
  EXPECT_TRUE(d.due(at(15, 0, 1)).empty());
  EXPECT_EQ(d.due(moved).size(), 1U);
}

TEST_F(DispatcherTest, FeishuFoldsTheOpensBurstIntoOneMessagePastIt) {
  add_route(route(std::chrono::milliseconds(0)));
  auto& d = make(5);
  for (const char* fp : {"600519.SH", "000001.SZ", "300750.SZ"}) add(alert(fp, at(9, 30)), "lark", at(9, 30));
  EXPECT_TRUE(d.due(at(9, 30)).empty());
  const Timestamp moved = *d.next_due();
  EXPECT_EQ(moved, clear_of_peak(at(9, 30), 5, "lark"));
  auto out = d.due(moved);
  ASSERT_EQ(out.size(), 1U);
  EXPECT_EQ(out[0].notification.kind, NotificationKind::Digest);
  EXPECT_EQ(out[0].notification.digest_count, 3U);
}

TEST_F(DispatcherTest, ARetryWaitsOutAPauseAndGoesBeforeTheDigest) {
  add_route(route(std::chrono::milliseconds(0)));
  auto& d = make();
  add(alert("600519.SH", at(10, 0)), "desk", at(10, 0));
  Batch batch = d.due(at(10, 0)).at(0);
  // DingTalk answered 130101: the batch comes back, the robot is paused for ten minutes.
  d.retry(batch, at(10, 0, 1), at(10, 0, 2));
  d.pause("desk", at(10, 10, 1));
  add(alert("000001.SZ", at(10, 3)), "desk", at(10, 3));
  add(alert("300750.SZ", at(10, 4)), "desk", at(10, 4));
  EXPECT_EQ(d.next_due(), at(10, 10, 1)) << "the retry's own time is inside the pause";
  EXPECT_TRUE(d.due(at(10, 5)).empty());
  auto out = d.due(at(10, 10, 1));
  ASSERT_EQ(out.size(), 1U) << "one token after a pause";
  EXPECT_EQ(out[0].notification.id, batch.notification.id);
  EXPECT_EQ(out[0].attempt, 1U);
  EXPECT_EQ(d.next_due(), at(10, 10, 4));
  out = d.due(at(10, 10, 4));
  ASSERT_EQ(out.size(), 1U);
  EXPECT_EQ(out[0].notification.kind, NotificationKind::Digest);
  EXPECT_EQ(out[0].notification.digest_count, 2U);
}

TEST_F(DispatcherTest, UnknownReceiversAnswerEmpty) {
  add_route(route(std::chrono::milliseconds(0)));
  auto& d = make();
  EXPECT_EQ(d.paused_until("nobody"), std::nullopt);
  EXPECT_EQ(d.counters("nobody").digests, 0U);
  EXPECT_EQ(d.waiting("nobody"), 0U);
  EXPECT_EQ(d.next_due(), std::nullopt);
  EXPECT_TRUE(d.due(at(9, 30)).empty());
}

}  // namespace
}  // namespace lodestone::notify
