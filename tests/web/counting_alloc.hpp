#pragma once
// Counts every heap allocation the process makes while counting is on: operator new and the
// malloc family alike (asio takes its operation memory with std::aligned_alloc, past operator
// new). Link counting_alloc.cpp into the binary that uses it. Under a sanitizer the count comes
// from the sanitizer's malloc hook; otherwise malloc and friends are interposed over glibc's.
#include <cstdint>

namespace lodestone::test {

class AllocationCount {
 public:
  // Counting is on from start() until stop(); what it counted is then in count().
  static void start();
  static void stop();
  [[nodiscard]] static std::uint64_t count();
  // False where the build could not hook the allocator (count() then stays 0: do not trust it).
  [[nodiscard]] static bool available();
};

}  // namespace lodestone::test
