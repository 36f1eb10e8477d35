#include "rules_endpoints.hpp"

#include <simdjson.h>

#include "lodestone/core/json_writer.hpp"
#include "lodestone/rules/parser.hpp"
#include "lodestone/web/url.hpp"

namespace lodestone::web {
namespace {

namespace od = simdjson::ondemand;

HttpAnswer json_error(unsigned status, std::string_view message) {
  std::string body = R"({"error":)";
  append_json_string(body, message);
  body.push_back('}');
  return {status, std::move(body)};
}

HttpAnswer error_answer(const Error& e) { return json_error(static_cast<unsigned>(http_status(e.code)), e.message); }

// "alert_id":…,"by":…,"comment":…,"ts":… — one form for the ack message and GET /api/v1/acks.
void append_ack_fields(std::string& out, const Acknowledgement& a) {
  out += R"("alert_id":)";
  append_json_string(out, a.alert_id);
  out += R"(,"by":)";
  append_json_string(out, a.by);
  out += R"(,"comment":)";
  append_json_string(out, a.comment);
  out += R"(,"ts":)";
  append_json_string(out, format_timestamp(a.at));
}

void append_counters(std::string& out, const rules::RuleCounters& c) {
  out += R"({"fired":)" + std::to_string(c.fired) + R"(,"notified":)" + std::to_string(c.notified) + R"(,"updated":)" +
         std::to_string(c.updated) + R"(,"repeated":)" + std::to_string(c.repeated) + R"(,"resolved":)" +
         std::to_string(c.resolved) + R"(,"silenced":)" + std::to_string(c.silenced) + R"(,"inhibited":)" +
         std::to_string(c.inhibited) + R"(,"grouped":)" + std::to_string(c.grouped) + R"(,"cooldown":)" +
         std::to_string(c.cooldown) + "}";
}

HttpAnswer rules_json(const RulesSummary& s) {
  std::string out = R"({"file":)";
  append_json_string(out, s.file);
  out += R"(,"loaded_at":)";
  append_json_string(out, format_timestamp(s.loaded_at));
  out += R"(,"rules":[)";
  for (std::size_t i = 0; i < s.rules.size(); ++i) {
    const auto& r = s.rules[i];
    if (i) out.push_back(',');
    out += R"({"name":)";
    append_json_string(out, r.name);
    out += R"(,"severity":")" + std::string(to_string(r.severity)) + R"(","counters":)";
    append_counters(out, r.counters);
    out.push_back('}');
  }
  out += "]}";
  return {200, std::move(out)};
}

HttpAnswer silences_json(const std::vector<rules::Silence>& silences, Timestamp now) {
  std::string out = R"({"silences":[)";
  bool first = true;
  for (const auto& s : silences) {
    if (!first) out.push_back(',');
    first = false;
    out += R"({"id":)";
    append_json_string(out, s.id);
    out += R"(,"matchers":[)";
    for (std::size_t i = 0; i < s.matchers.size(); ++i) {
      if (i) out.push_back(',');
      append_json_string(out, s.matchers[i].str());
    }
    out += R"(],"starts_at":)";
    append_json_string(out, format_timestamp(s.starts_at));
    out += R"(,"ends_at":)";
    append_json_string(out, format_timestamp(s.ends_at));
    out += R"(,"created_by":)";
    append_json_string(out, s.created_by);
    out += R"(,"comment":)";
    append_json_string(out, s.comment);
    out += R"(,"active":)";
    out += s.active(now) ? "true" : "false";
    out.push_back('}');
  }
  out += "]}";
  return {200, std::move(out)};
}

// Walks a JSON object body, field by field; `expected` says what the body should have been.
template <class OnField>
Status each_field(std::string_view body, std::string_view expected, OnField&& on_field) {
  simdjson::padded_string padded(body);
  od::parser parser;
  od::document doc;
  od::object obj;
  if (parser.iterate(padded).get(doc) || doc.get_object().get(obj))
    return make_error(ErrorCode::bad_request, std::string(expected));
  for (auto field : obj) {
    std::string_view key;
    if (field.unescaped_key().get(key)) return make_error(ErrorCode::bad_request, "bad key");
    if (auto st = on_field(key, field.value()); !st) return st;
  }
  return {};
}

Error not_a_string(std::string_view key) {
  return make_error(ErrorCode::bad_request, std::string(key) + ": expected a string");
}

// {"matchers":[…],"created_by":…,"comment":…,"ends_at"|"duration":…[,"starts_at":…]}
Result<rules::Silence> read_silence(std::string_view body, Timestamp now) {
  rules::Silence silence;
  silence.starts_at = now;
  auto st = each_field(
      body, "expected a JSON object with matchers, created_by, comment and ends_at or duration",
      [&](std::string_view key, od::value value) -> Status {
        std::string_view s;
        if (key == "matchers") {
          od::array arr;
          if (value.get_array().get(arr))
            return make_error(ErrorCode::bad_request, "matchers: expected an array of strings");
          for (auto item : arr) {
            if (item.get_string().get(s))
              return make_error(ErrorCode::bad_request, "matchers: expected strings such as symbol=\"159713.SZ\"");
            auto m = rules::parse_matcher(s);
            if (!m) return make_error(ErrorCode::bad_request, "matchers: " + m.error().message);
            silence.matchers.push_back(std::move(*m));
          }
          return {};
        }
        const bool known =
            key == "created_by" || key == "comment" || key == "ends_at" || key == "starts_at" || key == "duration";
        if (!known) return make_error(ErrorCode::bad_request, "unknown field '" + std::string(key) + "'");
        if (value.get_string().get(s)) return not_a_string(key);
        if (key == "created_by") silence.created_by = std::string(s);
        if (key == "comment") silence.comment = std::string(s);
        if (key == "ends_at" || key == "starts_at") {
          auto ts = parse_timestamp(s);
          if (!ts) return make_error(ErrorCode::bad_request, std::string(key) + ": " + ts.error().message);
          (key == "ends_at" ? silence.ends_at : silence.starts_at) = *ts;
        }
        if (key == "duration") {
          auto d = parse_duration_ms(s);
          if (!d) return make_error(ErrorCode::bad_request, "duration: " + d.error().message);
          silence.ends_at = Timestamp{now.ms + *d};
        }
        return {};
      });
  if (!st) return st.error();
  return silence;
}

// An optional {"comment":…,"by":…}.
Status read_ack(std::string_view body, Acknowledgement& a) {
  if (body.empty()) return {};
  return each_field(body, "expected a JSON object such as {\"comment\":\"seen\",\"by\":\"desk-3\"}",
                    [&](std::string_view key, od::value value) -> Status {
                      std::string_view s;
                      if (key != "comment" && key != "by")
                        return make_error(ErrorCode::bad_request, "unknown field '" + std::string(key) + "'");
                      if (value.get_string().get(s)) return not_a_string(key);
                      if (s.size() > 2000) return make_error(ErrorCode::bad_request, std::string(key) + ": too long");
                      (key == "comment" ? a.comment : a.by) = std::string(s);
                      return {};
                    });
}

HttpAnswer acks_json(const std::vector<Acknowledgement>& acks) {
  std::string out = R"({"acks":[)";
  bool first = true;
  for (const auto& a : acks) {
    if (!first) out.push_back(',');
    first = false;
    out.push_back('{');
    append_ack_fields(out, a);
    out.push_back('}');
  }
  out += "]}";
  return {200, std::move(out)};
}

}  // namespace

std::optional<HttpAnswer> answer_rules_request(RulesControl& rules, Hub& hub, std::string_view method,
                                               std::string_view target, std::string_view body, const Actor* actor) {
  const std::string_view path = target.substr(0, target.find('?'));
  if (path == "/api/v1/rules" && method == "GET") return rules_json(rules.summary());
  if (path == "/api/v1/rules/reload" && method == "POST") {
    auto n = rules.reload();
    if (!n) return error_answer(n.error());
    return HttpAnswer{200, R"({"reloaded":true,"rules":)" + std::to_string(*n) + "}"};
  }
  if (path == "/api/v1/silences" && method == "GET") {
    const Timestamp now = rules.now();
    return silences_json(rules.silences(now), now);
  }
  if (path == "/api/v1/silences" && method == "POST") {
    auto silence = read_silence(body, rules.now());
    if (!silence) return error_answer(silence.error());
    if (actor) silence->created_by = actor->name;
    auto id = rules.add_silence(std::move(*silence));
    if (!id) return error_answer(id.error());
    std::string out = R"({"id":)";
    append_json_string(out, *id);
    out.push_back('}');
    return HttpAnswer{201, std::move(out)};
  }
  constexpr std::string_view kSilence = "/api/v1/silences/";
  if (path.starts_with(kSilence) && method == "DELETE") {
    if (auto st = rules.expire_silence(path.substr(kSilence.size())); !st) return error_answer(st.error());
    return HttpAnswer{200, R"({"expired":true})"};
  }
  constexpr std::string_view kAlerts = "/api/v1/alerts/";
  if (path.starts_with(kAlerts) && path.ends_with("/ack") && method == "POST") {
    const auto id = percent_decode(path.substr(kAlerts.size(), path.size() - kAlerts.size() - 4));
    if (!id || id->empty()) return json_error(404, "no alert id");
    Acknowledgement a;
    a.alert_id = *id;
    if (auto st = read_ack(body, a); !st) return error_answer(st.error());
    if (actor) {
      a.by = actor->name;
      if (!a.comment.empty() && !actor->may_comment) return json_error(403, "this role may not comment");
    }
    a = rules.acknowledge(std::move(a));
    std::string msg = R"({"type":"ack",)";
    append_ack_fields(msg, a);
    msg.push_back('}');
    hub.broadcast(std::make_shared<const std::string>(msg));
    return HttpAnswer{200, std::move(msg)};
  }
  if (path == "/api/v1/acks" && method == "GET") return acks_json(rules.acknowledgements());
  return std::nullopt;
}

}  // namespace lodestone::web
