// Issue #15's scenario end to end through the bus with the real rule engine and the shipped rule
// pack (rules/packs/rare-earth.yaml, its policy-news rule): an ingested headline raises a
// policy-news alert; the same id again with "tags":["retracted"] resolves it with reason
// retracted, the board gets the headline's revision first, and a re-delivery changes nothing.
// The headline is the real 新浪财经 item of 2026-02-05 11:08; the withdrawals are SYNTHETIC.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "lodestone/bus/pipeline.hpp"
#include "lodestone/rules/alert_identity.hpp"
#include "lodestone/rules/engine.hpp"
#include "lodestone/rules/parser.hpp"
#include "universe.hpp"

namespace lodestone::bus {
namespace {

const std::string kPack = std::string(LODESTONE_SOURCE_DIR) + "/rules/packs/rare-earth.yaml";
const Timestamp kNow = *parse_timestamp("2026-02-05T11:30:00+08:00");
const char* kTitle = "关键矿产“金库计划”启动,稀土ETF嘉实(516150)聚焦稀土产业链投资机遇";

// What the daemon's RulesService does on the strand: classify (the board shows the tags), then,
// in the order of acceptance, evaluate.
struct EngineEvaluator final : Evaluator {
  explicit EngineEvaluator(const InstrumentRegistry& registry) : engine(registry, TradingCalendar::shanghai()) {}
  std::vector<Alert> on_quote(const Quote& q) override { return engine.on_quote(q); }
  void classify(Headline& h) override { engine.classify(h); }
  std::vector<Alert> on_headline(const Headline& h) override { return engine.on_headline(h); }
  std::vector<Alert> advance(Timestamp now) override { return engine.advance(now); }
  rules::Engine engine;
};

struct Board final : Fanout {
  void quote(const Quote&) override {}
  void broadcast(std::shared_ptr<const std::string> json) override { sent.push_back(*json); }
  std::vector<std::string> sent;
};

bool has(const std::string& json, const std::string& part) { return json.find(part) != std::string::npos; }

class PipelineWithRules : public ::testing::Test {
 protected:
  PipelineWithRules() {
    auto pack = rules::load_rules_file(kPack, registry);
    if (!pack.ok()) ADD_FAILURE() << pack.error().message;
    if (pack.ok()) evaluator->engine.set_rules(*pack);
    pipeline.set_evaluator(evaluator);
  }
  // Runs what the pipeline queued (the test is the io_context's only thread).
  void drain() {
    io.restart();
    io.run();
  }
  Headline sina(const char* id = "sina-20260205-1108") {
    Headline h;
    h.id = id;
    h.source = "新浪财经";
    h.ts = *parse_timestamp("2026-02-05T11:08:00+08:00");
    h.title = kTitle;
    h.lang = "zh";
    return h;
  }

  net::io_context io;
  ManualClock clock{kNow};
  InstrumentRegistry registry = rules::testing::universe();
  Board board;
  MemoryAlertStore alerts{100};
  NewsLog news{100};
  std::shared_ptr<EngineEvaluator> evaluator = std::make_shared<EngineEvaluator>(registry);
  Pipeline pipeline{io.get_executor(), clock, registry, board, alerts, news, 100};
};

TEST_F(PipelineWithRules, ARetractedHeadlineResolvesThePolicyNewsAlertItRaised) {
  ASSERT_TRUE(pipeline.accept(sina()));
  drain();
  ASSERT_EQ(board.sent.size(), 2U);
  EXPECT_TRUE(has(board.sent[0], R"("type":"news")")) << board.sent[0];
  EXPECT_TRUE(has(board.sent[0], R"("tags":["stockpile"])")) << board.sent[0];
  const std::string& fired = board.sent[1];
  EXPECT_TRUE(has(fired, R"("rule":"policy-news")")) << fired;
  EXPECT_TRUE(has(fired, R"("state":"firing")")) << fired;
  const auto fp_at = fired.find(R"("fingerprint":")");
  ASSERT_NE(fp_at, std::string::npos) << fired;
  const std::string fp = fired.substr(fp_at + 15, 16);

  Headline withdrawn = sina();
  withdrawn.tags = {"retracted"};
  ASSERT_TRUE(pipeline.accept(withdrawn));
  drain();
  ASSERT_EQ(board.sent.size(), 4U);
  const std::string& revision = board.sent[2];
  EXPECT_TRUE(has(revision, R"("id":"sina-20260205-1108")")) << revision;
  EXPECT_TRUE(has(revision, R"("revision":1,"retracted":true)")) << revision;
  const std::string& resolved = board.sent[3];
  EXPECT_TRUE(has(resolved, R"("id":")" + fp + R"(:resolved")")) << resolved;
  EXPECT_TRUE(has(resolved, R"("state":"resolved")")) << resolved;
  EXPECT_TRUE(has(resolved, R"("reason":"retracted")")) << resolved;
  EXPECT_TRUE(has(resolved, R"("fingerprint":")" + fp + "\"")) << resolved;
  EXPECT_TRUE(evaluator->engine.firing().empty());

  ASSERT_TRUE(pipeline.accept(withdrawn));  // delivered again
  drain();
  EXPECT_EQ(board.sent.size(), 4U);
  const auto c = pipeline.counters();
  EXPECT_EQ(c.headlines, 1U);
  EXPECT_EQ(c.headline_revisions, 1U);
  EXPECT_EQ(c.duplicate_headlines, 1U);
  EXPECT_EQ(evaluator->engine.stats().headline_retractions, 1U);
}

TEST_F(PipelineWithRules, ASourcesWithdrawalNoticeResolvesItToo) {
  ASSERT_TRUE(pipeline.accept(sina()));
  Headline notice = sina("sina-20260205-1125");
  notice.ts = *parse_timestamp("2026-02-05T11:25:00+08:00");
  notice.title = std::string("关于撤回《") + kTitle + "》的声明";  // synthetic
  ASSERT_TRUE(pipeline.accept(notice));
  drain();
  // Accepted together, so one turn: both headlines go out first (the notice is news of its own
  // id), then the rules evaluate them in order: firing, then resolved.
  ASSERT_EQ(board.sent.size(), 4U);
  EXPECT_TRUE(has(board.sent[1], R"("id":"sina-20260205-1125")")) << board.sent[1];
  EXPECT_TRUE(has(board.sent[2], R"("state":"firing")")) << board.sent[2];
  EXPECT_TRUE(has(board.sent[3], R"("state":"resolved")")) << board.sent[3];
  EXPECT_TRUE(has(board.sent[3], R"("reason":"retracted")")) << board.sent[3];
  EXPECT_EQ(pipeline.counters().headlines, 2U);
  EXPECT_EQ(pipeline.counters().headline_revisions, 0U);
}

TEST_F(PipelineWithRules, TheLogAndTheEngineNameAStoryAlike) {
  const Headline h = sina();
  EXPECT_EQ(NewsLog::key(h), rules::headline_key(h));
}

}  // namespace
}  // namespace lodestone::bus
