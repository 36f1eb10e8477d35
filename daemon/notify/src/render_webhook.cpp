// The webhook: Alertmanager's webhook body, version "4", so that an Alertmanager receiver (a
// PagerDuty bridge, n8n, alertmanager-webhook-* tools) takes it unchanged, with Lodestone's own
// canonical alerts under "lodestone"; signed per Standard Webhooks 1.0.0.
//
// Alertmanager's fields (prometheus/alertmanager notify/webhook/webhook.go, types.go): receiver,
// status ("firing" when any alert fires), alerts[] {status, labels, annotations, startsAt,
// endsAt ("0001-01-01T00:00:00Z" while firing), generatorURL, fingerprint}, groupLabels,
// commonLabels, commonAnnotations, externalURL, version, groupKey, truncatedAlerts.
#include <openssl/sha.h>

#include <array>

#include "alert_text.hpp"
#include "json_out.hpp"
#include "layout.hpp"
#include "lodestone/core/json_writer.hpp"
#include "lodestone/notify/route.hpp"
#include "render_services.hpp"
#include "signing.hpp"

namespace lodestone::notify::detail {
namespace {

constexpr std::string_view kNotYetEnded = "0001-01-01T00:00:00Z";
// Labels that change over an alert's life: Alertmanager identifies an alert by its label set,
// so these travel as annotations and a firing/resolved pair keeps the same labels.
constexpr std::array<std::string_view, 4> kLifecycleLabels{"state", "started_at", "reason", "explanation"};

using StringMap = std::map<std::string, std::string>;

StringMap labels_of(const Alert& a) {
  StringMap labels = routing_labels(a);
  for (const auto k : kLifecycleLabels) labels.erase(std::string(k));
  labels["alertname"] = a.rule;
  return labels;
}

std::string field_value(const Section& s, std::string_view label) {
  for (const auto& f : s.fields)
    if (f.label == label) return f.value;
  return {};
}

StringMap annotations_of(const Notification& n, const Alert& a) {
  const Section s = describe_alert(n, a);
  Message one;
  one.footer.clear();
  one.sections.push_back(s);
  StringMap out;
  out["summary"] = a.message;
  out["description"] = lay_out(one, plain_markup(), Budget{SIZE_MAX, byte_count});
  if (const auto h = field_value(s, "新闻 headline"); !h.empty()) out["headline"] = h;
  if (!s.link.empty()) out["link"] = s.link;
  for (const auto k : kLifecycleLabels) {
    if (k == "state") continue;
    if (const auto it = a.labels.find(std::string(k)); it != a.labels.end()) out[it->first] = it->second;
  }
  return out;
}

StringMap common(const std::vector<StringMap>& maps) {
  if (maps.empty()) return {};
  StringMap out = maps.front();
  for (std::size_t i = 1; i < maps.size(); ++i) {
    for (auto it = out.begin(); it != out.end();) {
      const auto other = maps[i].find(it->first);
      it = other == maps[i].end() || other->second != it->second ? out.erase(it) : std::next(it);
    }
  }
  return out;
}

std::string_view kind_name(NotificationKind kind) {
  switch (kind) {
    case NotificationKind::Alerts:
      return "alerts";
    case NotificationKind::Digest:
      return "digest";
    case NotificationKind::Test:
      return "test";
  }
  return "alerts";
}

// A test has no alert of its own: its Alertmanager fingerprint is the notification id's hash.
std::string test_fingerprint(std::string_view id) {
  std::array<unsigned char, SHA256_DIGEST_LENGTH> digest{};
  SHA256(reinterpret_cast<const unsigned char*>(id.data()), id.size(), digest.data());
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < 8; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 0xFU];
  }
  return out;
}

struct AmAlert {
  std::string status;
  StringMap labels;
  StringMap annotations;
  std::string starts_at;
  std::string ends_at;
  std::string generator_url;
  std::string fingerprint;
};

std::vector<AmAlert> am_alerts(const ReceiverConfig& r, const Notification& n, Timestamp now) {
  std::vector<AmAlert> out;
  if (n.kind == NotificationKind::Test) {
    const Message m = compose_message(r, n, now);
    AmAlert t;
    t.status = "firing";
    t.labels = {{"alertname", "LodestoneTest"}, {"receiver", r.name}, {"severity", "info"}};
    t.annotations = {{"summary", m.sections.front().quote}};
    t.starts_at = format_timestamp(now);
    t.ends_at = kNotYetEnded;
    t.generator_url = n.public_url;
    t.fingerprint = test_fingerprint(n.id);
    out.push_back(std::move(t));
    return out;
  }
  for (const auto& a : n.alerts) {
    AmAlert am;
    const bool firing = a.state == AlertState::Firing;
    am.status = firing ? "firing" : "resolved";
    am.labels = labels_of(a);
    am.annotations = annotations_of(n, a);
    Timestamp start = a.ts;
    if (const auto it = a.labels.find("started_at"); it != a.labels.end()) {
      if (auto t = parse_timestamp(it->second)) start = *t;
    }
    am.starts_at = format_timestamp(start);
    am.ends_at = firing ? std::string(kNotYetEnded) : format_timestamp(a.ts);
    am.generator_url = alert_link(n, a);
    am.fingerprint = alert_key(a);
    out.push_back(std::move(am));
  }
  return out;
}

std::string body_of(const ReceiverConfig& r, const Notification& n, Timestamp now) {
  const auto alerts = am_alerts(r, n, now);
  std::vector<StringMap> labels;
  std::vector<StringMap> annotations;
  bool firing = false;
  for (const auto& a : alerts) {
    labels.push_back(a.labels);
    annotations.push_back(a.annotations);
    firing = firing || a.status == "firing";
  }
  const std::size_t count = std::max(n.digest_count, n.alerts.size());
  JsonOut j;
  j.begin_object();
  j.field("receiver", r.name);
  j.field("status", firing ? "firing" : "resolved");
  j.key("alerts").begin_array();
  for (const auto& a : alerts) {
    j.begin_object();
    j.field("status", a.status);
    j.object("labels", a.labels);
    j.object("annotations", a.annotations);
    j.field("startsAt", a.starts_at);
    j.field("endsAt", a.ends_at);
    j.field("generatorURL", a.generator_url);
    j.field("fingerprint", a.fingerprint);
    j.end_object();
  }
  j.end_array();
  j.object("groupLabels", n.group_labels);
  j.object("commonLabels", common(labels));
  j.object("commonAnnotations", common(annotations));
  j.field("externalURL", n.public_url);
  j.field("version", "4");
  j.field("groupKey", n.group_key);
  // A digest stands for more alerts than it carries: the rest count as Alertmanager's truncated.
  j.field("truncatedAlerts", static_cast<std::int64_t>(count - n.alerts.size()));
  j.key("lodestone").begin_object();
  j.field("notification", n.id);
  j.field("kind", kind_name(n.kind));
  if (n.kind == NotificationKind::Digest) {
    j.key("digest").begin_object();
    j.field("count", static_cast<std::int64_t>(count));
    j.field("from", format_timestamp(n.digest_from));
    j.field("to", format_timestamp(n.digest_to));
    j.end_object();
  }
  if (!n.reply_to.empty()) j.field("reply_to", n.reply_to);
  j.key("alerts").begin_array();
  for (const auto& a : n.alerts) j.raw(to_json(a));
  j.end_array();
  j.end_object();
  j.end_object();
  return j.take();
}

}  // namespace

Result<OutboundRequest> render_webhook(const ReceiverConfig& r, const Notification& n, Timestamp now) {
  if (r.url.empty()) return receiver_error(r, "url is empty");
  if (n.id.empty()) return make_error(ErrorCode::bad_field, "notification without an id: webhook-id needs one");
  OutboundRequest req = http_post(r, r.url, body_of(r, n, now), "application/json");
  // Standard Webhooks: the id is the receiver's idempotency key (stable across retries), the
  // timestamp is this attempt's, in Unix seconds.
  const std::int64_t timestamp_s = now.ms / 1000;
  req.headers.emplace_back("webhook-id", n.id);
  req.headers.emplace_back("webhook-timestamp", std::to_string(timestamp_s));
  if (!r.secret.empty()) {
    auto signature = standard_webhooks_signature(r.secret, n.id, timestamp_s, req.body);
    if (!signature) {
      if (signature.error().code == ErrorCode::bad_config) return receiver_error(r, signature.error().message);
      return signature.error();
    }
    req.headers.emplace_back("webhook-signature", *signature);
  }
  return req;
}

}  // namespace lodestone::notify::detail
