// web::Server in-process on an ephemeral loopback port (no daemon): the counters it keeps for
// /metrics — refused connections, refused requests, client-caused closes, each by reason — the
// send-queue depth accessor and the one clock it reads, checked against real sockets.
#include "lodestone/web/server.hpp"

#include <gtest/gtest.h>
#include <sys/socket.h>

#include <iostream>
#include <regex>
#include <thread>
#include <vector>

#include "lodestone/core/clock.hpp"
#include "lodestone/testing/redis_server.hpp"  // eventually()
#include "lodestone/testing/ws_client.hpp"

namespace lodestone::testing {
namespace {

struct FakeApi final : web::Api {
  std::vector<feeds::FeedStatus::View> feeds() override { return {}; }
  web::AlertRange alerts_after(std::uint64_t, std::size_t) override { return {}; }
  std::uint64_t last_alert_seq() override { return 0; }
  std::string news_json(std::size_t) override { return R"({"news":[]})"; }
  Status ingest(const feeds::CanonicalEvent&, std::size_t) override { return {}; }
  void ingest_unreadable(const Error&) override {}
  bool ready(std::string&) override { return true; }
  std::string metrics_text() override { return ""; }
};

class InProcessServer {
 public:
  explicit InProcessServer(web::ServerOptions options) : board_(registry_) {
    options.host = "127.0.0.1";
    options.port = 0;
    server_ = std::make_unique<web::Server>(ioc_, std::move(options), board_, api_);
    port_ = *server_->start();
    thread_ = std::thread([this] { ioc_.run(); });
  }
  ~InProcessServer() {
    server_->stop();
    ioc_.stop();
    thread_.join();
  }
  InProcessServer(const InProcessServer&) = delete;
  InProcessServer& operator=(const InProcessServer&) = delete;
  web::Server& server() { return *server_; }
  net::io_context& io() { return ioc_; }
  [[nodiscard]] std::uint16_t port() const { return port_; }

 private:
  InstrumentRegistry registry_;
  web::Board board_;
  FakeApi api_;
  net::io_context ioc_;
  std::unique_ptr<web::Server> server_;
  std::uint16_t port_ = 0;
  std::thread thread_;
};

std::string get(const std::string& target, const std::string& headers = "") {
  return "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + headers + "\r\n";
}

// Sends `bytes` and waits for the server to end the connection.
void send_and_wait_closed(std::uint16_t port, const std::string& bytes, const std::string& source = "") {
  RawSocket s(port, source);
  (void)s.send_all(bytes);
  EXPECT_TRUE(s.wait_closed(std::chrono::seconds(8)));
}

std::unique_ptr<RawWebSocket> ws_past_hello(std::uint16_t port) {
  auto ws = std::make_unique<RawWebSocket>(port);
  EXPECT_EQ(ws->status(), 101U);
  EXPECT_TRUE(ws->read_frame().has_value());
  return ws;
}

TEST(WebServer, QueueDepthCountsEverySessionsQueueAndItsDeepest) {
  web::ServerOptions options;
  options.max_queue = 100'000;
  InProcessServer s(options);
  auto& hub = s.server().hub();
  auto stalled = ws_past_hello(s.port());  // never reads again
  // What its kernel takes is the test's choice, not net.ipv4.tcp_rmem's: 4 KiB (and no
  // autotuning). The server's side is bounded by ServerOptions::send_buffer_bytes.
  const int small = 4096;
  ASSERT_EQ(::setsockopt(stalled->socket().fd(), SOL_SOCKET, SO_RCVBUF, &small, sizeof small), 0);
  auto reader = ws_past_hello(s.port());
  std::atomic<bool> stop{false};
  std::thread drain([&] {
    while (!stop) (void)reader->read_frame(std::chrono::milliseconds(50));
  });
  ASSERT_TRUE(eventually([&] { return hub.clients() == 2; }));
  EXPECT_TRUE(eventually([&] { return hub.queue_depth().total == 0; })) << "the hellos are written";
  const auto big =
      std::make_shared<const std::string>(R"({"type":"news","body":")" + std::string(64 * 1024, 'x') + R"("})");
  for (int i = 0; i < 400; ++i) hub.broadcast(big);
  // The stalled client's socket buffers take a few; the rest waits in its queue.
  ASSERT_TRUE(eventually([&] { return hub.queue_depth().deepest >= 200; }, std::chrono::seconds(60)))
      << hub.queue_depth().deepest;
  ASSERT_TRUE(eventually([&] {
    const auto d = hub.queue_depth();
    return d.total == d.deepest;  // the reader's queue drained: all that waits is the stalled one's
  }));
  EXPECT_LE(hub.queue_depth().deepest, 400U);
  stalled.reset();  // the stalled client goes away: its queue goes with it
  EXPECT_TRUE(eventually([&] { return hub.queue_depth().total == 0 && hub.clients() == 1; }));
  stop = true;
  drain.join();
}

TEST(WebServer, ClientCausedClosesAreCountedByReason) {
  web::ServerOptions options;
  options.max_message_bytes = 1024;
  InProcessServer s(options);
  const auto& closes = s.server().stats().client_closes;
  using web::ClientClose;
  auto expect_close = [&](const std::string& bytes, int code) {
    auto ws = ws_past_hello(s.port());
    ws->send(bytes);
    EXPECT_EQ(ws->read_until_close(), code);
  };
  expect_close(ws_frame(0x1, "{not json"), 4002);
  expect_close(ws_frame(0x2, "binary"), 4002);
  expect_close(ws_frame(0x1, std::string(2000, ' ')), 1009);
  expect_close(ws_frame(0x1, "\xff"), 1007);
  expect_close(ws_frame(0x1, "{}", true, 2), 1002);
  expect_close(ws_frame(0x8, close_payload(999)), 1002);
  std::string flood;
  for (int i = 0; i < 200; ++i) flood += ws_frame(0x1, R"({"type":"ping"})");
  expect_close(flood, 1008);
  EXPECT_TRUE(eventually([&] { return closes.get(ClientClose::RateLimited) == 1; }));
  EXPECT_EQ(closes.get(ClientClose::BadMessage), 2U);
  EXPECT_EQ(closes.get(ClientClose::TooBig), 1U);
  EXPECT_EQ(closes.get(ClientClose::InvalidUtf8), 1U);
  EXPECT_EQ(closes.get(ClientClose::ProtocolError), 2U);
  EXPECT_EQ(closes.get(ClientClose::SlowConsumer), 0U);
  // A clean close by the client is not a fault.
  {
    auto ws = ws_past_hello(s.port());
    ws->send(ws_frame(0x8, close_payload(1000)));
    EXPECT_EQ(ws->read_until_close(), 1000);
  }
  EXPECT_EQ(closes.get(ClientClose::ProtocolError), 2U);
  EXPECT_EQ(web::to_string(ClientClose::RateLimited), "rate_limited");
}

TEST(WebServer, RefusedConnectionsAndRequestsAreCountedByReason) {
  web::ServerOptions options;
  options.max_connections_per_ip = 2;
  options.request_timeout_ms = 300;
  InProcessServer s(options);
  const auto& stats = s.server().stats();
  using web::RefusedConnection;
  using web::RejectedRequest;
  {
    RawSocket a(s.port(), "127.0.0.9"), b(s.port(), "127.0.0.9");
    ASSERT_TRUE(eventually([&] { return s.server().connections() == 2; }));
    RawSocket c(s.port(), "127.0.0.9");
    (void)c.send_all(get("/healthz"));
    const auto answer = c.read_some(std::chrono::seconds(30));  // the answer ends the wait
    EXPECT_EQ(answer.rfind("HTTP/1.1 503", 0), 0U) << answer;
  }
  EXPECT_EQ(stats.refused_connections.get(RefusedConnection::PerIp), 1U);
  EXPECT_EQ(stats.refused_connections.get(RefusedConnection::MaxConnections), 0U);
  send_and_wait_closed(s.port(), get("/healthz", "X-Pad: " + std::string(9000, 'a') + "\r\n"));
  send_and_wait_closed(s.port(), get("/" + std::string(9000, 'a')));
  send_and_wait_closed(s.port(), "GET /healthz HTTP/1.1\r\nHost: 1");  // then silence: the timeout
  send_and_wait_closed(s.port(), "\x16\x03\x01 hello\r\n\r\n");
  EXPECT_TRUE(eventually([&] { return stats.rejected_requests.get(RejectedRequest::Timeout) == 1; }));
  EXPECT_EQ(stats.rejected_requests.get(RejectedRequest::HeaderTooLarge), 1U);
  EXPECT_EQ(stats.rejected_requests.get(RejectedRequest::UriTooLong), 1U);
  EXPECT_EQ(stats.rejected_requests.get(RejectedRequest::Malformed), 1U);
  // An idle keep-alive connection that times out is not a slow request.
  send_and_wait_closed(s.port(), "");
  EXPECT_EQ(stats.rejected_requests.get(RejectedRequest::Timeout), 1U);
  EXPECT_TRUE(eventually([&] { return s.server().connections() == 0; }));
}

// The status codes of the HTTP answers in `bytes`, in order.
std::vector<int> statuses(const std::string& bytes) {
  std::vector<int> out;
  static const std::regex status_line(R"(HTTP/1\.1 (\d{3}) )");
  for (auto it = std::sregex_iterator(bytes.begin(), bytes.end(), status_line); it != std::sregex_iterator(); ++it)
    out.push_back(std::stoi((*it)[1]));
  return out;
}

// Reads until `n` answers have arrived, the peer closes, or 30 s pass (a hang).
std::string read_answers(RawSocket& s, std::size_t n) {
  std::string bytes;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (statuses(bytes).size() < n && std::chrono::steady_clock::now() < deadline) {
    auto more = s.read_some(std::chrono::milliseconds(200));
    if (more.empty() && s.peer_closed()) break;
    bytes += more;
  }
  return bytes;
}

// A client that pipelines gets every answer, in order, whether its requests arrive whole in one
// read, split across reads, followed by a malformed one, or followed by a WebSocket upgrade.
TEST(WebServer, PipelinedRequestsAreAnsweredInOrder) {
  InProcessServer s(web::ServerOptions{});
  {
    RawSocket c(s.port());
    const std::string fourth = get("/healthz");
    ASSERT_TRUE(c.send_all(get("/healthz") + get("/nowhere") + get("/healthz") + fourth.substr(0, 20)));
    // The fourth is whole only after the server answered the first three: it has read them
    // (and the fourth's start) before the rest arrives, on any machine.
    std::string answers = read_answers(c, 3);
    ASSERT_EQ(statuses(answers).size(), 3U) << answers;
    ASSERT_TRUE(c.send_all(fourth.substr(20)));
    answers += read_answers(c, 1);
    EXPECT_EQ(statuses(answers), (std::vector<int>{200, 404, 200, 200}));
    // Still usable afterwards.
    ASSERT_TRUE(c.send_all(get("/healthz")));
    EXPECT_EQ(statuses(read_answers(c, 1)), (std::vector<int>{200}));
  }
  {
    RawSocket c(s.port());
    ASSERT_TRUE(c.send_all(get("/healthz") + get("/healthz") + "\x16\x03\x01 hello\r\n\r\n"));
    EXPECT_EQ(statuses(read_answers(c, 3)), (std::vector<int>{200, 200, 400}));
    EXPECT_TRUE(c.wait_closed(std::chrono::seconds(5)));
  }
  {
    RawSocket c(s.port());
    const std::string upgrade =
        "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
    ASSERT_TRUE(c.send_all(get("/healthz") + upgrade));
    std::string bytes = read_answers(c, 2);
    EXPECT_EQ(statuses(bytes), (std::vector<int>{200, 101}));
    // Then the socket speaks WebSocket: the hello arrives as a text frame.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (bytes.find(R"({"type":"hello")") == std::string::npos && std::chrono::steady_clock::now() < deadline)
      bytes += c.read_some(std::chrono::milliseconds(200));
    EXPECT_NE(bytes.find(R"({"type":"hello")"), std::string::npos) << bytes;
  }
  const auto& rejected = s.server().stats().rejected_requests;
  EXPECT_EQ(rejected.get(web::RejectedRequest::Malformed), 1U);
}

// Fan-out of `messages` broadcasts to `clients` readers (batch or not): every reader gets every
// message once, in order. Broadcast from this thread, or (`io`) from a handler on the server's
// I/O thread. Returns messages delivered per second over all readers.
double fan_out(std::uint16_t port, web::Hub& hub, int clients, int messages, bool batch, std::string& problem,
               net::io_context* io = nullptr) {
  std::vector<std::unique_ptr<RawWebSocket>> conns;
  for (int c = 0; c < clients; ++c) {
    conns.push_back(std::make_unique<RawWebSocket>(port, batch ? "/ws?batch=1" : "/ws"));
    if (!conns.back()->read_frame()) {
      problem = "no hello";
      return 0;
    }
  }
  if (!eventually([&] { return hub.clients() == static_cast<std::size_t>(clients); })) {
    problem = "clients did not join";
    return 0;
  }
  std::vector<std::string> problems(clients);
  std::vector<std::thread> readers;
  const auto start = std::chrono::steady_clock::now();
  for (int c = 0; c < clients; ++c) {
    readers.emplace_back([&, c] {
      int next = 0;
      while (next < messages) {
        auto f = conns[c]->read_frame(std::chrono::seconds(20));
        if (!f) {
          problems[c] = "stopped at " + std::to_string(next);
          return;
        }
        const bool is_batch = f->payload.rfind(R"({"type":"batch","messages":[)", 0) == 0;
        if (is_batch && !batch) {
          problems[c] = "a batch without ?batch=1";
          return;
        }
        for (auto p = f->payload.find(R"("n":)"); p != std::string::npos; p = f->payload.find(R"("n":)", p + 4)) {
          if (std::strtol(f->payload.c_str() + p + 4, nullptr, 10) != next) {
            problems[c] = "out of order at " + std::to_string(next);
            return;
          }
          ++next;
        }
      }
    });
  }
  const auto broadcast_all = [&hub, messages] {
    for (int i = 0; i < messages; ++i)
      hub.broadcast(std::make_shared<const std::string>(R"({"type":"news","n":)" + std::to_string(i) + "}"));
  };
  if (io) {
    net::post(*io, broadcast_all);
  } else {
    broadcast_all();
  }
  for (auto& t : readers) t.join();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  for (const auto& p : problems)
    if (!p.empty()) problem = p;
  conns.clear();
  (void)eventually([&] { return hub.clients() == 0; });
  return static_cast<double>(clients) * messages / seconds;
}

TEST(WebServer, BatchedAndPlainFanOutDeliverEverythingOnceInOrder) {
  web::ServerOptions options;
  options.max_queue = 1'000'000;
  options.idle_timeout_ms = 600'000;  // the raw readers never answer keep-alive pings
  InProcessServer s(options);
  constexpr int kClients = 20, kMessages = 5'000;
  std::string problem;
  const double plain = fan_out(s.port(), s.server().hub(), kClients, kMessages, false, problem);
  EXPECT_EQ(problem, "");
  const double batched = fan_out(s.port(), s.server().hub(), kClients, kMessages, true, problem);
  EXPECT_EQ(problem, "");
  std::cout << "fan-out, " << kClients << " clients x " << kMessages << " messages (ASan build): one frame each "
            << plain << " msg/s, batched " << batched << " msg/s\n";
  EXPECT_EQ(s.server().hub().messages_sent(), 2U * kClients * kMessages + 2U * kClients);  // + the hellos
}

// One I/O thread: a broadcast made on it is delivered to each session at once (no inbox, no
// posted handler), and all 5,000 pile up in each queue while the broadcasting handler runs, so
// they go out in gathered writes. Every reader still gets every message once and in order.
TEST(WebServer, OnOneIoThreadBroadcastsFromItArriveOnceInOrder) {
  web::ServerOptions options;
  options.io_threads = 1;
  options.max_queue = 1'000'000;
  options.idle_timeout_ms = 600'000;
  InProcessServer s(options);
  constexpr int kClients = 20, kMessages = 5'000;
  std::string problem;
  (void)fan_out(s.port(), s.server().hub(), kClients, kMessages, false, problem, &s.io());
  EXPECT_EQ(problem, "");
  (void)fan_out(s.port(), s.server().hub(), kClients, kMessages, true, problem, &s.io());
  EXPECT_EQ(problem, "");
  // From another thread as well, through the inbox.
  (void)fan_out(s.port(), s.server().hub(), kClients, kMessages, false, problem);
  EXPECT_EQ(problem, "");
  EXPECT_EQ(s.server().hub().messages_sent(), 3U * kClients * kMessages + 3U * kClients);
}

// ServerOptions::clock is the web layer's one "now": the hello and the REST snapshot tell its
// time, and the resume hold ends when it has moved on by resume_grace, not when the wall has.
TEST(WebServer, TheClockItIsGivenIsTheOnlyNowItReads) {
  ManualClock clock(Timestamp{1'770'603'300'000});  // 2026-02-09T10:15:00+08:00
  web::ServerOptions options;
  options.clock = clock;
  InProcessServer s(options);
  const std::string server_time = R"("server_time":")" + format_timestamp(clock.now()) + R"(")";
  // The calendar's reach in the snapshot is counted from this clock's today, not the wall's, and
  // so are the next trading days (the page's "mute until the close"): 春节 closes 02-16..02-23.
  const std::string calendar =
      R"("calendar":{"last_known_day":"2026-12-31","days_known":325,"warn":false,"trading_days":[)"
      R"("2026-02-09","2026-02-10","2026-02-11","2026-02-12","2026-02-13",)"
      R"("2026-02-24","2026-02-25","2026-02-26","2026-02-27","2026-03-02"]})";
  RawWebSocket ws(s.port());
  ASSERT_EQ(ws.status(), 101U);
  const auto hello = ws.read_frame();
  ASSERT_TRUE(hello.has_value());
  EXPECT_NE(hello->payload.find(server_time), std::string::npos) << hello->payload;

  RawSocket http(s.port());
  ASSERT_TRUE(http.send_all(get("/api/v1/snapshot", "Connection: close\r\n")));
  std::string answer;
  while (answer.find(calendar) == std::string::npos) {
    const auto more = http.read_some(std::chrono::seconds(5));
    if (more.empty()) break;
    answer += more;
  }
  EXPECT_NE(answer.find(server_time + "," + calendar), std::string::npos) << answer;

  // A live alert waits for the client's resume or resume_grace (1 s) on this clock: the wall
  // clock passing the grace does not end the hold, the clock moving does.
  ASSERT_TRUE(eventually([&] { return s.server().hub().clients() == 1; }));
  const std::string alert = R"({"type":"alert","id":"a1","seq":1})";
  s.server().hub().broadcast(std::make_shared<const std::string>(alert));
  EXPECT_FALSE(ws.read_frame(std::chrono::milliseconds(1500)).has_value());
  clock.advance(std::chrono::milliseconds(1000));
  const auto released = ws.read_frame(std::chrono::seconds(5));
  ASSERT_TRUE(released.has_value());
  EXPECT_EQ(released->payload, alert);
}

}  // namespace
}  // namespace lodestone::testing
