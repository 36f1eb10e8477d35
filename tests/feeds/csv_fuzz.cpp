// Any bytes as a CSV tape: every line through one parser (the first is the header).
#include <cstdint>
#include <string_view>

#include "lodestone/feeds/csv_events.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace lodestone::feeds;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  CsvEventParser parser;
  while (!text.empty()) {
    const std::size_t nl = text.find('\n');
    auto e = parser.parse_row(text.substr(0, nl));
    if (e && e->has_value()) {
      if (const auto* q = std::get_if<lodestone::Quote>(&**e); q != nullptr && q->symbol.empty()) __builtin_trap();
    }
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
  }
  return 0;
}
