#include "lodestone/bus/alert_store.hpp"

#include <algorithm>

#include "lodestone/core/json_writer.hpp"

namespace lodestone::bus {

std::optional<StoredAlert> MemoryAlertStore::append(Alert alert) {
  std::string key = alert.id + "|" + std::string(to_string(alert.state));
  std::lock_guard lock(mutex_);
  if (seen_.contains(key)) return std::nullopt;
  alert.seq = ++last_seq_;
  StoredAlert stored{alert.seq, std::make_shared<const std::string>(to_json(alert))};
  alerts_.push_back(stored);
  keys_.push_back(key);
  seen_.insert(std::move(key));
  alert_keys_.push_back(alert_key(alert));
  index_.add(alert_keys_.back(), stored);
  while (alerts_.size() > retention_) {
    seen_.erase(keys_.front());
    keys_.pop_front();
    index_.drop(alert_keys_.front(), alerts_.front().seq);
    alert_keys_.pop_front();
    alerts_.pop_front();
  }
  return stored;
}

AlertRange MemoryAlertStore::after(std::uint64_t seq, std::size_t limit) const {
  AlertRange range;
  std::lock_guard lock(mutex_);
  if (!alerts_.empty() && alerts_.front().seq > seq + 1) range.gap = true;
  range.newest = last_seq_;
  auto it = std::upper_bound(alerts_.begin(), alerts_.end(), seq,
                             [](std::uint64_t s, const StoredAlert& a) { return s < a.seq; });
  for (; it != alerts_.end() && range.alerts.size() < limit; ++it) {
    range.alerts.push_back(it->json);
    range.last_seq = it->seq;
  }
  return range;
}

std::vector<StoredAlert> MemoryAlertStore::find(std::string_view alert_key) const {
  std::lock_guard lock(mutex_);
  return index_.find(alert_key);
}

std::uint64_t MemoryAlertStore::last_seq() const {
  std::lock_guard lock(mutex_);
  return last_seq_;
}

}  // namespace lodestone::bus
