#include "lodestone/bus/news_log.hpp"

#include <functional>
#include <string_view>

#include "lodestone/core/json_writer.hpp"

namespace lodestone::bus {
namespace {

// The fields same_version compares (lodestone/core/events.hpp), as one digest: the log keeps
// this instead of a second copy of every headline. std::hash is enough, as the digest never
// leaves the process.
std::size_t version_of(const Headline& h) {
  std::string v;
  v.reserve(h.title.size() + h.body.size() + h.url.size() + h.corrects.size() + 40);
  for (std::string_view part :
       {std::string_view(h.title), std::string_view(h.body), std::string_view(h.url), std::string_view(h.corrects)}) {
    v += part;
    v.push_back('\x1f');
  }
  v += std::to_string(h.ts.ms);
  v.push_back(is_retracted(h) ? 'R' : '-');
  v.push_back(h.retracts ? 'W' : '-');
  return std::hash<std::string>{}(v);
}

}  // namespace

std::string NewsLog::key(const Headline& h) { return h.source + "/" + h.id; }

NewsLog::Item* NewsLog::find(const std::string& key) {
  const auto it = where_.find(key);
  return it == where_.end() ? nullptr : &items_[it->second - first_];
}

const NewsLog::Item* NewsLog::find(const std::string& key) const {
  const auto it = where_.find(key);
  return it == where_.end() ? nullptr : &items_[it->second - first_];
}

NewsLog::Arrival NewsLog::arrival(const Headline& h) const {
  const std::string k = key(h);
  const std::size_t version = version_of(h);
  std::lock_guard lock(mutex_);
  const Item* item = find(k);
  if (!item) return Arrival::New;
  return item->version == version ? Arrival::Repeat : Arrival::Revision;
}

std::shared_ptr<const std::string> NewsLog::numbered(std::string body) {
  // {"type":"news",... -> {"type":"news","seq":N,...
  constexpr std::string_view kHead = R"({"type":"news",)";
  body.insert(kHead.size(), R"("seq":)" + std::to_string(++last_seq_) + ",");
  return std::make_shared<const std::string>(std::move(body));
}

std::shared_ptr<const std::string> NewsLog::append(const Headline& h) {
  std::string k = key(h);
  const std::size_t version = version_of(h);
  std::lock_guard lock(mutex_);
  if (Item* item = find(k)) {
    if (item->version == version) return nullptr;
    Headline revised = h;
    revised.revision = ++item->revision;
    item->version = version;
    item->json = numbered(to_json(revised));
    return item->json;
  }
  auto json = numbered(to_json(h));
  where_.emplace(k, first_ + items_.size());
  ++ids_[h.id];
  items_.push_back(Item{std::move(k), h.id, version, 0, json});
  while (items_.size() > retention_) {
    const Item& oldest = items_.front();
    where_.erase(oldest.key);
    if (auto it = ids_.find(oldest.id); it != ids_.end() && --it->second == 0) ids_.erase(it);
    items_.pop_front();
    ++first_;
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
    out += *it->json;
  }
  out += "]}";
  return out;
}

}  // namespace lodestone::bus
