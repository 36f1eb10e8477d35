// A delivery record as JSON: what the Redis ledger keeps per (notification, receiver) and what
// GET /api/v1/alerts/ID/deliveries answers with. Written with core's string escaping, read with
// simdjson On Demand.
#include <simdjson.h>

#include <string>

#include "lodestone/core/json_writer.hpp"
#include "lodestone/notify/ledger.hpp"

namespace lodestone::notify {
namespace {

namespace od = simdjson::ondemand;

void key(std::string& out, std::string_view name) {
  if (out.back() != '{') out.push_back(',');
  out.push_back('"');
  out += name;
  out += "\":";
}

void text(std::string& out, std::string_view name, std::string_view value) {
  key(out, name);
  append_json_string(out, value);
}

void number(std::string& out, std::string_view name, std::int64_t value) {
  key(out, name);
  out += std::to_string(value);
}

Error field_error(std::string_view field, std::string_view why) {
  return make_error(ErrorCode::bad_field, "delivery record field '" + std::string(field) + "': " + std::string(why));
}

Result<std::string_view> read_text(od::value& v, std::string_view field) {
  std::string_view s;
  if (v.get_string().get(s)) return field_error(field, "expected a string");
  return s;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
    s.remove_suffix(1);
  return s;
}

struct Required {
  bool id = false;
  bool alert = false;
  bool receiver = false;
  bool kind = false;
  bool state = false;
};

Status read_field(std::string_view name, od::value& v, DeliveryRecord& r, Required& seen) {
  std::string* slot = name == "id"             ? &r.id
                      : name == "alert"        ? &r.alert_key
                      : name == "notification" ? &r.notification
                      : name == "receiver"     ? &r.receiver
                      : name == "detail"       ? &r.detail
                      : name == "message_ref"  ? &r.message_ref
                      : name == "instance"     ? &r.instance
                                               : nullptr;
  if (slot != nullptr) {
    auto s = read_text(v, name);
    if (!s) return s.error();
    *slot = std::string(*s);
    seen.id |= name == "id";
    seen.alert |= name == "alert";
    seen.receiver |= name == "receiver";
  } else if (name == "kind") {
    auto s = read_text(v, name);
    if (!s) return s.error();
    auto kind = parse_receiver_kind(*s);
    if (!kind) return field_error(name, kind.error().message);
    r.kind = *kind;
    seen.kind = true;
  } else if (name == "state") {
    auto s = read_text(v, name);
    if (!s) return s.error();
    auto state = parse_delivery_state(*s);
    if (!state) return field_error(name, state.error().message);
    r.state = *state;
    seen.state = true;
  } else if (name == "attempts") {
    std::uint64_t n = 0;
    if (v.get_uint64().get(n) || n > UINT32_MAX) return field_error(name, "expected a count");
    r.attempts = static_cast<std::uint32_t>(n);
  } else if (name == "enqueued_at" || name == "updated_at") {
    std::int64_t ms = 0;
    if (v.get_int64().get(ms)) return field_error(name, "expected milliseconds since the epoch");
    (name == "enqueued_at" ? r.enqueued_at : r.updated_at) = Timestamp{ms};
  } else if (name == "digest") {
    if (v.get_bool().get(r.digest)) return field_error(name, "expected true or false");
  }
  return {};
}

}  // namespace

std::string to_json(const DeliveryRecord& r) {
  std::string out;
  out.reserve(256 + r.detail.size());
  out.push_back('{');
  text(out, "id", r.id);
  text(out, "alert", r.alert_key);
  text(out, "notification", r.notification);
  text(out, "receiver", r.receiver);
  text(out, "kind", to_string(r.kind));
  text(out, "state", to_string(r.state));
  number(out, "attempts", r.attempts);
  number(out, "enqueued_at", r.enqueued_at.ms);
  number(out, "updated_at", r.updated_at.ms);
  text(out, "detail", r.detail);
  key(out, "digest");
  out += r.digest ? "true" : "false";
  text(out, "message_ref", r.message_ref);
  text(out, "instance", r.instance);
  out.push_back('}');
  return out;
}

Result<DeliveryRecord> delivery_from_json(std::string_view json) {
  json = trim(json);
  if (json.empty()) return make_error(ErrorCode::bad_event, "delivery record: empty");
  thread_local od::parser parser;  // kept: its buffers grow once
  simdjson::padded_string padded(json);
  od::document doc;
  if (const auto e = parser.iterate(padded).get(doc); e) {
    if (e == simdjson::UTF8_ERROR) return make_error(ErrorCode::bad_encoding, "delivery record: not valid UTF-8");
    return make_error(ErrorCode::bad_json, "delivery record: not JSON");
  }
  od::object obj;
  if (const auto e = doc.get_object().get(obj); e) {
    if (e == simdjson::INCORRECT_TYPE) return make_error(ErrorCode::bad_event, "delivery record: not an object");
    return make_error(ErrorCode::bad_json, "delivery record: not JSON");
  }
  DeliveryRecord r;
  Required seen;
  for (auto field_or : obj) {
    od::field field;
    std::string_view name;
    if (std::move(field_or).get(field) || field.unescaped_key().get(name))
      return make_error(ErrorCode::bad_json, "delivery record: unreadable key");
    od::value v = field.value();
    bool null = false;
    if (!v.is_null().get(null) && null) continue;
    if (auto st = read_field(name, v, r, seen); !st) return st.error();
  }
  const char* rest = nullptr;
  if (!doc.current_location().get(rest)) return make_error(ErrorCode::bad_json, "delivery record: trailing content");
  auto missing = [](std::string_view field) {
    return make_error(ErrorCode::missing_field, "delivery record field '" + std::string(field) + "': missing");
  };
  if (!seen.id) return missing("id");
  if (!seen.alert) return missing("alert");
  if (!seen.receiver) return missing("receiver");
  if (!seen.kind) return missing("kind");
  if (!seen.state) return missing("state");
  return r;
}

}  // namespace lodestone::notify
