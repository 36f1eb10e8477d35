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
  void broadcast(const std::vector<std::shared_ptr<const std::string>>& jsons) override {
    together.push_back(jsons.size());
    Fanout::broadcast(jsons);
  }
  std::vector<std::string> out;
  std::vector<std::size_t> together;  // the sizes of the bursts broadcast together
};

struct EveryHeadlineAlerts final : Evaluator {
  std::vector<Alert> on_quote(const Quote& q) override {
    quotes.push_back(q.ts);
    order.push_back("quote " + q.last.format());
    return {};
  }
  void classify(Headline& h) override { h.tags.push_back("classified"); }
  std::vector<Alert> on_headline(const Headline& h) override {
    headlines.push_back(h.title);
    order.push_back("headline " + h.id + (h.tags.empty() ? "" : " " + h.tags.back()));
    Alert a;
    a.id = "policy-headline:" + h.id + (is_retracted(h) ? ":resolved" : ":firing");
    a.rule = "policy-headline";
    a.ts = h.ts;
    return {a};
  }
  std::vector<Alert> advance(Timestamp) override { return {}; }
  std::vector<Timestamp> quotes;
  std::vector<std::string> headlines;
  std::vector<std::string> order;  // what the rules saw, in order
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
  // One turn: both versions go out first, together, then the rules evaluate them in order.
  EXPECT_EQ(fanout.out, (std::vector<std::string>{"news", "news", "alert", "alert"}));
  EXPECT_EQ(fanout.together, (std::vector<std::size_t>{2, 2})) << "the headlines together, then their alerts";
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

// Issue #18: a headline does not wait for the quotes accepted before it to be evaluated. Within
// one turn it goes out first (tagged); the rules still see everything in the order accepted, and
// work raised between them keeps its place.
TEST_F(PipelineTest, AHeadlineGoesOutAheadOfTheQuotesBeforeItAndIsEvaluatedAfterThem) {
  ASSERT_TRUE(pipeline.accept(quote(kNow, "1.234")));
  Alert raised;
  raised.id = "feed-stale:sina";
  raised.rule = "feed-stale";
  raised.ts = kNow;
  pipeline.raise(raised);
  ASSERT_TRUE(pipeline.accept(headline("h1")));
  EXPECT_EQ(pipeline.pending(), 2U);
  io.run();
  EXPECT_EQ(fanout.out, (std::vector<std::string>{"news", "quote 159713.SZ 1.234", "alert", "alert"}));
  EXPECT_EQ(rules->order, (std::vector<std::string>{"quote 1.234", "headline h1 classified"}));
  EXPECT_EQ(fanout.together, std::vector<std::size_t>{1}) << "a turn's headlines leave as one burst, even one alone";
  EXPECT_NE(news.json(10).find(R"("tags":["classified"])"), std::string::npos) << "tagged before it went out";
  ASSERT_EQ(alerts.last_seq(), 2U);
  EXPECT_EQ(alerts.after(0, 10).alerts.size(), 2U);
  EXPECT_NE(alerts.after(0, 10).alerts.front()->find("feed-stale:sina"), std::string::npos)
      << "the raised alert before the headline's";
  EXPECT_EQ(pipeline.pending(), 0U);

  // The next turn starts with what came after: the order across turns is the order accepted.
  ASSERT_TRUE(pipeline.accept(quote(kNow, "1.240")));
  io.restart();
  io.run();
  EXPECT_EQ(rules->order.back(), "quote 1.24");
}

}  // namespace
}  // namespace lodestone::bus
