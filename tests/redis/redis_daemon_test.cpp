// The daemon with --redis: restarts, two instances behind one Redis, Redis killed while quotes
// flow. Real processes, real sockets, loopback only; every wait is bounded.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <memory>
#include <set>

#include "lodestone/testing/daemon_process.hpp"
#include "lodestone/testing/redis_server.hpp"
#include "lodestone/testing/ws_client.hpp"

namespace lodestone::testing {
namespace {

using namespace std::chrono_literals;

const std::string kToken = "test-token-0123456789";

// Synthetic quotes: 2026-02-09 10:00 (+08:00) plus `second` seconds.
std::string quote_line(const std::string& symbol, int second, const std::string& last, const std::string& prev) {
  const long long ts = 1'770'602'400'000LL + second * 1000LL;
  return R"({"type":"quote","symbol":")" + symbol + R"(","ts":)" + std::to_string(ts) + R"(,"last":)" + last +
         R"(,"prev_close":)" + prev + "}\n";
}

// Level rules: each crossing is one alert, named by what triggered it. A price back under a
// level resolves that level's alert.
constexpr const char* kRules = R"(rules:
  - name: etf-above
    severity: warning
    price: { symbols: ["159713.SZ"], above: "1.500" }
  - name: etf-below
    severity: warning
    price: { symbols: ["159713.SZ"], below: "1.400" }
  - name: miner-above
    severity: info
    price: { symbols: ["600111.SH"], above: "43.00" }
  - name: fund-above
    severity: info
    price: { symbols: ["516150.SH"], above: "1.000" }
)";

std::string write_file(const std::string& text) {
  char path[] = "/tmp/lodestone-redis-test-XXXXXX";
  const int fd = ::mkstemp(path);
  ::close(fd);
  std::ofstream(path) << text;
  return path;
}

std::size_t count(const std::string& s, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = s.find(needle); at != std::string::npos; at = s.find(needle, at + 1)) ++n;
  return n;
}

class RedisDaemon : public ::testing::Test {
 protected:
  void SetUp() override {
    rules_ = write_file(kRules);
    // A tape keeps the rules on event time (no wall-clock ticks moving February's alerts to
    // their close); the events themselves come through /api/v1/ingest.
    tape_ = write_file(quote_line("159713.SZ", -1800, "1.441", "1.441"));
  }
  void TearDown() override {
    daemons_.clear();
    for (const auto& f : files_) ::unlink(f.c_str());
    ::unlink(rules_.c_str());
    ::unlink(tape_.c_str());
  }
  DaemonProcess& start(const RedisServer& redis, const std::string& instance) {
    const std::string config = write_file(
        "tape: {path: " + tape_ + ", speed: 0, loop: false}\nuniverse: " + source_path("deploy/universe.yaml") +
        "\nrules: " + rules_ + "\nredis: " + redis.url() + "\ninstance: " + instance + "\n");
    files_.push_back(config);
    daemons_.push_back(
        std::make_unique<DaemonProcess>(std::vector<std::string>{"--config", config},
                                        std::map<std::string, std::string>{{"LODESTONE_API_TOKEN", kToken}}));
    auto& d = *daemons_.back();
    // Ready once Redis is connected and the history and state are restored.
    const bool ready =
        eventually([&] { return http_request(d.port(), http::verb::get, "/readyz").status == 200; }, 60s);
    EXPECT_TRUE(ready) << http_request(d.port(), http::verb::get, "/readyz").body << "\n" << d.log();
    return d;
  }
  static HttpResult ingest(const DaemonProcess& d, const std::string& ndjson) {
    return http_request(d.port(), http::verb::post, "/api/v1/ingest", ndjson, kToken);
  }
  // Alert messages a client receives until `n` arrived or nothing came for `quiet` (a receive
  // that times out ends the client: only the last read of a test may time out). The default
  // only bounds a hang; a negative check ("nothing more") passes a short one.
  static std::vector<std::string> alerts(WsClient& ws, std::size_t n, std::chrono::milliseconds quiet = 30s) {
    std::vector<std::string> out;
    while (out.size() < n) {
      auto m = ws.receive(quiet);
      if (!m) break;
      if (m->find(R"("type":"alert")") != std::string::npos) out.push_back(*m);
    }
    return out;
  }
  std::string rules_;
  std::string tape_;
  std::vector<std::string> files_;
  std::vector<std::unique_ptr<DaemonProcess>> daemons_;
};

TEST_F(RedisDaemon, AlertsFiredBeforeARestartAreServedAfterItAndNoneFiresTwice) {
  RedisServer redis(RedisServerOptions{.appendonly = true, .appendfsync = "always", .extra = {}});
  const std::string tape = quote_line("159713.SZ", 1, "1.441", "1.441") + quote_line("159713.SZ", 2, "1.520", "1.441");
  {
    auto& a = start(redis, "a");
    WsClient ws(a.port());
    ASSERT_TRUE(ws.receive());  // hello
    ASSERT_EQ(ingest(a, tape).status, 200U);
    const auto fired = alerts(ws, 1);
    ASSERT_EQ(fired.size(), 1U) << a.log();
    EXPECT_NE(fired[0].find(R"("seq":1,)"), std::string::npos) << fired[0];
    EXPECT_NE(fired[0].find(R"("rule":"etf-above")"), std::string::npos) << fired[0];
    EXPECT_EQ(a.stop(), 0);
  }
  auto& again = start(redis, "a");
  const auto history = http_request(again.port(), http::verb::get, "/api/v1/alerts?after=0").body;
  EXPECT_EQ(count(history, R"("type":"alert")"), 1U) << history;
  EXPECT_NE(history.find(R"("last_seq":1)"), std::string::npos) << history;

  WsClient ws(again.port());
  ASSERT_TRUE(ws.receive());
  ws.send(R"({"type":"resume","after":1})");  // nothing after seq 1 yet: the next two must be all there is
  // The feed delivers the old quotes again right after the restart; the new process's ingest
  // takes them (it has seen nothing yet), and the restored rules fire nothing twice: the next two
  // alerts below are the only ones.
  ASSERT_EQ(ingest(again, tape).status, 200U);
  // The rules came back firing: the price falling under 1.400 resolves the old alert (which a
  // fresh engine would not know) and fires the lower level, numbered after the old ones.
  ASSERT_EQ(ingest(again, quote_line("159713.SZ", 4, "1.390", "1.441")).status, 200U);
  const auto next = alerts(ws, 2);
  ASSERT_EQ(next.size(), 2U) << again.log();
  std::set<std::string> seen;
  for (const auto& m : next) {
    if (m.find(R"("rule":"etf-above")") != std::string::npos && m.find(R"("state":"resolved")") != std::string::npos)
      seen.insert("above resolved");
    if (m.find(R"("rule":"etf-below")") != std::string::npos && m.find(R"("state":"firing")") != std::string::npos)
      seen.insert("below firing");
    if (m.find(R"("seq":2,)") != std::string::npos) seen.insert("seq 2");
    if (m.find(R"("seq":3,)") != std::string::npos) seen.insert("seq 3");
  }
  EXPECT_EQ(seen, (std::set<std::string>{"above resolved", "below firing", "seq 2", "seq 3"}));
  // The feed delivers the old quotes again after the restart: ingest refuses them as a feed's
  // checks do (older than the last quote taken), and nothing fires twice.
  const auto redelivered = ingest(again, tape);
  EXPECT_EQ(redelivered.status, 400U) << redelivered.body;
  EXPECT_NE(redelivered.body.find(R"("accepted":0,"rejected":2,"errors":["line 1: out_of_order: 159713.SZ)"),
            std::string::npos)
      << redelivered.body;
  EXPECT_TRUE(alerts(ws, 1, 2s).empty()) << "nothing may fire twice";
  EXPECT_EQ(redis.command({"XLEN", "{lodestone}:alerts"}).integer, 3);
}

TEST_F(RedisDaemon, AnAlertRaisedOnOneInstanceReachesAClientOfAnother) {
  RedisServer redis;
  auto& a = start(redis, "a");
  auto& b = start(redis, "b");
  WsClient on_b(b.port());
  ASSERT_TRUE(on_b.receive());
  on_b.send(R"({"type":"subscribe","symbols":["*"]})");
  ASSERT_TRUE(on_b.receive());  // snapshot

  ASSERT_EQ(
      ingest(a, quote_line("159713.SZ", 1, "1.441", "1.441") + quote_line("159713.SZ", 2, "1.520", "1.441")).status,
      200U);
  std::vector<std::string> got;
  bool quote_seen = false;
  const auto take = [&](const std::string& m) {
    if (m.find(R"("type":"alert")") != std::string::npos) got.push_back(m);
    if (m.find(R"("type":"quote")") != std::string::npos && m.find(R"("last":1.520)") != std::string::npos)
      quote_seen = true;
  };
  // Until the alert and the quote are there (however long a loaded machine takes), then 3 s of
  // silence: a second copy of the alert would show there.
  while (got.empty() || !quote_seen) {
    auto m = on_b.receive();
    if (!m) break;
    take(*m);
  }
  while (auto m = on_b.receive(3s)) take(*m);
  ASSERT_EQ(got.size(), 1U) << "exactly once on b\n" << a.log() << "\n" << b.log();
  EXPECT_NE(got[0].find(R"("seq":1,)"), std::string::npos) << got[0];
  EXPECT_NE(got[0].find(R"("rule":"etf-above")"), std::string::npos) << got[0];
  EXPECT_TRUE(quote_seen) << "a's quote reaches b's board";
  const auto snapshot = http_request(b.port(), http::verb::get, "/api/v1/snapshot").body;
  EXPECT_NE(snapshot.find(R"("last":1.520)"), std::string::npos);
  // Resume on b is served from the shared stream.
  EXPECT_NE(http_request(b.port(), http::verb::get, "/api/v1/alerts?after=0").body.find(R"("seq":1,)"),
            std::string::npos);
}

TEST_F(RedisDaemon, RedisKilledWhileQuotesFlowLosesNoAlert) {
  RedisServer redis(RedisServerOptions{.appendonly = true, .appendfsync = "always", .extra = {}});
  auto& d = start(redis, "a");
  WsClient ws(d.port());
  ASSERT_TRUE(ws.receive());
  ASSERT_EQ(ingest(d, quote_line("159713.SZ", 1, "1.441", "1.441") + quote_line("600111.SH", 1, "40.00", "40.00") +
                          quote_line("516150.SH", 1, "0.950", "0.950"))
                .status,
            200U);

  redis.kill();
  ASSERT_TRUE(eventually([&] { return http_request(d.port(), http::verb::get, "/readyz").status == 503; }, 30s));
  // Three crossings while Redis is down: clients see them at once, without a seq yet.
  ASSERT_EQ(ingest(d, quote_line("159713.SZ", 2, "1.520", "1.441") + quote_line("600111.SH", 2, "43.50", "40.00") +
                          quote_line("516150.SH", 2, "1.020", "0.950"))
                .status,
            200U);
  const auto provisional = alerts(ws, 3);
  ASSERT_EQ(provisional.size(), 3U) << d.log();
  for (const auto& m : provisional) EXPECT_EQ(m.find(R"("seq")"), std::string::npos) << m;
  const auto readyz = http_request(d.port(), http::verb::get, "/readyz");
  EXPECT_EQ(readyz.status, 503U);
  EXPECT_NE(readyz.body.find("3 alerts buffered"), std::string::npos) << readyz.body;
  EXPECT_EQ(http_request(d.port(), http::verb::get, "/healthz").status, 200U) << "the daemon stays up";

  redis.start();
  const auto stored = alerts(ws, 3);
  ASSERT_EQ(stored.size(), 3U) << d.log();
  std::set<std::string> seqs;
  for (const auto& m : stored) {
    for (const char* s : {R"("seq":1,)", R"("seq":2,)", R"("seq":3,)"})
      if (m.find(s) != std::string::npos) seqs.insert(s);
  }
  EXPECT_EQ(seqs.size(), 3U) << "each buffered alert stored once, seqs 1..3";
  EXPECT_TRUE(eventually([&] { return http_request(d.port(), http::verb::get, "/readyz").status == 200; }, 30s));
  EXPECT_EQ(redis.command({"XLEN", "{lodestone}:alerts"}).integer, 3);
}

}  // namespace
}  // namespace lodestone::testing
