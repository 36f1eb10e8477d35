#include "lodestone/app/rules_service.hpp"

#include <simdjson.h>
#include <spdlog/spdlog.h>

#include "lodestone/core/json_writer.hpp"
#include "lodestone/rules/diagnostic.hpp"
#include "lodestone/rules/parser.hpp"
#include "lodestone/rules/reload.hpp"
#include "lodestone/web/url.hpp"

namespace lodestone::app {
namespace {

web::HttpAnswer json_error(unsigned status, std::string_view message) {
  std::string body = R"({"error":)";
  append_json_string(body, message);
  body.push_back('}');
  return {status, std::move(body)};
}

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

}  // namespace

RulesService::RulesService(const Clock& clock, const InstrumentRegistry& registry, std::string rules_path,
                           bool replay_clock)
    : clock_(clock),
      registry_(registry),
      rules_path_(std::move(rules_path)),
      replay_clock_(replay_clock),
      engine_(registry, TradingCalendar::shanghai()) {}

Status RulesService::load() {
  auto rs = reload();
  if (!rs) return rs.error();
  return {};
}

Result<std::vector<Alert>> RulesService::reload() {
  if (rules_path_.empty()) return std::vector<Alert>{};
  std::lock_guard lock(mutex_);
  // One parse: the file is checked and, only if clean, swapped in; on errors the running rules stay.
  auto outcome = rules::reload_rules_file(engine_, rules_path_, registry_);
  if (!outcome.applied) return make_error(rules::format(outcome.diagnostics));
  loaded_at_ms_ = clock_.now().ms;
  spdlog::info("rules: {} rules from {}", outcome.rules, rules_path_);
  return std::move(outcome.alerts);
}

std::vector<Alert> RulesService::on_quote(const Quote& quote) {
  std::lock_guard lock(mutex_);
  return engine_.on_quote(quote);
}

std::vector<Alert> RulesService::on_headline(Headline& headline) {
  std::lock_guard lock(mutex_);
  engine_.classify(headline);  // the board shows the tags and the names it mentions
  return engine_.on_headline(headline);
}

std::vector<Alert> RulesService::advance(Timestamp now) {
  std::lock_guard lock(mutex_);
  return engine_.advance(now);
}

Timestamp RulesService::now() const {
  if (!replay_clock_) return clock_.now();
  std::lock_guard lock(mutex_);
  return engine_.watermark();
}

std::size_t RulesService::rule_count() const {
  std::lock_guard lock(mutex_);
  return engine_.rules() ? engine_.rules()->rules.size() : 0;
}

std::vector<std::pair<std::string, rules::RuleCounters>> RulesService::rule_counters() const {
  std::lock_guard lock(mutex_);
  std::vector<std::pair<std::string, rules::RuleCounters>> out;
  if (const auto set = engine_.rules())
    for (const auto& r : set->rules) out.emplace_back(r.name, engine_.counters(r.name));
  return out;
}

web::HttpAnswer RulesService::rules_json() const {
  std::lock_guard lock(mutex_);
  std::string out = R"({"file":)";
  append_json_string(out, rules_path_);
  out += R"(,"loaded_at":)";
  append_json_string(out, format_timestamp(Timestamp{loaded_at_ms_}));
  out += R"(,"rules":[)";
  if (const auto& rs = engine_.rules()) {
    for (std::size_t i = 0; i < rs->rules.size(); ++i) {
      const auto& r = rs->rules[i];
      if (i) out.push_back(',');
      out += R"({"name":)";
      append_json_string(out, r.name);
      out += R"(,"severity":")" + std::string(to_string(r.severity)) + R"(","counters":)";
      append_counters(out, engine_.counters(r.name));
      out.push_back('}');
    }
  }
  out += "]}";
  return {200, std::move(out)};
}

web::HttpAnswer RulesService::silences_json() const {
  const Timestamp t = now();
  std::lock_guard lock(mutex_);
  std::string out = R"({"silences":[)";
  bool first = true;
  for (const auto& s : engine_.silences().list(t, true)) {
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
    out += s.active(t) ? "true" : "false";
    out.push_back('}');
  }
  out += "]}";
  return {200, std::move(out)};
}

web::HttpAnswer RulesService::add_silence(std::string_view body) {
  namespace od = simdjson::ondemand;
  simdjson::padded_string padded(body);
  od::parser parser;
  od::document doc;
  od::object obj;
  if (parser.iterate(padded).get(doc) || doc.get_object().get(obj))
    return json_error(400, "expected a JSON object with matchers, created_by, comment and ends_at or duration");
  rules::Silence silence;
  const Timestamp t = now();
  silence.starts_at = t;
  std::string_view s;
  for (auto field : obj) {
    std::string_view key;
    if (field.unescaped_key().get(key)) return json_error(400, "bad key");
    if (key == "matchers") {
      od::array arr;
      if (field.value().get_array().get(arr)) return json_error(400, "matchers: expected an array of strings");
      for (auto item : arr) {
        if (item.get_string().get(s)) return json_error(400, "matchers: expected strings such as symbol=\"159713.SZ\"");
        auto m = rules::parse_matcher(s);
        if (!m) return json_error(400, "matchers: " + m.error().message);
        silence.matchers.push_back(std::move(*m));
      }
    } else if (key == "created_by" || key == "comment" || key == "ends_at" || key == "starts_at" || key == "duration") {
      if (field.value().get_string().get(s)) return json_error(400, std::string(key) + ": expected a string");
      if (key == "created_by") silence.created_by = std::string(s);
      if (key == "comment") silence.comment = std::string(s);
      if (key == "ends_at" || key == "starts_at") {
        auto ts = parse_timestamp(s);
        if (!ts) return json_error(400, std::string(key) + ": " + ts.error().message);
        (key == "ends_at" ? silence.ends_at : silence.starts_at) = *ts;
      }
      if (key == "duration") {
        auto d = parse_duration_ms(s);
        if (!d) return json_error(400, "duration: " + d.error().message);
        silence.ends_at = Timestamp{t.ms + *d};
      }
    } else {
      return json_error(400, "unknown field '" + std::string(key) + "'");
    }
  }
  std::lock_guard lock(mutex_);
  auto id = engine_.add_silence(std::move(silence), t);
  if (!id) return json_error(400, id.error().message);
  std::string out = R"({"id":)";
  append_json_string(out, *id);
  out.push_back('}');
  return {201, std::move(out)};
}

web::HttpAnswer RulesService::ack(std::string_view alert_id, std::string_view body,
                                  const std::function<void(std::string)>& broadcast) {
  namespace od = simdjson::ondemand;
  Acknowledgement a;
  a.alert_id = std::string(alert_id);
  a.at = clock_.now();
  if (!body.empty()) {
    simdjson::padded_string padded(body);
    od::parser parser;
    od::document doc;
    od::object obj;
    if (parser.iterate(padded).get(doc) || doc.get_object().get(obj))
      return json_error(400, "expected a JSON object such as {\"comment\":\"seen\",\"by\":\"desk-3\"}");
    std::string_view s;
    for (auto field : obj) {
      std::string_view key;
      if (field.unescaped_key().get(key)) return json_error(400, "bad key");
      if (key != "comment" && key != "by") return json_error(400, "unknown field '" + std::string(key) + "'");
      if (field.value().get_string().get(s)) return json_error(400, std::string(key) + ": expected a string");
      if (s.size() > 2000) return json_error(400, std::string(key) + ": too long");
      (key == "comment" ? a.comment : a.by) = std::string(s);
    }
  }
  std::string msg = R"({"type":"ack",)";
  append_ack_fields(msg, a);
  msg.push_back('}');
  {
    std::lock_guard lock(mutex_);
    acks_[a.alert_id] = a;
  }
  broadcast(msg);
  return {200, msg};
}

std::optional<web::HttpAnswer> RulesService::handle(std::string_view method, std::string_view target,
                                                    std::string_view body,
                                                    const std::function<void(std::vector<Alert>)>& publish_alerts,
                                                    const std::function<void(std::string)>& broadcast) {
  const std::string_view path = target.substr(0, target.find('?'));
  if (path == "/api/v1/rules" && method == "GET") return rules_json();
  if (path == "/api/v1/rules/reload" && method == "POST") {
    auto r = reload();
    if (!r) return json_error(400, r.error().message);
    publish_alerts(std::move(*r));
    return web::HttpAnswer{200, R"({"reloaded":true,"rules":)" + std::to_string(rule_count()) + "}"};
  }
  if (path == "/api/v1/silences" && method == "GET") return silences_json();
  if (path == "/api/v1/silences" && method == "POST") return add_silence(body);
  constexpr std::string_view kSilence = "/api/v1/silences/";
  if (path.starts_with(kSilence) && method == "DELETE") {
    const Timestamp t = now();
    std::lock_guard lock(mutex_);
    auto st = engine_.expire_silence(path.substr(kSilence.size()), t);
    if (!st) return json_error(404, st.error().message);
    return web::HttpAnswer{200, R"({"expired":true})"};
  }
  constexpr std::string_view kAlerts = "/api/v1/alerts/";
  if (path.starts_with(kAlerts) && path.ends_with("/ack") && method == "POST") {
    const auto id = web::percent_decode(path.substr(kAlerts.size(), path.size() - kAlerts.size() - 4));
    if (!id || id->empty()) return json_error(404, "no alert id");
    return ack(*id, body, broadcast);
  }
  if (path == "/api/v1/acks" && method == "GET") {
    std::lock_guard lock(mutex_);
    std::string out = R"({"acks":[)";
    bool first = true;
    for (const auto& [id, a] : acks_) {
      if (!first) out.push_back(',');
      first = false;
      out.push_back('{');
      append_ack_fields(out, a);
      out.push_back('}');
    }
    out += "]}";
    return web::HttpAnswer{200, std::move(out)};
  }
  return std::nullopt;
}

}  // namespace lodestone::app
