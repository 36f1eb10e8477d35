#include "lodestone/core/clock.hpp"

namespace lodestone {

Timestamp SystemClock::now() const {
  using namespace std::chrono;
  return Timestamp{duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count()};
}

Clock::Steady SystemClock::steady() const { return std::chrono::steady_clock::now(); }

const Clock& system_clock() {
  static const SystemClock clock;
  return clock;
}

}  // namespace lodestone
