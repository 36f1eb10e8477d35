#pragma once
// The board: every instrument's reference data and latest quote. A quote's JSON (with its day's
// limit prices) is rendered when a client or REST first asks for that version, once, and shared
// by every reader: a symbol quoted 2,000 times a second and pushed every 250 ms is rendered four
// times a second, not 2,000 (issue #18). Written by the pipeline, read by sessions and REST.
#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "lodestone/core/events.hpp"
#include "lodestone/core/instrument.hpp"
#include "lodestone/core/limits.hpp"

namespace lodestone::web {

class Board {
 public:
  explicit Board(const InstrumentRegistry& registry);

  // What readers get: always rendered.
  struct Entry {
    Quote quote;
    std::shared_ptr<const std::string> json;  // {"type":"quote",...,"trading_day","limit_up","limit_down"}
    std::uint64_t version = 0;                // board version when this quote arrived
    std::optional<PriceLimits> limits;        // the band in `json`: its day's, as its name says
  };

  // Keeps the quote if it is not older than the one held; returns false for an older one.
  bool update(const Quote& quote);
  [[nodiscard]] std::optional<Entry> latest(const Symbol& symbol) const;
  // Quotes that changed after `since_version` (for coalesced pushes), in registry order.
  [[nodiscard]] std::vector<Entry> changed_since(std::uint64_t since_version) const;
  [[nodiscard]] std::vector<Entry> all_quotes() const;
  [[nodiscard]] std::uint64_t version() const { return version_.load(std::memory_order_acquire); }
  // GET /api/v1/snapshot; today's limit prices with ST as the quotes' names give it.
  [[nodiscard]] std::string snapshot_json(Timestamp server_time) const;
  [[nodiscard]] const InstrumentRegistry& registry() const { return registry_; }
  // Quotes rendered so far (each version at most once, whatever the number of readers).
  [[nodiscard]] std::uint64_t renders() const { return renders_.load(std::memory_order_relaxed); }

 private:
  // What the board holds: the quote as it came and, once asked for, its rendering.
  struct Held {
    Quote quote;
    bool special_treatment = false;  // the ST status its band is computed under
    std::uint64_t version = 0;
    std::shared_ptr<const std::string> json;  // null until a reader asks for this version
    std::optional<PriceLimits> limits;        // set with json
  };
  static Entry entry(const Held& held) { return {held.quote, held.json, held.version, held.limits}; }
  // Renders a held quote: called outside the lock, on a copy.
  Entry rendered(const Held& held) const;
  // Keeps renderings for the readers after, unless their quote was replaced meanwhile.
  void keep(std::span<const Entry> entries) const;

  const InstrumentRegistry& registry_;
  mutable std::shared_mutex mutex_;
  mutable std::unordered_map<Symbol, Held> quotes_;
  // ST status as the quotes' names last gave it (feeds/limit_check.hpp), for the limit prices of
  // the snapshot: the registry is shared and read-only, so the names' word is kept here.
  std::unordered_map<Symbol, bool> special_treatment_;
  std::atomic<std::uint64_t> version_{0};
  mutable std::atomic<std::uint64_t> renders_{0};
};

}  // namespace lodestone::web
