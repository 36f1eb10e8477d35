// SIGTERM ends the real daemon within the deadline it states at startup ("SIGTERM ends this
// process within N ms"), whatever it is doing: replaying a tape in a fast loop, taking an ingest
// flood, holding clients that stopped reading, or waiting for a Redis that is gone. Each case
// waits for its load to be under way (an event in the log or a metric), never for a time.
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <regex>
#include <thread>

#include "lodestone/testing/daemon_process.hpp"
#include "lodestone/testing/redis_server.hpp"  // eventually()
#include "lodestone/testing/ws_client.hpp"

namespace lodestone::testing {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

const std::string kToken = "shutdown-test-token-51c2";
// Beyond the stated deadline: the process's own exit (a sanitizer build's leak check at exit
// walks the whole heap) and the test's polling of waitpid.
constexpr auto kExitAllowance = 5s;

std::chrono::milliseconds stated_deadline(const DaemonProcess& d) {
  static const std::regex said(R"(SIGTERM ends this process within (\d+) ms)");
  std::smatch m;
  const std::string log = d.log();
  if (!std::regex_search(log, m, said)) return 0ms;
  return std::chrono::milliseconds(std::stoll(m[1]));
}

// SIGTERM, then the seconds until the process is gone; every step of the sequence in the log.
void expect_prompt_exit(DaemonProcess& d) {
  const auto deadline = stated_deadline(d);
  ASSERT_GT(deadline.count(), 0) << d.log();
  const auto start = Clock::now();
  EXPECT_EQ(d.stop(deadline + kExitAllowance), 0)
      << "still running " << (deadline + kExitAllowance).count() << " ms after SIGTERM\n"
      << d.log();
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
  EXPECT_LE(took, deadline + kExitAllowance);
  const auto log = d.log();
  for (const char* step : {"stop accepting connections", "stop feeds and timers", "drain the pipeline",
                           "close WebSockets with 1001", "shutdown: complete"})
    EXPECT_NE(log.find(step), std::string::npos) << step << "\n" << log;
  std::printf("[ measured ] SIGTERM to exit: %lld ms (stated deadline %lld ms)\n", static_cast<long long>(took.count()),
              static_cast<long long>(deadline.count()));
}

// The tape at 100 000x, looping: most lines are due at once, and the replay must still let go.
TEST(Shutdown, EndsAFastLoopingReplay) {
  DaemonProcess d({"--tape", source_path("feeds/tapes/tiny.ndjson"), "--speed", "100000"});
  ASSERT_TRUE(eventually([&] { return d.log().find("starting pass 3") != std::string::npos; }, 60s)) << d.log();
  expect_prompt_exit(d);
}

TEST(Shutdown, EndsDuringAnIngestFlood) {
  DaemonProcess d({"--no-tape"}, {{"LODESTONE_API_TOKEN", kToken}});
  std::string batch;
  const auto now_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count();
  for (int i = 0; i < 2000; ++i)
    batch += R"({"type":"quote","symbol":"159713.SZ","ts":)" + std::to_string(now_ms) + R"(,"last":1.)" +
             std::to_string(200 + i % 100) + "}\n";
  std::atomic<int> accepted{0};
  std::atomic<bool> stop{false};
  const std::uint16_t port = d.port();
  // Bounded: at most 500 batches (a million quotes), and it ends when the daemon stops answering.
  std::thread flood([&] {
    for (int i = 0; i < 500 && !stop; ++i) {
      try {
        if (http_request(port, http::verb::post, "/api/v1/ingest", batch, kToken).status != 200) break;
      } catch (const std::exception&) {
        break;  // refused: the daemon has stopped accepting
      }
      ++accepted;
    }
  });
  ASSERT_TRUE(eventually([&] { return accepted >= 3; }, 60s));
  expect_prompt_exit(d);
  stop = true;
  flood.join();
}

// A thousand clients that never read, their queues filled by the tape: none of them completes
// the close handshake, and the sequence goes on at its deadline.
TEST(Shutdown, EndsWithAThousandClientsThatStoppedReading) {
  DaemonProcess d({"--tape", source_path("feeds/tapes/tiny.ndjson"), "--speed", "1000"});
  std::vector<RawWebSocket> clients;
  clients.reserve(1000);
  for (int i = 0; i < 1000; ++i) {
    // Spread over source addresses: the per-address connection cap is 256.
    clients.emplace_back(d.port(), "/ws", "", "127.0.1." + std::to_string(1 + i / 200), 10s, 4096);
    ASSERT_EQ(clients.back().status(), 101U) << i;
  }
  ASSERT_TRUE(eventually(
      [&] {
        const auto m = http_request(d.port(), http::verb::get, "/metrics").body;
        return m.find("\nlodestone_websocket_clients 1000\n") != std::string::npos;
      },
      60s));
  expect_prompt_exit(d);
}

TEST(Shutdown, EndsWhileRedisIsAway) {
  RedisServer redis;
  DaemonProcess d({"--tape", source_path("feeds/tapes/tiny.ndjson"), "--speed", "1000", "--redis", redis.url()});
  ASSERT_TRUE(eventually([&] { return http_request(d.port(), http::verb::get, "/readyz").status == 200; }, 60s));
  redis.kill();
  ASSERT_TRUE(eventually([&] { return http_request(d.port(), http::verb::get, "/readyz").status == 503; }, 60s));
  expect_prompt_exit(d);
  EXPECT_NE(d.log().find("flush Redis"), std::string::npos);
}

}  // namespace
}  // namespace lodestone::testing
