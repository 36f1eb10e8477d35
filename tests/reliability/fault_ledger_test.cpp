// The alert ledger itself (tests/support/alert_ledger.hpp): the oracle of the fault tests must be
// able to fail. No processes here: ids, bursts and the exactly-once verdict.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "lodestone/testing/alert_ledger.hpp"

namespace lodestone::testing {
namespace {

TEST(FaultLedger, EveryQuoteOfABurstIsOneNotificationWithADistinctDeterministicId) {
  AlertLedger a;
  AlertLedger b;
  EXPECT_TRUE(a.expected().empty());
  const auto primed = a.prime();
  (void)b.prime();
  EXPECT_TRUE(a.expected().empty()) << "priming fires nothing";
  EXPECT_EQ(std::count(primed.begin(), primed.end(), '\n'), 3);
  const auto events = a.burst(10);
  (void)b.burst(10);
  EXPECT_EQ(std::count(events.begin(), events.end(), '\n'), 10);
  ASSERT_EQ(a.expected().size(), 10U);
  EXPECT_EQ(a.expected(), b.expected()) << "the same feed gives the same ids";
  EXPECT_EQ(std::set<std::string>(a.expected().begin(), a.expected().end()).size(), 10U);
  // Three symbols in turn: the first three fire, the next three resolve those same alerts.
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(a.expected()[i].ends_with(":firing")) << a.expected()[i];
    const auto fp = a.expected()[i].substr(0, 16);
    EXPECT_EQ(a.expected()[i + 3], fp + ":resolved");
  }
  EXPECT_EQ(a.expected_range(2, 5), std::vector<std::string>(a.expected().begin() + 2, a.expected().begin() + 5));
  EXPECT_EQ(AlertLedger::own(a.expected()).size(), 10U);
  EXPECT_TRUE(AlertLedger::own({"system:feed-stale:ingest:1:firing"}).empty());
}

TEST(FaultLedger, TheVerdictNamesWhatIsMissingDuplicatedOrUnexpected) {
  AlertLedger l;
  (void)l.prime();
  (void)l.burst(4);
  const auto& e = l.expected();
  EXPECT_TRUE(l.check(e).ok());
  EXPECT_TRUE(l.check({e[3], e[1], e[0], e[2]}).ok()) << "the verdict is about the set; order is checked apart";

  const auto lost = l.check({e[0], e[1], e[3]});
  EXPECT_FALSE(lost.ok());
  EXPECT_EQ(lost.missing, std::vector<std::string>{e[2]});

  const auto twice = l.check({e[0], e[1], e[2], e[3], e[1]});
  EXPECT_FALSE(twice.ok());
  EXPECT_EQ(twice.duplicated, std::vector<std::string>{e[1]});

  const auto stray = l.check({e[0], e[1], e[2], e[3], "0123456789abcdef:firing"});
  EXPECT_FALSE(stray.ok());
  EXPECT_EQ(stray.unexpected, std::vector<std::string>{"0123456789abcdef:firing"});
  EXPECT_NE(twice.summary().find("1 duplicated"), std::string::npos) << twice.summary();
}

TEST(FaultLedger, ParsesAlertMessagesWithAndWithoutASeq) {
  const auto stored = AlertLedger::parse_alert(R"({"type":"alert","id":"abc:firing","seq":42,"rule":"x"})");
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->first, "abc:firing");
  EXPECT_EQ(stored->second, 42U);
  const auto provisional = AlertLedger::parse_alert(R"({"type":"alert","id":"abc:firing","rule":"x"})");
  ASSERT_TRUE(provisional);
  EXPECT_EQ(provisional->second, 0U);
  EXPECT_FALSE(AlertLedger::parse_alert(R"({"type":"news","id":"n1","seq":3})"));
}

}  // namespace
}  // namespace lodestone::testing
