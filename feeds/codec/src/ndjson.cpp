#include "lodestone/feeds/ndjson.hpp"

namespace lodestone::feeds {

NdjsonCounts walk_ndjson(std::string_view body, CanonicalParser& parser, const NdjsonCallbacks& callbacks) {
  NdjsonCounts counts;
  NdjsonLine line;
  while (!body.empty()) {
    const std::size_t nl = body.find('\n');
    line.text = body.substr(0, nl);
    body = nl == std::string_view::npos ? std::string_view() : body.substr(nl + 1);
    ++line.number;
    if (line.text.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    auto event = parser.parse(line.text);
    if (event) {
      ++counts.events;
      if (callbacks.on_event) callbacks.on_event(*event, line);
    } else {
      ++counts.errors;
      if (callbacks.on_error) callbacks.on_error(event.error(), line);
    }
  }
  return counts;
}

std::string line_message(std::size_t line, std::string_view message) {
  return "line " + std::to_string(line) + ": " + std::string(message);
}

}  // namespace lodestone::feeds
