// The clock tests prove something only if the daemon runs on the faked clock: under
// tests/clock/under_faketime.sh, the daemon a test spawns must tell the instant the wrapper
// started from (LODESTONE_CLOCK_INSTANT, Asia/Shanghai), not the real time.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <chrono>
#include <cstdlib>
#include <string>

#include "lodestone/core/time.hpp"
#include "lodestone/testing/daemon_process.hpp"
#include "lodestone/testing/ws_client.hpp"

namespace lodestone::testing {
namespace {

// The tests before this one in a clock run take seconds, never this long.
constexpr std::int64_t kSlackMs = 10 * kMsPerMinute;

Timestamp start_instant() {
  const char* instant = std::getenv("LODESTONE_CLOCK_INSTANT");
  if (instant == nullptr)
    ADD_FAILURE() << "LODESTONE_CLOCK_INSTANT is not set: run under tests/clock/under_faketime.sh";
  auto t = parse_timestamp(instant == nullptr ? "" : instant);  // no offset: exchange time
  EXPECT_TRUE(static_cast<bool>(t)) << instant;
  return t ? *t : Timestamp{};
}

Timestamp server_time(const std::string& json) {
  simdjson::ondemand::parser parser;
  simdjson::padded_string padded(json);
  auto doc = parser.iterate(padded);
  std::string_view text;
  if (doc["server_time"].get_string().get(text) != simdjson::SUCCESS) {
    ADD_FAILURE() << "no server_time in " << json.substr(0, 200);
    return {};
  }
  auto t = parse_timestamp(text);
  EXPECT_TRUE(static_cast<bool>(t)) << text;
  return t ? *t : Timestamp{};
}

void expect_on_faked_clock(Timestamp t, Timestamp start, const char* who) {
  EXPECT_GE(t.ms, start.ms) << who << " reads " << format_timestamp(t) << ", before " << format_timestamp(start);
  EXPECT_LT(t.ms, start.ms + kSlackMs) << who << " reads " << format_timestamp(t) << ", not about "
                                       << format_timestamp(start) << ": is libfaketime preloaded?";
}

TEST(FakedClock, TheTestAndTheDaemonItSpawnsReadTheInstant) {
  const Timestamp start = start_instant();
  const auto test_now =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count();
  expect_on_faked_clock(Timestamp{test_now}, start, "the test process");

  DaemonProcess daemon({"--no-tape"});
  WsClient ws(daemon.port());
  const auto hello = ws.receive();
  ASSERT_TRUE(hello.has_value()) << daemon.log();
  expect_on_faked_clock(server_time(*hello), start, "the daemon's hello");
  const auto snapshot = http_request(daemon.port(), http::verb::get, "/api/v1/snapshot");
  ASSERT_EQ(snapshot.status, 200U) << snapshot.body.substr(0, 200);
  const Timestamp served = server_time(snapshot.body);
  expect_on_faked_clock(served, start, "the daemon's snapshot");
  // The clock runs: the daemon answered after the test began.
  EXPECT_GE(served.ms, test_now);
  EXPECT_EQ(daemon.stop(), 0) << daemon.log();
}

// Timers run on the real monotonic clock whatever the instant: one already due fires at once.
// Under libfaketime's own timerfd_settime it fired hours late when the instant was behind the
// real clock, and never when it was ahead (real_timers.cpp).
TEST(FakedClock, ATimerAlreadyDueFiresAtOnce) {
  net::io_context io;
  net::steady_timer due(io, std::chrono::steady_clock::now() - std::chrono::seconds(1));
  bool fired = false;
  due.async_wait([&](beast::error_code ec) { fired = !ec; });
  // Bounded: a timer that never fires leaves run_for after 10 s, and the test fails.
  io.run_for(std::chrono::seconds(10));
  EXPECT_TRUE(fired);
  net::steady_timer zero(io, std::chrono::milliseconds(0));
  fired = false;
  zero.async_wait([&](beast::error_code ec) { fired = !ec; });
  io.restart();
  io.run_for(std::chrono::seconds(10));
  EXPECT_TRUE(fired);
}

}  // namespace
}  // namespace lodestone::testing
