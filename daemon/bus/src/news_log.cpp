#include "lodestone/bus/news_log.hpp"

#include "lodestone/core/json_writer.hpp"

namespace lodestone::bus {

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

}  // namespace lodestone::bus
