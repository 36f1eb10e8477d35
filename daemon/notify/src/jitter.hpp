#pragma once
// The dispatcher's randomness: seeded, so tests and replays draw the same jitter, and the same
// on every machine (std's distributions differ between standard libraries).
#include <cstdint>
#include <string_view>

namespace lodestone::notify::detail {

// SplitMix64's finaliser: a well-mixed 64-bit value from any 64-bit input.
constexpr std::uint64_t mix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30U)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27U)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31U);
}

// FNV-1a: folds a receiver's name into the seed.
constexpr std::uint64_t hash_name(std::string_view name) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (char c : name) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  return h;
}

// A value in [lo, hi] (inclusive) from `draw`; lo <= hi.
constexpr std::int64_t in_range(std::uint64_t draw, std::int64_t lo, std::int64_t hi) {
  const auto span = static_cast<std::uint64_t>(hi - lo) + 1;
  return lo + static_cast<std::int64_t>(draw % span);
}

}  // namespace lodestone::notify::detail
