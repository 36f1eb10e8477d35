#pragma once
// Every "now" in Lodestone comes from one Clock, handed to whatever reads the time: the daemon
// passes the system clock, tests pass a ManualClock and move it themselves, so no test waits for
// the wall clock or depends on the hour it runs at.
#include <atomic>
#include <chrono>
#include <cstdint>

#include "lodestone/core/time.hpp"

namespace lodestone {

class Clock {
 public:
  using Steady = std::chrono::steady_clock::time_point;
  virtual ~Clock() = default;
  // Wall time: what event timestamps are compared with (staleness, the future check, lag).
  [[nodiscard]] virtual Timestamp now() const = 0;
  // Monotonic time: for intervals, rate limits and deadlines, which must not jump when NTP steps
  // the wall clock.
  [[nodiscard]] virtual Steady steady() const = 0;
};

// The operating system's clocks. One instance for the process.
class SystemClock final : public Clock {
 public:
  [[nodiscard]] Timestamp now() const override;
  [[nodiscard]] Steady steady() const override;
};
const Clock& system_clock();

// A clock that moves only when told to; both readings advance together. Safe to read from any
// thread while a test moves it.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(Timestamp start = {}) : wall_ms_(start.ms) {}
  [[nodiscard]] Timestamp now() const override { return Timestamp{wall_ms_.load()}; }
  [[nodiscard]] Steady steady() const override { return Steady{std::chrono::nanoseconds(steady_ns_.load())}; }
  void set(Timestamp t) { wall_ms_.store(t.ms); }
  void advance(std::chrono::milliseconds d) {
    wall_ms_.fetch_add(d.count());
    steady_ns_.fetch_add(std::chrono::duration_cast<std::chrono::nanoseconds>(d).count());
  }

 private:
  std::atomic<std::int64_t> wall_ms_;
  std::atomic<std::int64_t> steady_ns_{0};
};

}  // namespace lodestone
