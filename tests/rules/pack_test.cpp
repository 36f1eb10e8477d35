// The default pack: it checks clean, and on the bundled tape (synthetic quotes replaying the
// moves the Feb-2026 seed news reports, real headlines) it fires on the 02-05 drop and the 02-09
// rally and keeps quiet on the flat days.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>

#include "lodestone/feeds/canonical.hpp"
#include "lodestone/rules/backtest.hpp"
#include "lodestone/rules/parser.hpp"
#include "universe.hpp"

namespace lodestone::rules {
namespace {

const std::string kPack = std::string(LODESTONE_SOURCE_DIR) + "/rules/packs/rare-earth.yaml";
const std::string kExample = std::string(LODESTONE_SOURCE_DIR) + "/rules/packs/example.yaml";
const std::string kTape = std::string(LODESTONE_SOURCE_DIR) + "/feeds/tapes/rare-earth-2026-02.ndjson";

std::vector<Event> read_tape() {
  std::ifstream in(kTape);
  feeds::CanonicalParser parser;
  std::vector<Event> events;
  std::string line;
  while (std::getline(in, line)) {
    auto e = parser.parse(line);
    if (!e.ok()) {
      ADD_FAILURE() << e.error().message;
      continue;
    }
    events.push_back(std::visit([](auto&& x) -> Event { return x; }, std::move(*e)));
  }
  return events;
}

std::string day(const Alert& a) { return format_timestamp(a.ts).substr(5, 5); }
bool firing(const Alert& a) { return a.id.ends_with(":firing"); }

TEST(Pack, ChecksCleanAgainstTheUniverse) {
  const auto registry = testing::universe();
  EXPECT_THAT(check_rules_file(kPack, registry), ::testing::IsEmpty());
  EXPECT_THAT(check_rules_file(kExample, registry), ::testing::IsEmpty());
}

class PackOnTape : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    registry_ = new InstrumentRegistry(testing::universe());
    auto rules = load_rules_file(kPack, *registry_);
    ASSERT_TRUE(rules.ok()) << rules.error().message;
    const auto events = read_tape();
    ASSERT_GT(events.size(), 40'000u);
    result_ = new BacktestResult(backtest(events, *rules, *registry_, TradingCalendar::shanghai()));
  }
  static void TearDownTestSuite() {
    delete result_;
    delete registry_;
  }
  static std::vector<const Alert*> fired(std::string_view rule, std::string_view on_day) {
    std::vector<const Alert*> out;
    for (const auto& a : result_->alerts)
      if (firing(a) && a.rule == rule && day(a) == on_day) out.push_back(&a);
    return out;
  }
  static InstrumentRegistry* registry_;
  static BacktestResult* result_;
};
InstrumentRegistry* PackOnTape::registry_ = nullptr;
BacktestResult* PackOnTape::result_ = nullptr;

TEST_F(PackOnTape, TheFebruaryNinthRally) {
  // 每日经济新闻 14:23 names 159713 while it is up 3.40%: one grouped notification.
  auto news = fired("news-and-move", "02-09");
  ASSERT_THAT(news, ::testing::SizeIs(1));
  EXPECT_EQ(format_timestamp(news[0]->ts).substr(11, 5), "14:24");  // the minute after, when group_wait ends
  EXPECT_THAT(news[0]->message, ::testing::StartsWith("159713.SZ 稀土ETF 3.40% today near: 稀土板块强势领涨"));
  EXPECT_EQ(news[0]->headlines.at(0).id, "nbd-20260209-1423");
  // 盛和资源 sealed at limit-up 22.01.
  auto sealed = fired("limit-up-sealed", "02-09");
  ASSERT_THAT(sealed, ::testing::SizeIs(1));
  EXPECT_EQ(sealed[0]->symbol, testing::sym("600392.SH"));
  EXPECT_THAT(fired("etf-move", "02-09"), ::testing::SizeIs(2));
  EXPECT_THAT(fired("sector-move", "02-09"), ::testing::SizeIs(1));
}

TEST_F(PackOnTape, TheFebruaryFifthDrop) {
  auto sector = fired("sector-move", "02-05");
  ASSERT_THAT(sector, ::testing::SizeIs(1));
  EXPECT_LT(sector[0]->move->change_centipct, -400);
  for (const auto* a : fired("etf-move", "02-05")) EXPECT_LT(a->move->change_centipct, -300);
  EXPECT_THAT(fired("etf-move", "02-05"), ::testing::SizeIs(2));
  auto news = fired("news-and-move", "02-05");
  ASSERT_THAT(news, ::testing::SizeIs(1));
  EXPECT_EQ(news[0]->headlines.at(0).id, "sina-20260205-1108");
  EXPECT_THAT(fired("sector-vs-market", "02-05"), ::testing::Not(::testing::IsEmpty()));
}

TEST_F(PackOnTape, QuietOnTheFlatDays) {
  std::set<std::string> rules_with_triggers;
  auto rules = load_rules_file(kPack, *registry_);
  for (const auto& r : (*rules)->rules)
    if (r.has_trigger()) rules_with_triggers.insert(r.name);
  for (const auto& a : result_->alerts) {
    const std::string d = day(a);
    if (d == "02-04" || d == "02-06" || d == "02-10" || d == "02-11")
      EXPECT_FALSE(rules_with_triggers.count(a.rule)) << d << " " << a.rule << ": " << a.message;
  }
}

TEST_F(PackOnTape, EveryNotifiedAlertIsResolved) {
  std::set<std::string> open;
  for (const auto& a : result_->alerts) {
    const std::string fp = a.labels.at("fingerprint");
    if (firing(a)) open.insert(fp);
    if (a.state == AlertState::Resolved) EXPECT_EQ(open.erase(fp), 1u) << a.id;
  }
  EXPECT_THAT(open, ::testing::IsEmpty());
}

}  // namespace
}  // namespace lodestone::rules
