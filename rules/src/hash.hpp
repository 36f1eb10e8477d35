#pragma once
// FNV-1a, 64 bit: stable across runs, builds and machines, which std::hash is not. Alert
// fingerprints and rule identities must survive a restart, so they are built on this.
#include <cstdint>
#include <string_view>

namespace lodestone::rules {

class Fnv64 {
 public:
  void add(std::string_view bytes) {
    for (char c : bytes) {
      h_ ^= static_cast<unsigned char>(c);
      h_ *= 0x100000001b3ULL;
    }
  }
  // Separates fields so ("ab","c") and ("a","bc") differ.
  void field(std::string_view bytes) {
    add(bytes);
    add(std::string_view("\x1f", 1));
  }
  [[nodiscard]] std::uint64_t value() const { return h_; }

 private:
  std::uint64_t h_ = 0xcbf29ce484222325ULL;
};

}  // namespace lodestone::rules
