#include "lodestone/feeds/headline_dedup.hpp"

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
    order_.pop_front();
  }
}

bool HeadlineDeduper::admit(const Headline& h) {
  // An id is unique for good within its source; a title only within the window.
  std::string id_key = "i\x1f" + h.source + "\x1f" + h.id;
  const std::string title = normalize_title(h.title);
  std::string title_key = "t\x1f" + title;
  const bool by_id = !h.id.empty() && seen_.count(id_key) > 0;
  const bool by_title = !title.empty() && seen_recently(title_key, h.ts.ms, title_window_ms_);
  if (by_id || by_title) return false;
  if (!h.id.empty()) remember(std::move(id_key), h.ts.ms);
  if (!title.empty()) remember(std::move(title_key), h.ts.ms);
  return true;
}

}  // namespace lodestone::feeds
