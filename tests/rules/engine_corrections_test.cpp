// News corrected or withdrawn at its source reaches the alerts it caused: the same id again with
// the `retracted` tag or another title, a later item naming it by `corrects`, or a 更正/撤回
// notice naming it by its title. Every update and resolution keeps the alert's fingerprint, so
// receivers thread it with the firing they got. The earlier titles are real (the seed news of
// feeds/tapes/README.md#sources); every notice is SYNTHETIC, and so are all prices.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "harness.hpp"

namespace lodestone::rules {
namespace {

using testing::at;
using ::testing::ElementsAre;
using testing::Harness;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

// A headline rule, and the ETF's day move, which news the rules file cares about explains.
const char* kRules =
    "keywords:\n  export_control: [\"出口管制\"]\n  vault: [\"金库计划\"]\n  move_report: [\"领涨\"]\n"
    "rules:\n"
    "  - name: news\n    headline: { keywords: [export_control, vault] }\n"
    "    message: \"{source}: {headline}\"\n"
    "  - name: etf-move\n    move: { symbols: [\"159713.SZ\"], change_pct: \"abs >= 2.0\", from: prev_close }\n"
    "    within: 30m\n    message: \"{symbol} {name} {change_pct}% ({explained}) {headline}\"\n";

const char* kPolicy = "商务部:对部分稀土相关物项实施出口管制";  // synthetic
// Real titles: 每日经济新闻 2026-02-09 14:23, 新浪财经 2026-02-05 11:08.
const char* kNbd = "稀土板块强势领涨,稀土ETF(159713)盘中涨幅一度超过3.6%!";
const char* kSina = "关键矿产“金库计划”启动,稀土ETF嘉实(516150)聚焦稀土产业链投资机遇";

const Alert* of_rule(const std::vector<Alert>& notes, std::string_view rule) {
  for (const auto& a : notes)
    if (a.rule == rule) return &a;
  return nullptr;
}

Headline withdrawn(const char* id, Timestamp ts, const char* title, const char* source = "财联社") {
  Headline h = testing::headline(id, ts, title, source);
  h.tags = {"retracted"};
  return h;
}

// 10:01 the policy headline (the news alert), 10:05 the ETF 3% up on the day (explained by it).
struct Fired {
  Alert news;
  Alert move;
};
Fired policy_and_move(Harness& t) {
  t.q("159713.SZ", at(2, 9, 10, 0), "1.000", "1.000");
  auto news = t.h("n1", at(2, 9, 10, 1), kPolicy);
  auto move = t.q("159713.SZ", at(2, 9, 10, 5), "1.030");
  EXPECT_THAT(news, SizeIs(1));
  EXPECT_THAT(move, SizeIs(1));
  if (news.empty() || move.empty()) return {};
  EXPECT_EQ(move[0].explained, true);
  return {news[0], move[0]};
}

void same_alert(const Alert& later, const Alert& fired) {
  const std::string fp = fired.labels.at("fingerprint");
  EXPECT_EQ(later.labels.at("fingerprint"), fp);
  EXPECT_EQ(later.id.substr(0, fp.size() + 1), fp + ":");
  EXPECT_EQ(later.labels.at("started_at"), fired.labels.at("started_at"));
}

TEST(Corrections, TheRetractedTagEndsWhatRestsOnTheHeadlineAndUnexplainsTheMove) {
  Harness t(kRules);
  const Fired fired = policy_and_move(t);
  const auto notes = t.h(withdrawn("n1", at(2, 9, 10, 10), kPolicy));
  ASSERT_THAT(notes, SizeIs(2));
  const Alert* news = of_rule(notes, "news");
  ASSERT_NE(news, nullptr);
  EXPECT_EQ(news->state, AlertState::Resolved);
  EXPECT_EQ(news->labels.at("reason"), "retracted");
  EXPECT_EQ(news->id, fired.news.labels.at("fingerprint") + ":resolved");
  same_alert(*news, fired.news);
  // The move still stands: re-labelled, not ended.
  const Alert* move = of_rule(notes, "etf-move");
  ASSERT_NE(move, nullptr);
  EXPECT_EQ(move->state, AlertState::Firing);
  EXPECT_EQ(move->id, fired.move.labels.at("fingerprint") + ":update-1");
  same_alert(*move, fired.move);
  EXPECT_EQ(move->explained, false);
  EXPECT_EQ(move->labels.at("explanation"), "pending") << "10:10 is within 30 minutes of the move";
  EXPECT_EQ(move->labels.at("reason"), "retracted");
  EXPECT_THAT(move->headlines, IsEmpty());
  EXPECT_EQ(move->message, "159713.SZ 稀土ETF 3.00% (unexplained so far) ");
  EXPECT_EQ(t.engine().stats().headline_retractions, 1U);
  // The window passes without other news: nothing to tell until it ends, unexplained.
  EXPECT_THAT(t.advance(at(2, 9, 10, 40)), IsEmpty());
  const auto closed = t.advance(at(2, 9, 15, 0));
  ASSERT_THAT(closed, SizeIs(1));
  EXPECT_EQ(closed[0].labels.at("explanation"), "none");
  EXPECT_EQ(closed[0].labels.at("reason"), "close");
  same_alert(closed[0], fired.move);
}

TEST(Corrections, NewsWithdrawnAfterTheWindowLeavesTheMoveUnexplained) {
  Harness t(kRules);
  const Fired fired = policy_and_move(t);
  // 10:50: the engine no longer holds the 10:01 headline, but the move alert still cites it.
  const auto notes = t.h(withdrawn("n1", at(2, 9, 10, 50), kPolicy));
  const Alert* move = of_rule(notes, "etf-move");
  ASSERT_NE(move, nullptr);
  same_alert(*move, fired.move);
  EXPECT_EQ(move->explained, false);
  EXPECT_EQ(move->labels.at("explanation"), "none");
  EXPECT_EQ(move->labels.at("reason"), "retracted");
  // The news alert ended at 10:31 by itself (resolve_after 30m): nothing more to say about it.
  const Alert* news = of_rule(notes, "news");
  ASSERT_NE(news, nullptr);
  EXPECT_EQ(news->labels.at("reason"), "expired");
}

TEST(Corrections, OtherNewsStillExplainsTheMove) {
  Harness t(kRules);
  const Fired fired = policy_and_move(t);
  ASSERT_THAT(t.h("n2", at(2, 9, 10, 6), "稀土ETF午前领涨"), IsEmpty());  // synthetic; already explained
  const auto notes = t.h(withdrawn("n1", at(2, 9, 10, 10), kPolicy));
  const Alert* move = of_rule(notes, "etf-move");
  ASSERT_NE(move, nullptr);
  EXPECT_EQ(move->explained, true);
  EXPECT_EQ(move->labels.at("explanation"), "headline");
  EXPECT_EQ(move->labels.at("reason"), "retracted");
  ASSERT_THAT(move->headlines, SizeIs(1));
  EXPECT_EQ(move->headlines[0].id, "n2");
  EXPECT_EQ(move->labels.at("keywords"), "领涨") << "the withdrawn headline's keywords go with it";
}

TEST(Corrections, AChangedTitleThatStillMatchesUpdatesWithTheNewText) {
  Harness t(kRules);
  const Fired fired = policy_and_move(t);
  const char* corrected = "商务部:对部分稀土相关物项实施出口管制(附物项清单)";  // synthetic
  const auto notes = t.h("n1", at(2, 9, 10, 1), corrected);
  ASSERT_THAT(notes, SizeIs(2));
  for (const auto& a : notes) {
    EXPECT_EQ(a.state, AlertState::Firing);
    EXPECT_EQ(a.labels.at("reason"), "corrected");
    EXPECT_EQ(a.headlines.at(0).title, corrected);
    EXPECT_THAT(a.message, HasSubstr(corrected));
    EXPECT_THAT(a.id, ::testing::EndsWith(":update-1"));
  }
  same_alert(*of_rule(notes, "news"), fired.news);
  EXPECT_EQ(of_rule(notes, "etf-move")->explained, true);
  // The reason belongs to that update only: the next notification of the alert has none.
  const auto resolved = t.q("159713.SZ", at(2, 9, 10, 20), "1.000");
  ASSERT_THAT(resolved, SizeIs(1));
  EXPECT_EQ(resolved[0].labels.at("reason"), "condition");
}

TEST(Corrections, AChangedTitleThatNoLongerMatchesEndsTheNewsAlert) {
  Harness t(kRules);
  const Fired fired = policy_and_move(t);
  const auto notes = t.h("n1", at(2, 9, 10, 1), "商务部:稀土相关物项进出口情况通报");  // synthetic
  const Alert* news = of_rule(notes, "news");
  ASSERT_NE(news, nullptr);
  EXPECT_EQ(news->state, AlertState::Resolved);
  EXPECT_EQ(news->labels.at("reason"), "corrected");
  const Alert* move = of_rule(notes, "etf-move");
  ASSERT_NE(move, nullptr);
  EXPECT_EQ(move->explained, false);
  EXPECT_EQ(move->labels.at("reason"), "corrected");
}

TEST(Corrections, AnExactRepeatChangesNothing) {
  Harness t(kRules);
  policy_and_move(t);
  EXPECT_THAT(t.h("n1", at(2, 9, 10, 1), kPolicy), IsEmpty());
  Headline enriched = testing::headline("n1", at(2, 9, 10, 1), kPolicy);
  t.engine().classify(enriched);  // what the daemon's copy carries
  EXPECT_THAT(t.h(enriched), IsEmpty());
  EXPECT_EQ(t.engine().stats().headline_updates, 0U);
}

TEST(Corrections, AnItemThatRetractsAnotherByItsIdEndsItsAlerts) {
  Harness t(kRules);
  const Fired fired = policy_and_move(t);
  Headline notice = testing::headline("n2", at(2, 9, 10, 12), std::string("撤回:") + kPolicy);  // synthetic
  notice.corrects = "n1";
  notice.retracts = true;
  const auto notes = t.h(notice);
  ASSERT_THAT(notes, SizeIs(2)) << "the notice names 出口管制 too, but fires nothing of its own";
  EXPECT_EQ(of_rule(notes, "news")->state, AlertState::Resolved);
  EXPECT_EQ(of_rule(notes, "news")->labels.at("reason"), "retracted");
  same_alert(*of_rule(notes, "news"), fired.news);
  EXPECT_EQ(of_rule(notes, "etf-move")->labels.at("explanation"), "pending");
  EXPECT_EQ(t.engine().counters("news").fired, 1U);
  // The withdrawn item explains nothing any more: a second move in its window stays unexplained.
  t.q("159713.SZ", at(2, 9, 10, 20), "1.000");
  const auto again = t.q("159713.SZ", at(2, 9, 10, 21), "1.030");
  ASSERT_THAT(again, SizeIs(1));
  EXPECT_EQ(again[0].explained, false);
}

TEST(Corrections, AnItemThatCorrectsAnotherByItsIdTakesItsPlace) {
  Harness t(kRules);
  const Fired fired = policy_and_move(t);
  const std::string text = std::string("【更正】") + kPolicy + "(附清单)";  // synthetic
  Headline notice = testing::headline("n2", at(2, 9, 10, 12), text);
  notice.corrects = "n1";
  const auto notes = t.h(notice);
  ASSERT_THAT(notes, SizeIs(2));
  for (const auto& a : notes) {
    EXPECT_EQ(a.state, AlertState::Firing);
    EXPECT_EQ(a.labels.at("reason"), "corrected");
    ASSERT_THAT(a.headlines, SizeIs(1));
    EXPECT_EQ(a.headlines[0].id, "n2");
    EXPECT_THAT(a.message, HasSubstr(text));
  }
  same_alert(*of_rule(notes, "news"), fired.news);
  same_alert(*of_rule(notes, "etf-move"), fired.move);
  EXPECT_EQ(of_rule(notes, "etf-move")->explained, true);
  EXPECT_EQ(t.engine().stats().headline_corrections, 1U);
  EXPECT_EQ(t.engine().counters("news").fired, 1U);
  // Withdrawing the correction later reaches the same alerts.
  const auto ended = t.h(withdrawn("n2", at(2, 9, 10, 14), text.c_str()));
  ASSERT_NE(of_rule(ended, "news"), nullptr);
  EXPECT_EQ(of_rule(ended, "news")->labels.at("reason"), "retracted");
}

TEST(Corrections, AnItemCorrectedTwiceAndThenWithdrawnReachesTheSameAlerts) {
  Harness t(kRules);
  const Fired fired = policy_and_move(t);
  Headline first = testing::headline("n2", at(2, 9, 10, 12), std::string("【更正】") + kPolicy);  // synthetic
  first.corrects = "n1";
  ASSERT_THAT(t.h(first), SizeIs(2));
  Headline second = testing::headline("n3", at(2, 9, 10, 13), std::string("【再次更正】") + kPolicy);  // synthetic
  second.corrects = "n1";
  const auto again = t.h(second);
  ASSERT_THAT(again, SizeIs(2));
  for (const auto& a : again) {
    EXPECT_THAT(a.id, ::testing::EndsWith(":update-2"));
    ASSERT_THAT(a.headlines, SizeIs(1));
    EXPECT_EQ(a.headlines[0].id, "n3");
  }
  // The item itself withdrawn: its corrections go with it.
  const auto gone = t.h(withdrawn("n1", at(2, 9, 10, 14), kPolicy));
  ASSERT_THAT(gone, SizeIs(2));
  EXPECT_EQ(of_rule(gone, "news")->state, AlertState::Resolved);
  EXPECT_EQ(of_rule(gone, "news")->labels.at("reason"), "retracted");
  same_alert(*of_rule(gone, "news"), fired.news);
  EXPECT_EQ(of_rule(gone, "etf-move")->explained, false);
  EXPECT_THAT(of_rule(gone, "etf-move")->headlines, IsEmpty());
}

TEST(Corrections, ACorrectionOfAnItemNeverSeenIsNews) {
  Harness t(kRules);
  Headline notice = testing::headline("n2", at(2, 9, 10, 12), std::string("【更正】") + kPolicy);  // synthetic
  notice.corrects = "n0";
  EXPECT_THAT(t.h(notice), SizeIs(1)) << "the only version there is";
  Headline withdrawal = testing::headline("n3", at(2, 9, 10, 13), std::string("撤回:") + kPolicy);  // synthetic
  withdrawal.corrects = "n00";
  withdrawal.retracts = true;
  EXPECT_THAT(t.h(withdrawal), IsEmpty());
}

TEST(Corrections, AWithdrawalNoticeNamingTheTitleEndsItsAlerts) {
  Harness t(kRules);
  const auto fired = t.h("sina-20260205-1108", at(2, 5, 11, 8), kSina, "新浪财经");
  ASSERT_THAT(fired, SizeIs(1));
  const std::string text = std::string("关于撤回《") + kSina + "》的声明";  // synthetic
  // The same words from another source are its own news, not this source's withdrawal.
  const auto other = t.h("sohu-1", at(2, 5, 11, 20), text, "搜狐财经");
  ASSERT_THAT(other, SizeIs(1));
  EXPECT_EQ(other[0].state, AlertState::Firing);
  const auto notes = t.h("sina-2", at(2, 5, 11, 30), text, "新浪财经");
  ASSERT_THAT(notes, SizeIs(1));
  EXPECT_EQ(notes[0].state, AlertState::Resolved);
  EXPECT_EQ(notes[0].labels.at("reason"), "retracted");
  EXPECT_EQ(notes[0].id, fired[0].labels.at("fingerprint") + ":resolved");
  EXPECT_EQ(t.engine().stats().headline_retractions, 1U);
}

TEST(Corrections, ACorrectionNoticeNamingTheTitleUpdatesTheMoveItExplained) {
  Harness t(kRules);
  t.q("159713.SZ", at(2, 9, 14, 0), "1.441", "1.441");
  const auto fired = t.q("159713.SZ", at(2, 9, 14, 20), "1.490");  // +3.40%, no news yet
  ASSERT_THAT(fired, SizeIs(1));
  EXPECT_EQ(fired[0].labels.at("explanation"), "pending");
  ASSERT_THAT(t.h("nbd-20260209-1423", at(2, 9, 14, 23), kNbd, "每日经济新闻"), SizeIs(1));  // explained
  // News about someone else's correction, from the same source: news, not a notice.
  EXPECT_THAT(t.h("nbd-2", at(2, 9, 14, 30), "北方稀土更正2025年年度业绩预告", "每日经济新闻"), IsEmpty());
  EXPECT_EQ(t.engine().stats().headline_corrections, 0U);
  const std::string text = std::string("关于《") + kNbd + "》一文的更正";  // synthetic
  const auto notes = t.h("nbd-3", at(2, 9, 14, 40), text, "每日经济新闻");
  ASSERT_THAT(notes, SizeIs(1));
  same_alert(notes[0], fired[0]);
  EXPECT_EQ(notes[0].id, fired[0].labels.at("fingerprint") + ":update-2");
  EXPECT_EQ(notes[0].labels.at("reason"), "corrected");
  EXPECT_EQ(notes[0].explained, true);
  ASSERT_THAT(notes[0].headlines, SizeIs(1));
  EXPECT_EQ(notes[0].headlines[0].title, text);
  EXPECT_EQ(t.engine().stats().headline_corrections, 1U);
}

TEST(Corrections, ANoticeReachesBackThreeTradingDays) {
  // The news alert lives for days here, so only the window decides.
  const std::string rules =
      "keywords:\n  vault: [\"金库计划\"]\nrules:\n  - name: news\n    headline: { keywords: [vault] }\n"
      "    resolve_after: 10d\n";
  const std::string text = std::string("撤回:") + kSina;  // synthetic
  {
    Harness t(rules);
    t.h("sina-20260205-1108", at(2, 5, 11, 8), kSina, "新浪财经");  // Thursday
    // Tuesday 02-10: 02-09, 02-06 and 02-05 are the three trading days before it.
    const auto notes = t.h("sina-2", at(2, 10, 10, 0), text, "新浪财经");
    ASSERT_THAT(notes, SizeIs(1));
    EXPECT_EQ(notes[0].labels.at("reason"), "retracted");
  }
  {
    Harness t(rules);
    t.h("sina-20260205-1108", at(2, 5, 11, 8), kSina, "新浪财经");
    const auto notes = t.h("sina-2", at(2, 11, 10, 0), text, "新浪财经");  // Wednesday: too late
    ASSERT_THAT(notes, SizeIs(1));
    EXPECT_EQ(notes[0].state, AlertState::Firing) << "an unmatched notice is news of its own";
    EXPECT_EQ(t.engine().stats().headline_retractions, 0U);
  }
}

TEST(Corrections, EveryNotificationNamesTheInstrumentAndWhenTheAlertStarted) {
  Harness t(std::string(kRules) + "    repeat: 10m\n");
  t.q("159713.SZ", at(2, 9, 10, 0), "1.000", "1.000");
  const auto fired = t.q("159713.SZ", at(2, 9, 10, 5), "1.030");
  const auto update = t.h("n1", at(2, 9, 10, 6), kPolicy);
  const auto repeat = t.advance(at(2, 9, 10, 16));  // 10 minutes after the last notification
  const auto resolved = t.q("159713.SZ", at(2, 9, 10, 20), "1.000");
  ASSERT_THAT(fired, SizeIs(1));
  EXPECT_EQ(fired[0].labels.at("started_at"), format_timestamp(at(2, 9, 10, 5)));
  std::vector<std::string> kinds;
  for (const auto* notes : {&fired, &update, &repeat, &resolved}) {
    for (const auto& a : *notes) {
      if (a.rule != "etf-move") continue;
      kinds.push_back(a.id.substr(a.id.find(':') + 1));
      EXPECT_EQ(a.labels.at("name"), "稀土ETF") << a.id;
      same_alert(a, fired[0]);
    }
  }
  EXPECT_THAT(kinds, ElementsAre("firing", "update-1", "repeat-1", "resolved"));
  // A headline-only alert has no instrument: no name.
  const Alert* news = of_rule(update, "news");
  ASSERT_NE(news, nullptr);
  EXPECT_EQ(news->labels.count("name"), 0U);
  EXPECT_EQ(news->labels.at("started_at"), format_timestamp(at(2, 9, 10, 6)));
}

}  // namespace
}  // namespace lodestone::rules
