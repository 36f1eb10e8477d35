#pragma once
// Reconnect delays: exponential, capped, with jitter so that feeds that failed together do not
// retry together.
#include <algorithm>
#include <cstdint>
#include <random>

namespace lodestone::feeds {

class Backoff {
 public:
  Backoff(std::int64_t initial_ms, std::int64_t max_ms, std::uint64_t seed = std::random_device{}())
      : initial_ms_(std::max<std::int64_t>(1, initial_ms)), max_ms_(std::max(initial_ms_, max_ms)), rng_(seed) {}

  // The next delay: uniformly in [base/2, base], base doubling from initial up to max.
  std::int64_t next_ms() {
    const std::int64_t base = current_ms_ == 0 ? initial_ms_ : std::min(max_ms_, current_ms_ * 2);
    current_ms_ = base;
    std::uniform_int_distribution<std::int64_t> jitter(base / 2, base);
    return jitter(rng_);
  }
  void reset() { current_ms_ = 0; }
  [[nodiscard]] std::int64_t current_ms() const { return current_ms_; }

 private:
  std::int64_t initial_ms_;
  std::int64_t max_ms_;
  std::int64_t current_ms_ = 0;
  std::mt19937_64 rng_;
};

}  // namespace lodestone::feeds
