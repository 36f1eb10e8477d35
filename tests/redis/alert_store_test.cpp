// The Redis alert store: seqs, identity, restart, fan-out between instances, and what happens
// while Redis is killed or hung.
#include "lodestone/redis/alert_store.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <set>

#include "redis_test_util.hpp"

namespace lodestone::testing {
namespace {

using RedisAlertStore = redis::AlertStore;
using RedisAlertStoreOptions = redis::AlertStoreOptions;
using namespace std::chrono_literals;

RedisAlertStoreOptions store_options(const RedisServer& server, const std::string& instance = "a") {
  RedisAlertStoreOptions o;
  o.instance = instance;
  o.client = fast_client(server);
  o.block = 300ms;
  o.retry = 50ms;
  return o;
}

struct Instance {
  Instance(IoThreads& io, RedisAlertStoreOptions o)
      : store(RedisAlertStore::create(io.executor(), std::move(o), system_clock())) {
    store->set_delivery(delivered.sink());
    store->start();
  }
  ~Instance() { store->stop(); }
  Deliveries delivered;
  std::shared_ptr<RedisAlertStore> store;
};

std::vector<std::uint64_t> seqs(const std::vector<bus::StoredAlert>& alerts) {
  std::vector<std::uint64_t> out;
  for (const auto& a : alerts) out.push_back(a.seq);
  return out;
}

std::vector<std::uint64_t> one_to(std::uint64_t n) {
  std::vector<std::uint64_t> out;
  for (std::uint64_t i = 1; i <= n; ++i) out.push_back(i);
  return out;
}

// The ids in the stream, oldest first (read with a plain blocking client).
std::vector<std::string> stream_keys(const RedisServer& server) {
  std::vector<std::string> keys;
  const auto r = server.command({"XRANGE", "{lodestone}:alerts", "-", "+"});
  for (const auto& e : r.elements) {
    const auto& kv = e.elements.at(1).elements;
    for (std::size_t i = 0; i + 1 < kv.size(); i += 2)
      if (kv[i].str == "key") keys.push_back(kv[i + 1].str);
  }
  return keys;
}

TEST(RedisAlertStore, AssignsSeqsDeliversOnceAndDedupesByIdentity) {
  RedisServer server;
  IoThreads io;
  Instance a(io, store_options(server));
  ASSERT_TRUE(eventually([&] { return a.store->loaded() && a.store->degraded_reason().empty(); }));

  EXPECT_FALSE(a.store->append(synthetic_alert("x1")));  // delivered by the stream, not here
  EXPECT_FALSE(a.store->append(synthetic_alert("x2")));
  ASSERT_TRUE(eventually([&] { return a.delivered.stored().size() == 2; }));
  EXPECT_FALSE(a.store->append(synthetic_alert("x1")));  // the same notification again
  EXPECT_FALSE(a.store->append(synthetic_alert("x1", AlertState::Resolved)));
  ASSERT_TRUE(eventually([&] { return a.delivered.stored().size() == 3; }));
  std::this_thread::sleep_for(100ms);  // a negative check follows: nothing more may come

  const auto got = a.delivered.all();
  ASSERT_EQ(got.size(), 3U) << "each notification exactly once, nothing provisional while Redis is up";
  EXPECT_EQ(seqs(got), one_to(3));
  EXPECT_TRUE(contains(*got[0].json, R"("id":"x1","seq":1,)")) << *got[0].json;
  EXPECT_TRUE(contains(*got[2].json, R"("seq":3)"));
  EXPECT_TRUE(contains(*got[2].json, R"("state":"resolved")"));

  const auto range = a.store->after(1, 10);
  ASSERT_EQ(range.alerts.size(), 2U);
  EXPECT_EQ(range.last_seq, 3U);
  EXPECT_FALSE(range.gap);
  EXPECT_EQ(range.newest, 3U);
  EXPECT_EQ(a.store->after(9, 10).newest, 3U) << "beyond the mirror: nothing, and where the mirror stands";
  EXPECT_EQ(a.store->last_seq(), 3U);
  EXPECT_EQ(stream_keys(server), (std::vector<std::string>{"x1|firing", "x2|firing", "x1|resolved"}));
  EXPECT_GT(server.command({"TTL", "{lodestone}:alerts:seen:x1|firing"}).integer, 7 * 24 * 3600);
  const auto stats = a.store->stats();
  EXPECT_EQ(stats.written, 3U);
  EXPECT_EQ(stats.duplicates, 1U);
  EXPECT_EQ(stats.provisional, 0U);
  EXPECT_EQ(stats.buffered, 0U);
}

TEST(RedisAlertStore, ARestartedStoreServesTheHistoryAndDoesNotNotifyAgain) {
  RedisServer server(RedisServerOptions{.appendonly = true, .appendfsync = "always", .extra = {}});
  IoThreads io;
  {
    Instance before(io, store_options(server));
    ASSERT_TRUE(eventually([&] { return before.store->loaded(); }));
    for (int i = 1; i <= 5; ++i) (void)before.store->append(synthetic_alert("r" + std::to_string(i)));
    ASSERT_TRUE(eventually([&] { return before.delivered.stored().size() == 5; }));
  }
  server.restart();  // and Redis restarted too: the AOF brings everything back

  auto o = store_options(server);
  o.retention = 2;  // the mirror keeps r4 and r5 only: r1 must be recognised by Redis itself
  Instance after(io, o);
  ASSERT_TRUE(eventually([&] { return after.store->loaded(); }));
  EXPECT_EQ(after.store->last_seq(), 5U);
  const auto history = after.store->after(3, 10);
  ASSERT_EQ(history.alerts.size(), 2U);
  EXPECT_TRUE(contains(*history.alerts[0], R"("id":"r4","seq":4)"));
  EXPECT_TRUE(after.store->after(0, 10).gap);

  // A restart re-evaluates the day and produces the same notifications again.
  for (int i = 1; i <= 5; ++i) EXPECT_FALSE(after.store->append(synthetic_alert("r" + std::to_string(i))));
  (void)after.store->append(synthetic_alert("r6"));
  ASSERT_TRUE(eventually([&] { return after.delivered.stored().size() == 1; }));
  std::this_thread::sleep_for(200ms);  // a negative check follows: nothing more may come
  const auto got = after.delivered.all();
  ASSERT_EQ(got.size(), 1U) << "only the new alert is notified";
  EXPECT_EQ(got[0].seq, 6U);
  EXPECT_TRUE(contains(*got[0].json, R"("id":"r6")"));
  EXPECT_EQ(after.store->stats().duplicates, 5U);
  EXPECT_EQ(stream_keys(server).size(), 6U);
}

// The race a restart runs: its replay appends the notifications of the day again while the
// history is still loading. The load finds them stored before their appends answer; only the
// answer can say whether an append is new (deliver it) or old (never again). The journal wait
// holds the appends back until the history is loaded, so this order is forced, not hoped for.
TEST(RedisAlertStore, AReplayedNotificationFoundByTheHistoryLoadIsNotNotifiedAgain) {
  RedisServer server;
  IoThreads io;
  {
    Instance before(io, store_options(server));
    ASSERT_TRUE(eventually([&] { return before.store->loaded(); }));
    for (int i = 1; i <= 3; ++i) (void)before.store->append(synthetic_alert("p" + std::to_string(i)));
    ASSERT_TRUE(eventually([&] { return before.delivered.stored().size() == 3; }));
  }

  auto o = store_options(server);
  o.journal_wait = 1h;  // only journal_settled() lets the appends go
  Deliveries delivered;
  auto store = RedisAlertStore::create(io.executor(), o, system_clock());
  store->set_delivery(delivered.sink());
  auto settled = std::make_shared<std::atomic<std::uint64_t>>(0);
  store->wait_for_journal([] { return std::uint64_t{1}; }, [settled] { return settled->load(); }, [] {});
  for (int i = 1; i <= 3; ++i) (void)store->append(synthetic_alert("p" + std::to_string(i)));
  (void)store->append(synthetic_alert("p4"));
  store->start();
  ASSERT_TRUE(eventually([&] { return store->loaded(); }));
  EXPECT_EQ(store->stats().buffered, 4U) << "the appends were held until the history was loaded";

  settled->store(1);
  store->journal_settled();
  ASSERT_TRUE(eventually([&] { return delivered.stored().size() == 1 && store->stats().buffered == 0; }));
  std::this_thread::sleep_for(200ms);  // a negative check follows: nothing more may come
  const auto got = delivered.all();
  ASSERT_EQ(got.size(), 1U) << "only the new notification goes out";
  EXPECT_EQ(got[0].seq, 4U);
  EXPECT_TRUE(contains(*got[0].json, R"("id":"p4")"));
  EXPECT_EQ(store->stats().duplicates, 3U);
  store->stop();
}

Alert fingerprinted(const std::string& fingerprint, const std::string& suffix, AlertState state = AlertState::Firing) {
  Alert a = synthetic_alert(fingerprint + ":" + suffix, state);
  a.labels["fingerprint"] = fingerprint;
  return a;
}

// find() answers from the mirror, by alert: what this instance and others stored, what a
// restarted store loaded from the stream, and nothing retention let go.
TEST(RedisAlertStore, FindsEachAlertsNotificationsInTheHistoryAndTheStream) {
  RedisServer server;
  IoThreads io;
  {
    Instance a(io, store_options(server, "a"));
    Instance b(io, store_options(server, "b"));
    ASSERT_TRUE(eventually([&] { return a.store->loaded() && b.store->loaded(); }));
    (void)a.store->append(fingerprinted("f1", "firing"));  // 1
    ASSERT_TRUE(eventually([&] { return b.delivered.stored().size() == 1; }));
    (void)b.store->append(fingerprinted("f2", "firing"));  // 2
    ASSERT_TRUE(eventually([&] { return a.delivered.stored().size() == 2; }));
    (void)b.store->append(fingerprinted("f1", "update-1"));  // 3, from the other instance
    ASSERT_TRUE(eventually([&] { return a.delivered.stored().size() == 3; }));
    (void)a.store->append(synthetic_alert("plain"));  // 4: no fingerprint, its id is its key
    (void)a.store->append(fingerprinted("f1", "resolved", AlertState::Resolved));  // 5
    ASSERT_TRUE(eventually([&] { return a.delivered.stored().size() == 5; }));
    EXPECT_EQ(seqs(a.store->find("f1")), (std::vector<std::uint64_t>{1, 3, 5}));
    EXPECT_EQ(seqs(a.store->find("plain")), (std::vector<std::uint64_t>{4}));
    EXPECT_TRUE(a.store->find("f3").empty());
    const auto found = a.store->find("f1");
    ASSERT_EQ(found.size(), 3U);
    EXPECT_TRUE(contains(*found[2].json, R"("id":"f1:resolved","seq":5)")) << *found[2].json;
  }
  auto o = store_options(server, "c");
  o.retention = 3;  // a restarted store loads 3..5 only
  Instance c(io, o);
  ASSERT_TRUE(eventually([&] { return c.store->loaded(); }));
  EXPECT_EQ(seqs(c.store->find("f1")), (std::vector<std::uint64_t>{3, 5}));
  EXPECT_TRUE(c.store->find("f2").empty());
  (void)c.store->append(fingerprinted("f2", "resolved", AlertState::Resolved));  // 6: lets 3 go
  ASSERT_TRUE(eventually([&] { return c.delivered.stored().size() == 1; }));
  EXPECT_EQ(seqs(c.store->find("f1")), (std::vector<std::uint64_t>{5}));
  EXPECT_EQ(seqs(c.store->find("f2")), (std::vector<std::uint64_t>{6}));
}

TEST(RedisAlertStore, TwoInstancesShareOneSeqOrderAndDeliverEachOthersAlerts) {
  RedisServer server;
  IoThreads io;
  Instance a(io, store_options(server, "a"));
  Instance b(io, store_options(server, "b"));
  ASSERT_TRUE(eventually([&] { return a.store->loaded() && b.store->loaded(); }));

  std::thread ta([&] {
    for (int i = 0; i < 60; ++i) (void)a.store->append(synthetic_alert("a" + std::to_string(i)));
  });
  std::thread tb([&] {
    for (int i = 0; i < 60; ++i) (void)b.store->append(synthetic_alert("b" + std::to_string(i)));
  });
  ta.join();
  tb.join();
  // Both evaluate the same events now and then: the shared identity check stores it once.
  (void)a.store->append(synthetic_alert("both"));
  (void)b.store->append(synthetic_alert("both"));

  ASSERT_TRUE(eventually([&] { return a.delivered.stored().size() == 121 && b.delivered.stored().size() == 121; }));
  std::this_thread::sleep_for(200ms);  // a negative check follows: nothing more may come
  const auto on_a = a.delivered.all();
  const auto on_b = b.delivered.all();
  ASSERT_EQ(on_a.size(), 121U);
  ASSERT_EQ(on_b.size(), 121U);
  EXPECT_EQ(seqs(on_a), one_to(121));
  EXPECT_EQ(seqs(on_b), one_to(121));
  for (std::size_t i = 0; i < on_a.size(); ++i) EXPECT_EQ(*on_a[i].json, *on_b[i].json);
  EXPECT_EQ(a.store->after(100, 100).alerts.size(), 21U);
  EXPECT_EQ(b.store->after(100, 100).alerts.size(), 21U);
  EXPECT_EQ(a.store->stats().written + b.store->stats().written, 121U);
}

TEST(RedisAlertStore, RedisKilledWhileAlertsFireLosesNothingWithinTheBound) {
  RedisServer server(RedisServerOptions{.appendonly = true, .appendfsync = "always", .extra = {}});
  IoThreads io;
  Instance a(io, store_options(server));
  ASSERT_TRUE(eventually([&] { return a.store->loaded() && a.store->degraded_reason().empty(); }));

  std::atomic<bool> firing{true};
  std::atomic<int> fired{0};
  std::thread feed([&] {
    while (firing) {
      (void)a.store->append(synthetic_alert("k" + std::to_string(fired++)));
      std::this_thread::sleep_for(2ms);
    }
  });
  // Some alerts stored before the kill, some buffered during the outage, some fired after Redis
  // is back: each phase waits for its event, not for a time a loaded machine may not keep.
  ASSERT_TRUE(eventually([&] { return a.delivered.stored().size() >= 10; }));
  server.kill();
  ASSERT_TRUE(eventually([&] { return !a.store->degraded_reason().empty(); }));
  ASSERT_TRUE(eventually([&] { return a.store->stats().buffered >= 10; }));
  EXPECT_TRUE(contains(a.store->degraded_reason(), "unreachable")) << a.store->degraded_reason();
  server.start();
  const int fired_at_return = fired.load();
  ASSERT_TRUE(eventually([&] { return fired.load() >= fired_at_return + 10; }));
  firing = false;
  feed.join();

  const auto total = static_cast<std::size_t>(fired.load());
  ASSERT_TRUE(eventually([&] { return a.delivered.stored().size() == total; }, 60s))
      << a.delivered.stored().size() << " of " << total << "; " << a.store->degraded_reason();
  EXPECT_TRUE(eventually([&] { return a.store->degraded_reason().empty(); }));
  const auto stored = a.delivered.stored();
  EXPECT_EQ(seqs(stored), one_to(total)) << "no seq reused, skipped or reordered";
  std::set<std::string> distinct;
  for (const auto& k : stream_keys(server)) distinct.insert(k);
  EXPECT_EQ(distinct.size(), total);
  EXPECT_EQ(stream_keys(server).size(), total) << "each alert stored exactly once";
  EXPECT_GT(a.delivered.provisional(), 0U) << "alerts during the outage reached clients at once";
  EXPECT_EQ(a.store->stats().dropped, 0U);
  EXPECT_EQ(a.store->stats().buffered, 0U);
}

TEST(RedisAlertStore, AHungRedisIsNoticedAndEveryAlertIsStoredOnceAfterIt) {
  RedisServer server;
  IoThreads io;
  Instance a(io, store_options(server));
  ASSERT_TRUE(eventually([&] { return a.store->loaded() && a.store->degraded_reason().empty(); }));
  for (int i = 0; i < 5; ++i) (void)a.store->append(synthetic_alert("h" + std::to_string(i)));
  ASSERT_TRUE(eventually([&] { return a.delivered.stored().size() == 5; }));

  server.pause();
  for (int i = 5; i < 10; ++i) (void)a.store->append(synthetic_alert("h" + std::to_string(i)));
  // The writes stall; the command timeout turns the hang into "unreachable" and clients get
  // the alerts provisionally.
  ASSERT_TRUE(eventually([&] { return a.delivered.provisional() == 5; }, 30s)) << a.delivered.provisional();
  EXPECT_FALSE(a.store->degraded_reason().empty());
  std::this_thread::sleep_for(300ms);
  server.resume();

  ASSERT_TRUE(eventually([&] { return a.delivered.stored().size() == 10; }, 30s)) << a.store->degraded_reason();
  std::this_thread::sleep_for(300ms);  // a negative check follows: nothing more may come
  EXPECT_EQ(seqs(a.delivered.stored()), one_to(10));
  EXPECT_EQ(stream_keys(server).size(), 10U) << "a write whose reply was lost ran once at most";
  EXPECT_TRUE(eventually([&] { return a.store->degraded_reason().empty(); }));
}

TEST(RedisAlertStore, PastTheBufferBoundAlertsAreDeliveredHereAndCountedAsDropped) {
  RedisServer server;
  IoThreads io;
  auto o = store_options(server);
  o.max_buffered = 5;
  Instance a(io, o);
  ASSERT_TRUE(eventually([&] { return a.store->loaded(); }));
  server.kill();
  // Degraded is not enough: a link still connecting counts as degraded too, and appends go
  // provisional only once a link is known down, which names its error ("unreachable (...").
  // Which comes first depends on the scheduling of the moment.
  ASSERT_TRUE(eventually([&] { return contains(a.store->degraded_reason(), "unreachable ("); }));
  for (int i = 0; i < 8; ++i) (void)a.store->append(synthetic_alert("d" + std::to_string(i)));
  EXPECT_EQ(a.delivered.provisional(), 8U);
  EXPECT_EQ(a.store->stats().dropped, 3U);
  EXPECT_EQ(a.store->stats().buffered, 5U);
  EXPECT_TRUE(contains(a.store->degraded_reason(), "3 dropped")) << a.store->degraded_reason();
  EXPECT_FALSE(contains(*a.delivered.all().front().json, R"("seq")"));

  server.start();
  ASSERT_TRUE(eventually([&] { return a.delivered.stored().size() == 5; }));
  EXPECT_EQ(stream_keys(server),
            (std::vector<std::string>{"d0|firing", "d1|firing", "d2|firing", "d3|firing", "d4|firing"}));
}

TEST(RedisAlertStore, SeqsNeverStartAgainWhenRedisLostItsData) {
  RedisServer server;  // no persistence: a restart empties it
  IoThreads io;
  Instance a(io, store_options(server));
  ASSERT_TRUE(eventually([&] { return a.store->loaded(); }));
  for (int i = 0; i < 3; ++i) (void)a.store->append(synthetic_alert("l" + std::to_string(i)));
  ASSERT_TRUE(eventually([&] { return a.delivered.stored().size() == 3; }));
  server.restart();
  ASSERT_EQ(server.command({"DBSIZE"}).integer, 0);
  ASSERT_TRUE(eventually([&] { return a.store->degraded_reason().empty(); }));
  (void)a.store->append(synthetic_alert("after-loss"));
  ASSERT_TRUE(eventually([&] { return a.delivered.stored().size() == 4; }));
  EXPECT_EQ(a.delivered.stored().back().seq, 4U) << "clients hold 1..3 already";
  EXPECT_EQ(a.store->after(3, 10).alerts.size(), 1U);
}

TEST(RedisAlertStore, StartsWithRedisDownAndCatchesUp) {
  RedisServer server;
  server.kill();
  IoThreads io;
  Instance a(io, store_options(server));
  std::atomic<bool> loaded_called{false};
  a.store->when_loaded([&] { loaded_called = true; });
  // Appended before the first attempt to connect has failed: it waits, then goes out
  // provisionally once Redis is known to be away.
  (void)a.store->append(synthetic_alert("early"));
  ASSERT_TRUE(eventually([&] { return a.delivered.provisional() == 1; }));
  (void)a.store->append(synthetic_alert("later"));
  EXPECT_EQ(a.delivered.provisional(), 2U);
  EXPECT_TRUE(contains(a.store->degraded_reason(), "unreachable")) << a.store->degraded_reason();
  EXPECT_FALSE(loaded_called);
  server.start();
  ASSERT_TRUE(eventually([&] { return a.delivered.stored().size() == 2; }));
  EXPECT_TRUE(loaded_called);
  EXPECT_EQ(seqs(a.delivered.stored()), one_to(2));
}

TEST(RedisAlertStore, StoppingWritesWhatIsBufferedFirst) {
  RedisServer server;
  IoThreads io;
  Instance a(io, store_options(server));
  ASSERT_TRUE(eventually([&] { return a.store->loaded(); }));
  for (int i = 0; i < 50; ++i) (void)a.store->append(synthetic_alert("s" + std::to_string(i)));
  // The flush bound only stops a hang: stop() returns once the buffer is written, however long a
  // loaded machine takes for 50 writes.
  a.store->stop(30s);
  ASSERT_TRUE(eventually([&] { return a.store->stats().writer.state == redis::ClientState::Stopped; }, 60s));
  EXPECT_EQ(stream_keys(server).size(), 50U);
}

}  // namespace
}  // namespace lodestone::testing
