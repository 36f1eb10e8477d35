#include "feishu.hpp"

#include <simdjson.h>

#include <algorithm>

#include "checks.hpp"

namespace lodestone::testing {

namespace {

using simdjson::dom::element;

constexpr std::string_view kHookPrefix = "/open-apis/bot/v2/hook/";
constexpr std::size_t kMaxBodyBytes = 20 * 1024;
constexpr std::int64_t kWindowS = 3600;

ServiceReply answer(int code, std::string_view msg) {
  if (code == 0)
    return ServiceReply{200,
                        R"({"StatusCode":0,"StatusMessage":"success","code":0,"data":{},"msg":"success"})",
                        "application/json; charset=utf-8",
                        {}};
  return ServiceReply{200,
                      R"({"code":)" + std::to_string(code) + R"(,"data":{},"msg":)" + json_quote(msg) + "}",
                      "application/json; charset=utf-8",
                      {}};
}

Verdict refuse(int code, std::string_view msg) {
  return Verdict::refuse(std::to_string(code) + " " + std::string(msg), answer(code, msg));
}

std::optional<std::string_view> text_at(element object, const char* key) {
  std::string_view out;
  if (!object.is_object() || object[key].get(out) != simdjson::SUCCESS) return std::nullopt;
  return out;
}

// Every string under `e` a reader sees (what the keyword check searches): not links, ids,
// tags or colours.
void gather_texts(element e, std::string& out) {
  if (e.is_string()) {
    out.append(std::string_view(e.get_string().value_unsafe())).push_back('\n');
  } else if (e.is_array()) {
    // Held by name: a range-for over value_unsafe() of the temporary result would dangle.
    const simdjson::dom::array items = e.get_array().value_unsafe();
    for (element item : items) gather_texts(item, out);
  } else if (e.is_object()) {
    const simdjson::dom::object fields = e.get_object().value_unsafe();
    for (auto field : fields) {
      static constexpr std::string_view kNotText[] = {"href",    "url", "tag",     "template", "image_key",
                                                      "user_id", "id",  "img_key", "schema",   "share_chat_id"};
      if (std::find(std::begin(kNotText), std::end(kNotText), field.key) != std::end(kNotText)) continue;
      gather_texts(field.value, out);
    }
  }
}

class FeishuRules final : public ServiceRules {
 public:
  explicit FeishuRules(const FeishuOptions& options)
      : token_(options.token), secret_(options.secret), keywords_(options.keywords) {}

  Verdict decide(const ServiceRequest& request, Timestamp now) override {
    const Target target = parse_target(request.target);
    if (target.path.rfind(kHookPrefix, 0) != 0) return Verdict::refuse("404", ServiceReply{404, "", "text/plain", {}});
    if (target.path.substr(kHookPrefix.size()) != token_)
      return refuse(19001, "param invalid: incoming webhook access token invalid");
    if (request.body.size() > kMaxBodyBytes) return refuse(9499, "Bad Request");
    element root;
    if (parser_.parse(request.body.data(), request.body.size()).get(root) != simdjson::SUCCESS || !root.is_object())
      return refuse(9499, "Bad Request");  // not JSON, or not UTF-8
    if (!secret_.empty() && !signed_in_window(root, now))
      return refuse(19021, "sign match fail or timestamp is not within one hour from current time");
    std::string texts;
    if (auto refused = check_message(root, texts)) return std::move(*refused);
    if (!keywords_.empty() && !contains_any(texts, keywords_)) return refuse(19024, "Key Words Not Found");
    // Both windows must have room; only a message taken counts against them.
    if (second_.wait(now).count() > 0 || minute_.wait(now).count() > 0) return refuse(11232, "frequency limited");
    second_.admit(now);
    minute_.admit(now);
    return Verdict::accept(answer(0, "success"));
  }

  void forget_limits() override {
    second_.clear();
    minute_.clear();
  }

 private:
  bool signed_in_window(element root, Timestamp now) const {
    // The doc's example sends the seconds as a string; a number is taken too.
    std::string timestamp;
    std::string_view text;
    std::int64_t number = 0;
    if (root["timestamp"].get(text) == simdjson::SUCCESS)
      timestamp = std::string(text);
    else if (root["timestamp"].get(number) == simdjson::SUCCESS)
      timestamp = std::to_string(number);
    if (timestamp.empty() || timestamp.size() > 12 || timestamp.find_first_not_of("0123456789") != std::string::npos)
      return false;
    const std::int64_t seconds = std::stoll(timestamp);
    if (seconds < now.ms / 1000 - kWindowS || seconds > now.ms / 1000 + kWindowS) return false;
    const auto sign = text_at(root, "sign");
    return sign && constant_time_equal(*sign, base64_encode(hmac_sha256(timestamp + "\n" + secret_, "")));
  }

  static std::optional<Verdict> check_message(element root, std::string& texts) {
    const auto type = text_at(root, "msg_type");
    if (!type || type->empty()) return refuse(19002, "params error, msg_type need");
    if (*type == "interactive") {
      element card;
      if (root["card"].get(card) != simdjson::SUCCESS || !card.is_object()) return refuse(9499, "Bad Request");
      gather_texts(card, texts);
      return std::nullopt;
    }
    element content;
    if (root["content"].get(content) != simdjson::SUCCESS || !content.is_object()) return refuse(9499, "Bad Request");
    if (*type == "text") {
      const auto text = text_at(content, "text");
      if (!text || text->empty()) return refuse(9499, "Bad Request");
      texts.append(*text);
      return std::nullopt;
    }
    if (*type == "post") {
      simdjson::dom::object post;
      if (content["post"].get(post) != simdjson::SUCCESS || post.size() == 0) return refuse(9499, "Bad Request");
      for (auto language : post) {
        simdjson::dom::array paragraphs;
        if (language.value["content"].get(paragraphs) != simdjson::SUCCESS) return refuse(9499, "Bad Request");
        for (element paragraph : paragraphs) {
          simdjson::dom::array parts;
          if (paragraph.get(parts) != simdjson::SUCCESS) return refuse(9499, "Bad Request");
          for (element part : parts)
            if (!text_at(part, "tag")) return refuse(9499, "Bad Request");
        }
      }
      gather_texts(content, texts);
      return std::nullopt;
    }
    if (*type == "image")
      return text_at(content, "image_key") ? std::nullopt : std::optional(refuse(9499, "Bad Request"));
    if (*type == "share_chat")
      return text_at(content, "share_chat_id") ? std::nullopt : std::optional(refuse(9499, "Bad Request"));
    return refuse(9499, "Bad Request");
  }

  std::string token_;
  std::string secret_;
  std::vector<std::string> keywords_;
  RollingLimit second_{5, std::chrono::seconds(1)};
  RollingLimit minute_{100, std::chrono::minutes(1)};
  simdjson::dom::parser parser_;
};

}  // namespace

FeishuStandIn::FeishuStandIn(FeishuOptions options)
    : HttpStandIn(std::make_unique<FeishuRules>(options), std::move(options.server)), token_(options.token) {}

std::string FeishuStandIn::url() const { return base_url() + std::string(kHookPrefix) + token_; }

}  // namespace lodestone::testing
