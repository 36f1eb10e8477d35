// Redis faults while alerts fire (D2, D4, D5, D6): Redis killed with kill -9 and restarted, down
// for a while, hung with SIGSTOP past the command timeout, its clients killed mid-burst. After
// each fault the alert ledger must find every expected alert exactly once in the stream and
// exactly once (with its seq) at a connected client; alerts delivered while Redis was away came
// first without a seq, also exactly once.
#include <cstdlib>
#include <thread>

#include "fault_fixture.hpp"

namespace lodestone::testing {
namespace {

class FaultRedis : public FaultTest {
 protected:
  // Every ledger alert so far in the stream exactly once, in injection order.
  void expect_stream_exact(const RedisServer& redis, const std::string& when) {
    const auto ids = settled_stream(redis, ledger_.expected().size());
    const auto v = ledger_.check(ids);
    EXPECT_TRUE(v.ok()) << when << ": stream " << v.summary();
    EXPECT_TRUE(is_prefix_of(ids, ledger_.expected())) << when << ": stream order differs from the feed's";
    // One seq per entry, strictly increasing, none reused.
    const auto seqs = AlertLedger::stream_seqs(redis);
    for (std::size_t i = 1; i < seqs.size(); ++i) EXPECT_LT(seqs[i - 1], seqs[i]) << when << " at entry " << i;
  }
  // Every ledger alert so far at the client exactly once with its seq.
  void expect_client_exact(LedgerClient& client, const std::string& when) {
    client.wait_stored(ledger_.expected().size(), 60s);
    const auto v = ledger_.check(AlertLedger::own(client.stored_ids()));
    EXPECT_TRUE(v.ok()) << when << ": client " << v.summary() << "; " << client.describe();
    EXPECT_FALSE(client.closed()) << when << ": the client stays connected through Redis faults";
  }
};

TEST_F(FaultRedis, D2_RedisKilledAfterEachBurstWithAppendfsyncAlwaysKeepsEveryAckedAlertOnce) {
  RedisServer redis(RedisServerOptions{.appendonly = true, .appendfsync = "always", .extra = {}});
  auto& d = start(redis);
  LedgerClient client(d.port());
  inject(d, ledger_.prime());
  double acked_seconds = 0;
  std::size_t acked_alerts = 0;
  double recovery_max = 0;
  for (int round = 0; round < 5; ++round) {
    const auto t0 = std::chrono::steady_clock::now();
    inject(d, ledger_.burst(200));
    const bool after_ack = round % 2 == 0;  // odd rounds: killed mid-burst, writes in flight
    if (after_ack) {
      // XLEN is cheap to poll; the exact check follows the restart.
      ASSERT_TRUE(eventually(
          [&] {
            return redis.command({"XLEN", "{lodestone}:alerts"}).integer >=
                   static_cast<long long>(ledger_.expected().size());
          },
          60s))
          << d.log();
      acked_seconds += seconds_since(t0);
      acked_alerts += 200;
    }
    redis.kill();
    redis.start();
    const auto t1 = std::chrono::steady_clock::now();
    if (after_ack) {
      // What Redis acknowledged survived kill -9, each once (the AOF replayed at start).
      const auto v = ledger_.check(AlertLedger::own(AlertLedger::stream_ids(redis)));
      EXPECT_TRUE(v.ok()) << "round " << round << " right after restart: " << v.summary();
    }
    // On failure, say why the daemon thinks it is not ready (its /readyz body), not only its log.
    ASSERT_TRUE(eventually([&] { return status(d, "/readyz") == 200; }, 60s)) << "round " << round << ": /readyz " <<
        [&] {
          try {
            return http_request(d.port(), http::verb::get, "/readyz").body;
          } catch (const std::exception& e) {
            return std::string("unanswered: ") + e.what();
          }
        }() << "\n" << d.log();
    recovery_max = std::max(recovery_max, seconds_since(t1));
  }
  expect_stream_exact(redis, "after 5 kills");
  expect_client_exact(client, "after 5 kills");
  EXPECT_EQ(ledger_.expected().size(), 1000U);
  measured("D2 alerts/s through Redis (ingest to stream, appendfsync always)",
           static_cast<double>(acked_alerts) / acked_seconds, "alerts/s");
  measured("D2 daemon ready again after redis restart (max)", recovery_max, "s");
}

TEST_F(FaultRedis, D4_RedisDownWhileAlertsFireLosesNoneAndTheBufferDrainsOnReturn) {
  // 30 s in the plan; 8 s by default keeps the suite short (LODESTONE_FAULT_OUTAGE_SECONDS).
  int outage_s = 8;
  if (const char* s = std::getenv("LODESTONE_FAULT_OUTAGE_SECONDS")) outage_s = std::max(1, std::atoi(s));
  RedisServer redis(RedisServerOptions{.appendonly = true, .appendfsync = "always", .extra = {}});
  auto& d = start(redis);
  LedgerClient client(d.port());
  inject(d, ledger_.prime());
  inject(d, ledger_.burst(30));
  ASSERT_EQ(settled_stream(redis, 30).size(), 30U);

  redis.kill();
  ASSERT_TRUE(eventually([&] { return status(d, "/readyz") == 503; }, 30s));
  const std::size_t before = ledger_.expected().size();
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(outage_s);
  double buffered_peak = 0;
  while (std::chrono::steady_clock::now() < until) {
    inject(d, ledger_.burst(10));
    buffered_peak = std::max(buffered_peak, metric(d, "lodestone_redis_buffered{kind=\"alerts\"}").value_or(-1));
    std::this_thread::sleep_for(250ms);  // the feed's pace during the outage, not a wait for the daemon
  }
  const auto outage = ledger_.expected_range(before, ledger_.expected().size());
  EXPECT_EQ(status(d, "/healthz"), 200U) << "the daemon stays up";
  EXPECT_GT(buffered_peak, 0.0) << "the buffer rises during the outage";
  EXPECT_TRUE(eventually(
      [&] { return metric(d, "lodestone_redis_buffered{kind=\"alerts\"}") == static_cast<double>(outage.size()); },
      30s))
      << "every outage alert waits in the buffer";
  // Clients saw each outage alert at once, without a seq, exactly once.
  client.wait([&](const LedgerClient& c) { return c.provisional_ids().size() >= outage.size(); }, 30s);
  const auto early = AlertLedger::check(AlertLedger::own(client.provisional_ids()), outage);
  EXPECT_TRUE(early.ok()) << "provisional: " << early.summary();

  redis.start();
  const auto t0 = std::chrono::steady_clock::now();
  ASSERT_TRUE(eventually(
      [&] { return AlertLedger::own(AlertLedger::stream_ids(redis)).size() >= ledger_.expected().size(); }, 60s));
  measured("D4 buffered alerts stored after redis returned", seconds_since(t0), "s");
  measured("D4 alerts buffered during the outage", static_cast<double>(outage.size()), "alerts");
  expect_stream_exact(redis, "after the outage");
  expect_client_exact(client, "after the outage");
  EXPECT_TRUE(eventually([&] { return metric(d, "lodestone_redis_buffered{kind=\"alerts\"}") == 0.0; }, 30s));
  EXPECT_TRUE(eventually([&] { return status(d, "/readyz") == 200; }, 30s));
  EXPECT_EQ(metric(d, "lodestone_redis_dropped_total{kind=\"alerts\"}").value_or(0), 0.0);
}

TEST_F(FaultRedis, D4_PastTheBufferBoundAlertsAreCountedAsDroppedNeverSilentlyLost) {
  RedisServer redis(RedisServerOptions{.appendonly = true, .appendfsync = "always", .extra = {}});
  auto& d = start(redis, "max_buffered: 50");
  LedgerClient client(d.port());
  inject(d, ledger_.prime());
  inject(d, ledger_.burst(10));
  ASSERT_EQ(settled_stream(redis, 10).size(), 10U);
  redis.kill();
  ASSERT_TRUE(eventually([&] { return status(d, "/readyz") == 503; }, 30s));
  inject(d, ledger_.burst(80));
  EXPECT_TRUE(eventually([&] { return metric(d, "lodestone_redis_dropped_total{kind=\"alerts\"}") == 30.0; }, 30s))
      << metrics(d);
  EXPECT_EQ(metric(d, "lodestone_redis_buffered{kind=\"alerts\"}"), 50.0);
  EXPECT_EQ(metric(d, "lodestone_redis_buffer_limit{kind=\"alerts\"}"), 50.0);
  EXPECT_NE(http_request(d.port(), http::verb::get, "/readyz").body.find("30 dropped"), std::string::npos);
  // Clients still saw all 80, once each.
  client.wait([](const LedgerClient& c) { return AlertLedger::own(c.provisional_ids()).size() >= 80; }, 30s);
  const auto outage = ledger_.expected_range(10, 90);
  EXPECT_TRUE(AlertLedger::check(AlertLedger::own(client.provisional_ids()), outage).ok());

  redis.start();
  // Stored: the 10 before and the first 50 of the outage, in order; the 30 past the bound never.
  auto want = ledger_.expected_range(0, 60);
  const auto ids = settled_stream(redis, 60);
  std::this_thread::sleep_for(500ms);  // nothing more may come
  const auto v = AlertLedger::check(AlertLedger::own(AlertLedger::stream_ids(redis)), want);
  EXPECT_TRUE(v.ok()) << v.summary();
  EXPECT_TRUE(is_prefix_of(ids, want));
}

TEST_F(FaultRedis, D4_RedisRefusingWritesOomKeepsAlertsBufferedAndStoresEachOnceWhenItAcceptsAgain) {
  RedisServer redis(RedisServerOptions{.appendonly = true, .appendfsync = "always", .extra = {}});
  auto& d = start(redis);
  LedgerClient client(d.port());
  inject(d, ledger_.prime());
  inject(d, ledger_.burst(20));
  ASSERT_EQ(settled_stream(redis, 20).size(), 20U);
  // Connected, answering, refusing every write: "OOM command not allowed when used memory > 'maxmemory'".
  ASSERT_EQ(redis.command({"CONFIG", "SET", "maxmemory", "1"}).str, "OK");
  inject(d, ledger_.burst(40));
  EXPECT_TRUE(eventually(
      [&] {
        return http_request(d.port(), http::verb::get, "/readyz").body.find("refuses alert writes") !=
               std::string::npos;
      },
      30s));
  client.wait([](const LedgerClient& c) { return AlertLedger::own(c.provisional_ids()).size() >= 40; }, 30s);
  EXPECT_TRUE(AlertLedger::check(AlertLedger::own(client.provisional_ids()), ledger_.expected_range(20, 60)).ok());
  EXPECT_EQ(AlertLedger::own(AlertLedger::stream_ids(redis)).size(), 20U);
  ASSERT_EQ(redis.command({"CONFIG", "SET", "maxmemory", "0"}).str, "OK");
  expect_stream_exact(redis, "after memory was freed");
  expect_client_exact(client, "after memory was freed");
}

TEST_F(FaultRedis, D5_HungRedisTimesOutAndEachAlertIsStoredOnceAfterItWakes) {
  RedisServer redis(RedisServerOptions{.appendonly = true, .appendfsync = "always", .extra = {}});
  auto& d = start(redis, "command_timeout: 500ms");
  LedgerClient client(d.port());
  inject(d, ledger_.prime());
  inject(d, ledger_.burst(30));
  ASSERT_EQ(settled_stream(redis, 30).size(), 30U);

  redis.pause();  // SIGSTOP: sockets stay open, nothing answers
  const auto t0 = std::chrono::steady_clock::now();
  inject(d, ledger_.burst(60));  // the write of these hangs: its outcome is unknown
  const bool timed_out = eventually(
      [&] { return metric(d, "lodestone_redis_timeouts_total{connection=\"alerts-writer\"}").value_or(0) >= 1; }, 30s);
  EXPECT_TRUE(timed_out) << metrics(d);
  measured("D5 hung redis detected after (command_timeout 500ms)", seconds_since(t0), "s");
  // Once the writer is declared down, clients get the waiting alerts without a seq.
  client.wait([](const LedgerClient& c) { return AlertLedger::own(c.provisional_ids()).size() >= 60; }, 30s);
  EXPECT_TRUE(AlertLedger::check(AlertLedger::own(client.provisional_ids()), ledger_.expected_range(30, 90)).ok());
  std::this_thread::sleep_for(1s);  // reconnect attempts pile up on the stopped server too
  redis.resume();                   // the hung connection's script may run now, and the retry as well
  const auto t1 = std::chrono::steady_clock::now();
  expect_stream_exact(redis, "after SIGCONT");
  measured("D5 stream complete after SIGCONT", seconds_since(t1), "s");
  expect_client_exact(client, "after SIGCONT");
  const auto dup = metric(d, "lodestone_redis_alerts_total{outcome=\"duplicate\"}").value_or(0);
  measured("D5 writes found already stored (unknown outcome resolved by the alert id)", dup, "alerts");
}

TEST_F(FaultRedis, D6_ClientKillMidBurstRequeuesTheLostCommands) {
  RedisServer redis(RedisServerOptions{.appendonly = true, .appendfsync = "always", .extra = {}});
  auto& d = start(redis);
  LedgerClient client(d.port());
  inject(d, ledger_.prime());
  const double connects_before = metric(d, "lodestone_redis_connects_total{connection=\"alerts-writer\"}").value_or(0);
  const std::string connects = "lodestone_redis_connects_total{connection=\"alerts-writer\"}";
  int kills = 0;
  for (int round = 0; round < 10; ++round) {
    // Connected again after the last kill (the connect counter moved on: an "up" gauge could
    // still show the killed connection), then a burst, then every daemon connection (writer,
    // reader, journal) at once while the burst is being written.
    ASSERT_TRUE(eventually([&] { return metric(d, connects).value_or(0) >= connects_before + round; }, 30s));
    inject(d, ledger_.burst(150));
    kills += static_cast<int>(redis.command({"CLIENT", "KILL", "TYPE", "normal"}).integer);
  }
  EXPECT_GE(kills, 10) << "the daemon's connections were killed each round";
  expect_stream_exact(redis, "after CLIENT KILL");
  expect_client_exact(client, "after CLIENT KILL");
  EXPECT_TRUE(eventually(
      [&] {
        return metric(d, "lodestone_redis_connects_total{connection=\"alerts-writer\"}").value_or(0) >=
               connects_before + 10;
      },
      30s))
      << "the writer reconnected after each kill: " << metrics(d);
  measured("D6 writer errors (commands lost with their connection, re-sent)",
           metric(d, "lodestone_redis_errors_total{connection=\"alerts-writer\"}").value_or(0), "commands");
}

}  // namespace
}  // namespace lodestone::testing
