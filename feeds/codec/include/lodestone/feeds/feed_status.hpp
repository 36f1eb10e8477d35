#pragma once
// What an operator sees of one feed at GET /api/v1/feeds and in /metrics.
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include "lodestone/core/error_code.hpp"
#include "lodestone/core/time.hpp"

namespace lodestone::feeds {

enum class FeedState : std::uint8_t { Connecting, Live, Stale, Down, Finished };
std::string_view to_string(FeedState s);

// Shared between the feed (writer, on its strand) and the web/metrics readers (other threads).
class FeedStatus {
 public:
  FeedStatus(std::string name, std::string kind) : name_(std::move(name)), kind_(std::move(kind)) {}

  void set_state(FeedState s) { state_.store(s, std::memory_order_relaxed); }
  void on_message(std::size_t bytes, Timestamp received_at) {
    messages_.fetch_add(1, std::memory_order_relaxed);
    bytes_.fetch_add(bytes, std::memory_order_relaxed);
    last_message_ms_.store(received_at.ms, std::memory_order_relaxed);
  }
  void on_reconnect() { reconnects_.fetch_add(1, std::memory_order_relaxed); }
  // One more error counted by its code's label (to_string(code)).
  void on_error(ErrorCode code) { count(to_string(code)); }
  // An HTTP answer other than 200 or 304, counted as http_<status> (http_403, http_502).
  void on_http_status(unsigned status) { count("http_" + std::to_string(status)); }
  // A quote whose source's limit prices differ from ours, counted by symbol ("600392.SH").
  void on_limit_mismatch(std::string_view symbol) {
    std::lock_guard lock(mutex_);
    ++limit_mismatches_[std::string(symbol)];
  }

  struct View {
    std::string name;
    std::string kind;
    FeedState state;
    std::uint64_t messages;
    std::uint64_t bytes;
    std::uint64_t reconnects;
    std::int64_t last_message_ms;  // 0 = never
    std::map<std::string, std::uint64_t> errors;
    std::map<std::string, std::uint64_t> limit_mismatches;  // by symbol
  };
  [[nodiscard]] View view() const {
    View v{name_,
           kind_,
           state_.load(),
           messages_.load(),
           bytes_.load(),
           reconnects_.load(),
           last_message_ms_.load(),
           /*errors=*/{},
           /*limit_mismatches=*/{}};
    std::lock_guard lock(mutex_);
    v.errors = errors_;
    v.limit_mismatches = limit_mismatches_;
    return v;
  }
  [[nodiscard]] const std::string& name() const { return name_; }

 private:
  void count(std::string_view label) {
    std::lock_guard lock(mutex_);
    ++errors_[std::string(label)];
  }

  std::string name_;
  std::string kind_;
  std::atomic<FeedState> state_{FeedState::Connecting};
  std::atomic<std::uint64_t> messages_{0};
  std::atomic<std::uint64_t> bytes_{0};
  std::atomic<std::uint64_t> reconnects_{0};
  std::atomic<std::int64_t> last_message_ms_{0};
  mutable std::mutex mutex_;
  std::map<std::string, std::uint64_t> errors_;
  std::map<std::string, std::uint64_t> limit_mismatches_;
};

}  // namespace lodestone::feeds
