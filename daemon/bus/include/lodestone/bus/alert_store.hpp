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
#include <string_view>
#include <unordered_set>
#include <vector>

#include "lodestone/bus/alert_index.hpp"
#include "lodestone/bus/stored_alert.hpp"
#include "lodestone/core/events.hpp"

namespace lodestone::bus {

// A page of stored alerts, for resume and GET /api/v1/alerts.
struct AlertRange {
  std::vector<std::shared_ptr<const std::string>> alerts;  // canonical alert JSON, ascending seq
  std::uint64_t last_seq = 0;                              // seq of the last alert in `alerts`
  bool gap = false;          // the requested position is older than what the store retains
  std::uint64_t newest = 0;  // the store's highest seq when it answered (0: none yet)
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
  [[nodiscard]] virtual AlertRange after(std::uint64_t seq, std::size_t limit) const = 0;
  [[nodiscard]] virtual std::uint64_t last_seq() const = 0;
  // Every retained notification of one alert (alert_key(): its fingerprint, else its id), oldest
  // first: what GET /api/v1/alerts/KEY answers. Empty when none is retained, and from a store
  // that keeps no index (the default).
  [[nodiscard]] virtual std::vector<StoredAlert> find(std::string_view alert_key) const {
    (void)alert_key;
    return {};
  }
  // Set before the first append. The memory store never delivers by itself.
  // NOLINTNEXTLINE(performance-unnecessary-value-param): by value, as the overrides keep it
  virtual void set_delivery(Delivery delivery) { (void)delivery; }
  // Why the store cannot keep its promises right now ("" when it can), for /readyz.
  [[nodiscard]] virtual std::string degraded_reason() const { return {}; }
};

class MemoryAlertStore final : public AlertStore {
 public:
  explicit MemoryAlertStore(std::size_t retention) : retention_(retention) {}
  std::optional<StoredAlert> append(Alert alert) override;
  [[nodiscard]] AlertRange after(std::uint64_t seq, std::size_t limit) const override;
  [[nodiscard]] std::uint64_t last_seq() const override;
  [[nodiscard]] std::vector<StoredAlert> find(std::string_view alert_key) const override;

 private:
  std::size_t retention_;
  mutable std::mutex mutex_;
  std::deque<StoredAlert> alerts_;
  std::deque<std::string> keys_;        // identity of each retained alert, in the same order
  std::deque<std::string> alert_keys_;  // and the alert it belongs to (alert_key), in the same order
  AlertIndex index_;
  std::unordered_set<std::string> seen_;
  std::uint64_t last_seq_ = 0;
};

}  // namespace lodestone::bus
