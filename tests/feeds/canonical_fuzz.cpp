// Any bytes on a tape line or the ingest endpoint: the parser answers with an event or an error.
#include <cstdint>
#include <string_view>

#include "lodestone/core/json_writer.hpp"
#include "lodestone/feeds/canonical.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static lodestone::feeds::CanonicalParser parser;
  auto e = parser.parse(std::string_view(reinterpret_cast<const char*>(data), size));
  if (e) {
    // What was accepted must serialize (exercises every field that was set).
    if (const auto* q = std::get_if<lodestone::Quote>(&*e)) (void)lodestone::to_json(*q, 3);
    if (const auto* h = std::get_if<lodestone::Headline>(&*e)) (void)lodestone::to_json(*h);
  }
  return 0;
}
