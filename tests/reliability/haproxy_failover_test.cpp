// Several daemons behind HAProxy (issue #16, H1-H2 in tests/reliability/README.md): 300
// WebSocket clients spread by HAProxy over three daemons sharing one Redis. A daemon SIGKILLed:
// its clients reconnect through HAProxy to the others and resume, and every client holds every
// alert of the ledger exactly once, in seq order. A daemon drained with SIGTERM: /readyz says
// "draining" and HAProxy takes it out before its clients are closed with 1001, they resume
// elsewhere, and no client sees anything else.
#include <signal.h>

#include <atomic>
#include <thread>

#include "haproxy_fixture.hpp"

namespace lodestone::testing {
namespace {

constexpr std::size_t kClients = 300;
// Three seconds: HAProxy's checks (inter 1s, fastinter 500ms, fall 2) see /readyz fail within
// about 1.5 s; the samples in deploy/haproxy use the same.
const std::string kHttp = "trusted_proxies: [127.0.0.1], drain_delay: 3s";

// Bursts of the ledger injected into the feed daemon while a fault happens, paced like a feed.
class Feeder {
 public:
  Feeder(const DaemonProcess& feed, AlertLedger& ledger, int bursts, std::size_t size, std::chrono::milliseconds pace) {
    for (int i = 0; i < bursts; ++i) batches_.push_back(ledger.burst(size));
    thread_ = std::thread([this, port = feed.port(), pace] {
      for (const auto& b : batches_) {
        try {
          if (http_request(port, http::verb::post, "/api/v1/ingest", b, kFaultToken).status != 200) ++failed_;
        } catch (const std::exception&) {
          ++failed_;
        }
        std::this_thread::sleep_for(pace);  // a feed's pace, not a synchronisation
      }
    });
  }
  ~Feeder() { join(); }
  Feeder(const Feeder&) = delete;
  Feeder& operator=(const Feeder&) = delete;
  void join() {
    if (thread_.joinable()) thread_.join();
  }
  [[nodiscard]] int failed() const { return failed_; }

 private:
  std::vector<std::string> batches_;
  std::atomic<int> failed_{0};
  std::thread thread_;
};

class HaproxyFailover : public HaproxyTest {};

TEST_F(HaproxyFailover, H1_AKilledDaemonsClientsResumeOnTheOthersThroughHaproxyAndMissNothing) {
  RedisServer redis;
  start_layout(redis, kHttp);
  inject(*nodes_[0], ledger_.prime());
  connect_roamers(kClients);
  for (const char* name : kNames) EXPECT_GE(on(name), kClients / 6) << name << ": leastconn spreads the clients";
  inject(*nodes_[0], ledger_.burst(100));
  ASSERT_EQ(settled_stream(redis, 100).size(), 100U);

  const std::size_t victims = on("lodestone-2");
  Feeder feeder(*nodes_[0], ledger_, 30, 10, 50ms);
  const auto killed = std::chrono::steady_clock::now();
  nodes_[1]->kill();
  // Each of its clients notices, reconnects through HAProxy and resumes on another daemon.
  const bool back = eventually(
      [&] {
        reconnect_closed(100ms);
        return on("lodestone-2") == 0;
      },
      45s);
  const double back_s = seconds_since(killed);
  ASSERT_TRUE(back) << on("lodestone-2") << " clients still on the killed daemon\n" << haproxy_->log();
  measured("H1 killed daemon's " + std::to_string(victims) + " clients back through HAProxy", back_s, "s");
  feeder.join();
  EXPECT_EQ(feeder.failed(), 0);
  ASSERT_EQ(settled_stream(redis, ledger_.expected().size()), ledger_.expected());

  const auto failures = ledger_failures(45s);
  EXPECT_TRUE(failures.empty()) << failures.size() << " clients off the ledger, first: " << failures.front();
  std::size_t moved = 0;
  for (const auto& r : roamers_) {
    if (r->connections() > 1) ++moved;
    EXPECT_NE(r->instance(), "lodestone-2");
  }
  EXPECT_EQ(moved, victims) << "exactly the killed daemon's clients reconnected; the others kept their connection";
  const auto status = haproxy_->server_status();
  EXPECT_TRUE(status.at("lodestone-2").starts_with("DOWN")) << status.at("lodestone-2");
}

TEST_F(HaproxyFailover, H2_ADrainedDaemonLeavesHaproxyFirstThenCloses1001AndItsClientsResumeElsewhere) {
  RedisServer redis;
  start_layout(redis, kHttp);
  inject(*nodes_[0], ledger_.prime());
  connect_roamers(kClients);
  for (const char* name : kNames) EXPECT_GE(on(name), kClients / 6) << name << ": leastconn spreads the clients";
  inject(*nodes_[0], ledger_.burst(100));
  ASSERT_EQ(settled_stream(redis, 100).size(), 100U);

  auto& draining = *nodes_[2];
  const std::size_t leaving = on("lodestone-3");
  std::vector<Roamer*> theirs;
  for (auto& r : roamers_)
    if (r->instance() == "lodestone-3") theirs.push_back(r.get());
  auto first_closed = [&] {
    return std::any_of(theirs.begin(), theirs.end(), [](const Roamer* r) { return !r->open(); });
  };
  Feeder feeder(*nodes_[0], ledger_, 40, 10, 100ms);
  const auto sigterm = std::chrono::steady_clock::now();
  ASSERT_EQ(::kill(draining.pid(), SIGTERM), 0);

  // 1. /readyz fails at once, while its clients are still connected.
  std::string readyz;
  ASSERT_TRUE(eventually([&] {
    try {
      const auto r = http_request(draining.port(), http::verb::get, "/readyz");
      readyz = r.body;
      return r.status == 503 && r.body.find("draining") != std::string::npos;
    } catch (const std::exception&) {
      return false;
    }
  }));
  const double draining_s = seconds_since(sigterm);
  EXPECT_FALSE(first_closed()) << "/readyz said draining (" << readyz << ") only after a client was closed";
  // 2. HAProxy takes it out of rotation before anyone is closed.
  ASSERT_TRUE(eventually([&] { return !haproxy_->server_status()["lodestone-3"].starts_with("UP"); }, 30s));
  const double out_s = seconds_since(sigterm);
  EXPECT_FALSE(first_closed()) << "HAProxy took the daemon out only after its clients were closed: raise drain_delay";
  // New clients from now on go to the others.
  std::vector<std::unique_ptr<Roamer>> newcomers;
  for (int i = 0; i < 10; ++i) {
    newcomers.push_back(std::make_unique<Roamer>(haproxy_->port()));
    ASSERT_TRUE(newcomers.back()->connect());
    EXPECT_NE(newcomers.back()->instance(), "lodestone-3");
  }
  // 3. Then its clients are closed with 1001, reconnect and resume on the others.
  ASSERT_TRUE(eventually(first_closed, 30s)) << draining.log();
  const double close_s = seconds_since(sigterm);
  const auto closed = std::chrono::steady_clock::now();
  ASSERT_TRUE(eventually(
      [&] {
        reconnect_closed(100ms);
        return on("lodestone-3") == 0;
      },
      45s))
      << on("lodestone-3") << " clients still on the drained daemon";
  const double back_s = seconds_since(closed);
  EXPECT_EQ(draining.wait_exit(30s), 0) << draining.log();
  const double exit_s = seconds_since(sigterm);
  feeder.join();
  EXPECT_EQ(feeder.failed(), 0);
  ASSERT_EQ(settled_stream(redis, ledger_.expected().size()), ledger_.expected());

  const auto failures = ledger_failures(45s);
  EXPECT_TRUE(failures.empty()) << failures.size() << " clients off the ledger, first: " << failures.front();
  std::size_t moved = 0;
  for (const auto& r : roamers_) {
    for (int code : r->close_codes()) EXPECT_EQ(code, 1001) << "no client sees anything but a 1001 and a resume";
    moved += r->connections() > 1 ? 1 : 0;
  }
  EXPECT_EQ(moved, leaving);
  measured("H2 SIGTERM to /readyz draining", draining_s, "s");
  measured("H2 SIGTERM to out of HAProxy's rotation", out_s, "s");
  measured("H2 SIGTERM to the first 1001", close_s, "s");
  measured("H2 the drained daemon's " + std::to_string(leaving) + " clients back after the 1001", back_s, "s");
  measured("H2 SIGTERM to exit", exit_s, "s");
}

}  // namespace
}  // namespace lodestone::testing
