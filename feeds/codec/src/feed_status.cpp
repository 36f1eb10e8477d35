#include "lodestone/feeds/feed_status.hpp"

namespace lodestone::feeds {

std::string_view to_string(FeedState s) {
  switch (s) {
    case FeedState::Connecting:
      return "connecting";
    case FeedState::Live:
      return "live";
    case FeedState::Stale:
      return "stale";
    case FeedState::Down:
      return "down";
    case FeedState::Finished:
      return "finished";
  }
  return "?";
}

}  // namespace lodestone::feeds
