#include "lodestone/web/broadcast.hpp"

#include <span>
#include <vector>

#include "shared_frame.hpp"

namespace lodestone::web {

void Broadcast::quote(const Quote& quote) {
  if (board_.update(quote)) hub_.quotes_changed();  // an older quote changes nothing
}

void Broadcast::broadcast(std::shared_ptr<const std::string> json) { hub_.broadcast(json); }

void Broadcast::broadcast(const std::vector<std::shared_ptr<const std::string>>& jsons) {
  std::vector<SharedFrame> frames;
  frames.reserve(jsons.size());
  for (const auto& json : jsons) frames.push_back(SharedFrame::framed(*json));
  hub_.broadcast(std::span<const SharedFrame>(frames));
}

}  // namespace lodestone::web
