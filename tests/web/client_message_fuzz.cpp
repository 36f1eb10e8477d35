// Whatever a browser (or anyone) sends over the WebSocket: a message or an error, nothing else.
#include <cstdint>
#include <string_view>

#include "lodestone/web/client_message.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto m = lodestone::web::parse_client_message(std::string_view(reinterpret_cast<const char*>(data), size));
  if (m) {
    if (const auto* sub = std::get_if<lodestone::web::Subscribe>(&*m))
      for (const auto& s : sub->symbols) (void)s.str();
  }
  return 0;
}
