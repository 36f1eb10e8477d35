// The real daemon on an ephemeral port with the tiny tape, real WebSocket and HTTP clients.
#include <gtest/gtest.h>
#include <simdjson.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstddef>
#include <fstream>
#include <map>
#include <set>

#include "lodestone/testing/daemon_process.hpp"
#include "lodestone/testing/ws_client.hpp"

namespace lodestone::testing {
namespace {

// symbol -> every "last" the tiny tape gives it, as written on the tape.
std::map<std::string, std::set<std::string>> tape_lasts() {
  std::map<std::string, std::set<std::string>> out;
  std::ifstream in(source_path("feeds/tapes/tiny.ndjson"));
  std::string line;
  simdjson::ondemand::parser parser;
  while (std::getline(in, line)) {
    simdjson::padded_string padded(line);
    auto doc = parser.iterate(padded);
    std::string_view type = doc["type"].get_string().value();
    if (type != "quote") continue;
    std::string symbol(doc["symbol"].get_string().value());
    std::string last(doc["last"].raw_json_token().value());
    while (!last.empty() && last.back() == ' ') last.pop_back();
    out[symbol].insert(last);
  }
  return out;
}

struct Message {
  std::string type;
  std::string symbol;
  std::string last;
};

Message decode(const std::string& text) {
  simdjson::ondemand::parser parser;
  simdjson::padded_string padded(text);
  auto doc = parser.iterate(padded);
  Message m;
  m.type = std::string(doc["type"].get_string().value());
  if (m.type == "quote") {
    m.symbol = std::string(doc["symbol"].get_string().value());
    m.last = std::string(doc["last"].raw_json_token().value());
    while (!m.last.empty() && m.last.back() == ' ') m.last.pop_back();
  }
  return m;
}

TEST(Daemon, PushesTheTapesQuotesOverTheWebSocket) {
  const auto expected = tape_lasts();
  ASSERT_FALSE(expected.empty());
  DaemonProcess daemon({"--tape", source_path("feeds/tapes/tiny.ndjson"), "--speed", "120", "--no-loop"});
  WsClient ws(daemon.port());
  auto hello = ws.receive();
  ASSERT_TRUE(hello.has_value());
  EXPECT_EQ(decode(*hello).type, "hello");
  ws.send(R"({"type":"subscribe","symbols":["*"]})");
  std::size_t quotes = 0;
  bool snapshot = false;
  std::set<std::string> symbols_seen;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (quotes < 20 && std::chrono::steady_clock::now() < deadline) {
    auto text = ws.receive(std::chrono::seconds(5));
    if (!text) break;
    const auto m = decode(*text);
    if (m.type == "snapshot") snapshot = true;
    if (m.type != "quote") continue;
    ++quotes;
    symbols_seen.insert(m.symbol);
    ASSERT_TRUE(expected.contains(m.symbol)) << *text;
    // Exactly the tape's digits: 1.490 stays 1.490.
    EXPECT_TRUE(expected.at(m.symbol).contains(m.last)) << m.symbol << " last " << m.last;
  }
  EXPECT_TRUE(snapshot);
  EXPECT_GE(quotes, 20U) << daemon.log();
  EXPECT_EQ(symbols_seen.size(), expected.size());
  EXPECT_EQ(daemon.stop(), 0) << daemon.log();
}

TEST(Daemon, ServesSnapshotHealthAndSecurityHeaders) {
  DaemonProcess daemon({"--tape", source_path("feeds/tapes/tiny.ndjson"), "--speed", "0", "--no-loop"});
  EXPECT_EQ(http_request(daemon.port(), http::verb::get, "/healthz").body, "ok\n");
  // Speed 0 replays at once; wait until the tape's last event is on the board. 1.489 is also an
  // earlier price of 159713, so the last quote is recognised by its timestamp.
  HttpResult snap;
  for (int i = 0; i < 200; ++i) {
    snap = http_request(daemon.port(), http::verb::get, "/api/v1/snapshot");
    if (snap.body.find(R"("ts":"2026-02-09T14:25:00.150+08:00","last":1.489)") != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(snap.status, 200U);
  EXPECT_NE(snap.body.find(R"("symbol":"159713.SZ","name":"稀土ETF")"), std::string::npos) << snap.body.substr(0, 400);
  EXPECT_NE(snap.body.find(R"("last":1.489)"), std::string::npos);  // the tape's last 159713 quote
  EXPECT_NE(std::string(snap.headers["Content-Security-Policy"]).find("default-src 'self'"), std::string::npos);
  EXPECT_EQ(snap.headers["X-Content-Type-Options"], "nosniff");
  auto news = http_request(daemon.port(), http::verb::get, "/api/v1/news?limit=5");
  EXPECT_NE(news.body.find("每日经济新闻"), std::string::npos) << news.body;
}

TEST(Daemon, ServesThePageCompressedWhenTheBrowserAcceptsGzip) {
  DaemonProcess daemon({"--no-tape"});
  net::io_context ioc;
  beast::tcp_stream stream(ioc);
  stream.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), daemon.port()));
  for (const char* target : {"/", "/app.js"}) {
    http::request<http::empty_body> req{http::verb::get, target, 11};
    req.set(http::field::host, "127.0.0.1");
    req.set(http::field::accept_encoding, "gzip, deflate, br");
    http::write(stream, req);
    beast::flat_buffer buffer;
    http::response<http::string_body> res;
    http::read(stream, buffer, res);
    EXPECT_EQ(res.result_int(), 200U) << target;
    EXPECT_EQ(res[http::field::content_encoding], "gzip") << target;
    ASSERT_GE(res.body().size(), 2U);
    EXPECT_EQ(static_cast<unsigned char>(res.body()[0]), 0x1fU);  // gzip magic
    EXPECT_EQ(static_cast<unsigned char>(res.body()[1]), 0x8bU);
    EXPECT_EQ(res[http::field::vary], "Accept-Encoding");
  }
  // Without Accept-Encoding the plain file comes back.
  const auto plain = http_request(daemon.port(), http::verb::get, "/");
  EXPECT_NE(plain.body.find("<!doctype html>"), std::string::npos) << plain.body.substr(0, 80);
  EXPECT_EQ(plain.headers[http::field::cache_control], "no-cache");
}

TEST(Daemon, StopsGracefullyClosingWebSocketsWith1001) {
  DaemonProcess daemon({"--no-tape"});
  WsClient ws(daemon.port());
  ASSERT_TRUE(ws.receive().has_value());  // hello
  ASSERT_EQ(::kill(daemon.pid(), SIGTERM), 0);
  while (ws.receive(std::chrono::seconds(5))) {
  }
  EXPECT_TRUE(ws.closed());
  EXPECT_EQ(ws.close_reason().code, websocket::close_code::going_away);
  EXPECT_EQ(daemon.stop(), 0);
}

// systemd's stop, then an impatient operator's: SIGTERM after SIGTERM until the process is gone.
// None of them may kill it mid-exit (asio::signal_set put the default action back as it was
// destroyed, and a SIGTERM in that moment ended a clean stop with status 143).
TEST(Daemon, ExitsZeroThoughSigtermKeepsComingWhileItStops) {
  DaemonProcess daemon({"--no-tape"});
  WsClient ws(daemon.port());
  ASSERT_TRUE(ws.receive().has_value());  // hello: the daemon is serving
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  int status = -1;
  std::size_t sent = 0;
  for (; status == -1 && sent < 5'000'000 && std::chrono::steady_clock::now() < deadline; ++sent) {
    ASSERT_EQ(::kill(daemon.pid(), SIGTERM), 0);
    status = daemon.wait_exit(std::chrono::milliseconds(0));
  }
  EXPECT_EQ(status, 0) << sent << " SIGTERMs; the log:\n" << daemon.log();
}

TEST(Daemon, RejectsABadConfigWithFileLineAndColumn) {
  char path[] = "/tmp/lodestone-config-XXXXXX";
  const int fd = ::mkstemp(path);
  ASSERT_GE(fd, 0);
  ::close(fd);
  std::ofstream(path) << "listen: 127.0.0.1:8080\nthreads: two\n";
  const std::string cmd = lodestone_binary() + " check-config " + path + " 2>&1";
  FILE* p = ::popen(cmd.c_str(), "r");
  std::string out;
  char buf[512];
  while (std::fgets(buf, sizeof buf, p)) out += buf;
  const int status = ::pclose(p);
  ::unlink(path);
  EXPECT_NE(status, 0);
  EXPECT_EQ(out, std::string(path) + ":2:10: threads must be an integer\n");
}

// S10: root is not refused (containers and CI run as root) but is warned about, loudly.
TEST(Daemon, WarnsWhenStartedAsRoot) {
  DaemonProcess daemon({"--no-tape"});
  const bool warned = daemon.log().find("running as root") != std::string::npos;
  EXPECT_EQ(warned, ::geteuid() == 0) << daemon.log();
}

}  // namespace
}  // namespace lodestone::testing
