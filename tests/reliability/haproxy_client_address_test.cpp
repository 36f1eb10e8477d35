// The client's address through HAProxy (issue #16, H3-H4 in tests/reliability/README.md): the
// daemon's per-address limit (websocket.max_connections_per_ip) and its access log use the
// client HAProxy names, by X-Forwarded-For or by the PROXY protocol, only because HAProxy's
// address is in http.trusted_proxies; a client's own X-Forwarded-For, or anyone's header sent
// straight to the daemon from an untrusted address, changes nothing.
#include <algorithm>
#include <cctype>

#include "fault_fixture.hpp"
#include "lodestone/testing/haproxy_process.hpp"

namespace lodestone::testing {
namespace {

constexpr unsigned kPerAddress = 3;

class HaproxyClientAddress : public ::testing::Test {
 protected:
  void TearDown() override {
    sockets_.clear();
    haproxy_.reset();
    daemon_.reset();
    if (!config_.empty()) ::unlink(config_.c_str());
  }

  // One daemon (no Redis: only its limits matter here) behind HAProxy, as all three servers.
  void start(const std::string& http, HaproxyOptions options = {}) {
    config_ = temp_file("tape: off\nuniverse: " + source_path("deploy/universe.yaml") +
                            "\nlog_level: debug\nwebsocket: {max_connections_per_ip: " + std::to_string(kPerAddress) +
                            "}\nhttp: {" + http + "}\n",
                        "lodestone-haproxy");
    daemon_ = std::make_unique<DaemonProcess>(std::vector<std::string>{"--config", config_});
    const auto p = daemon_->port();
    haproxy_ = std::make_unique<HaproxyProcess>(std::array<std::uint16_t, 3>{p, p, p}, options);
    // The health checks pass: with send-proxy they carry a PROXY header the daemon reads.
    ASSERT_TRUE(haproxy_->wait_all_up(30s)) << haproxy_->log() << "\n" << daemon_->log();
  }

  // A WebSocket upgrade from `source`, to `port`; its status (101, or the daemon's 503). The
  // socket stays open until the test ends.
  unsigned upgrade(std::uint16_t port, const std::string& source, const std::string& headers = "") {
    sockets_.push_back(std::make_unique<RawWebSocket>(port, "/ws", headers, source, 30s));
    const auto& ws = *sockets_.back();
    std::string head = ws.response_head();  // HAProxy writes header names in lower case
    std::transform(head.begin(), head.end(), head.begin(), [](unsigned char c) { return std::tolower(c); });
    if (ws.status() == 503)
      EXPECT_NE(head.find("server: lodestone"), std::string::npos) << "the daemon's refusal, not HAProxy's:\n"
                                                                   << ws.response_head();
    return ws.status();
  }
  [[nodiscard]] std::string per_ip_refusals(std::uint16_t port) const {
    const auto v = metric_value(http_request(port, http::verb::get, "/metrics").body,
                                R"(lodestone_http_refused_connections_total{reason="per_ip"})");
    return v ? std::to_string(static_cast<long>(*v)) : "none";
  }

  std::string config_;
  std::unique_ptr<DaemonProcess> daemon_;
  std::unique_ptr<HaproxyProcess> haproxy_;
  std::vector<std::unique_ptr<RawWebSocket>> sockets_;
};

TEST_F(HaproxyClientAddress, H3_XForwardedForFromTheTrustedHaproxyIsTheClientAndFromAnyoneElseIgnored) {
  start("trusted_proxies: [127.0.0.1]");
  const auto lb = haproxy_->port();
  // Through HAProxy (whose connections come from 127.0.0.1): each client has its own cap.
  for (unsigned i = 0; i < kPerAddress; ++i) EXPECT_EQ(upgrade(lb, "127.0.0.2"), 101U) << i;
  EXPECT_EQ(upgrade(lb, "127.0.0.2"), 503U) << "127.0.0.2 is at its cap";
  EXPECT_EQ(upgrade(lb, "127.0.0.2", "X-Forwarded-For: 10.9.9.9\r\n"), 503U)
      << "a client's own X-Forwarded-For stays left of the address HAProxy appends";
  for (unsigned i = 0; i < kPerAddress; ++i) EXPECT_EQ(upgrade(lb, "127.0.0.3"), 101U) << "another client, " << i;
  // Straight to the daemon from an address it does not trust: the header is not believed.
  const auto direct = daemon_->port();
  for (unsigned i = 0; i < kPerAddress; ++i)
    EXPECT_EQ(upgrade(direct, "127.0.0.4", "X-Forwarded-For: 10.0.0." + std::to_string(i) + "\r\n"), 101U) << i;
  EXPECT_EQ(upgrade(direct, "127.0.0.4", "X-Forwarded-For: 10.0.0.99\r\n"), 503U);
  EXPECT_EQ(per_ip_refusals(direct), "3");
  // The access log names the clients, never what a client claimed.
  const auto log = daemon_->log();
  for (const char* client : {"http: 127.0.0.2 GET /ws", "http: 127.0.0.3 GET /ws", "http: 127.0.0.4 GET /ws"})
    EXPECT_NE(log.find(client), std::string::npos) << client << "\n" << log;
  EXPECT_EQ(log.find("http: 10."), std::string::npos) << log;
}

TEST_F(HaproxyClientAddress, H4_ThePROXYHeaderFromTheTrustedHaproxyNamesTheClient) {
  HaproxyOptions send_proxy;
  send_proxy.send_proxy = true;
  start("trusted_proxies: [127.0.0.1], proxy_protocol: true", send_proxy);
  const auto lb = haproxy_->port();
  for (unsigned i = 0; i < kPerAddress; ++i) EXPECT_EQ(upgrade(lb, "127.0.0.5"), 101U) << i;
  EXPECT_EQ(upgrade(lb, "127.0.0.5"), 503U) << "127.0.0.5 is at its cap";
  EXPECT_EQ(upgrade(lb, "127.0.0.6"), 101U) << "another client";
  // The trusted address must speak the PROXY protocol: a bare request from it is dropped unread.
  const auto direct = daemon_->port();
  EXPECT_THROW((void)http_request(direct, http::verb::get, "/healthz"), std::exception);
  EXPECT_TRUE(eventually([&] { return daemon_->log().find("did not start with PROXY") != std::string::npos; }, 10s));
  // Any other address connects without one, and cannot pass one off.
  RawSocket plain(direct, "127.0.0.7");
  ASSERT_TRUE(plain.send_all("GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n"));
  EXPECT_NE(plain.read_some(10s).find("HTTP/1.1 200"), std::string::npos);
  RawSocket forged(direct, "127.0.0.7");
  ASSERT_TRUE(
      forged.send_all("PROXY TCP4 10.9.9.9 127.0.0.1 1234 80\r\nGET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n"));
  EXPECT_NE(forged.read_some(10s).find("HTTP/1.1 400"), std::string::npos);
  EXPECT_EQ(per_ip_refusals(lb), "1");
  const auto log = daemon_->log();
  EXPECT_NE(log.find("http: 127.0.0.5 GET /ws"), std::string::npos) << log;
  EXPECT_EQ(log.find("http: 10."), std::string::npos) << log;
}

}  // namespace
}  // namespace lodestone::testing
