// HTTP abuse (reliability plan L3, L4, L8): connection floods past the caps, descriptor
// exhaustion, slowloris and oversize headers, and read load with a /metrics scrape alongside.
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <atomic>
#include <iostream>
#include <memory>

#include "reliability_support.hpp"

namespace lodestone::testing::reliability {
namespace {

using Clock = std::chrono::steady_clock;

#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(undefined_behavior_sanitizer)
constexpr bool kSanitizerBuild = true;
#else
constexpr bool kSanitizerBuild = false;
#endif
#else
constexpr bool kSanitizerBuild = false;
#endif

double ms_since(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

// An idle HTTP connection: connected, nothing sent (it holds a slot until request_timeout).
std::vector<RawSocket> idle_connections(std::uint16_t port, std::size_t n, const std::string& source = "") {
  std::vector<RawSocket> out;
  for (std::size_t i = 0; i < n; ++i) out.emplace_back(port, source);
  return out;
}

// ---- L3: connection floods ----

TEST(HttpAbuse, L3_PastTheTotalCapNewConnectionsGet503AtOnceAndExistingOnesAreUnaffected) {
  Daemon daemon("websocket: {max_connections: 50, request_timeout: 60s}\n");
  std::vector<std::unique_ptr<WsClient>> clients;
  for (int i = 0; i < 10; ++i) {
    clients.push_back(std::make_unique<WsClient>(daemon.port()));
    ASSERT_TRUE(clients.back()->receive().has_value());
  }
  auto idle = idle_connections(daemon.port(), 40);
  // The 40 idle connections are accepted (and counted) asynchronously: wait until the cap is full.
  ASSERT_TRUE(eventually([&] {
    auto r = raw_http(daemon.port(), get_request("/healthz"));
    return r.status == 503;
  }));
  std::vector<double> refusal_ms;
  int refused = 0;
  for (int i = 0; i < 200; ++i) {
    const auto t = Clock::now();
    auto r = raw_http(daemon.port(), get_request("/api/v1/snapshot"), std::chrono::seconds(30));
    refusal_ms.push_back(ms_since(t));
    if (r.status == 503) {
      ++refused;
      EXPECT_EQ(r.header("Retry-After"), "5");
      EXPECT_EQ(r.header("Connection"), "close");
    }
  }
  EXPECT_EQ(refused, 200);
  const double p50 = percentile(refusal_ms, 0.5), p99 = percentile(refusal_ms, 0.99), max = percentile(refusal_ms, 1.0);
  std::cout << "L3: 200 connections past the cap of 50: 503 in p50 " << p50 << " ms, p99 " << p99 << " ms, max " << max
            << " ms\n";
  ::testing::Test::RecordProperty("refusal_p99_ms", std::to_string(p99));
  // "At once" against the alternative, waiting for a slot: the idle connections hold theirs for
  // the 60 s request_timeout. The speed itself is printed and recorded above, not asserted.
  EXPECT_LT(max, 20'000.0) << "refusals wait for a slot";
  // The WebSockets already open are served as before.
  for (auto& c : clients) {
    c->send(R"({"type":"ping"})");
    auto pong = c->receive();
    ASSERT_TRUE(pong.has_value());
    EXPECT_EQ(*pong, R"({"type":"pong"})");
  }
  // Freed slots are usable again.
  idle.clear();
  EXPECT_TRUE(eventually([&] { return raw_http(daemon.port(), get_request("/healthz")).status == 200; }));
}

TEST(HttpAbuse, L3_ThePerAddressCapRefusesOnlyThatAddress) {
  Daemon daemon("websocket: {request_timeout: 60s}\n");
  constexpr std::size_t kPerIp = 256;  // web::ServerOptions::max_connections_per_ip
  auto held = idle_connections(daemon.port(), kPerIp, "127.0.0.7");
  // Request bounds only stop a hang (the answers end the waits).
  constexpr auto kHang = std::chrono::seconds(30);
  ASSERT_TRUE(
      eventually([&] { return raw_http(daemon.port(), get_request("/healthz"), kHang, "127.0.0.7").status == 503; }));
  const auto t = Clock::now();
  auto refused = raw_http(daemon.port(), get_request("/healthz"), kHang, "127.0.0.7");
  const double refusal_ms = ms_since(t);
  EXPECT_EQ(refused.status, 503U);
  // At once, not after a slot frees (60 s request_timeout); the time itself is printed.
  std::cout << "L3: refused past the per-address cap in " << refusal_ms << " ms\n";
  EXPECT_LT(refusal_ms, 20'000.0);
  // Another address is served, HTTP and WebSocket alike.
  EXPECT_EQ(raw_http(daemon.port(), get_request("/healthz"), kHang, "127.0.0.8").status, 200U);
  RawWebSocket ws(daemon.port(), "/ws", "", "127.0.0.8");
  EXPECT_EQ(ws.status(), 101U);
  // A WebSocket holds its slot as long as it is open: 255 idle + 1 WebSocket fill the address.
  held.pop_back();
  ASSERT_TRUE(
      eventually([&] { return raw_http(daemon.port(), get_request("/healthz"), kHang, "127.0.0.7").status == 200; }));
  // The probe that just got its 200 frees its slot when the server reads its close: until then
  // the upgrade may still be refused.
  std::unique_ptr<RawWebSocket> last;
  ASSERT_TRUE(eventually([&] {
    last = std::make_unique<RawWebSocket>(daemon.port(), "/ws", "", "127.0.0.7");
    return last->status() == 101U;
  }));
  EXPECT_EQ(raw_http(daemon.port(), get_request("/healthz"), kHang, "127.0.0.7").status, 503U)
      << "an upgraded connection no longer counted";
}

TEST(HttpAbuse, L3_TheAcceptLoopSurvivesRunningOutOfDescriptors) {
  Daemon daemon("websocket: {request_timeout: 60s}\n");
  // Sanitizer builds: UBSan's vptr check probes memory through a pipe, which fails without a free
  // descriptor and then reports a false "invalid vptr" (and aborts). It caches what it verified,
  // so the paths taken during the exhaustion (accept, serve, close) run once first.
  for (int i = 0; i < 3; ++i) ASSERT_EQ(raw_http(daemon.port(), get_request("/healthz")).status, 200U);
  { RawWebSocket warm(daemon.port()); }
  // The warm-up connections closed on the daemon's side too (the count below is its baseline).
  ASSERT_TRUE(eventually([&] {
    return metric(raw_http(daemon.port(), get_request("/metrics")).body, "lodestone_http_connections") <= 1;
  }));
  WsClient existing(daemon.port());
  ASSERT_TRUE(existing.receive().has_value());
  // Leave the daemon 40 descriptors to spare.
  const auto in_use = open_fds(daemon.pid());
  rlimit original{};
  ASSERT_EQ(::prlimit(daemon.pid(), RLIMIT_NOFILE, nullptr, &original), 0);
  rlimit tight = original;
  tight.rlim_cur = in_use + 40;
  ASSERT_EQ(::prlimit(daemon.pid(), RLIMIT_NOFILE, &tight, nullptr), 0);
  const auto tightened = Clock::now();
  // 300 clients ask at once (spread over addresses so the per-address cap is not what stops them).
  std::vector<RawSocket> socks;
  for (int i = 0; i < 300; ++i) {
    socks.emplace_back(daemon.port(), "127.0.2." + std::to_string(1 + i / 100));
    // Keep-alive: a served connection stays open, so the descriptors run out.
    ASSERT_TRUE(socks.back().send_all("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
  }
  // Every one hears back: 200 (accepted), 503 or a closed connection; none hangs in the backlog
  // (it would until descriptors are freed, which the test does only afterwards). One deadline
  // for all of them only bounds a hang; how quickly they heard back is printed.
  int ok = 0, busy = 0, closed = 0, silent = 0;
  const auto t = Clock::now();
  const auto deadline = t + std::chrono::seconds(30);  // well before request_timeout frees a slot
  for (auto& s : socks) {
    std::string got;
    while (got.find("\r\n\r\n") == std::string::npos && !s.peer_closed() && Clock::now() < deadline)
      got += s.read_some(std::chrono::milliseconds(50));
    if (got.rfind("HTTP/1.1 200", 0) == 0) {
      ++ok;
    } else if (got.rfind("HTTP/1.1 503", 0) == 0) {
      ++busy;
    } else if (s.peer_closed()) {
      ++closed;
    } else {
      ++silent;
    }
  }
  const double all_ms = ms_since(t);
  std::cout << "L3: out of descriptors: " << ok << " served, " << busy << " got 503, " << closed << " closed, "
            << silent << " unanswered; all answered within " << all_ms << " ms\n";
  EXPECT_EQ(silent, 0);
  EXPECT_GT(busy + closed, 0) << "the descriptor limit was never reached";
  // The WebSocket already open still works: during the exhaustion in a plain build; in a sanitizer
  // build only once descriptors are free again, as a message's first vptr checks need a pipe.
  auto ping_pong = [&] {
    existing.send(R"({"type":"ping"})");
    auto pong = existing.receive();
    ASSERT_TRUE(pong.has_value()) << daemon.log().substr(0, 3000);
    EXPECT_EQ(*pong, R"({"type":"pong"})");
  };
  if (!kSanitizerBuild) ping_pong();
  // Recovery: the clients leave, the limit is restored, and the daemon serves again (first over
  // HTTP, the event the WebSocket check waits for).
  socks.clear();
  ASSERT_EQ(::prlimit(daemon.pid(), RLIMIT_NOFILE, &original, nullptr), 0);
  const double exhausted_s = std::chrono::duration<double>(Clock::now() - tightened).count();
  EXPECT_TRUE(eventually([&] { return raw_http(daemon.port(), get_request("/healthz")).status == 200; }));
  ping_pong();
  // One warning a second at most, not one per connection (nor a spinning accept loop): so many
  // as the exhaustion lasted seconds, which a loaded machine stretches, plus the first.
  const auto log = daemon.log();
  std::size_t warnings = 0;
  for (auto p = log.find("out of file descriptors"); p != std::string::npos;
       p = log.find("out of file descriptors", p + 1))
    ++warnings;
  const auto most = static_cast<std::size_t>(exhausted_s) + 2;
  EXPECT_LE(warnings, std::max<std::size_t>(most, 10U)) << exhausted_s << " s\n" << log.substr(0, 3000);
  EXPECT_EQ(log.find("runtime error"), std::string::npos) << log.substr(0, 3000);
  EXPECT_EQ(log.find("AddressSanitizer"), std::string::npos) << log.substr(0, 3000);
  EXPECT_EQ(daemon.stop(), 0) << log.substr(0, 3000);
}

// ---- L4: slowloris and oversize headers ----

TEST(HttpAbuse, L4_SlowAndStalledRequestsAreClosedAtTheRequestTimeout) {
  Daemon daemon("websocket: {request_timeout: 1s}\n");
  const std::string upgrade =
      "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
  struct Case {
    const char* name;
    std::string drip;  // sent one byte every 100 ms
  };
  // A slowloris drip (never finishes in time), a WebSocket upgrade that stops half-way, and silence.
  const std::vector<Case> cases = {{"drip", upgrade}, {"half upgrade", upgrade.substr(0, 40)}, {"silent", ""}};
  for (const auto& c : cases) {
    std::vector<RawSocket> socks;
    for (int i = 0; i < 20; ++i) socks.emplace_back(daemon.port());
    const auto t = Clock::now();
    std::size_t pos = 0;
    bool all_closed = false;
    while (ms_since(t) < 30'000 && !all_closed) {
      for (auto& s : socks)
        if (pos < c.drip.size() && !s.peer_closed())
          (void)s.send_all(c.drip.substr(pos, 1), std::chrono::milliseconds(50));
      ++pos;
      all_closed = true;
      for (auto& s : socks) {
        (void)s.read_some(std::chrono::milliseconds(1));
        all_closed = all_closed && s.peer_closed();
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    const double closed_after = ms_since(t);
    EXPECT_TRUE(all_closed) << c.name;
    EXPECT_GE(closed_after, 900.0) << c.name << ": closed before the timeout";
    // At the configured 1 s, not the default 15 s; the slack is for a loaded machine's timers.
    EXPECT_LT(closed_after, 10'000.0) << c.name;
    std::cout << "L4: " << c.name << ": 20 connections closed after " << closed_after << " ms (request_timeout 1 s)\n";
    // Meanwhile an ordinary request is served.
    EXPECT_EQ(raw_http(daemon.port(), get_request("/healthz")).status, 200U);
  }
}

TEST(HttpAbuse, L4_OversizeHeadersGet431AndAnOversizeTargetGets414) {
  Daemon daemon;
  auto big_header = raw_http(daemon.port(), get_request("/healthz", "X-Padding: " + std::string(9000, 'a') + "\r\n"));
  EXPECT_EQ(big_header.status, 431U);
  auto many_headers = std::string();
  for (int i = 0; i < 200; ++i) many_headers += "X-H" + std::to_string(i) + ": " + std::string(40, 'b') + "\r\n";
  EXPECT_EQ(raw_http(daemon.port(), get_request("/healthz", many_headers)).status, 431U);
  auto long_target = raw_http(daemon.port(), get_request("/api/v1/news?x=" + std::string(9000, 'c')));
  EXPECT_EQ(long_target.status, 414U);
  // Just under the documented 8 KiB is still served.
  EXPECT_EQ(raw_http(daemon.port(), get_request("/healthz", "X-Padding: " + std::string(7000, 'a') + "\r\n")).status,
            200U);
  EXPECT_EQ(raw_http(daemon.port(),
                     get_request("/ws?x=" + std::string(9000, 'c'), "Upgrade: websocket\r\nConnection: Upgrade\r\n"))
                .status,
            414U);
  // Not HTTP at all: 400, and the daemon goes on.
  EXPECT_EQ(raw_http(daemon.port(), "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n").status, 400U);
  EXPECT_EQ(raw_http(daemon.port(), get_request("/healthz")).status, 200U);
}

// ---- L8: read load on the API with a /metrics scrape alongside ----

TEST(HttpAbuse, L8_ReadLoadOnTheApiKeepsMetricsScrapesFast) {
  Daemon daemon("tape: {path: " + source_path("feeds/tapes/tiny.ndjson") + ", speed: 0, loop: false}\n");
  constexpr int kClients = 16;
  constexpr auto kDuration = std::chrono::seconds(5);
  const std::vector<std::string> targets = {"/api/v1/snapshot", "/api/v1/news?limit=50", "/api/v1/alerts?after=0",
                                            "/api/v1/feeds", "/healthz"};
  std::atomic<std::uint64_t> done{0}, errors{0};
  std::mutex mutex;
  std::vector<double> latencies;
  std::atomic<bool> stop{false};
  std::vector<std::thread> load;
  for (int c = 0; c < kClients; ++c) {
    load.emplace_back([&, c] {
      std::vector<double> mine;
      try {
        net::io_context ioc;
        beast::tcp_stream stream(ioc);
        stream.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), daemon.port()));
        beast::flat_buffer buffer;
        for (std::size_t i = static_cast<std::size_t>(c); !stop; ++i) {
          http::request<http::empty_body> req{http::verb::get, targets[i % targets.size()], 11};
          req.set(http::field::host, "127.0.0.1");
          stream.expires_after(std::chrono::seconds(30));  // a hang, not a slow loaded machine
          const auto t = Clock::now();
          http::write(stream, req);
          http::response<http::string_body> res;
          http::read(stream, buffer, res);
          mine.push_back(ms_since(t));
          ++done;
          if (res.result_int() != 200) ++errors;
        }
      } catch (const std::exception&) {
        ++errors;
      }
      std::lock_guard lock(mutex);
      latencies.insert(latencies.end(), mine.begin(), mine.end());
    });
  }
  std::vector<double> scrapes;
  int bad_scrapes = 0;
  const auto start = Clock::now();
  // At least kDuration and at least kRequests served alongside the scrapes: the amount of load is
  // fixed, how fast a loaded machine serves it is printed (up to 120 s, a hang).
  constexpr std::uint64_t kRequests = 1000;
  while ((Clock::now() - start < kDuration || done < kRequests) && Clock::now() - start < std::chrono::seconds(120)) {
    const auto t = Clock::now();
    auto r = raw_http(daemon.port(), get_request("/metrics"), std::chrono::seconds(30));
    scrapes.push_back(ms_since(t));
    if (r.status != 200 || r.body.find("lodestone_websocket_clients") == std::string::npos) ++bad_scrapes;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  stop = true;
  for (auto& t : load) t.join();
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  std::cout << "L8: " << kClients << " keep-alive clients: " << static_cast<double>(done) / seconds
            << " requests/s (ASan build), latency p50 " << percentile(latencies, 0.5) << " ms, p99 "
            << percentile(latencies, 0.99) << " ms; " << scrapes.size() << " /metrics scrapes: p99 "
            << percentile(scrapes, 0.99) << " ms, max " << percentile(scrapes, 1.0) << " ms\n";
  ::testing::Test::RecordProperty("requests_per_second", std::to_string(static_cast<double>(done) / seconds));
  EXPECT_EQ(errors.load(), 0U);
  EXPECT_EQ(bad_scrapes, 0);
  EXPECT_GE(done.load(), kRequests);
  // Latencies are printed and recorded, not asserted as speed: the bounds catch a request or a
  // scrape that waited for the load to end (at least 5 s) rather than being served alongside it.
  ::testing::Test::RecordProperty("request_p99_ms", std::to_string(percentile(latencies, 0.99)));
  ::testing::Test::RecordProperty("scrape_max_ms", std::to_string(percentile(scrapes, 1.0)));
  EXPECT_LT(percentile(latencies, 0.99), 2500.0);
  EXPECT_LT(percentile(scrapes, 1.0), 2500.0) << "a scrape waited behind the load";
}

}  // namespace
}  // namespace lodestone::testing::reliability
