#pragma once
// Where fired alerts live: sequence numbers for resume, dedup by identity, bounded history.
// The in-memory store serves `make run`; the Redis store keeps history across restarts.
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_set>

#include "lodestone/core/events.hpp"
#include "lodestone/web/api.hpp"

namespace lodestone::app {

struct StoredAlert {
  std::uint64_t seq = 0;
  std::shared_ptr<const std::string> json;
};

class AlertStore {
 public:
  // Alerts the store delivers by itself (see append), in seq order, from the store's own threads.
  using Delivery = std::function<void(const StoredAlert&)>;

  virtual ~AlertStore() = default;
  // Assigns the next seq and keeps the alert. Returns it when the caller should deliver it now
  // (the memory store). nullopt when the same notification (id and state) is already stored, so
  // re-evaluating the same events never notifies twice, and also when the store delivers the
  // alert itself through set_delivery (the Redis store: every instance's alerts, in one seq
  // order, once Redis holds them).
  virtual std::optional<StoredAlert> append(Alert alert) = 0;
  [[nodiscard]] virtual web::AlertRange after(std::uint64_t seq, std::size_t limit) const = 0;
  [[nodiscard]] virtual std::uint64_t last_seq() const = 0;
  // Set before the first append. The memory store never delivers by itself.
  virtual void set_delivery(Delivery delivery) { (void)delivery; }
  // Why the store cannot keep its promises right now ("" when it can), for /readyz.
  [[nodiscard]] virtual std::string degraded_reason() const { return {}; }
};

class MemoryAlertStore final : public AlertStore {
 public:
  explicit MemoryAlertStore(std::size_t retention) : retention_(retention) {}
  std::optional<StoredAlert> append(Alert alert) override;
  [[nodiscard]] web::AlertRange after(std::uint64_t seq, std::size_t limit) const override;
  [[nodiscard]] std::uint64_t last_seq() const override;

 private:
  std::size_t retention_;
  mutable std::mutex mutex_;
  std::deque<StoredAlert> alerts_;
  std::deque<std::string> keys_;  // identity of each retained alert, in the same order
  std::unordered_set<std::string> seen_;
  std::uint64_t last_seq_ = 0;
};

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

}  // namespace lodestone::app
