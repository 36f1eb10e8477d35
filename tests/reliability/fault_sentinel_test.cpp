// Redis Sentinel failover while alerts fire (E1-E4 in tests/reliability/README.md): a master, its
// replica and three redis-sentinel processes on loopback ports, the real daemon configured with
// redis.sentinels, the alert ledger's feed injected through POST /api/v1/ingest. The master is
// SIGKILLed; the Sentinels promote the replica; the daemon must follow and the ledger must hold
// on the promoted replica's stream: with wait_replicas every alert exactly once, without it at
// most what the replica had not received. Each failover is timed.
#include <thread>

#include "fault_fixture.hpp"
#include "lodestone/testing/redis_sentinel.hpp"

namespace lodestone::testing {
namespace {

// A full resync starts at once (Redis waits 5 s by default for more replicas to join).
const std::vector<std::string> kQuickSync{"--repl-diskless-sync-delay", "0"};

RedisServerOptions durable(std::uint16_t replica_of = 0, const std::string& password = "") {
  return RedisServerOptions{.appendonly = true,
                            .appendfsync = "always",
                            .extra = kQuickSync,
                            .config_file = "",
                            .replica_of = replica_of,
                            .password = password};
}

long long xlen(const RedisServer& redis) {
  try {
    return redis.command({"XLEN", "{lodestone}:alerts"}).integer;
  } catch (const std::exception&) {
    return -1;
  }
}

class FaultSentinel : public FaultTest {
 protected:
  // A master, its replica, three Sentinels (quorum 2, down after 1 s) that know both and each other.
  void cluster(const std::string& password = "") {
    master_ = std::make_unique<RedisServer>(durable(0, password));
    replica_ = std::make_unique<RedisServer>(durable(master_->port(), password));
    sentinels_ = std::make_unique<SentinelGroup>(
        3,
        RedisSentinelOptions{.master_port = master_->port(),
                             .down_after = 1000ms,
                             .master_password = password,
                             .password = password.empty() ? "" : "sentinel-" + password},
        1);
  }

  // The daemon on the Sentinels with the ledger's rules; `redis_extra` joins the redis: map.
  DaemonProcess& start_on_sentinels(const std::string& redis_extra = "", std::map<std::string, std::string> env = {}) {
    std::string redis_map = "{sentinels: [" + sentinels_->yaml_list() + "], master: lodestone, backoff_max: 500ms";
    if (!redis_extra.empty()) redis_map += ", " + redis_extra;
    redis_map += "}";
    const std::string config = temp_file(
        "tape: {path: " + tape_ + ", speed: 0, loop: false}\nuniverse: " + source_path("deploy/universe.yaml") +
            "\nrules: " + rules_ + "\nredis: " + redis_map + "\ninstance: a\n",
        "lodestone-fault");
    files_.push_back(config);
    env["LODESTONE_API_TOKEN"] = kFaultToken;
    daemons_.push_back(std::make_unique<DaemonProcess>(std::vector<std::string>{"--config", config}, env));
    auto& d = *daemons_.back();
    const bool ready = eventually([&] { return status(d, "/readyz") == 200; }, 60s);
    EXPECT_TRUE(ready) << readyz(d) << "\n" << d.log();
    return d;
  }

  static std::string readyz(const DaemonProcess& d) {
    try {
      return http_request(d.port(), http::verb::get, "/readyz").body;
    } catch (const std::exception& e) {
      return std::string("unanswered: ") + e.what();
    }
  }

  struct Failover {
    double promoted = 0;     // kill -> a Sentinel names the replica (it announces +switch-master)
    double followed = 0;     // promoted -> the daemon's first write there (polled every 20 ms)
    double first_write = 0;  // kill -> that write
  };

  // Kills the master while the feed goes on (bursts of 10 every 100 ms, bounded), and times
  // the failover: the Sentinels naming the replica, then the daemon's first write there.
  Failover kill_master_while_alerts_flow(DaemonProcess& d) {
    const auto t0 = std::chrono::steady_clock::now();
    master_->kill();
    const long long before = xlen(*replica_);  // nothing but the daemon writes there from now on
    std::optional<double> promoted;
    std::optional<double> written;
    for (int i = 0; i < 600 && !(promoted && written); ++i) {
      if (i % 5 == 0) inject(d, ledger_.burst(10));  // the feed goes on: 10 alerts every ~100 ms
      std::this_thread::sleep_for(20ms);             // the pace of polling, not a wait for the daemon
      if (!written && xlen(*replica_) > before) written = seconds_since(t0);
      // Detection: the first Sentinel that names the replica (its +switch-master goes out then).
      for (std::size_t s = 0; s < sentinels_->size() && !promoted; ++s)
        if ((*sentinels_)[s].master_port() == replica_->port()) promoted = seconds_since(t0);
    }
    EXPECT_TRUE(promoted) << sentinels_->logs();
    EXPECT_TRUE(written) << readyz(d) << "\n" << d.log();
    Failover f;
    f.promoted = promoted.value_or(-1);
    f.first_write = written.value_or(-1);
    f.followed = f.first_write - f.promoted;
    return f;
  }

  static void report(const std::string& test, const Failover& f) {
    measured(test + " master SIGKILL -> a Sentinel names the replica", f.promoted, "s");
    measured(test + " promotion -> the daemon's first write on the new master", f.followed, "s");
    measured(test + " master SIGKILL -> first write on the new master", f.first_write, "s");
  }

  // The ledger's ids on `redis`, once it holds them all or stops growing.
  std::vector<std::string> stream_on(const RedisServer& redis) {
    return settled_stream(redis, ledger_.expected().size());
  }
  // The ledger's ids on `redis` once the daemon has nothing left to write (some may be lost).
  std::vector<std::string> stream_after_drain(const DaemonProcess& d, const RedisServer& redis) {
    EXPECT_TRUE(eventually([&] { return metric(d, "lodestone_redis_buffered{kind=\"alerts\"}") == 0.0; }, 60s))
        << readyz(d);
    return AlertLedger::own(AlertLedger::stream_ids(redis));
  }

  std::unique_ptr<RedisServer> master_;
  std::unique_ptr<RedisServer> replica_;
  std::unique_ptr<SentinelGroup> sentinels_;
};

TEST_F(FaultSentinel, E1_MasterKilledWhileAlertsFlowWithWaitReplicasLosesNoneAndStoresNoneTwice) {
  cluster();
  auto& d = start_on_sentinels("wait_replicas: 1, wait_timeout: 500ms");
  LedgerClient client(d.port());
  inject(d, ledger_.prime());
  inject(d, ledger_.burst(100));
  ASSERT_EQ(settled_stream(*master_, 100).size(), 100U);
  inject(d, ledger_.burst(200));  // being written (and WAITed for) when the master dies
  const auto f = kill_master_while_alerts_flow(d);
  report("E1 (wait_replicas 1)", f);
  inject(d, ledger_.burst(50));

  const auto ids = stream_on(*replica_);
  const auto v = ledger_.check(ids);
  EXPECT_TRUE(v.ok()) << "promoted replica's stream: " << v.summary();
  const auto seqs = AlertLedger::stream_seqs(*replica_);
  for (std::size_t i = 1; i < seqs.size(); ++i) EXPECT_LT(seqs[i - 1], seqs[i]) << "entry " << i;
  // The new master has no replica until the old one returns: alerts are stored there and
  // delivered, but not counted as replicated, and /readyz says so.
  EXPECT_TRUE(eventually([&] { return readyz(d).find("alerts not yet on 1 replicas") != std::string::npos; }, 30s))
      << readyz(d);
  EXPECT_EQ(metric(d, "lodestone_redis_failovers_total"), 1.0);
  EXPECT_EQ(metric(d, "lodestone_redis_master{address=\"127.0.0.1:" + std::to_string(replica_->port()) + "\"}"), 1.0)
      << metrics(d);
  // Every alert reached the client with a seq; one the failover took from the stream comes again
  // with its new seq (the page keeps one row per alert id).
  client.wait([&](const LedgerClient& c) { return c.stored_ids().size() >= ledger_.expected().size(); }, 60s);
  const auto got = AlertLedger::own(client.stored_ids());
  const std::set<std::string> distinct(got.begin(), got.end());
  EXPECT_TRUE(AlertLedger::check({distinct.begin(), distinct.end()}, ledger_.expected()).missing.empty())
      << "every alert reached the client with a seq";
  measured("E1 alerts delivered twice to a client (the stream re-delivers a re-appended alert)",
           static_cast<double>(got.size() - distinct.size()), "alerts");
  EXPECT_FALSE(client.closed());

  // The old master comes back: the Sentinels make it a replica of the new one; nothing of the
  // daemon's goes there, and nothing is stored twice.
  master_->start();
  ASSERT_TRUE(eventually([&] { return answered([&] { return master_->role(); }) == "slave"; }, 60s))
      << sentinels_->logs();
  inject(d, ledger_.burst(50));
  const auto after = stream_on(*replica_);
  const auto v2 = ledger_.check(after);
  EXPECT_TRUE(v2.ok()) << "after the old master returned: " << v2.summary();
  EXPECT_TRUE(eventually(
      [&] { return answered([&] { return AlertLedger::stream_ids(*master_); }) == AlertLedger::stream_ids(*replica_); },
      60s))
      << "the old master holds exactly the new master's stream";
  const auto list = master_->command({"CLIENT", "LIST"}).str;
  EXPECT_EQ(list.find("name=lodestone-a-"), std::string::npos) << "no daemon connection on the old master:\n" << list;
  EXPECT_EQ(metric(d, "lodestone_redis_failovers_total"), 1.0);
  // A replica again: every alert is confirmed on it and leaves the buffer.
  EXPECT_TRUE(eventually([&] { return status(d, "/readyz") == 200; }, 60s)) << readyz(d);
  EXPECT_TRUE(eventually([&] { return metric(d, "lodestone_redis_buffered{kind=\"alerts\"}") == 0.0; }, 60s))
      << metrics(d);
}

TEST_F(FaultSentinel, E2_WithoutWaitReplicasAFailoverLosesAtMostTheAlertsInFlightAtTheKill) {
  cluster();
  auto& d = start_on_sentinels();
  LedgerClient client(d.port());
  inject(d, ledger_.prime());
  inject(d, ledger_.burst(100));
  ASSERT_EQ(settled_stream(*master_, 100).size(), 100U);
  const std::size_t in_flight_from = ledger_.expected().size();
  inject(d, ledger_.burst(200));
  const std::size_t in_flight_to = ledger_.expected().size();
  const auto f = kill_master_while_alerts_flow(d);
  report("E2 (no WAIT)", f);
  inject(d, ledger_.burst(50));
  const auto ids = stream_after_drain(d, *replica_);
  const auto v = ledger_.check(ids);
  EXPECT_TRUE(v.duplicated.empty() && v.unexpected.empty()) << v.summary();
  // What is missing was in flight when the master died: never an alert stored before that
  // burst, never one sent after the failover.
  const auto in_flight = ledger_.expected_range(in_flight_from, in_flight_to);
  const std::set<std::string> allowed(in_flight.begin(), in_flight.end());
  for (const auto& id : v.missing) EXPECT_TRUE(allowed.contains(id)) << id << " lost, but it was not in flight";
  measured("E2 alerts lost by a failover without wait_replicas (master killed mid-burst, loopback replication)",
           static_cast<double>(v.missing.size()), "alerts");
  EXPECT_TRUE(eventually([&] { return status(d, "/readyz") == 200; }, 30s)) << readyz(d);
}

// The replica cut off from the master (it cannot authenticate) while a burst is stored: the
// master acknowledges alerts no replica has, then dies. Without WAIT they are gone; with it
// they were never counted as stored and the daemon appends them to the new master.
class FaultSentinelCutOff : public FaultSentinel, public ::testing::WithParamInterface<bool> {};

TEST_P(FaultSentinelCutOff, E3_AlertsTheReplicaNeverReceived) {
  const bool wait = GetParam();
  cluster();
  auto& d = start_on_sentinels(wait ? "wait_replicas: 1, wait_timeout: 300ms" : "");
  inject(d, ledger_.prime());
  inject(d, ledger_.burst(50));
  ASSERT_EQ(settled_stream(*replica_, 50).size(), 50U);
  ASSERT_EQ(replica_->command({"CONFIG", "SET", "masterauth", "not-the-password"}).str, "OK");
  replica_->command({"CLIENT", "KILL", "TYPE", "master"});
  ASSERT_TRUE(eventually([&] {
    return master_->command({"INFO", "replication"}).str.find("connected_slaves:0") != std::string::npos;
  }));
  const std::size_t cut_from = ledger_.expected().size();
  inject(d, ledger_.burst(30));
  const auto unreplicated = ledger_.expected_range(cut_from, ledger_.expected().size());
  ASSERT_TRUE(eventually([&] { return xlen(*master_) >= 80; })) << "the master stored the burst";
  EXPECT_EQ(xlen(*replica_), 50) << "the replica has none of it";
  if (wait) {
    EXPECT_TRUE(eventually([&] { return readyz(d).find("alerts not yet on 1 replicas") != std::string::npos; }))
        << readyz(d);
  }
  ASSERT_EQ(replica_->command({"CONFIG", "SET", "masterauth", ""}).str, "OK");
  const auto f = kill_master_while_alerts_flow(d);
  report(wait ? "E3 (wait_replicas 1, replica cut off)" : "E3 (no WAIT, replica cut off)", f);
  inject(d, ledger_.burst(20));
  const auto ids = wait ? stream_on(*replica_) : stream_after_drain(d, *replica_);
  const auto v = ledger_.check(ids);
  if (wait) {
    EXPECT_TRUE(v.ok()) << "with WAIT, nothing the master alone had is lost: " << v.summary();
  } else {
    EXPECT_EQ(v.missing, unreplicated) << "without WAIT, exactly what the replica never received is lost";
    EXPECT_TRUE(v.duplicated.empty() && v.unexpected.empty()) << v.summary();
  }
  measured(
      std::string("E3 alerts lost, replica cut off for a 30-alert burst, ") + (wait ? "wait_replicas 1" : "no WAIT"),
      static_cast<double>(v.missing.size()), "alerts");
}

INSTANTIATE_TEST_SUITE_P(WaitOrNot, FaultSentinelCutOff, ::testing::Values(true, false),
                         [](const auto& info) { return info.param ? "WaitReplicas" : "NoWait"; });

TEST_F(FaultSentinel, E4_SentinelQuorumLostWhileTheMasterLivesTheDaemonKeepsWritingAndReadyzSaysWhy) {
  cluster("pw-0123");  // passwords from the environment, for the master and for the Sentinels
  auto& d =
      start_on_sentinels("password_env: LODESTONE_TEST_REDIS_PW, sentinel_password_env: LODESTONE_TEST_SENT_PW",
                         {{"LODESTONE_TEST_REDIS_PW", "pw-0123"}, {"LODESTONE_TEST_SENT_PW", "sentinel-pw-0123"}});
  inject(d, ledger_.prime());
  inject(d, ledger_.burst(20));
  ASSERT_EQ(settled_stream(*master_, 20).size(), 20U);
  (*sentinels_)[1].kill();
  (*sentinels_)[2].kill();
  // Degraded, said in /readyz's warning, yet still ready: every daemon behind the balancer sees
  // the same Sentinels, and failing readiness would take all of them out of rotation at once
  // while each still writes to the master it has.
  ASSERT_TRUE(eventually([&] { return readyz(d).find("1 of 3 Sentinels reachable") != std::string::npos; }, 30s))
      << readyz(d);
  const auto why = readyz(d);
  EXPECT_EQ(status(d, "/readyz"), 200) << why;
  const auto warning = why.find(R"("warning":)");
  ASSERT_NE(warning, std::string::npos) << why;
  EXPECT_NE(why.find("redis sentinel: 1 of 3 Sentinels reachable", warning), std::string::npos) << why;
  EXPECT_NE(why.find("nobody would promote a replica"), std::string::npos) << why;
  EXPECT_EQ(metric(d, "lodestone_redis_sentinel_up{sentinel=\"" + (*sentinels_)[2].address() + "\"}"), 0.0);
  inject(d, ledger_.burst(40));
  const auto ids = settled_stream(*master_, ledger_.expected().size());
  const auto v = ledger_.check(ids);
  EXPECT_TRUE(v.ok()) << "the daemon keeps writing to the master it has: " << v.summary();
  (*sentinels_)[1].start();
  (*sentinels_)[2].start();
  EXPECT_TRUE(eventually([&] { return readyz(d).find("Sentinels reachable") == std::string::npos; }, 60s)) << readyz(d);
}

}  // namespace
}  // namespace lodestone::testing
