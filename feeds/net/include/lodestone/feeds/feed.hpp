#pragma once
// A running feed: something that connects to a source, turns what it sends into canonical
// events and hands them to the bus. Every feed runs on its own strand, so one slow or broken
// source never blocks another.
#include <functional>
#include <memory>
#include <mutex>

#include "lodestone/core/clock.hpp"
#include "lodestone/core/events.hpp"
#include "lodestone/core/instrument.hpp"
#include "lodestone/feeds/headline_dedup.hpp"
#include "lodestone/feeds/symbol_mentions.hpp"

namespace lodestone::feeds {

class Feed {
 public:
  virtual ~Feed() = default;
  virtual void start() = 0;
  // Cancels timers and closes connections; the feed delivers nothing after its strand runs this.
  virtual void stop() = 0;
};

// Headlines from every news feed pass one desk: dedup across sources, symbols attached.
// Thread-safe (feeds run on different strands).
class NewsDesk {
 public:
  explicit NewsDesk(const InstrumentRegistry& registry, std::size_t dedup_capacity = 8192)
      : mentions_(registry), dedup_(dedup_capacity) {}
  // False for a story already seen; otherwise attaches the instruments it names.
  bool accept(Headline& h) {
    {
      std::lock_guard lock(mutex_);
      if (!dedup_.admit(h)) return false;
    }
    mentions_.attach(h);
    return true;
  }

 private:
  SymbolMentions mentions_;
  std::mutex mutex_;
  HeadlineDeduper dedup_;
};

// What a feed uses beyond its own configuration. All optional.
struct FeedContext {
  const InstrumentRegistry* registry = nullptr;  // limit bands for the sanity checks
  std::shared_ptr<NewsDesk> news;                // shared by the news feeds; a private deduper otherwise
  // Every "now" the feed reads: wall time for staleness and the sanity checks, monotonic time for
  // the poll cadence and the log gate. Tests pass a ManualClock; the system clock by default.
  std::reference_wrapper<const Clock> clock = system_clock();
};

}  // namespace lodestone::feeds
