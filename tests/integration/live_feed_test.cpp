// A live feed from the configuration: the daemon polls a Sina-format fixture server on loopback.
#include <gtest/gtest.h>

#include <atomic>
#include <ctime>
#include <fstream>
#include <thread>

#include "lodestone/testing/daemon_process.hpp"
#include "lodestone/testing/ws_client.hpp"

namespace lodestone::testing {
namespace {

// Serves every request with one Sina quote line, stamped with the current exchange time.
class SinaFixture {
 public:
  SinaFixture() : acceptor_(ioc_, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0)) {
    thread_ = std::thread([this] { serve(); });
  }
  ~SinaFixture() {
    stop_ = true;
    // A blocking accept() is not woken by closing the acceptor from another thread: connect once.
    beast::error_code ec;
    net::io_context wake_ioc;
    tcp::socket wake(wake_ioc);
    wake.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port()), ec);
    thread_.join();
    acceptor_.close(ec);
  }
  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }
  int requests() const { return requests_.load(); }
  std::string last_target() const {
    std::lock_guard lock(mutex_);
    return last_target_;
  }

 private:
  void serve() {
    while (!stop_) {
      beast::error_code ec;
      tcp::socket socket(ioc_);
      acceptor_.accept(socket, ec);
      if (ec || stop_) return;
      beast::flat_buffer buffer;
      for (;;) {  // keep-alive: answer until the client closes
        http::request<http::string_body> req;
        http::read(socket, buffer, req, ec);
        if (ec) break;
        {
          std::lock_guard lock(mutex_);
          last_target_ = std::string(req.target());
        }
        ++requests_;
        const std::time_t t = std::time(nullptr) + 8 * 3600;
        std::tm tm{};
        gmtime_r(&t, &tm);
        char date[32];
        char clock[32];
        std::strftime(date, sizeof date, "%Y-%m-%d", &tm);
        std::strftime(clock, sizeof clock, "%H:%M:%S", &tm);
        http::response<http::string_body> res{http::status::ok, req.version()};
        res.set(http::field::content_type, "application/javascript; charset=GBK");
        res.body() = std::string("var hq_str_sz159713=\"XT,1.449,1.441,1.489,1.493,1.449,1.489,1.490,344145500,") +
                     "506558699.800,100,1.489,0,0,0,0,0,0,0,0,200,1.490,0,0,0,0,0,0,0,0," + date + "," + clock +
                     ",00\";\n";
        res.keep_alive(req.keep_alive());
        res.prepare_payload();
        http::write(socket, res, ec);
        if (ec || !req.keep_alive()) break;
      }
    }
  }
  net::io_context ioc_;
  tcp::acceptor acceptor_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<int> requests_{0};
  mutable std::mutex mutex_;
  std::string last_target_;
};

TEST(LiveFeed, TheDaemonPollsASinaSourceFromItsConfig) {
  SinaFixture sina;
  char path[] = "/tmp/lodestone-live-XXXXXX";
  ::close(::mkstemp(path));
  std::ofstream(path) << "tape: off\nrules: \"\"\nuniverse: " << source_path("deploy/universe.yaml") << "\n"
                      << "feeds:\n  - name: sina-l1\n    kind: sina\n    url: http://127.0.0.1:" << sina.port()
                      << "/list={symbols}\n    symbols: [159713.SZ, 600111.SH]\n    interval: 200ms\n"
                      // In trading hours one slow poll (ASan, two busy cores) would turn the feed
                      // stale for a moment, at night never: the test must not care which it is.
                      << "    stale_after: 50\n";
  DaemonProcess daemon({"--config", path});
  HttpResult snapshot;
  for (int i = 0; i < 100; ++i) {
    snapshot = http_request(daemon.port(), http::verb::get, "/api/v1/snapshot");
    if (snapshot.body.find(R"("last":1.489)") != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ::unlink(path);
  EXPECT_NE(snapshot.body.find(R"("symbol":"159713.SZ","ts")"), std::string::npos) << daemon.log();
  EXPECT_NE(snapshot.body.find(R"("last":1.489,"prev_close":1.441)"), std::string::npos)
      << snapshot.body.substr(0, 300);
  EXPECT_EQ(sina.last_target(), "/list=sz159713,sh600111");
  const auto feeds = http_request(daemon.port(), http::verb::get, "/api/v1/feeds").body;
  EXPECT_NE(feeds.find(R"("name":"sina-l1","kind":"sina","state":"live")"), std::string::npos) << feeds;
  EXPECT_GE(sina.requests(), 1);
  // The fixture stamps each quote with the time it serves it: the feed's lag is well under 10 s.
  const auto metrics = http_request(daemon.port(), http::verb::get, "/metrics").body;
  const std::string count = "\nlodestone_feed_lag_seconds_count{feed=\"sina-l1\"} ";
  const std::string within = "\nlodestone_feed_lag_seconds_bucket{feed=\"sina-l1\",le=\"10\"} ";
  ASSERT_NE(metrics.find(count), std::string::npos) << metrics;
  ASSERT_NE(metrics.find(within), std::string::npos) << metrics;
  const double timed = std::stod(metrics.substr(metrics.find(count) + count.size()));
  EXPECT_GE(timed, 1);
  EXPECT_EQ(std::stod(metrics.substr(metrics.find(within) + within.size())), timed);
}

}  // namespace
}  // namespace lodestone::testing
