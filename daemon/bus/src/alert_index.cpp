#include "lodestone/bus/alert_index.hpp"

#include <algorithm>

namespace lodestone::bus {

std::string alert_key(const Alert& alert) {
  if (auto it = alert.labels.find("fingerprint"); it != alert.labels.end() && !it->second.empty()) return it->second;
  return alert.id;
}

void AlertIndex::add(const std::string& key, const StoredAlert& stored) { by_key_[key].push_back(stored); }

void AlertIndex::drop(const std::string& key, std::uint64_t seq) {
  auto it = by_key_.find(key);
  if (it == by_key_.end()) return;
  auto& list = it->second;
  // The oldest retained notification of the store is the oldest of its alert: the front.
  const auto pos = std::find_if(list.begin(), list.end(), [seq](const StoredAlert& a) { return a.seq == seq; });
  if (pos != list.end()) list.erase(pos);
  if (list.empty()) by_key_.erase(it);
}

std::vector<StoredAlert> AlertIndex::find(std::string_view key) const {
  auto it = by_key_.find(std::string(key));
  if (it == by_key_.end()) return {};
  return it->second;
}

}  // namespace lodestone::bus
