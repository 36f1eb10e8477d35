// The Redis state store: quotes and headlines shared between instances, and a restart that
// brings back the board, the news and the rule engine's state without notifying anything twice.
#include "lodestone/redis/state_store.hpp"

#include <gtest/gtest.h>

#include <atomic>

#include "lodestone/app/redis_link.hpp"
#include "lodestone/app/universe.hpp"
#include "lodestone/redis/alert_store.hpp"
#include "lodestone/web/broadcast.hpp"
#include "redis_test_util.hpp"

namespace lodestone::testing {
namespace {

using RedisStateStore = redis::StateStore;
using namespace std::chrono_literals;

const InstrumentRegistry& registry() {
  static const InstrumentRegistry r = *app::load_universe(std::string(LODESTONE_SOURCE_DIR) + "/deploy/universe.yaml");
  return r;
}

// Synthetic quote: 2026-02-09 10:00 (+08:00) plus `second` seconds.
Quote quote(const std::string& symbol, int second, const std::string& last) {
  Quote q;
  q.symbol = *Symbol::parse(symbol);
  q.ts = Timestamp{1'770'602'400'000LL + second * 1000LL};
  q.last = *Price::parse(last);
  q.prev_close = *Price::parse("1.441");
  return q;
}

Headline headline(const std::string& id, int second) {
  Headline h;
  h.id = id;
  h.ts = Timestamp{1'770'602'400'000LL + second * 1000LL};
  h.source = "synthetic";
  h.title = "synthetic headline " + id;
  return h;
}

// A stand-in rule engine: one alert per quote, named by what triggered it (as the real engine
// names alerts), and a log of every event it evaluated, in order.
class EchoRules final : public bus::Evaluator {
 public:
  std::vector<Alert> on_quote(const Quote& q) override {
    log("q:" + q.symbol.str() + "@" + std::to_string(q.ts.ms));
    return {synthetic_alert("move-" + q.symbol.str() + "-" + std::to_string(q.ts.ms))};
  }
  void classify(Headline& h) override { h.tags.push_back("synthetic-tag"); }
  std::vector<Alert> on_headline(const Headline& h) override {
    log("h:" + h.id);
    return {};
  }
  std::vector<Alert> advance(Timestamp) override { return {}; }
  std::vector<std::string> seen() const {
    std::lock_guard lock(mutex_);
    return seen_;
  }

 private:
  void log(std::string s) {
    std::lock_guard lock(mutex_);
    seen_.push_back(std::move(s));
  }
  mutable std::mutex mutex_;
  std::vector<std::string> seen_;
};

// One daemon's worth of state, wired as the daemon wires it.
struct Daemon {
  Daemon(IoThreads& io, const RedisServer& server, const std::string& instance, bool with_rules = true)
      : board(registry()), broadcast(board, hub), news(100) {
    redis::AlertStoreOptions ao;
    ao.instance = instance;
    ao.client = fast_client(server);
    ao.block = 300ms;
    alerts = redis::AlertStore::create(io.executor(), ao, system_clock());
    alerts->set_delivery(delivered.sink());
    pipeline =
        std::make_unique<bus::Pipeline>(io.executor(), system_clock(), registry(), broadcast, *alerts, news, 10'000);
    redis::StateOptions so;
    so.instance = instance;
    so.client = ao.client;
    so.block = 300ms;
    so.flush_interval = 20ms;
    so.retry = 50ms;
    rules_host.emplace(*pipeline);
    state = RedisStateStore::create(
        io.executor(), so, system_clock(),
        {.registry = registry(), .fanout = broadcast, .sink = *pipeline, .news = news, .rules = *rules_host});
    if (with_rules) rules = std::make_shared<EchoRules>();
    pipeline->set_evaluator(state->recorder(rules));
    alerts->start();
    state->start();
  }
  // Nothing may reach the pipeline once it is gone: what the test queued is processed, both
  // stores halt (their readers hand out nothing after that), then what their last batches queued.
  ~Daemon() {
    settle_pipeline();
    auto halted = std::make_shared<std::promise<void>>();
    auto left = std::make_shared<std::atomic<int>>(2);
    auto one = [halted, left] {
      if (left->fetch_sub(1) == 1) halted->set_value();
    };
    auto done = halted->get_future();
    state->stop(std::chrono::milliseconds(250), one);
    alerts->stop(std::chrono::milliseconds(250), one);
    EXPECT_EQ(done.wait_for(10s), std::future_status::ready) << "the stores never halted";
    settle_pipeline();
  }
  void settle_pipeline() {
    auto ran = std::make_shared<std::promise<void>>();
    auto f = ran->get_future();
    pipeline->post([ran] { ran->set_value(); });
    EXPECT_EQ(f.wait_for(10s), std::future_status::ready) << "the pipeline never ran a posted task";
  }
  bool restore(std::chrono::milliseconds wait = 10s) {
    auto done = std::make_shared<std::promise<bool>>();
    auto f = done->get_future();
    state->restore(wait, [done](bool ok) { done->set_value(ok); });
    if (f.wait_for(wait + 5s) != std::future_status::ready || !f.get()) return false;
    // And the alert history: an alert stored before this instance's reader loaded it is history
    // to it (a client gets it by resuming), not a delivery, which is what the tests count.
    return eventually([&] { return alerts->loaded(); }, wait);
  }
  std::optional<std::string> last_price(const std::string& symbol) const {
    auto e = board.latest(*Symbol::parse(symbol));
    if (!e) return std::nullopt;
    return e->quote.last.format(3);
  }

  web::Board board;
  web::Hub hub;
  web::Broadcast broadcast;
  bus::NewsLog news;
  Deliveries delivered;
  std::shared_ptr<redis::AlertStore> alerts;
  std::unique_ptr<bus::Pipeline> pipeline;
  std::optional<app::PipelineRules> rules_host;
  std::shared_ptr<RedisStateStore> state;
  std::shared_ptr<EchoRules> rules;
};

TEST(RedisStateStore, QuotesAndHeadlinesOfOneInstanceReachTheOther) {
  RedisServer server;
  IoThreads io;
  Daemon a(io, server, "a");
  Daemon b(io, server, "b");
  ASSERT_TRUE(a.restore());
  ASSERT_TRUE(b.restore());

  ASSERT_TRUE(a.pipeline->accept(quote("159713.SZ", 1, "1.452")));
  ASSERT_TRUE(eventually([&] { return b.last_price("159713.SZ") == std::optional<std::string>("1.452"); }))
      << "the quote never reached b's board";
  ASSERT_TRUE(a.pipeline->accept(headline("n1", 2)));
  ASSERT_TRUE(eventually([&] { return b.news.contains("n1"); }));
  EXPECT_TRUE(contains(b.news.json(10), "synthetic-tag")) << "a headline travels with the tags a's rules gave it";

  // b evaluated a's headline (its rules saw it), but not a's quote: a evaluates its own quotes.
  ASSERT_TRUE(eventually([&] { return b.rules->seen().size() == 1; }));
  EXPECT_EQ(b.rules->seen(), std::vector<std::string>{"h:n1"});
  // The move alert a raised reached b's clients too, with the same seq.
  ASSERT_TRUE(eventually([&] { return b.delivered.stored().size() == 1 && a.delivered.stored().size() == 1; }));
  EXPECT_EQ(*a.delivered.stored()[0].json, *b.delivered.stored()[0].json);

  // Nothing echoes: each instance journals the headline once, then it settles. Settled means b's
  // copy came back to a and both journals are written (events, not a time); then a negative
  // check: nothing more may come.
  ASSERT_TRUE(eventually([&] {
    return a.state->stats().remote_headlines >= 1 && a.state->stats().buffered == 0 && b.state->stats().buffered == 0;
  }));
  const auto settled = server.command({"XLEN", "{lodestone}:events"}).integer;
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(server.command({"XLEN", "{lodestone}:events"}).integer, settled);
  EXPECT_EQ(a.rules->seen(), (std::vector<std::string>{"q:159713.SZ@1770602401000", "h:n1"}));
  EXPECT_EQ(a.state->stats().remote_headlines, 1U);  // b's copy came back once, and stopped there
}

TEST(RedisStateStore, ARestartRestoresBoardNewsAndRulesWithoutNotifyingTwice) {
  RedisServer server(RedisServerOptions{.appendonly = true, .appendfsync = "always", .extra = {}});
  IoThreads io;
  std::vector<std::string> evaluated_before;
  {
    Daemon a(io, server, "a");
    Daemon other(io, server, "other");
    ASSERT_TRUE(a.restore());
    ASSERT_TRUE(other.restore());
    ASSERT_TRUE(a.pipeline->accept(quote("159713.SZ", 1, "1.452")));
    ASSERT_TRUE(a.pipeline->accept(headline("n1", 2)));
    ASSERT_TRUE(a.pipeline->accept(quote("159713.SZ", 3, "1.470")));
    ASSERT_TRUE(other.pipeline->accept(quote("600111.SH", 4, "40.10")));
    ASSERT_TRUE(eventually([&] { return a.delivered.stored().size() == 3; }));
    ASSERT_TRUE(eventually([&] { return a.state->stats().buffered == 0 && other.state->stats().buffered == 0; }));
    evaluated_before = a.rules->seen();
  }
  server.restart();

  Daemon a(io, server, "a");
  ASSERT_TRUE(a.restore()) << "restored with the rules";
  // The board: every instance's latest quotes.
  EXPECT_EQ(a.last_price("159713.SZ"), std::optional<std::string>("1.470"));
  EXPECT_EQ(a.last_price("600111.SH"), std::optional<std::string>("40.100"));
  // The news log, so the same headline from a feed is a duplicate.
  EXPECT_TRUE(a.news.contains("n1"));
  // The rule engine saw its own events again, in the same order, and not the other's.
  ASSERT_TRUE(eventually([&] { return a.rules->seen().size() == evaluated_before.size(); }));
  EXPECT_EQ(a.rules->seen(), evaluated_before);
  // It gave the same notifications again; the alert store knew them all (a negative check:
  // nothing may come).
  std::this_thread::sleep_for(300ms);
  EXPECT_TRUE(a.delivered.all().empty()) << "a restart must not notify again";
  EXPECT_EQ(a.alerts->last_seq(), 3U);
  EXPECT_EQ(a.alerts->after(0, 10).alerts.size(), 3U);
  // And it goes on from there.
  ASSERT_TRUE(a.pipeline->accept(quote("159713.SZ", 10, "1.480")));
  ASSERT_TRUE(eventually([&] { return a.delivered.stored().size() == 1; }));
  EXPECT_EQ(a.delivered.stored()[0].seq, 4U);
}

TEST(RedisStateStore, AnUnreachableRedisDoesNotHoldTheStartBackForever) {
  RedisServer server;
  server.kill();
  IoThreads io;
  Daemon a(io, server, "a");
  // The restore gives up by itself after its wait: its callback says false while Redis is still
  // down (how long that takes on a loaded machine is not the point; that it ends is).
  auto done = std::make_shared<std::promise<bool>>();
  auto restored = done->get_future();
  a.state->restore(300ms, [done](bool ok) { done->set_value(ok); });
  ASSERT_EQ(restored.wait_for(60s), std::future_status::ready) << "the restore waits for Redis forever";
  EXPECT_FALSE(restored.get());
  EXPECT_FALSE(a.state->degraded_reason().empty());

  // Events keep flowing into the buffer and reach Redis once it is there.
  ASSERT_TRUE(a.pipeline->accept(quote("159713.SZ", 1, "1.452")));
  ASSERT_TRUE(eventually([&] { return a.state->stats().buffered == 1; }));
  server.start();
  ASSERT_TRUE(eventually([&] { return a.state->stats().buffered == 0; }));
  EXPECT_TRUE(contains(server.command({"HGET", "{lodestone}:quotes", "159713.SZ"}).str, R"("last":1.452)"));
  EXPECT_TRUE(eventually([&] { return a.state->degraded_reason().empty(); }));
  EXPECT_FALSE(a.state->stats().rules_restored);
}

TEST(RedisStateStore, JournalWritesSurviveARedisCrash) {
  RedisServer server(RedisServerOptions{.appendonly = true, .appendfsync = "always", .extra = {}});
  IoThreads io;
  Daemon a(io, server, "a", false);
  ASSERT_TRUE(a.restore());
  ASSERT_TRUE(a.pipeline->accept(quote("159713.SZ", 1, "1.452")));
  ASSERT_TRUE(eventually([&] { return a.state->stats().written_batches >= 1; }));
  server.kill();
  for (int i = 2; i < 12; ++i) ASSERT_TRUE(a.pipeline->accept(quote("159713.SZ", i, "1.46" + std::to_string(i % 10))));
  ASSERT_TRUE(eventually([&] { return a.state->stats().buffered == 10; }));
  server.start();
  ASSERT_TRUE(eventually([&] { return a.state->stats().buffered == 0; }));
  // Every quote is in the journal once.
  std::size_t lines = 0;
  for (const auto& e : server.command({"XRANGE", "{lodestone}:events", "-", "+"}).elements) {
    const auto& kv = e.elements.at(1).elements;
    for (std::size_t i = 0; i + 1 < kv.size(); i += 2)
      if (kv[i].str == "events")
        for (char c : kv[i + 1].str) lines += c == '\n';
  }
  EXPECT_EQ(lines, 11U);
  EXPECT_TRUE(contains(server.command({"HGET", "{lodestone}:quotes", "159713.SZ"}).str, R"("last":1.461)"));
}

// The journal reaches back `journal` on Redis's clock, the one its entry ids are taken on: what is
// older goes at the next write, what is younger stays.
TEST(RedisStateStore, TheJournalIsTrimmedByAgeOnRedisClock) {
  RedisServer server;
  server.command({"CONFIG", "SET", "stream-node-max-entries", "1"});  // trimmed entry by entry, not node by node
  const auto time = server.command({"TIME"}).elements;
  const std::int64_t redis_now_ms = std::stoll(time.at(0).str) * 1000 + std::stoll(time.at(1).str) / 1000;
  const std::int64_t journal_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(redis::StateOptions{}.journal).count();
  const auto old_id = std::to_string(redis_now_ms - journal_ms - 60'000) + "-0";
  const auto kept_id = std::to_string(redis_now_ms - journal_ms + 60'000) + "-0";
  for (const auto& id : {old_id, kept_id})
    server.command(
        {"XADD", "{lodestone}:events", id, "origin", "elsewhere", "token", "t", "batch", "t:" + id, "events", ""});
  IoThreads io;
  Daemon a(io, server, "a", false);
  ASSERT_TRUE(a.restore());
  ASSERT_TRUE(a.pipeline->accept(quote("159713.SZ", 1, "1.452")));
  ASSERT_TRUE(eventually([&] { return a.state->stats().written_batches >= 1; }));
  std::vector<std::string> ids;
  for (const auto& e : server.command({"XRANGE", "{lodestone}:events", "-", "+"}).elements)
    ids.push_back(e.elements.at(0).str);
  ASSERT_EQ(ids.size(), 2U) << "the entry past the journal's reach is trimmed, the one within it and the new one stay";
  EXPECT_EQ(ids[0], kept_id);
}

TEST(RedisStateStore, StoppingWritesWhatIsBufferedFirst) {
  RedisServer server;
  IoThreads io;
  Daemon a(io, server, "a", false);
  ASSERT_TRUE(a.restore());
  ASSERT_TRUE(a.pipeline->accept(quote("159713.SZ", 1, "1.452")));
  ASSERT_TRUE(eventually([&] { return a.state->stats().recorded == 1; }));
  // A graceful shutdown, likely before the journal flush timer fired. The bound only stops a
  // hang: stop() returns once the buffer is written.
  a.state->stop(30s);
  ASSERT_TRUE(eventually([&] { return a.state->stats().writer.state == redis::ClientState::Stopped; }, 60s));
  EXPECT_TRUE(contains(server.command({"HGET", "{lodestone}:quotes", "159713.SZ"}).str, R"("last":1.452)"));
  EXPECT_EQ(server.command({"XLEN", "{lodestone}:events"}).integer, 1);
}

}  // namespace
}  // namespace lodestone::testing
