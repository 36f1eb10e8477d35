#include "lodestone/web/broadcast.hpp"

namespace lodestone::web {

void Broadcast::quote(const Quote& quote) {
  if (board_.update(quote)) hub_.quotes_changed();  // an older quote changes nothing
}

void Broadcast::broadcast(std::shared_ptr<const std::string> json) { hub_.broadcast(std::move(json)); }

}  // namespace lodestone::web
