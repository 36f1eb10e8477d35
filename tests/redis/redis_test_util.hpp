#pragma once
// Shared by the Redis tests: an io_context on two threads (as in the daemon), synchronous
// wrappers over the async client with bounded waits, and synthetic alerts.
#include <spdlog/spdlog.h>

#include <chrono>
#include <future>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "lodestone/bus/alert_store.hpp"
#include "lodestone/core/events.hpp"
#include "lodestone/net/net.hpp"
#include "lodestone/redis/client.hpp"
#include "lodestone/testing/redis_server.hpp"

namespace lodestone::testing {

class IoThreads {
 public:
  explicit IoThreads(int n = 2) : ioc_(n), work_(net::make_work_guard(ioc_)) {
    // spdlog's registry is built on first use, inside the uninstrumented libspdlog, where
    // ThreadSanitizer cannot see its guard: built here, before any I/O thread logs, as the
    // daemon's main() does, two threads' first log lines are not reported as a race.
    (void)spdlog::default_logger_raw();
    for (int i = 0; i < n; ++i) threads_.emplace_back([this] { ioc_.run(); });
  }
  ~IoThreads() { stop(); }
  IoThreads(const IoThreads&) = delete;
  IoThreads& operator=(const IoThreads&) = delete;
  void stop() {
    work_.reset();
    ioc_.stop();
    for (auto& t : threads_)
      if (t.joinable()) t.join();
  }
  net::any_io_executor executor() { return ioc_.get_executor(); }

 private:
  net::io_context ioc_;
  net::executor_work_guard<net::io_context::executor_type> work_;
  std::vector<std::thread> threads_;
};

// A client of `server` that gives up and retries fast: a 500 ms command timeout, 20-200 ms backoff.
inline redis::ClientOptions fast_client(const RedisServer& server) {
  using namespace std::chrono_literals;
  redis::ClientOptions o;
  o.endpoint = *redis::parse_url(server.url());
  o.name = "lodestone-test";
  o.command_timeout = 500ms;
  o.backoff_initial = 20ms;
  o.backoff_max = 200ms;
  return o;
}

// Runs one command through the async client and waits for its answer (at most `timeout`).
inline std::optional<Result<redis::Reply>> run(redis::Client& client, std::vector<std::string> args,
                                               std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  auto promise = std::make_shared<std::promise<Result<redis::Reply>>>();
  auto future = promise->get_future();
  client.command(std::move(args), [promise](Result<redis::Reply> r) { promise->set_value(std::move(r)); });
  if (future.wait_for(timeout) != std::future_status::ready) return std::nullopt;
  return future.get();
}

// Collects what a store delivers, from whichever thread delivers it.
class Deliveries {
 public:
  bus::AlertStore::Delivery sink() {
    return [this](const bus::StoredAlert& a) {
      std::lock_guard lock(mutex_);
      all_.push_back(a);
    };
  }
  [[nodiscard]] std::vector<bus::StoredAlert> all() const {
    std::lock_guard lock(mutex_);
    return all_;
  }
  // Deliveries that carry a seq (the stream's), in the order they came.
  [[nodiscard]] std::vector<bus::StoredAlert> stored() const {
    std::vector<bus::StoredAlert> out;
    for (auto& a : all())
      if (a.seq) out.push_back(a);
    return out;
  }
  [[nodiscard]] std::size_t provisional() const {
    std::size_t n = 0;
    for (auto& a : all()) n += a.seq == 0;
    return n;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<bus::StoredAlert> all_;
};

// A synthetic alert: fixed rule and time, only the id varies.
inline Alert synthetic_alert(const std::string& id, AlertState state = AlertState::Firing) {
  Alert a;
  a.id = id;
  a.rule = "synthetic-test";
  a.state = state;
  a.severity = Severity::Warning;
  a.ts = Timestamp{1'770'603'303'000};
  a.message = "synthetic alert " + id;
  return a;
}

inline bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

}  // namespace lodestone::testing
