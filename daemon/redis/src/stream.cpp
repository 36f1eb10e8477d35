#include "lodestone/redis/stream.hpp"

namespace lodestone::redis {

const std::string* StreamEntry::field(std::string_view name) const {
  const auto it = fields.find(name);
  return it == fields.end() ? nullptr : &it->second;
}

Result<std::vector<StreamEntry>> parse_stream_entries(const Reply& reply) {
  using T = Reply::Type;
  std::vector<StreamEntry> out;
  if (reply.type == T::Nil) return out;
  if (reply.type != T::Array) return make_error(ErrorCode::bad_field, "stream reply: expected an array of entries");
  out.reserve(reply.elements.size());
  for (const auto& e : reply.elements) {
    if (e.type != T::Array || e.elements.size() != 2 || e.elements[0].type != T::String ||
        e.elements[1].type != T::Array || e.elements[1].elements.size() % 2 != 0)
      return make_error(ErrorCode::bad_field, "stream reply: an entry is not [id, [field, value, ...]]");
    StreamEntry entry;
    entry.id = e.elements[0].str;
    const auto& kv = e.elements[1].elements;
    for (std::size_t i = 0; i + 1 < kv.size(); i += 2) entry.fields.emplace(kv[i].str, kv[i + 1].str);
    out.push_back(std::move(entry));
  }
  return out;
}

Result<std::vector<StreamEntry>> parse_xread(const Reply& reply, std::string_view stream) {
  using T = Reply::Type;
  if (reply.type == T::Nil) return std::vector<StreamEntry>{};
  if (reply.type != T::Array) return make_error(ErrorCode::bad_field, "XREAD reply: expected an array of streams");
  for (const auto& s : reply.elements) {
    if (s.type != T::Array || s.elements.size() != 2 || s.elements[0].type != T::String)
      return make_error(ErrorCode::bad_field, "XREAD reply: a stream is not [name, entries]");
    if (s.elements[0].str == stream) return parse_stream_entries(s.elements[1]);
  }
  return std::vector<StreamEntry>{};
}

}  // namespace lodestone::redis
