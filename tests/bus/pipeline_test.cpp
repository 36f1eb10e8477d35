#include "lodestone/bus/pipeline.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace lodestone::bus {
namespace {

// The bus tested without sockets or threads: the test runs the io_context itself, and the
// pipeline's "now" is a ManualClock.
const Timestamp kNow = *parse_timestamp("2026-02-09T10:16:00+08:00");

struct Recorder final : Fanout {
  void quote(const Quote& q) override { out.push_back("quote " + q.symbol.str() + " " + q.last.format()); }
  void broadcast(std::shared_ptr<const std::string> json) override {
    out.push_back(json->find(R"("type":"news")") != std::string::npos ? "news" : "alert");
  }
  std::vector<std::string> out;
};

struct EveryHeadlineAlerts final : Evaluator {
  std::vector<Alert> on_quote(const Quote& q) override {
    quotes.push_back(q.ts);
    return {};
  }
  std::vector<Alert> on_headline(Headline& h) override {
    headlines.push_back(h.title);
    Alert a;
    a.id = "policy-headline:" + h.id + (is_retracted(h) ? ":resolved" : ":firing");
    a.rule = "policy-headline";
    a.ts = h.ts;
    return {a};
  }
  std::vector<Alert> advance(Timestamp) override { return {}; }
  std::vector<Timestamp> quotes;
  std::vector<std::string> headlines;
};

class PipelineTest : public ::testing::Test {
 protected:
  PipelineTest() {
    registry.add(instrument_from_code(*Symbol::parse("159713.SZ"), "稀土ETF"));
    pipeline.set_evaluator(rules);
  }
  Quote quote(Timestamp ts, const char* last) {
    Quote q;
    q.symbol = *Symbol::parse("159713.SZ");
    q.ts = ts;
    q.last = *Price::parse(last);
    return q;
  }
  Headline headline(const char* id) {
    Headline h;
    h.id = id;
    h.ts = kNow;
    h.title = "商务部公告2026年第1号";
    return h;
  }

  net::io_context io;
  ManualClock clock{kNow};
  InstrumentRegistry registry;
  Recorder fanout;
  MemoryAlertStore alerts{100};
  NewsLog news{100};
  std::shared_ptr<EveryHeadlineAlerts> rules = std::make_shared<EveryHeadlineAlerts>();
  Pipeline pipeline{io.get_executor(), clock, registry, fanout, alerts, news, 2};
};

TEST_F(PipelineTest, AQuoteReachesTheBoardAndTheRulesInOrder) {
  ASSERT_TRUE(pipeline.accept(quote(kNow, "1.234")));
  EXPECT_TRUE(fanout.out.empty()) << "evaluated on the strand, not on the caller's thread";
  io.run();
  EXPECT_EQ(fanout.out, std::vector<std::string>{"quote 159713.SZ 1.234"});
  ASSERT_EQ(rules->quotes.size(), 1U);
  EXPECT_EQ(pipeline.counters().quotes, 1U);
}

TEST_F(PipelineTest, TheChecksUseTheInjectedClock) {
  const Timestamp later{kNow.ms + 60 * 60'000};
  const Status refused = pipeline.accept(quote(later, "1.234"));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::future_timestamp);
  clock.set(later);  // an hour on, the same quote is no longer from the future
  EXPECT_TRUE(pipeline.accept(quote(later, "1.234")));
  io.run();
  EXPECT_EQ(pipeline.counters().rejected, (std::map<std::string, std::uint64_t>{{"future_timestamp", 1}}));
}

TEST_F(PipelineTest, RefusalsAreCountedByTheirCode) {
  (void)pipeline.accept(quote(kNow, "0"));
  (void)pipeline.accept(quote(Timestamp{1000}, "1.234"));
  Headline untitled = headline("h1");
  untitled.title.clear();
  EXPECT_EQ(pipeline.accept(untitled).error().code, ErrorCode::missing_field);
  io.run();
  const auto rejected = pipeline.counters().rejected;
  EXPECT_EQ(rejected.at("non_positive_price"), 1U);
  EXPECT_EQ(rejected.at("far_past"), 1U);
  EXPECT_EQ(rejected.at("missing_field"), 1U);
}

TEST_F(PipelineTest, QuotesAreShedBeyondTheQueueHeadlinesNever) {
  ASSERT_TRUE(pipeline.accept(quote(kNow, "1.234")));
  ASSERT_TRUE(pipeline.accept(quote(kNow, "1.235")));
  const Status shed = pipeline.accept(quote(kNow, "1.236"));
  ASSERT_FALSE(shed);
  EXPECT_EQ(shed.error().code, ErrorCode::shed);
  EXPECT_TRUE(pipeline.accept(headline("h1"))) << "a headline may be an alert's evidence";
  io.run();
  EXPECT_EQ(pipeline.counters().shed_quotes, 1U);
  EXPECT_EQ(pipeline.pending(), 0U);
}

TEST_F(PipelineTest, AHeadlineGoesOutBeforeTheAlertThatCitesItAndOnlyOnce) {
  ASSERT_TRUE(pipeline.accept(headline("h1")));
  ASSERT_TRUE(pipeline.accept(headline("h1")));
  io.run();
  EXPECT_EQ(fanout.out, (std::vector<std::string>{"news", "alert"}));
  EXPECT_EQ(pipeline.counters().headlines, 1U);
  EXPECT_EQ(pipeline.counters().duplicate_headlines, 1U);
  EXPECT_EQ(alerts.last_seq(), 1U);
}

TEST_F(PipelineTest, ARevisionReachesTheRulesAndGoesOutAgain) {
  ASSERT_TRUE(pipeline.accept(headline("h1")));
  Headline withdrawn = headline("h1");
  withdrawn.tags = {"retracted"};
  ASSERT_TRUE(pipeline.accept(withdrawn));
  ASSERT_TRUE(pipeline.accept(withdrawn));  // a re-delivery of the withdrawal
  io.run();
  EXPECT_EQ(fanout.out, (std::vector<std::string>{"news", "alert", "news", "alert"}));
  EXPECT_EQ(rules->headlines.size(), 2U) << "the repeat never reaches the rules";
  const auto c = pipeline.counters();
  EXPECT_EQ(c.headlines, 1U);
  EXPECT_EQ(c.headline_revisions, 1U);
  EXPECT_EQ(c.duplicate_headlines, 1U);
  EXPECT_NE(news.json(10).find(R"("revision":1,"retracted":true)"), std::string::npos) << news.json(10);
}

TEST_F(PipelineTest, ARaisedAlertIsNotifiedOnce) {
  Alert a;
  a.id = "feed-stale:sina";
  a.rule = "feed-stale";
  a.ts = kNow;
  pipeline.raise(a);
  pipeline.raise(std::vector<Alert>{a});
  io.run();
  EXPECT_EQ(fanout.out, std::vector<std::string>{"alert"});
}

}  // namespace
}  // namespace lodestone::bus
