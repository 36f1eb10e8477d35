#include "webhook.hpp"

#include <set>
#include <stdexcept>

#include "alertmanager_body.hpp"
#include "checks.hpp"

namespace lodestone::testing {

namespace {

ServiceReply error_reply(unsigned status, std::string_view words, HeaderList headers = {}) {
  return ServiceReply{status, R"({"error":)" + json_quote(words) + "}", "application/json; charset=utf-8",
                      std::move(headers)};
}

class WebhookRules final : public ServiceRules {
 public:
  explicit WebhookRules(const WebhookOptions& options)
      : path_(options.path), tolerance_s_(options.tolerance.count()), alertmanager_(options.alertmanager_v4) {
    for (const auto& secret : options.secrets) {
      constexpr std::string_view kPrefix = "whsec_";
      if (secret.rfind(kPrefix, 0) != 0) throw std::invalid_argument("webhook secret without whsec_ prefix");
      auto key = base64_decode(std::string_view(secret).substr(kPrefix.size()));
      if (!key) throw std::invalid_argument("webhook secret is not whsec_<base64>");
      keys_.push_back(std::move(*key));
    }
    if (options.rate_limit) limit_.emplace(options.rate_limit->count, options.rate_limit->window);
  }

  Verdict decide(const ServiceRequest& request, Timestamp now) override {
    if (parse_target(request.target).path != path_) return Verdict::refuse("404", error_reply(404, "not found"));
    if (request.method != "POST") return Verdict::refuse("405", error_reply(405, "method not allowed"));
    if (!keys_.empty()) {
      if (auto refused = check_signature(request, now)) return std::move(*refused);
    }
    if (limit_ && !limit_->admit(now)) {
      const auto after = retry_seconds(limit_->wait(now));
      return Verdict::refuse("429 rate limited",
                             error_reply(429, "too many requests", {{"Retry-After", std::to_string(after)}}));
    }
    if (!valid_utf8(request.body)) return Verdict::refuse("body is not UTF-8", error_reply(400, "body is not UTF-8"));
    if (alertmanager_) {
      if (auto problem = alertmanager_v4_problem(request.body))
        return Verdict::refuse("not an Alertmanager v4 payload: " + *problem, error_reply(400, *problem));
    }
    const std::string id = request.header("webhook-id").value_or("");
    const ServiceReply ok{200, R"({"status":"ok"})", "application/json; charset=utf-8", {}};
    if (!id.empty() && !seen_.insert(id).second) {
      repeated_.push_back(id);
      return Verdict{Decision::Duplicate, "duplicate webhook-id " + id, ok, true};
    }
    return Verdict::accept(ok);
  }

  void forget_limits() override {
    if (limit_) limit_->clear();
  }

  std::vector<std::string> repeated_;
  std::set<std::string> seen_;

 private:
  std::optional<Verdict> check_signature(const ServiceRequest& request, Timestamp now) const {
    const auto id = request.header("webhook-id");
    const auto timestamp = request.header("webhook-timestamp");
    const auto signatures = request.header("webhook-signature");
    if (!id || !timestamp || !signatures || id->empty())
      return Verdict::refuse("missing headers", error_reply(400, "Missing required headers"));
    if (id->find('.') != std::string::npos)
      return Verdict::refuse("webhook-id contains '.'", error_reply(400, "Invalid Signature Headers"));
    if (timestamp->empty() || timestamp->size() > 12 || timestamp->find_first_not_of("0123456789") != std::string::npos)
      return Verdict::refuse("bad webhook-timestamp", error_reply(400, "Invalid Signature Headers"));
    const std::int64_t seconds = std::stoll(*timestamp);
    const std::int64_t now_s = now.ms / 1000;
    if (seconds < now_s - tolerance_s_)
      return Verdict::refuse("timestamp too old", error_reply(401, "Message timestamp too old"));
    if (seconds > now_s + tolerance_s_)
      return Verdict::refuse("timestamp too new", error_reply(401, "Message timestamp too new"));
    const std::string signed_content = *id + "." + *timestamp + "." + request.body;
    std::string_view list = *signatures;
    while (!list.empty()) {
      const auto space = list.find(' ');
      const std::string_view entry = list.substr(0, space);
      list = space == std::string_view::npos ? std::string_view{} : list.substr(space + 1);
      const auto comma = entry.find(',');
      if (comma == std::string_view::npos || entry.substr(0, comma) != "v1") continue;  // v1a etc.: not ours
      const std::string_view given = entry.substr(comma + 1);
      for (const auto& key : keys_)
        if (constant_time_equal(given, base64_encode(hmac_sha256(key, signed_content)))) return std::nullopt;
    }
    return Verdict::refuse("no matching signature", error_reply(401, "No matching signature found"));
  }

  std::string path_;
  std::vector<std::string> keys_;
  std::int64_t tolerance_s_;
  bool alertmanager_;
  std::optional<RollingLimit> limit_;
};

}  // namespace

WebhookStandIn::WebhookStandIn(WebhookOptions options)
    : HttpStandIn(std::make_unique<WebhookRules>(options), std::move(options.server)), path_(options.path) {}

std::string WebhookStandIn::url() const { return base_url() + path_; }

std::size_t WebhookStandIn::repeats() const {
  return with_rules<WebhookRules>([](const WebhookRules& r) { return r.repeated_.size(); });
}

std::vector<std::string> WebhookStandIn::repeated_ids() const {
  return with_rules<WebhookRules>([](const WebhookRules& r) { return r.repeated_; });
}

std::size_t WebhookStandIn::distinct_ids() const {
  return with_rules<WebhookRules>([](const WebhookRules& r) { return r.seen_.size(); });
}

}  // namespace lodestone::testing
