// The connector under both live feeds, on its own: loopback only (port 0), time from a ManualClock.
#include "connector.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <optional>

#include "test_util.hpp"
#include "tls_fixture.hpp"

namespace lodestone::feeds::detail {
namespace {

const Timestamp kMorning = exchange_time(make_date(2026, 2, 9), 10, 15);

struct Rig {
  net::io_context io;
  test::RecordingSink sink;
  std::shared_ptr<FeedStatus> status = std::make_shared<FeedStatus>("rig", "test");
  ManualClock clock{kMorning};
  FeedConfig config;
  std::optional<Delivery> delivery;
  std::optional<Connector> connector;
  std::unique_ptr<beast::tcp_stream> tcp;
  std::unique_ptr<TlsLayer> tls;

  explicit Rig(const std::string& url) {
    config.name = "rig";
    config.url = url;
    config.timeout_ms = 2000;
    config.interval_ms = 1000;
    config.backoff_initial_ms = 20;
    config.backoff_max_ms = 40;
    FeedContext context;
    context.clock = clock;
    delivery.emplace(config.name, sink, status, context);
    connector.emplace(config, *parse_url(url), io.get_executor(), *delivery);
  }
  // Connects once and runs until the connector answers; the fault, if any.
  std::optional<Error> connect() {
    bool done = false;
    std::optional<Error> fault;
    connector->connect(
        [this] {
          if (net::ssl::context* ctx = connector->tls_context()) {
            tls = std::make_unique<TlsLayer>(connector->strand(), *ctx);
            return Connector::Layers{&beast::get_lowest_layer(*tls), tls.get()};
          }
          tcp = std::make_unique<beast::tcp_stream>(connector->strand());
          return Connector::Layers{tcp.get(), nullptr};
        },
        [&](std::optional<Error> f) {
          fault = std::move(f);
          done = true;
        });
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!done && std::chrono::steady_clock::now() < deadline) io.run_for(std::chrono::milliseconds(5));
    EXPECT_TRUE(done);
    return fault;
  }
};

TEST(Connector, ConnectsToALoopbackListener) {
  net::io_context server_io;
  tcp::acceptor acceptor(server_io, {net::ip::make_address("127.0.0.1"), 0});
  Rig rig("http://127.0.0.1:" + std::to_string(acceptor.local_endpoint().port()) + "/");
  EXPECT_EQ(rig.connector->tls_context(), nullptr);
  const auto fault = rig.connect();
  EXPECT_FALSE(fault) << fault->message;
  EXPECT_TRUE(rig.tcp->socket().is_open());
}

TEST(Connector, NothingListeningIsConnectFailed) {
  unsigned short port = 0;
  {
    net::io_context server_io;
    tcp::acceptor acceptor(server_io, {net::ip::make_address("127.0.0.1"), 0});
    port = acceptor.local_endpoint().port();
  }
  Rig rig("http://127.0.0.1:" + std::to_string(port) + "/");
  const auto fault = rig.connect();
  ASSERT_TRUE(fault);
  EXPECT_EQ(fault->code, ErrorCode::connect_failed);
}

TEST(Connector, AnUntrustedCertificateIsTlsFailed) {
  test::TlsFixture server{"unused"};
  Rig rig("https://127.0.0.1:" + std::to_string(server.port()) + "/");
  ASSERT_NE(rig.connector->tls_context(), nullptr);
  const auto fault = rig.connect();
  ASSERT_TRUE(fault);
  EXPECT_EQ(fault->code, ErrorCode::tls_failed);
  EXPECT_EQ(server.requests(), 0);
}

TEST(Connector, RetriesAfterABackoffAndCountsTheReconnect) {
  Rig rig("http://127.0.0.1:9/");
  int retries = 0;
  rig.connector->retry_later("retrying", [&] { ++retries; });
  EXPECT_EQ(rig.status->view().state, FeedState::Connecting);  // it never answered
  EXPECT_EQ(rig.status->view().reconnects, 1u);
  rig.io.run_for(std::chrono::milliseconds(200));
  EXPECT_EQ(retries, 1);
  rig.connector->live();
  rig.connector->retry_later("retrying", [&] { ++retries; });
  EXPECT_EQ(rig.status->view().state, FeedState::Down);  // it was live
  rig.connector->stop();
  rig.io.run_for(std::chrono::milliseconds(100));
  EXPECT_EQ(retries, 1) << "nothing is retried after stop()";
}

TEST(Connector, SilenceIsStaleOnlyInTradingHours) {
  Rig rig("http://127.0.0.1:9/");
  rig.connector->live();
  rig.status->on_message(10, kMorning);
  rig.clock.set(exchange_time(make_date(2026, 2, 9), 12, 0));  // lunch: the market, not the feed
  rig.connector->check_stale();
  EXPECT_EQ(rig.status->view().state, FeedState::Live);
  rig.clock.set(exchange_time(make_date(2026, 2, 9), 10, 15, 4));  // 4 s: within 5 intervals
  rig.connector->check_stale();
  EXPECT_EQ(rig.status->view().state, FeedState::Live);
  rig.clock.set(exchange_time(make_date(2026, 2, 9), 10, 25));
  rig.connector->check_stale();
  EXPECT_EQ(rig.status->view().state, FeedState::Stale);
}

// The STAR/ChiNext after-hours session (15:05-15:30) is known to the calendar but is not
// continuous trading: a quote source silent then (every main-board price is final at 15:00) is
// not stale. Neither is one silent on a holiday the calendar knows (清明节).
TEST(Connector, SilenceInTheAfterHoursSessionOrOnAHolidayIsNotStale) {
  Rig rig("http://127.0.0.1:9/");
  rig.connector->live();
  rig.status->on_message(10, exchange_time(make_date(2026, 2, 9), 14, 59, 59));
  rig.clock.set(exchange_time(make_date(2026, 2, 9), 15, 20));
  ASSERT_EQ(TradingCalendar::shanghai().phase_at(rig.clock.now(), Board::Star), SessionPhase::AfterHours);
  rig.connector->check_stale();
  EXPECT_EQ(rig.status->view().state, FeedState::Live);
  rig.status->on_message(10, exchange_time(make_date(2026, 4, 3), 15, 0));
  rig.clock.set(exchange_time(make_date(2026, 4, 6), 10, 30));
  rig.connector->check_stale();
  EXPECT_EQ(rig.status->view().state, FeedState::Live);
  rig.clock.set(exchange_time(make_date(2026, 4, 7), 10, 30));  // the day after: silent, so stale
  rig.connector->check_stale();
  EXPECT_EQ(rig.status->view().state, FeedState::Stale);
}

}  // namespace
}  // namespace lodestone::feeds::detail
