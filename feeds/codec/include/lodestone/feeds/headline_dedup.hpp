#pragma once
// One story reaches Lodestone from several sources and from every poll of the same source.
// The deduper admits it once: by (source, id), and by normalized title across sources.
#include <cstddef>
#include <deque>
#include <string>
#include <unordered_map>

#include "lodestone/core/events.hpp"

namespace lodestone::feeds {

class HeadlineDeduper {
 public:
  // Remembers at most `capacity` keys (oldest forgotten first); a title seen more than
  // `title_window_ms` earlier counts as new (daily columns repeat their titles).
  explicit HeadlineDeduper(std::size_t capacity = 8192, std::int64_t title_window_ms = std::int64_t{24} * 3600 * 1000);

  // True the first time a story is seen, and for a revision (the same source and id, changed:
  // edited, withdrawn with the `retracted` tag, or correcting another); false for a repeat (which
  // is then remembered no longer than the original).
  bool admit(const Headline& h);

  [[nodiscard]] std::size_t size() const { return seen_.size(); }

 private:
  bool seen_recently(const std::string& key, std::int64_t ts_ms, std::int64_t window_ms) const;
  void remember(std::string key, std::int64_t ts_ms);

  std::size_t capacity_;
  std::int64_t title_window_ms_;
  std::unordered_map<std::string, std::int64_t> seen_;     // key -> story time
  std::deque<std::string> order_;                          // insertion order, for eviction
  std::unordered_map<std::string, std::size_t> versions_;  // id key -> the version last admitted
};

}  // namespace lodestone::feeds
