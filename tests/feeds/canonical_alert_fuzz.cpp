// Any bytes read back as a canonical alert (the notification outbox's entries, feeds/
// canonical_alert.hpp): the reader answers with an alert or an error, and what it accepts is a
// fixed point of writing and reading again: to_json(parse(to_json(a))) == to_json(a).
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "lodestone/core/json_writer.hpp"
#include "lodestone/feeds/canonical_alert.hpp"

namespace {

// core's writer puts label keys between quotes as they are (json_writer.cpp): a key that needs
// escaping does not come back, which is the writer's limit, not the reader's.
bool plain_keys(const lodestone::Alert& a) {
  for (const auto& [key, value] : a.labels)
    for (const char c : key) {
      const auto b = static_cast<unsigned char>(c);
      if (b < 0x20 || b == 0x7F || c == '"' || c == '\\') return false;
    }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto a = lodestone::feeds::parse_alert_json(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!a || !plain_keys(*a)) return 0;
  const std::string once = lodestone::to_json(*a);
  auto again = lodestone::feeds::parse_alert_json(once);
  if (!again) std::abort();                              // the reader refuses what the writer wrote
  if (lodestone::to_json(*again) != once) std::abort();  // a field changed on the way round
  return 0;
}
