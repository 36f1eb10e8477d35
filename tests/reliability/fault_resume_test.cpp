// Resume across disconnects (D8, D9, D10), with Redis behind the store: a client back after
// missing alerts gets exactly those, in order, then live ones, with no gap and no duplicate at
// the seam, even while alerts fire during its resume; a client older than the retention gets an
// explicit resync first; garbage is refused with 4002 and a future position sends no backlog.
#include <atomic>
#include <map>
#include <thread>

#include "fault_fixture.hpp"

namespace lodestone::testing {
namespace {

class FaultResume : public FaultTest {
 protected:
  // seq -> id of every ledger entry in the stream.
  static std::map<std::uint64_t, std::string> stream_by_seq(const RedisServer& redis) {
    const auto ids = AlertLedger::stream_ids(redis);
    const auto seqs = AlertLedger::stream_seqs(redis);
    std::map<std::uint64_t, std::string> out;
    for (std::size_t i = 0; i < ids.size() && i < seqs.size(); ++i) out[seqs[i]] = ids[i];
    return out;
  }
  static std::vector<std::string> after_seq(const std::map<std::uint64_t, std::string>& by_seq, std::uint64_t s) {
    std::vector<std::string> out;
    for (auto it = by_seq.upper_bound(s); it != by_seq.end(); ++it) out.push_back(it->second);
    return AlertLedger::own(out);
  }
};

TEST_F(FaultResume, D8_AClientBackAfter200AlertsGetsExactlyThoseInOrderThenLiveOnes) {
  RedisServer redis;
  auto& d = start(redis);
  inject(d, ledger_.prime());
  std::uint64_t last = 0;
  {
    LedgerClient first(d.port());
    inject(d, ledger_.burst(50));
    ASSERT_TRUE(first.wait_stored(50, 30s));
    EXPECT_TRUE(ledger_.check(AlertLedger::own(first.stored_ids())).ok());
    last = first.max_seq();
  }  // gone
  inject(d, ledger_.burst(200));
  ASSERT_EQ(settled_stream(redis, 250).size(), 250U);

  LedgerClient back(d.port(), last);
  ASSERT_TRUE(back.wait_stored(200, 30s));
  EXPECT_EQ(AlertLedger::own(back.stored_ids()), ledger_.expected_range(50, 250)) << "exactly the 200 missed, in order";
  const auto seqs = back.stored_seqs();
  for (std::size_t i = 0; i < seqs.size(); ++i) EXPECT_EQ(seqs[i], last + 1 + i) << "no gap in the seqs";
  EXPECT_TRUE(back.messages("resync").empty());

  inject(d, ledger_.burst(50));
  ASSERT_TRUE(back.wait_stored(250, 30s));
  EXPECT_EQ(AlertLedger::own(back.stored_ids()), ledger_.expected_range(50, 300)) << "then the live ones";
}

// The kdb+tick hand-off problem ("avoid duplicate data if subscription whilst data in buffer"):
// alerts fire while clients resume, so the backlog and the live stream overlap in time.
// The session holds live alerts back until the client's resume (or resume_grace) and never
// sends a seq twice, so the replay and the live stream join exactly once.
TEST_F(FaultResume, D8_ResumeWhileAlertsFireHasNoGapAndNoDuplicateAtTheSeam) {
  RedisServer redis;
  auto& d = start(redis);
  inject(d, ledger_.prime());
  inject(d, ledger_.burst(30));
  ASSERT_EQ(settled_stream(redis, 30).size(), 30U);
  std::vector<std::string> batches;
  for (int i = 0; i < 40; ++i) batches.push_back(ledger_.burst(10));
  std::atomic<bool> firing{true};
  std::thread feed([&] {
    for (const auto& b : batches) {
      (void)ingest(d, b);
      std::this_thread::sleep_for(15ms);
    }
    firing = false;
  });
  std::vector<std::pair<std::uint64_t, std::unique_ptr<LedgerClient>>> clients;
  while (firing) {
    // Resume from a few alerts back: the backlog is read while new alerts arrive.
    const auto by_seq = stream_by_seq(redis);
    const std::uint64_t after = by_seq.empty() ? 0 : std::max<std::uint64_t>(by_seq.rbegin()->first, 5) - 5;
    clients.emplace_back(after, std::make_unique<LedgerClient>(d.port(), after));
    std::this_thread::sleep_for(40ms);
  }
  feed.join();
  ASSERT_EQ(settled_stream(redis, ledger_.expected().size()).size(), ledger_.expected().size());
  const auto by_seq = stream_by_seq(redis);
  ASSERT_GE(clients.size(), 5U);
  for (auto& [after, c] : clients) {
    const auto want = after_seq(by_seq, after);
    c->wait_stored(want.size(), 30s);
    std::this_thread::sleep_for(100ms);  // a negative check follows: no duplicate may come
    const auto got = AlertLedger::own(c->stored_ids());
    const auto v = AlertLedger::check(got, want);
    EXPECT_TRUE(v.ok()) << "client resuming after " << after << ": " << v.summary() << "; " << c->describe();
    EXPECT_EQ(got, want) << "client resuming after " << after << ": in seq order";
  }
}

TEST_F(FaultResume, D9_AResumeOlderThanTheRetentionGetsAnExplicitResyncNeverASilentGap) {
  RedisServer redis(RedisServerOptions{.appendonly = true, .appendfsync = "always", .extra = {}});
  auto* d = &start(redis, "", "alerts: {retention: 100}\n");
  inject(*d, ledger_.prime());
  inject(*d, ledger_.burst(300));
  ASSERT_TRUE(eventually(
      [&] {
        return http_request(d->port(), http::verb::get, "/api/v1/alerts?after=0").body.find(R"("last_seq":300)") !=
               std::string::npos;
      },
      60s));
  auto check_resync = [&](DaemonProcess& daemon, const std::string& when) {
    LedgerClient c(daemon.port(), 1);  // seqs 2..200 are gone
    c.wait([](const LedgerClient& x) { return AlertLedger::own(x.stored_ids()).size() >= 100; }, 30s);
    const auto all = c.all_messages();
    ASSERT_FALSE(all.empty()) << when;
    EXPECT_NE(all.front().find(R"("type":"resync")"), std::string::npos)
        << when << ": the resync comes before any alert: " << all.front();
    EXPECT_EQ(c.messages("resync").size(), 1U) << when;
    EXPECT_EQ(AlertLedger::own(c.stored_ids()), ledger_.expected_range(200, 300))
        << when << ": then the retained alerts, in order";
    const auto page = http_request(daemon.port(), http::verb::get, "/api/v1/alerts?after=1&limit=5").body;
    EXPECT_NE(page.find(R"("gap":true)"), std::string::npos) << when << ": " << page;
    // Within the retention: no resync, just what came after.
    LedgerClient recent(daemon.port(), 290);
    recent.wait_stored(10, 30s);
    EXPECT_EQ(AlertLedger::own(recent.stored_ids()), ledger_.expected_range(290, 300)) << when;
    EXPECT_TRUE(recent.messages("resync").empty()) << when;
  };
  check_resync(*d, "running");
  ASSERT_EQ(d->stop(), 0);
  d = &start(redis, "", "alerts: {retention: 100}\n");
  check_resync(*d, "after a restart (history reloaded from the stream)");
}

TEST_F(FaultResume, D10_GarbageResumePositionsAreRefusedWith4002AndTheDaemonStaysUp) {
  RedisServer redis;
  auto& d = start(redis);
  inject(d, ledger_.prime());
  inject(d, ledger_.burst(10));
  // Stored and read back first: alerts the daemon reads later go out live to connected clients,
  // which is not a replay.
  ASSERT_EQ(settled_stream(redis, 10).size(), 10U);
  ASSERT_TRUE(read_back(d, redis));
  for (const std::string bad :
       {R"({"type":"resume","after":"abc"})", R"({"type":"resume","after":-1})", R"({"type":"resume"})",
        R"({"type":"resume","after":1e400})", R"({"type":"resume","after":18446744073709551616})",
        R"({"type":"resume","after":1.5})", "resume 5"}) {
    WsClient ws(d.port());
    ASSERT_TRUE(ws.receive());  // hello
    ws.send(bad);
    std::optional<std::string> m;
    while ((m = ws.receive())) {  // until the close (the default timeout only bounds a hang)
      EXPECT_EQ(m->find(R"("type":"alert")"), std::string::npos) << bad << " must not start a replay";
    }
    EXPECT_TRUE(ws.closed()) << bad;
    EXPECT_EQ(ws.close_reason().code, 4002) << bad;
  }
  EXPECT_EQ(status(d, "/healthz"), 200U);
}

TEST_F(FaultResume, D10_AFuturePositionSendsNoBacklogAndLiveAlertsStillArrive) {
  RedisServer redis;
  auto& d = start(redis);
  inject(d, ledger_.prime());
  inject(d, ledger_.burst(20));
  ASSERT_EQ(settled_stream(redis, 20).size(), 20U);
  // What its reader reads after the client's resume goes out to it live (as it must).
  ASSERT_TRUE(read_back(d, redis));
  LedgerClient c(d.port(), 1'000'000);
  // hello's last_seq below the client's position tells the page the numbering restarted.
  EXPECT_LT(c.hello_last_seq(), 1'000'000U);
  std::this_thread::sleep_for(500ms);  // a negative check follows: nothing may come
  EXPECT_TRUE(c.stored_ids().empty()) << "no backlog from a position the store never reached";
  EXPECT_FALSE(c.closed());
  inject(d, ledger_.burst(10));
  ASSERT_TRUE(c.wait_stored(10, 30s));
  EXPECT_EQ(AlertLedger::own(c.stored_ids()), ledger_.expected_range(20, 30));
}

}  // namespace
}  // namespace lodestone::testing
