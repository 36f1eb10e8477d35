#pragma once
// The retained notifications of each alert, by the alert's key: what GET /api/v1/alerts/KEY and
// the page's single-alert view read without walking a history of up to 100 000 notifications.
// A store keeps it in step with its retention: add() as a notification is retained, drop() as
// it is let go. Not thread-safe: the owning store calls it under its own lock.
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "lodestone/bus/stored_alert.hpp"
#include "lodestone/core/events.hpp"

namespace lodestone::bus {

// The alert a notification belongs to: labels["fingerprint"] (every notification of one alert
// shares it: firing, updates, repeats, resolved), else the notification's own id. The same rule
// as notify::alert_key, which names the page's link and the delivery ledger's entries.
std::string alert_key(const Alert& alert);

class AlertIndex {
 public:
  // `stored` is the newest retained notification, so each alert's list stays in seq order.
  void add(const std::string& key, const StoredAlert& stored);
  // Forgets the notification `seq` of the alert `key` (the oldest the store retains).
  void drop(const std::string& key, std::uint64_t seq);
  // Every retained notification of the alert, oldest first; empty when none is retained.
  [[nodiscard]] std::vector<StoredAlert> find(std::string_view key) const;
  // How many alerts have a retained notification.
  [[nodiscard]] std::size_t size() const { return by_key_.size(); }

 private:
  // An alert has a handful of notifications (firing, a few updates and repeats, resolved): a
  // vector per key, erased from the front as retention lets the oldest go.
  std::unordered_map<std::string, std::vector<StoredAlert>> by_key_;
};

}  // namespace lodestone::bus
