#pragma once
// Several daemons behind a real HAProxy (issue #16): one redis-server, the daemon with the feed
// (lodestone-1: the alert ledger's events come in through its ingest) and two gateways without
// feeds (lodestone-2, lodestone-3: `tape: off`, no feeds; they serve clients the alerts they
// read from the shared stream), and HAProxy running deploy/haproxy/haproxy.cfg in front.
// Clients connect only through HAProxy and reconnect with `resume`, as the page does.
#include <array>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "fault_fixture.hpp"
#include "lodestone/testing/haproxy_process.hpp"

namespace lodestone::testing {

// One client as the page behaves: connected through HAProxy; when its connection ends it
// connects again and resumes after the last alert seq it saw. Every connection is kept, so the
// test reads what the client saw over all of them.
class Roamer {
 public:
  explicit Roamer(std::uint16_t port) : port_(port) {}
  // One attempt; false if HAProxy or the daemon refused (the caller tries again later).
  bool connect() {
    try {
      const std::uint64_t after = last_seq();
      sessions_.push_back(after == 0 && sessions_.empty() ? std::make_unique<LedgerClient>(port_)
                                                          : std::make_unique<LedgerClient>(port_, after));
      return true;
    } catch (const std::exception&) {
      return false;
    }
  }
  [[nodiscard]] bool open() const { return !sessions_.empty() && !sessions_.back()->closed(); }
  // The daemon serving its current (or last) connection: hello's "instance".
  [[nodiscard]] std::string instance() const { return sessions_.empty() ? "" : sessions_.back()->instance(); }
  [[nodiscard]] std::size_t connections() const { return sessions_.size(); }
  // The close code of each connection that ended (0: no close frame, the TCP connection died).
  [[nodiscard]] std::vector<int> close_codes() const {
    std::vector<int> out;
    for (const auto& s : sessions_)
      if (s->closed()) out.push_back(s->close_code());
    return out;
  }
  // Over every connection, in arrival order.
  [[nodiscard]] std::vector<std::string> stored_ids() const {
    std::vector<std::string> out;
    for (const auto& s : sessions_) {
      const auto ids = s->stored_ids();
      out.insert(out.end(), ids.begin(), ids.end());
    }
    return out;
  }
  [[nodiscard]] std::vector<std::uint64_t> stored_seqs() const {
    std::vector<std::uint64_t> out;
    for (const auto& s : sessions_) {
      const auto seqs = s->stored_seqs();
      out.insert(out.end(), seqs.begin(), seqs.end());
    }
    return out;
  }
  // Each connection's LedgerClient::describe(), for a failure message.
  [[nodiscard]] std::string describe() const {
    std::string out;
    for (std::size_t i = 0; i < sessions_.size(); ++i)
      out += "\n    connection " + std::to_string(i + 1) + ": " + sessions_[i]->describe();
    return out;
  }
  [[nodiscard]] std::uint64_t last_seq() const {
    std::uint64_t m = 0;
    for (const auto& s : sessions_) m = std::max(m, s->max_seq());
    return m;
  }

 private:
  std::uint16_t port_;
  std::vector<std::unique_ptr<LedgerClient>> sessions_;
};

class HaproxyTest : public FaultTest {
 protected:
  static constexpr const char* kNames[3] = {"lodestone-1", "lodestone-2", "lodestone-3"};

  // A daemon of the layout: the feed's (index 0) replays the ledger's one-quote tape to stay on
  // event time, the gateways have no tape and no feed. `http` joins the http: map.
  DaemonProcess& start_node(const RedisServer& redis, std::size_t index, const std::string& http) {
    const std::string tape = index == 0 ? "tape: {path: " + tape_ + ", speed: 0, loop: false}\n" : "tape: off\n";
    const std::string config = temp_file(
        tape + "universe: " + source_path("deploy/universe.yaml") + "\nrules: " + rules_ + "\nredis: {url: \"" +
            redis.url() + "\", backoff_max: 500ms}\ninstance: " + kNames[index] + "\nhttp: {" + http + "}\n",
        "lodestone-haproxy");
    files_.push_back(config);
    daemons_.push_back(
        std::make_unique<DaemonProcess>(std::vector<std::string>{"--config", config},
                                        std::map<std::string, std::string>{{"LODESTONE_API_TOKEN", kFaultToken}}));
    return *daemons_.back();
  }

  // The three daemons and HAProxy, every daemon ready and every server UP in HAProxy.
  void start_layout(const RedisServer& redis, const std::string& http) {
    for (std::size_t i = 0; i < 3; ++i) nodes_[i] = &start_node(redis, i, http);
    for (auto* d : nodes_)
      ASSERT_TRUE(eventually([&] { return status(*d, "/readyz") == 200; }, 60s))
          << http_request(d->port(), http::verb::get, "/readyz").body << "\n"
          << d->log();
    haproxy_ = std::make_unique<HaproxyProcess>(
        std::array<std::uint16_t, 3>{nodes_[0]->port(), nodes_[1]->port(), nodes_[2]->port()});
    ASSERT_TRUE(haproxy_->wait_all_up(30s)) << haproxy_->log();
  }

  // `n` clients through HAProxy (each one attempt, a refusal fails the test).
  void connect_roamers(std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) {
      roamers_.push_back(std::make_unique<Roamer>(haproxy_->port()));
      ASSERT_TRUE(roamers_.back()->connect()) << "client " << i << "\n" << haproxy_->log();
    }
  }
  [[nodiscard]] std::size_t on(const std::string& instance) const {
    std::size_t n = 0;
    for (const auto& r : roamers_) n += r->instance() == instance ? 1 : 0;
    return n;
  }
  // Reconnects every client whose connection ended, until all are open (each client a few
  // tries; HAProxy may still be taking the dead daemon out); false past the deadline.
  bool reconnect_closed(std::chrono::milliseconds timeout) {
    return eventually(
        [&] {
          bool all = true;
          for (auto& r : roamers_)
            if (!r->open() && !r->connect()) all = false;
          return all;
        },
        timeout);
  }
  // Every client has every alert of the ledger exactly once, in seq order, over all its
  // connections: the verdicts of those that do not, for the failure message.
  std::vector<std::string> ledger_failures(std::chrono::milliseconds timeout) {
    const auto& want = ledger_.expected();
    eventually(
        [&] {
          for (const auto& r : roamers_)
            if (AlertLedger::own(r->stored_ids()).size() < want.size()) return false;
          return true;
        },
        timeout);
    std::this_thread::sleep_for(500ms);  // a negative check follows: no duplicate may come late
    std::vector<std::string> failures;
    for (std::size_t i = 0; i < roamers_.size(); ++i) {
      const auto got = AlertLedger::own(roamers_[i]->stored_ids());
      const auto v = AlertLedger::check(got, want);
      const auto seqs = roamers_[i]->stored_seqs();
      const bool ordered =
          std::adjacent_find(seqs.begin(), seqs.end(), [](auto a, auto b) { return a >= b; }) == seqs.end();
      if (!v.ok() || got != want || !ordered)
        failures.push_back("client " + std::to_string(i) + " (" + std::to_string(roamers_[i]->connections()) +
                           " connections): " + v.summary() + (ordered ? "" : "; seqs out of order") +
                           roamers_[i]->describe());
    }
    return failures;
  }

  std::array<DaemonProcess*, 3> nodes_{};
  std::unique_ptr<HaproxyProcess> haproxy_;
  std::vector<std::unique_ptr<Roamer>> roamers_;
};

}  // namespace lodestone::testing
