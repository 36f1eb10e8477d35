#pragma once
// Reading Redis Stream replies (XRANGE, XREVRANGE, XREAD) into plain entries.
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "lodestone/core/result.hpp"
#include "lodestone/redis/reply.hpp"

namespace lodestone::redis {

struct StreamEntry {
  std::string id;  // "<ms>-<n>"
  std::map<std::string, std::string, std::less<>> fields;
  [[nodiscard]] const std::string* field(std::string_view name) const;
};

// An XRANGE / XREVRANGE reply: entries in the order Redis sent them.
Result<std::vector<StreamEntry>> parse_stream_entries(const Reply& reply);
// An XREAD reply for several streams: the entries of `stream` (none when the read timed out).
Result<std::vector<StreamEntry>> parse_xread(const Reply& reply, std::string_view stream);

}  // namespace lodestone::redis
