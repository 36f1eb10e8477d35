#include "lodestone/app/alert_store.hpp"

#include <algorithm>

#include "lodestone/core/json_writer.hpp"

namespace lodestone::app {

std::optional<StoredAlert> MemoryAlertStore::append(Alert alert) {
  std::string key = alert.id + "|" + std::string(to_string(alert.state));
  std::lock_guard lock(mutex_);
  if (seen_.contains(key)) return std::nullopt;
  alert.seq = ++last_seq_;
  StoredAlert stored{alert.seq, std::make_shared<const std::string>(to_json(alert))};
  alerts_.push_back(stored);
  keys_.push_back(key);
  seen_.insert(std::move(key));
  while (alerts_.size() > retention_) {
    seen_.erase(keys_.front());
    keys_.pop_front();
    alerts_.pop_front();
  }
  return stored;
}

web::AlertRange MemoryAlertStore::after(std::uint64_t seq, std::size_t limit) const {
  web::AlertRange range;
  std::lock_guard lock(mutex_);
  if (!alerts_.empty() && alerts_.front().seq > seq + 1) range.gap = true;
  auto it = std::upper_bound(alerts_.begin(), alerts_.end(), seq,
                             [](std::uint64_t s, const StoredAlert& a) { return s < a.seq; });
  for (; it != alerts_.end() && range.alerts.size() < limit; ++it) {
    range.alerts.push_back(it->json);
    range.last_seq = it->seq;
  }
  return range;
}

std::uint64_t MemoryAlertStore::last_seq() const {
  std::lock_guard lock(mutex_);
  return last_seq_;
}

std::shared_ptr<const std::string> NewsLog::append(const Headline& h) {
  std::string body = to_json(h);
  std::lock_guard lock(mutex_);
  if (!ids_.insert(h.id).second) return nullptr;
  // {"type":"news",... -> {"type":"news","seq":N,...
  constexpr std::string_view kHead = R"({"type":"news",)";
  body.insert(kHead.size(), R"("seq":)" + std::to_string(++last_seq_) + ",");
  auto json = std::make_shared<const std::string>(std::move(body));
  items_.emplace_back(h.id, json);
  while (items_.size() > retention_) {
    ids_.erase(items_.front().first);
    items_.pop_front();
  }
  return json;
}

bool NewsLog::contains(const std::string& id) const {
  std::lock_guard lock(mutex_);
  return ids_.contains(id);
}

std::string NewsLog::json(std::size_t limit) const {
  std::string out = R"({"news":[)";
  std::lock_guard lock(mutex_);
  std::size_t n = 0;
  for (auto it = items_.rbegin(); it != items_.rend() && n < limit; ++it, ++n) {
    if (n) out.push_back(',');
    out += *it->second;
  }
  out += "]}";
  return out;
}

}  // namespace lodestone::app
