#include "lodestone/feeds/headline_dedup.hpp"

#include <algorithm>
#include <functional>

#include "lodestone/feeds/text_clean.hpp"

namespace lodestone::feeds {

HeadlineDeduper::HeadlineDeduper(std::size_t capacity, std::int64_t title_window_ms)
    : capacity_(capacity < 2 ? 2 : capacity), title_window_ms_(title_window_ms) {}

bool HeadlineDeduper::seen_recently(const std::string& key, std::int64_t ts_ms, std::int64_t window_ms) const {
  const auto it = seen_.find(key);
  if (it == seen_.end()) return false;
  const std::int64_t gap = ts_ms > it->second ? ts_ms - it->second : it->second - ts_ms;
  return gap <= window_ms;
}

void HeadlineDeduper::remember(std::string key, std::int64_t ts_ms) {
  auto [it, inserted] = seen_.try_emplace(key, ts_ms);
  if (!inserted) {
    it->second = ts_ms;
    return;
  }
  order_.push_back(std::move(key));
  while (order_.size() > capacity_) {
    seen_.erase(order_.front());
    versions_.erase(order_.front());
    order_.pop_front();
  }
}

namespace {

// What tells one version of a story from the next: the source edited it (title, body, link,
// time) or withdrew or corrected something. Tags the rules add later are not the source's.
std::size_t version_of(const Headline& h) {
  std::string v = h.title;
  for (const auto* part : {&h.body, &h.url, &h.corrects}) {
    v.push_back('\x1f');
    v += *part;
  }
  v += '\x1f' + std::to_string(h.ts.ms) + (h.retracts ? "\x1fR" : "") +
       (std::find(h.tags.begin(), h.tags.end(), "retracted") != h.tags.end() ? "\x1fW" : "");
  return std::hash<std::string>{}(v);
}

}  // namespace

bool HeadlineDeduper::admit(const Headline& h) {
  // An id is unique for good within its source; a title only within the window. The same id
  // changed is a revision (edited or withdrawn at the source) and goes through: the bus and the
  // rules know what to make of it.
  std::string id_key = "i\x1f" + h.source + "\x1f" + h.id;
  const std::size_t version = version_of(h);
  if (!h.id.empty()) {
    if (auto it = versions_.find(id_key); it != versions_.end() && seen_.count(id_key) > 0) {
      if (it->second == version) return false;
      it->second = version;
      return true;
    }
  }
  const std::string title = normalize_title(h.title);
  std::string title_key = "t\x1f" + title;
  const bool by_title = !title.empty() && seen_recently(title_key, h.ts.ms, title_window_ms_);
  if (by_title) return false;
  if (!h.id.empty()) {
    versions_[id_key] = version;
    remember(std::move(id_key), h.ts.ms);
  }
  if (!title.empty()) remember(std::move(title_key), h.ts.ms);
  return true;
}

}  // namespace lodestone::feeds
