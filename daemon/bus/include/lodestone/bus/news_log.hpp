#pragma once
// The headlines the bus has seen: the news the page shows and what headline dedup checks.
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_set>
#include <utility>

#include "lodestone/core/events.hpp"

namespace lodestone::bus {

// Recent headlines, newest last, deduplicated by id. Each gets a strictly increasing `seq`,
// written into its JSON, so a client can tell it missed one.
class NewsLog {
 public:
  explicit NewsLog(std::size_t retention) : retention_(retention) {}
  // The headline's JSON with its seq, or nullptr for a headline already held.
  std::shared_ptr<const std::string> append(const Headline& h);
  [[nodiscard]] bool contains(const std::string& id) const;
  [[nodiscard]] std::string json(std::size_t limit) const;  // {"news":[...]} newest first

 private:
  std::size_t retention_;
  mutable std::mutex mutex_;
  std::deque<std::pair<std::string, std::shared_ptr<const std::string>>> items_;
  std::unordered_set<std::string> ids_;
  std::uint64_t last_seq_ = 0;
};

}  // namespace lodestone::bus
