#include "dingtalk.hpp"

#include <simdjson.h>

#include "checks.hpp"

namespace lodestone::testing {

namespace {

using simdjson::dom::element;

constexpr std::size_t kMaxBodyBytes = 20'000;
constexpr std::int64_t kWindowMs = 3'600'000;      // the timestamp's window: 1 hour
constexpr std::int64_t kThrottleMs = 10 * 60'000;  // after 130101
constexpr std::string_view kMore = ", more: [https://ding-doc.dingtalk.com/doc#/serverapi2/qf2nxq]";

ServiceReply answer(int errcode, std::string_view errmsg) {
  return ServiceReply{200,
                      R"({"errcode":)" + std::to_string(errcode) + R"(,"errmsg":)" + json_quote(errmsg) + "}",
                      "application/json;charset=utf-8",
                      {}};
}

Verdict refuse(int errcode, std::string_view errmsg) {
  return Verdict::refuse(std::to_string(errcode) + " " + std::string(errmsg), answer(errcode, errmsg));
}

std::optional<std::string_view> text_at(element object, const char* key) {
  std::string_view out;
  if (object[key].get(out) != simdjson::SUCCESS) return std::nullopt;
  return out;
}

class DingTalkRules final : public ServiceRules {
 public:
  explicit DingTalkRules(const DingTalkOptions& options)
      : token_(options.access_token), secret_(options.secret), keywords_(options.keywords) {}

  Verdict decide(const ServiceRequest& request, Timestamp now) override {
    const Target target = parse_target(request.target);
    if (target.path != "/robot/send") return Verdict::refuse("404", ServiceReply{404, "", "text/html", {}});
    const auto token = target.query.get("access_token");
    if (!token || token->empty()) return refuse(40035, "缺少参数 access_token");
    if (*token != token_) return refuse(300001, "token is not exist");
    if (!secret_.empty()) {
      if (auto refused = check_sign(target.query, now)) return std::move(*refused);
    }
    if (throttled(now)) return refuse(130101, "send too fast, exceed 20 times per minute");
    const auto type = request.header("Content-Type");
    if (!type || type->rfind("application/json", 0) != 0) return refuse(43004, "无效的HTTP HEADER Content-Type");
    if (request.body.size() > kMaxBodyBytes) return refuse(460101, "message too long, exceed 20000 bytes");
    element root;
    if (parser_.parse(request.body.data(), request.body.size()).get(root) != simdjson::SUCCESS || !root.is_object())
      return refuse(40035, "缺少参数 json");  // not JSON, or not UTF-8
    std::string texts;
    if (auto refused = check_message(root, texts)) return std::move(*refused);
    if (!keywords_.empty() && !contains_any(texts, keywords_))
      return refuse(310000, "keywords not in content" + std::string(kMore));
    if (!minute_.admit(now)) {
      throttled_until_ = now.ms + kThrottleMs;
      return refuse(130101, "send too fast, exceed 20 times per minute");
    }
    return Verdict::accept(answer(0, "ok"));
  }

  void forget_limits() override {
    minute_.clear();
    throttled_until_ = 0;
  }

  [[nodiscard]] bool throttled(Timestamp now) const { return now.ms < throttled_until_; }

 private:
  std::optional<Verdict> check_sign(const Params& query, Timestamp now) const {
    const auto timestamp = query.get("timestamp");
    if (!timestamp || timestamp->empty() || timestamp->size() > 15 ||
        timestamp->find_first_not_of("0123456789") != std::string::npos)
      return refuse(310000, "invalid timestamp" + std::string(kMore));
    const std::int64_t ms = std::stoll(*timestamp);
    if (ms < now.ms - kWindowMs || ms > now.ms + kWindowMs)
      return refuse(310000, "invalid timestamp" + std::string(kMore));
    // The query is decoded as a servlet decodes it ('+' is a space), so a sign whose base64 was
    // not URL-encoded fails here as it fails at DingTalk.
    const std::string expected = base64_encode(hmac_sha256(secret_, *timestamp + "\n" + secret_));
    const auto sign = query.get("sign");
    if (!sign || !constant_time_equal(*sign, expected)) return refuse(310000, "sign not match" + std::string(kMore));
    return std::nullopt;
  }

  // The fields each msgtype requires; `texts` gathers what the keyword check reads.
  static std::optional<Verdict> check_message(element root, std::string& texts) {
    const auto msgtype = text_at(root, "msgtype");
    if (!msgtype) return refuse(400105, "不支持的 msgtype");
    auto need = [&](element object, const char* key) -> std::optional<Verdict> {
      std::optional<std::string_view> v;
      if (object.is_object()) v = text_at(object, key);
      if (!v || v->empty()) return refuse(300001, "message param " + std::string(key) + " is null");
      texts.append(*v).push_back('\n');
      return std::nullopt;
    };
    element body;
    if (root[*msgtype].get(body) != simdjson::SUCCESS || !body.is_object()) {
      if (*msgtype != "text" && *msgtype != "markdown" && *msgtype != "actionCard" && *msgtype != "link" &&
          *msgtype != "feedCard")
        return refuse(400105, "不支持的 msgtype");
      return refuse(300001, "message param " + std::string(*msgtype) + " is null");
    }
    if (*msgtype == "text") return need(body, "content");
    if (*msgtype == "markdown") {
      if (auto r = need(body, "title")) return r;
      return need(body, "text");
    }
    if (*msgtype == "link") {
      for (const char* key : {"title", "text", "messageUrl"})
        if (auto r = need(body, key)) return r;
      return std::nullopt;
    }
    if (*msgtype == "actionCard") {
      for (const char* key : {"title", "text"})
        if (auto r = need(body, key)) return r;
      if (text_at(body, "singleTitle") && text_at(body, "singleURL")) return std::nullopt;
      simdjson::dom::array buttons;
      if (body["btns"].get(buttons) != simdjson::SUCCESS || buttons.size() == 0)
        return refuse(300001, "message param btns is null");
      for (element button : buttons)
        for (const char* key : {"title", "actionURL"})
          if (auto r = need(button, key)) return r;
      return std::nullopt;
    }
    if (*msgtype == "feedCard") {
      simdjson::dom::array links;
      if (body["links"].get(links) != simdjson::SUCCESS || links.size() == 0)
        return refuse(300001, "message param links is null");
      for (element link : links)
        for (const char* key : {"title", "messageURL", "picURL"})
          if (auto r = need(link, key)) return r;
      return std::nullopt;
    }
    return refuse(400105, "不支持的 msgtype");
  }

  std::string token_;
  std::string secret_;
  std::vector<std::string> keywords_;
  RollingLimit minute_{20, std::chrono::minutes(1)};
  std::int64_t throttled_until_ = 0;
  simdjson::dom::parser parser_;
};

}  // namespace

DingTalkStandIn::DingTalkStandIn(DingTalkOptions options)
    : HttpStandIn(std::make_unique<DingTalkRules>(options), std::move(options.server)), token_(options.access_token) {}

std::string DingTalkStandIn::url() const { return base_url() + "/robot/send?access_token=" + token_; }

bool DingTalkStandIn::throttled(Timestamp now) const {
  return with_rules<DingTalkRules>([now](const DingTalkRules& r) { return r.throttled(now); });
}

}  // namespace lodestone::testing
