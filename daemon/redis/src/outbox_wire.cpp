// Outbox entries to stream fields and back, and the consumer group's replies read into items.
#include "outbox_wire.hpp"

#include <charconv>

namespace lodestone::redis::outbox_wire {
namespace {

using T = Reply::Type;

Error shape(std::string_view what) { return make_error(ErrorCode::bad_field, "outbox: " + std::string(what)); }

}  // namespace

Result<std::vector<Item>> parse_items(const Reply& entries) {
  std::vector<Item> out;
  if (entries.type == T::Nil) return out;
  if (entries.type != T::Array) return shape("expected an array of stream entries");
  out.reserve(entries.elements.size());
  for (const auto& e : entries.elements) {
    if (e.type != T::Array || e.elements.size() != 2 || e.elements[0].type != T::String)
      return shape("a stream entry is not [id, fields]");
    Item item;
    item.id = e.elements[0].str;
    const auto& kv = e.elements[1];
    if (kv.type == T::Nil) {
      item.deleted = true;
    } else if (kv.type != T::Array || kv.elements.size() % 2 != 0) {
      return shape("a stream entry's fields are not [field, value, ...]");
    } else {
      for (std::size_t i = 0; i + 1 < kv.elements.size(); i += 2)
        item.fields.insert_or_assign(kv.elements[i].str, kv.elements[i + 1].str);
    }
    out.push_back(std::move(item));
  }
  return out;
}

namespace {

template <class N>
bool read_number(const std::string& text, N& out) {
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, out);
  return ec == std::errc{} && ptr == end && !text.empty();
}

}  // namespace

std::vector<std::string> enqueue_args(const notify::OutboxEntry& e) {
  const auto pending = notify::pending_record(e);
  return {e.id,
          e.receiver,
          std::to_string(e.route),
          e.alert_json,
          std::to_string(e.enqueued_at.ms),
          e.alert_key,
          e.notification,
          std::string(notify::to_string(e.kind)),
          notify::ledger_slot(pending),
          notify::to_json(pending)};
}

Result<std::vector<Item>> parse_group_read(const Reply& reply, std::string_view stream) {
  if (reply.type == T::Nil) return std::vector<Item>{};
  if (reply.type != T::Array) return shape("XREADGROUP: expected an array of streams");
  for (const auto& s : reply.elements) {
    if (s.type != T::Array || s.elements.size() != 2 || s.elements[0].type != T::String)
      return shape("XREADGROUP: a stream is not [name, entries]");
    if (s.elements[0].str == stream) return parse_items(s.elements[1]);
  }
  return std::vector<Item>{};
}

Result<Takeover> parse_autoclaim(const Reply& reply) {
  if (reply.type != T::Array || reply.elements.size() < 2 || reply.elements[0].type != T::String)
    return shape("XAUTOCLAIM: expected [cursor, entries, deleted]");
  Takeover out;
  out.cursor = reply.elements[0].str;
  auto items = parse_items(reply.elements[1]);
  if (!items) return items.error();
  out.items = std::move(*items);
  if (reply.elements.size() > 2) {  // Redis 7; 6.2 reports them as entries with nil fields
    for (const auto& id : reply.elements[2].elements) out.deleted.push_back(id.str);
  }
  return out;
}

Result<notify::OutboxEntry> to_entry(const Item& item) {
  auto field = [&](std::string_view name) -> const std::string* {
    auto it = item.fields.find(name);
    return it == item.fields.end() ? nullptr : &it->second;
  };
  notify::OutboxEntry e;
  e.stream_id = item.id;
  const std::string* id = field("id");
  const std::string* receiver = field("receiver");
  const std::string* alert = field("alert");
  if (id == nullptr || id->empty() || receiver == nullptr || alert == nullptr)
    return shape("entry " + item.id + " lacks its id, receiver or alert");
  e.id = *id;
  e.receiver = *receiver;
  e.alert_json = *alert;
  if (const auto* route = field("route"); route == nullptr || !read_number(*route, e.route))
    return shape("entry " + item.id + ": unreadable route");
  if (const auto* at = field("enqueued_at"); at == nullptr || !read_number(*at, e.enqueued_at.ms))
    return shape("entry " + item.id + ": unreadable enqueued_at");
  if (const auto* key = field("key")) e.alert_key = *key;
  if (const auto* notification = field("notification")) e.notification = *notification;
  if (const auto* kind = field("kind")) {
    auto k = notify::parse_receiver_kind(*kind);
    if (!k) return shape("entry " + item.id + ": " + k.error().message);
    e.kind = *k;
  }
  return e;
}

}  // namespace lodestone::redis::outbox_wire
