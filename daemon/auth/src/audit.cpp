#include "lodestone/auth/audit.hpp"

#include <simdjson.h>

#include "lodestone/core/json_writer.hpp"

namespace lodestone::auth {
namespace {

std::string bounded(std::string_view s, std::size_t max) {
  if (s.size() <= max) return std::string(s);
  std::size_t cut = max;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;  // not inside a UTF-8 character
  return std::string(s.substr(0, cut)) + "…";
}

void field(std::string& out, std::string_view name, std::string_view value, std::size_t max = 200) {
  out += ",\"";
  out += name;
  out += "\":";
  append_json_string(out, bounded(value, max));
}

}  // namespace

std::string_view to_string(AuditResult r) {
  switch (r) {
    case AuditResult::ok:
      return "ok";
    case AuditResult::denied:
      return "denied";
    case AuditResult::failed:
      return "failed";
  }
  return "failed";
}

AuditResult audit_result_of(unsigned status) {
  if (status >= 200 && status < 300) return AuditResult::ok;
  if (status == 401 || status == 403 || status == 421 || status == 429) return AuditResult::denied;
  return AuditResult::failed;
}

std::string to_json(const AuditEntry& e) {
  std::string out = R"({"at":)";
  append_json_string(out, format_timestamp(e.at));
  out += R"(,"user":)";
  if (e.user) {
    append_json_string(out, bounded(*e.user, 200));
  } else {
    out += "null";
  }
  field(out, "role", e.role);
  field(out, "action", e.action);
  field(out, "target", e.target);
  field(out, "address", e.address);
  field(out, "result", to_string(e.result));
  out += R"(,"status":)" + std::to_string(e.status);
  field(out, "detail", e.detail, 500);
  out.push_back('}');
  return out;
}

Result<AuditEntry> parse_audit_json(std::string_view json) {
  namespace od = simdjson::ondemand;
  simdjson::padded_string padded(json);
  od::parser parser;
  od::document doc;
  od::object obj;
  if (parser.iterate(padded).get(doc) || doc.get_object().get(obj))
    return make_error(ErrorCode::bad_json, "not an audit entry");
  AuditEntry e;
  for (auto f : obj) {
    std::string_view key;
    if (f.unescaped_key().get(key)) return make_error(ErrorCode::bad_json, "bad key");
    auto value = f.value();
    if (key == "status") {
      std::uint64_t n = 0;
      if (value.get_uint64().get(n) || n > 999) return make_error(ErrorCode::bad_json, "status: not a status code");
      e.status = static_cast<unsigned>(n);
      continue;
    }
    if (key == "user") {
      bool is_null = false;
      if (value.is_null().get(is_null)) return make_error(ErrorCode::bad_json, "user: not a string or null");
      if (is_null) continue;
    }
    std::string_view s;
    if (value.get_string().get(s)) return make_error(ErrorCode::bad_json, std::string(key) + ": not a string");
    if (key == "at") {
      auto ts = parse_timestamp(s);
      if (!ts) return make_error(ErrorCode::bad_json, "at: " + ts.error().message);
      e.at = *ts;
    } else if (key == "user") {
      e.user = std::string(s);
    } else if (key == "role") {
      e.role = std::string(s);
    } else if (key == "action") {
      e.action = std::string(s);
    } else if (key == "target") {
      e.target = std::string(s);
    } else if (key == "address") {
      e.address = std::string(s);
    } else if (key == "detail") {
      e.detail = std::string(s);
    } else if (key == "result") {
      if (s == "ok") {
        e.result = AuditResult::ok;
      } else if (s == "denied") {
        e.result = AuditResult::denied;
      } else if (s == "failed") {
        e.result = AuditResult::failed;
      } else {
        return make_error(ErrorCode::bad_json, "result: not ok, denied or failed");
      }
    }
  }
  return e;
}

}  // namespace lodestone::auth
