#pragma once
// Shared by the fault tests (D1-D13, S11 in tests/reliability/README.md): a real redis-server,
// the real daemon, the alert ledger's feed injected through POST /api/v1/ingest, and /metrics
// read back. Loopback only; every wait is bounded.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "lodestone/testing/alert_ledger.hpp"
#include "lodestone/testing/daemon_process.hpp"
#include "lodestone/testing/prometheus_text.hpp"
#include "lodestone/testing/redis_server.hpp"
#include "lodestone/testing/temp_file.hpp"
#include "lodestone/testing/ws_client.hpp"

namespace lodestone::testing {

using namespace std::chrono_literals;

inline const std::string kFaultToken = "fault-token-0123456789";

inline double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

class FaultTest : public ::testing::Test {
 protected:
  void SetUp() override {
    rules_ = temp_file(AlertLedger::rules_yaml(), "lodestone-fault");
    tape_ = temp_file(AlertLedger::tape_ndjson(), "lodestone-fault");
  }
  void TearDown() override {
    // A failure says what each daemon knew: its Redis and WebSocket counters while it ran, then
    // its log through the shutdown (which names the alerts Redis never got).
    if (HasFailure()) {
      for (auto& d : daemons_) {
        if (!d->running()) continue;
        std::string counters;
        try {
          std::istringstream text(metrics(*d));
          for (std::string line; std::getline(text, line);)
            if (line.find("_bucket{") == std::string::npos &&
                (line.starts_with("lodestone_redis") || line.starts_with("lodestone_ws") ||
                 line.starts_with("lodestone_websocket") || line.starts_with("lodestone_alert")))
              counters += line + "\n";
        } catch (const std::exception& e) {
          counters = std::string("(no /metrics: ") + e.what() + ")\n";
        }
        d->stop();
        const std::string log = d->log();
        std::fprintf(stderr, "---- daemon on port %u: counters\n%s---- its log (the last 16 KiB)\n%s\n", d->port(),
                     counters.c_str(), log.substr(log.size() > 16384 ? log.size() - 16384 : 0).c_str());
      }
    }
    daemons_.clear();
    for (const auto& f : files_) ::unlink(f.c_str());
    ::unlink(rules_.c_str());
    ::unlink(tape_.c_str());
  }

  // The daemon on `redis` with the ledger's rules; `redis_extra` joins the redis: map (e.g.
  // "command_timeout: 500ms"), `extra` the top level. Waits for /readyz unless told not to.
  DaemonProcess& start(const RedisServer& redis, const std::string& redis_extra = "", const std::string& extra = "",
                       bool wait_ready = true, const std::string& url = "") {
    std::string redis_map = "{url: \"" + (url.empty() ? redis.url() : url) + "\", backoff_max: 500ms";
    if (!redis_extra.empty()) redis_map += ", " + redis_extra;
    redis_map += "}";
    const std::string config = temp_file(
        "tape: {path: " + tape_ + ", speed: 0, loop: false}\nuniverse: " + source_path("deploy/universe.yaml") +
            "\nrules: " + rules_ + "\nredis: " + redis_map + "\ninstance: a\n" + extra,
        "lodestone-fault");
    files_.push_back(config);
    daemons_.push_back(
        std::make_unique<DaemonProcess>(std::vector<std::string>{"--config", config},
                                        std::map<std::string, std::string>{{"LODESTONE_API_TOKEN", kFaultToken}}));
    auto& d = *daemons_.back();
    if (wait_ready) {
      const bool ready = eventually([&] { return status(d, "/readyz") == 200; }, 60s);
      EXPECT_TRUE(ready) << http_request(d.port(), http::verb::get, "/readyz").body << "\n" << d.log();
    }
    return d;
  }

  static unsigned status(const DaemonProcess& d, const std::string& path) {
    try {
      return http_request(d.port(), http::verb::get, path).status;
    } catch (const std::exception&) {
      return 0;
    }
  }
  static HttpResult ingest(const DaemonProcess& d, const std::string& ndjson) {
    return http_request(d.port(), http::verb::post, "/api/v1/ingest", ndjson, kFaultToken);
  }
  // Injects `ndjson` and expects every line accepted.
  static void inject(const DaemonProcess& d, const std::string& ndjson) {
    const auto r = ingest(d, ndjson);
    ASSERT_EQ(r.status, 200U) << r.body;
    ASSERT_EQ(r.body.find(R"("rejected":0)") != std::string::npos, true) << r.body;
  }
  static std::string metrics(const DaemonProcess& d) {
    return http_request(d.port(), http::verb::get, "/metrics").body;
  }
  static std::optional<double> metric(const DaemonProcess& d, const std::string& series) {
    return metric_value(metrics(d), series);
  }
  // The ledger's ids in the stream, once the stream stops growing (or holds `at_least`).
  static std::vector<std::string> settled_stream(const RedisServer& redis, std::size_t at_least,
                                                 std::chrono::milliseconds timeout = 60s) {
    eventually([&] { return AlertLedger::own(AlertLedger::stream_ids(redis)).size() >= at_least; }, timeout);
    return AlertLedger::own(AlertLedger::stream_ids(redis));
  }
  // Waits until the daemon has read back everything in the alert stream: its stream reader can
  // lag the writer on a loaded machine, so "in Redis" does not yet mean "known to the daemon".
  static bool read_back(const DaemonProcess& d, const RedisServer& redis) {
    const auto seqs = AlertLedger::stream_seqs(redis);
    if (seqs.empty()) return true;
    const std::string page = "/api/v1/alerts?after=" + std::to_string(seqs.back() - 1) + "&limit=1";
    const std::string last = R"("seq":)" + std::to_string(seqs.back()) + ",";
    return eventually(
        [&] { return http_request(d.port(), http::verb::get, page).body.find(last) != std::string::npos; });
  }
  // Prints a measured number so that it shows in the ctest log.
  static void measured(const std::string& what, double value, const std::string& unit) {
    std::printf("[measured] %s: %.3f %s\n", what.c_str(), value, unit.c_str());
    std::fflush(stdout);
  }

  AlertLedger ledger_;
  std::string rules_;
  std::string tape_;
  std::vector<std::string> files_;
  std::vector<std::unique_ptr<DaemonProcess>> daemons_;
};

// True when `got` is exactly the first got.size() ids of `want`, in order: nothing missing in
// the middle, nothing twice, nothing reordered.
inline bool is_prefix_of(const std::vector<std::string>& got, const std::vector<std::string>& want) {
  if (got.size() > want.size()) return false;
  for (std::size_t i = 0; i < got.size(); ++i)
    if (got[i] != want[i]) return false;
  return true;
}

}  // namespace lodestone::testing
