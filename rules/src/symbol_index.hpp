#pragma once
// Symbol -> the engine's slot for it, looked up once per quote. A symbol is six code bytes and
// an exchange, so it packs into one 64-bit key: one multiply to hash, one compare per probe, all
// in a flat table, where std::unordered_map<Symbol> hashed the code byte by byte, chased a node
// pointer and compared with memcmp (a tenth of the engine's time per quote).
#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

#include "lodestone/core/symbol.hpp"

namespace lodestone::rules::detail {

class SymbolIndex {
 public:
  static constexpr std::uint32_t kAbsent = std::numeric_limits<std::uint32_t>::max();

  [[nodiscard]] std::uint32_t find(const Symbol& s) const {
    if (keys_.empty()) return kAbsent;
    const std::uint64_t key = key_of(s);
    for (std::size_t i = home(key);; i = (i + 1) & mask_) {
      if (keys_[i] == key) return slots_[i];
      if (keys_[i] == 0) return kAbsent;
    }
  }

  // `s` must not be in the index yet.
  void insert(const Symbol& s, std::uint32_t slot) {
    if ((size_ + 1) * 2 > keys_.size()) grow();
    place(key_of(s), slot);
    ++size_;
  }

  [[nodiscard]] std::size_t size() const { return size_; }

 private:
  // The code's six bytes, the exchange above them, and a marker bit so that no symbol (not even
  // the empty one) packs to 0, the empty cell.
  static std::uint64_t key_of(const Symbol& s) {
    std::uint64_t key = 0;
    std::memcpy(&key, s.code().data(), 6);
    return key | static_cast<std::uint64_t>(s.exchange()) << 48 | std::uint64_t{1} << 56;
  }
  [[nodiscard]] std::size_t home(std::uint64_t key) const {
    return static_cast<std::size_t>((key * 0x9E3779B97F4A7C15ULL) >> shift_);
  }
  void place(std::uint64_t key, std::uint32_t slot) {
    std::size_t i = home(key);
    while (keys_[i] != 0) i = (i + 1) & mask_;
    keys_[i] = key;
    slots_[i] = slot;
  }
  void grow() {
    std::vector<std::uint64_t> keys = std::move(keys_);
    std::vector<std::uint32_t> slots = std::move(slots_);
    const std::size_t capacity = keys.empty() ? 64 : keys.size() * 2;
    keys_.assign(capacity, 0);
    slots_.assign(capacity, kAbsent);
    mask_ = capacity - 1;
    shift_ = 64 - static_cast<unsigned>(__builtin_ctzll(capacity));
    for (std::size_t i = 0; i < keys.size(); ++i)
      if (keys[i] != 0) place(keys[i], slots[i]);
  }

  std::vector<std::uint64_t> keys_;  // 0: empty
  std::vector<std::uint32_t> slots_;
  std::size_t mask_ = 0;
  unsigned shift_ = 64;
  std::size_t size_ = 0;
};

}  // namespace lodestone::rules::detail
