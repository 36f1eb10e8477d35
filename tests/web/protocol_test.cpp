// WebSocket protocol and HTTP security against the real daemon, with real clients on loopback.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "lodestone/core/time.hpp"
#include "lodestone/testing/daemon_process.hpp"
#include "lodestone/testing/policy_rules.hpp"
#include "lodestone/testing/redis_server.hpp"  // eventually()
#include "lodestone/testing/ws_client.hpp"

namespace lodestone::testing {
namespace {

const std::string kToken = "test-token-0123456789";

// i ms after a second before now: without a tape the daemon checks ingested quotes on the wall
// clock as a feed's are checked (neither stale nor from the future), so they are stamped around
// now, on now's exchange day.
std::string quote_line(int i, const std::string& last) {
  const Timestamp now{
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count()};
  const Timestamp before{now.ms - 1000};
  const Date today = exchange_date(now);
  const long long ts = (exchange_date(before) == today ? before : exchange_time(today, 0, 0)).ms + i;
  return R"({"type":"quote","symbol":"159713.SZ","ts":)" + std::to_string(ts) + R"(,"last":)" + last +
         R"(,"prev_close":1.441})";
}

std::string headline_line(int i, std::size_t body_bytes = 0) {
  const long long ts = 1'770'602'400'000LL + i;
  return R"({"type":"news","id":"t-)" + std::to_string(i) + R"(","ts":)" + std::to_string(ts) +
         R"(,"source":"test","title":"headline )" + std::to_string(i) + R"(","body":")" + std::string(body_bytes, 'x') +
         R"("})";
}

std::string write_config(const std::string& yaml) {
  char path[] = "/tmp/lodestone-cfg-XXXXXX";
  const int fd = ::mkstemp(path);
  ::close(fd);
  std::ofstream(path) << yaml;
  return path;
}

class Protocol : public ::testing::Test {
 protected:
  void start(const std::string& extra_yaml = "", const std::string& rules = "\"\"", const std::string& tape = "off") {
    config_ = write_config("tape: " + tape + "\nrules: " + rules +
                           "\nuniverse: " + source_path("deploy/universe.yaml") + "\n" + extra_yaml);
    daemon_ = std::make_unique<DaemonProcess>(std::vector<std::string>{"--config", config_},
                                              std::map<std::string, std::string>{{"LODESTONE_API_TOKEN", kToken}});
  }
  void TearDown() override {
    daemon_.reset();
    if (!config_.empty()) ::unlink(config_.c_str());
    if (!tape_.empty()) ::unlink(tape_.c_str());
  }
  HttpResult ingest(const std::string& ndjson) {
    return http_request(daemon_->port(), http::verb::post, "/api/v1/ingest", ndjson, kToken);
  }
  std::unique_ptr<DaemonProcess> daemon_;
  std::string config_;
  std::string tape_;
};

// Stamped now: the daemon runs on the wall clock without a tape, and these must not resolve
// (policy news ends after 30 minutes) while the test runs.
std::string policy_headline(int i) {
  const long long ts =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count() -
      60'000 + i;
  return R"({"type":"news","id":"p-)" + std::to_string(i) + R"(","ts":)" + std::to_string(ts) +
         R"(,"source":"test","title":"出口管制 )" + std::to_string(i) + R"("})";
}

std::uint64_t seq_of(const std::string& alert) {
  const auto pos = alert.find(R"("seq":)");
  return pos == std::string::npos ? 0 : std::stoull(alert.substr(pos + 6));
}

TEST_F(Protocol, ResumeDeliversExactlyTheMissedAlerts) {
  char rules_path[] = "/tmp/lodestone-rules-XXXXXX";
  ::close(::mkstemp(rules_path));
  std::ofstream(rules_path) << kPolicyRules;
  start("", rules_path);
  std::vector<std::uint64_t> seen;
  {
    WsClient ws(daemon_->port());
    ASSERT_TRUE(ws.receive());
    std::string batch;
    for (int i = 0; i < 5; ++i) batch += policy_headline(i) + "\n";
    ASSERT_EQ(ingest(batch).status, 200U);
    while (seen.size() < 5) {
      auto m = ws.receive();
      ASSERT_TRUE(m.has_value()) << daemon_->log();
      if (m->find(R"("type":"alert")") != std::string::npos) seen.push_back(seq_of(*m));
    }
  }  // disconnected: the next alerts happen while the client is away
  std::string batch;
  for (int i = 5; i < 12; ++i) batch += policy_headline(i) + "\n";
  ASSERT_EQ(ingest(batch).status, 200U);
  // Wait until the store holds them all (bounded only against a hang), then come back.
  ASSERT_TRUE(eventually(
      [&] {
        auto r = http_request(daemon_->port(), http::verb::get, "/api/v1/alerts?after=0&limit=100");
        return r.body.find(R"("last_seq":12)") != std::string::npos;
      },
      std::chrono::seconds(60)))
      << daemon_->log();
  WsClient again(daemon_->port());
  ASSERT_TRUE(again.receive());
  again.send(R"({"type":"resume","after":)" + std::to_string(seen.back()) + "}");
  std::vector<std::uint64_t> resumed;
  const auto take = [&](const std::string& m) {
    if (m.find(R"("type":"alert")") != std::string::npos) resumed.push_back(seq_of(m));
  };
  // The seven missed ones (however long a loaded machine takes), then 2 s of silence in which a
  // duplicate would show.
  while (resumed.size() < 7) {
    auto m = again.receive();
    if (!m) break;
    take(*m);
  }
  while (auto m = again.receive(std::chrono::seconds(2))) take(*m);
  ::unlink(rules_path);
  EXPECT_EQ(seen, (std::vector<std::uint64_t>{1, 2, 3, 4, 5}));
  EXPECT_EQ(resumed, (std::vector<std::uint64_t>{6, 7, 8, 9, 10, 11, 12})) << "no loss, no duplicate";
}

TEST_F(Protocol, ReloadingABadRulesFileKeepsTheRunningRules) {
  char rules_path[] = "/tmp/lodestone-rules-XXXXXX";
  ::close(::mkstemp(rules_path));
  std::ofstream(rules_path) << kPolicyRules;
  start("", rules_path);
  auto listed = http_request(daemon_->port(), http::verb::get, "/api/v1/rules").body;
  EXPECT_NE(listed.find(R"("name":"policy-news")"), std::string::npos) << listed;
  std::ofstream(rules_path) << "rules:\n  - name: broken\n    severity: loud\n";
  auto bad = http_request(daemon_->port(), http::verb::post, "/api/v1/rules/reload", "{}", kToken);
  EXPECT_EQ(bad.status, 400U);
  EXPECT_NE(bad.body.find(std::string(rules_path) + ":3:"), std::string::npos) << bad.body;  // file:line:column
  listed = http_request(daemon_->port(), http::verb::get, "/api/v1/rules").body;
  EXPECT_NE(listed.find(R"("name":"policy-news")"), std::string::npos) << "the running rules stay: " << listed;
  std::ofstream(rules_path) << std::string(kPolicyRules) +
                                   "  - name: policy-news-2\n    severity: warning\n"
                                   "    headline: { keywords: [export_control] }\n    session: any\n";
  auto good = http_request(daemon_->port(), http::verb::post, "/api/v1/rules/reload", "{}", kToken);
  EXPECT_EQ(good.status, 200U) << good.body;
  EXPECT_EQ(good.body, R"({"reloaded":true,"rules":2})");
  EXPECT_EQ(http_request(daemon_->port(), http::verb::post, "/api/v1/rules/reload", "{}").status, 401U);
  ::unlink(rules_path);
}

TEST_F(Protocol, QuotesAreCoalescedLatestWins) {
  start("websocket: {quote_interval: 250ms}\n");
  WsClient ws(daemon_->port());
  ASSERT_TRUE(ws.receive());  // hello
  ws.send(R"({"type":"subscribe","symbols":["159713"]})");
  ASSERT_NE(ws.receive()->find(R"("type":"snapshot")"), std::string::npos);
  std::string batch;
  for (int i = 0; i < 200; ++i) batch += quote_line(i, "1." + std::to_string(450 + i % 50)) + "\n";
  batch += quote_line(200, "1.499") + "\n";
  ASSERT_EQ(ingest(batch).status, 200U);
  int quotes = 0;
  std::string last;
  const auto take = [&](const std::string& m) {
    if (m.find(R"("type":"quote")") == std::string::npos) return;
    ++quotes;
    last = m;
  };
  // Until the burst's last price arrives (the event, however late a loaded machine makes it),
  // then 1.5 s of silence: more quote messages would show there.
  while (last.find(R"("last":1.499)") == std::string::npos) {
    auto m = ws.receive();
    if (!m) break;
    take(*m);
  }
  while (auto m = ws.receive(std::chrono::milliseconds(1500))) take(*m);
  EXPECT_GE(quotes, 1);
  EXPECT_LE(quotes, 10) << "201 quotes in one burst must coalesce";
  EXPECT_NE(last.find(R"("last":1.499)"), std::string::npos) << last;
}

// Issue #14: every quote names its trading day and carries that day's 涨停/跌停 prices (null
// where the instrument has no band), on the socket and in GET /api/v1/snapshot alike.
TEST_F(Protocol, EachQuoteCarriesItsOwnDaysLimitsAndNullWithoutABand) {
  // February's quotes are checked at their own time (neither stale nor from the future) by a
  // daemon that replays a tape and has no live feed: a tape of one headline, played once.
  tape_ = write_config(headline_line(0) + "\n");
  start("", "\"\"", "{ path: " + tape_ + ", loop: false }");
  WsClient ws(daemon_->port());
  ASSERT_TRUE(ws.receive());  // hello
  ws.send(R"({"type":"subscribe","symbols":["600392.SH","930598.CSI"]})");
  ASSERT_NE(ws.receive()->find(R"("type":"snapshot")"), std::string::npos);
  // 02-06 closed at 20.01 over 19.82 (band 21.80/17.84); 02-09's band is 22.01/18.01.
  ASSERT_EQ(ingest(R"({"type":"quote","symbol":"600392.SH","ts":"2026-02-06T15:00:01.411+08:00","last":20.01,)"
                   R"("prev_close":19.82})"
                   "\n"
                   R"({"type":"quote","symbol":"600392.SH","ts":"2026-02-09T10:42:01.411+08:00","last":22.01,)"
                   R"("prev_close":20.01})"
                   "\n"
                   R"({"type":"quote","symbol":"930598.CSI","ts":"2026-02-09T10:42:02.000+08:00","last":2345.67,)"
                   R"("prev_close":2300.00})"
                   "\n")
                .status,
            200U);
  std::string stock, index;
  while (stock.empty() || index.empty()) {
    auto m = ws.receive();
    ASSERT_TRUE(m) << "no quote for 02-09 (bounded wait)";
    if (m->find(R"("symbol":"600392.SH","ts":"2026-02-09)") != std::string::npos) stock = *m;
    if (m->find(R"("symbol":"930598.CSI")") != std::string::npos) index = *m;
  }
  EXPECT_NE(stock.find(R"("trading_day":"2026-02-09","limit_up":22.01,"limit_down":18.01})"), std::string::npos)
      << stock;
  EXPECT_NE(index.find(R"("trading_day":"2026-02-09","limit_up":null,"limit_down":null})"), std::string::npos) << index;

  const auto snap = http_request(daemon_->port(), http::verb::get, "/api/v1/snapshot");
  ASSERT_EQ(snap.status, 200U);
  EXPECT_NE(snap.body.find(R"("limit_up":22.01,"limit_down":18.01,"quote":{"type":"quote","symbol":"600392.SH")"),
            std::string::npos)
      << snap.body;
  EXPECT_NE(snap.body.find(R"("last":22.01,"prev_close":20.01,"trading_day":"2026-02-09","limit_up":22.01,)"
                           R"("limit_down":18.01})"),
            std::string::npos)
      << snap.body;
  EXPECT_NE(snap.body.find(R"("limit_up":null,"limit_down":null,"quote":{"type":"quote","symbol":"930598.CSI")"),
            std::string::npos)
      << snap.body;
}

TEST_F(Protocol, ASlowClientIsClosedWhileAFastOneGetsEverything) {
  start("websocket: {max_queue: 256}\n");
  WsClient fast(daemon_->port());
  WsClient slow(daemon_->port());  // never reads after the handshake: its socket buffers fill up
  // What the slow client's kernel takes before the daemon's queue fills is the test's choice, not
  // net.ipv4.tcp_rmem's (a buffer that is never read does not autotune, but its starting size is
  // the sysctl's): 4 KiB, asked after the handshake, which also switches autotuning off. The
  // daemon's side is bounded by websocket.send_buffer.
  slow.stream().next_layer().socket().set_option(net::socket_base::receive_buffer_size(4096));
  ASSERT_TRUE(fast.receive());
  constexpr int kHeadlines = 2000;
  int received = 0;
  std::thread reader([&] {
    while (received < kHeadlines) {
      auto m = fast.receive();
      if (!m) break;
      if (m->find(R"("type":"news")") == std::string::npos) continue;
      if (m->find(R"("id":"t-)" + std::to_string(received) + "\"") == std::string::npos) break;  // in order, none lost
      ++received;
    }
  });
  for (int chunk = 0; chunk < kHeadlines / 100; ++chunk) {
    std::string batch;
    for (int i = chunk * 100; i < (chunk + 1) * 100; ++i) batch += headline_line(i, 8000) + "\n";
    ASSERT_EQ(ingest(batch).status, 200U);
  }
  reader.join();
  EXPECT_EQ(received, kHeadlines) << daemon_->log();
  const auto metrics = http_request(daemon_->port(), http::verb::get, "/metrics").body;
  EXPECT_NE(metrics.find("lodestone_websocket_slow_clients_closed_total 1\n"), std::string::npos)
      << metrics.substr(metrics.find("lodestone_websocket"), 400);
}

TEST_F(Protocol, BadJsonAndBinaryAndOversizeMessagesAreClosedNotCrashed) {
  start("websocket: {max_message: 4KiB}\n");
  {
    WsClient ws(daemon_->port());
    ASSERT_TRUE(ws.receive());
    ws.send("{not json");
    while (ws.receive()) {  // until the close (the default timeout only bounds a hang)
    }
    EXPECT_EQ(ws.close_reason().code, 4002);
  }
  {
    WsClient ws(daemon_->port());
    ASSERT_TRUE(ws.receive());
    ws.send(R"({"type":"subscribe","symbols":"all"})");
    while (ws.receive()) {
    }
    EXPECT_EQ(ws.close_reason().code, 4002);
  }
  {
    WsClient ws(daemon_->port());
    ASSERT_TRUE(ws.receive());
    ws.send(std::string(8000, ' '));
    while (ws.receive()) {
    }
    EXPECT_EQ(ws.close_reason().code, websocket::close_code::too_big);
  }
  EXPECT_EQ(http_request(daemon_->port(), http::verb::get, "/healthz").status, 200U);
}

TEST_F(Protocol, AQuietConnectionGetsHeartbeats) {
  start("websocket: {heartbeat: 300ms}\n");
  WsClient ws(daemon_->port());
  ASSERT_TRUE(ws.receive());  // hello
  int heartbeats = 0;
  // Two heartbeats come, on any machine; the bound (100 intervals) only stops a hang.
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (heartbeats < 2 && std::chrono::steady_clock::now() < until) {
    auto m = ws.receive();
    ASSERT_TRUE(m.has_value()) << "silence: no heartbeat";
    if (m->find(R"("type":"heartbeat","server_time":")") != std::string::npos) ++heartbeats;
  }
  EXPECT_EQ(heartbeats, 2);
}

TEST_F(Protocol, OriginIsCheckedOnTheUpgrade) {
  start();
  EXPECT_THROW(WsClient(daemon_->port(), "/ws", "http://evil.example"), boost::system::system_error);
  WsClient same(daemon_->port(), "/ws", "http://127.0.0.1:" + std::to_string(daemon_->port()));
  EXPECT_TRUE(same.receive().has_value());
}

TEST_F(Protocol, WritesNeedTheTokenAndBadEventsAreReportedByLine) {
  start();
  EXPECT_EQ(http_request(daemon_->port(), http::verb::post, "/api/v1/ingest", quote_line(0, "1.45")).status, 401U);
  EXPECT_EQ(http_request(daemon_->port(), http::verb::post, "/api/v1/ingest", quote_line(0, "1.45"), "wrong").status,
            401U);
  auto r = ingest(quote_line(0, "1.45") + "\n{\"type\":\"quote\",\"symbol\":\"159713.SZ\"}\n" + quote_line(1, "0"));
  EXPECT_EQ(r.status, 200U);
  EXPECT_NE(r.body.find(R"("accepted":1,"rejected":2)"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("line 2: field 'ts': missing"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("line 3: last price 0.00 is not positive"), std::string::npos) << r.body;
  auto ack = http_request(daemon_->port(), http::verb::post, "/api/v1/alerts/ee39%3Afiring/ack",
                          R"({"by":"desk-3","comment":"seen"})", kToken);
  EXPECT_EQ(ack.status, 200U) << ack.body;  // rules are off in this daemon: acks still work
  EXPECT_NE(ack.body.find(R"("alert_id":"ee39:firing")"), std::string::npos) << ack.body;
  EXPECT_EQ(http_request(daemon_->port(), http::verb::delete_, "/index.html").status, 405U);
  EXPECT_EQ(http_request(daemon_->port(), http::verb::get, "/../../etc/passwd").status, 404U);
  EXPECT_EQ(http_request(daemon_->port(), http::verb::get, "/%2e%2e/%2e%2e/etc/passwd").status, 404U);
}

TEST_F(Protocol, TokenForReadProtectsThePageAndTheSocket) {
  start("token_for_read: true\n");
  EXPECT_EQ(http_request(daemon_->port(), http::verb::get, "/api/v1/snapshot").status, 401U);
  EXPECT_EQ(http_request(daemon_->port(), http::verb::get, "/api/v1/snapshot", "", kToken).status, 200U);
  EXPECT_EQ(http_request(daemon_->port(), http::verb::get, "/healthz").status, 200U);
  EXPECT_THROW(WsClient(daemon_->port(), "/ws"), boost::system::system_error);
  WsClient ws(daemon_->port(), "/ws?token=" + kToken);
  EXPECT_TRUE(ws.receive().has_value());
}

}  // namespace
}  // namespace lodestone::testing
