#include "wecom.hpp"

#include <simdjson.h>

#include <algorithm>

#include "checks.hpp"

namespace lodestone::testing {

namespace {

using simdjson::dom::element;

class WeComRules final : public ServiceRules {
 public:
  explicit WeComRules(const WeComOptions& options) : key_(options.key) {}

  Verdict decide(const ServiceRequest& request, Timestamp now) override {
    const Target target = parse_target(request.target);
    if (target.path != "/cgi-bin/webhook/send") return Verdict::refuse("404", ServiceReply{404, "", "text/html", {}});
    const auto key = target.query.get("key");
    if (!key || *key != key_) return refuse(93000, "invalid webhook url");
    element root;
    if (parser_.parse(request.body.data(), request.body.size()).get(root) != simdjson::SUCCESS || !root.is_object())
      return refuse(40058, "invalid Request Parameter");  // not JSON, or not UTF-8
    if (auto refused = check_message(root)) return std::move(*refused);
    if (!minute_.admit(now)) return refuse(45009, "api freq out of limit");
    return Verdict::accept(reply(0, "ok"));
  }

  void forget_limits() override { minute_.clear(); }

 private:
  ServiceReply reply(int errcode, std::string_view words) {
    std::string errmsg(words);
    if (errcode != 0)  // live answers add a trace id, the caller's address and the lookup page
      errmsg += ", hint: [" + std::to_string(1'700'000'000'000 + ++hints_) +
                "], from ip: 127.0.0.1, more info at https://open.work.weixin.qq.com/devtool/query?e=" +
                std::to_string(errcode);
    return ServiceReply{200,
                        R"({"errcode":)" + std::to_string(errcode) + R"(,"errmsg":)" + json_quote(errmsg) + "}",
                        "application/json; charset=UTF-8",
                        {}};
  }

  Verdict refuse(int errcode, std::string_view words) {
    return Verdict::refuse(std::to_string(errcode) + " " + std::string(words), reply(errcode, words));
  }

  static std::optional<std::string_view> text_at(element object, const char* key) {
    std::string_view out;
    if (!object.is_object() || object[key].get(out) != simdjson::SUCCESS) return std::nullopt;
    return out;
  }

  // A content field: present, not empty, at most `max_bytes` of UTF-8.
  std::optional<Verdict> content(element body, const std::string& type, const char* key, std::size_t max_bytes) {
    const auto text = text_at(body, key);
    if (!text) return refuse(40058, "missing field `" + type + "." + key + "`. invalid Request Parameter");
    if (text->empty()) return refuse(44004, "empty content");
    if (text->size() > max_bytes)
      return refuse(
          40058, type + "." + key + " exceed max length " + std::to_string(max_bytes) + ". invalid Request Parameter");
    return std::nullopt;
  }

  std::optional<Verdict> check_message(element root) {
    const auto msgtype = text_at(root, "msgtype");
    static constexpr std::string_view kTypes[] = {"text", "markdown", "markdown_v2", "image",
                                                  "news", "file",     "voice",       "template_card"};
    if (!msgtype || std::find(std::begin(kTypes), std::end(kTypes), *msgtype) == std::end(kTypes))
      return refuse(40008, "invalid message type");
    const std::string type(*msgtype);
    element body;
    if (root[type].get(body) != simdjson::SUCCESS || !body.is_object())
      return refuse(40058, "missing field `" + type + "`. invalid Request Parameter");
    if (type == "text") return content(body, type, "content", 2048);
    if (type == "markdown" || type == "markdown_v2") return content(body, type, "content", 4096);
    if (type == "image") {
      const auto data = text_at(body, "base64");
      const auto md5 = text_at(body, "md5");
      const auto bytes = data ? base64_decode(*data) : std::nullopt;
      if (!bytes || !md5) return refuse(40058, "missing field `image.base64`. invalid Request Parameter");
      if (bytes->size() > 2u << 20) return refuse(40058, "image exceed max size 2M. invalid Request Parameter");
      if (md5_hex(*bytes) != *md5) return refuse(40058, "image md5 not match. invalid Request Parameter");
      return std::nullopt;
    }
    if (type == "news") {
      simdjson::dom::array articles;
      if (body["articles"].get(articles) != simdjson::SUCCESS || articles.size() == 0 || articles.size() > 8)
        return refuse(40058, "news.articles count must be 1-8. invalid Request Parameter");
      for (element article : articles)
        for (const char* key : {"title", "url"})
          if (!text_at(article, key))
            return refuse(40058, std::string("missing field `news.articles.") + key + "`. invalid Request Parameter");
      return std::nullopt;
    }
    if (type == "file" || type == "voice") {
      if (!text_at(body, "media_id"))
        return refuse(40058, "missing field `" + type + ".media_id`. invalid Request Parameter");
      return std::nullopt;
    }
    // template_card: card_type, card_action, and a main title or a sub-title text.
    if (!text_at(body, "card_type"))
      return refuse(40058, "missing field `template_card.card_type`. invalid Request Parameter");
    element action;
    if (body["card_action"].get(action) != simdjson::SUCCESS || !action.is_object())
      return refuse(40058, "missing field `template_card.card_action`. invalid Request Parameter");
    element main_title;
    const bool has_title = body["main_title"].get(main_title) == simdjson::SUCCESS && text_at(main_title, "title");
    if (!has_title && !text_at(body, "sub_title_text"))
      return refuse(40058, "template_card needs main_title.title or sub_title_text. invalid Request Parameter");
    return std::nullopt;
  }

  std::string key_;
  RollingLimit minute_{20, std::chrono::minutes(1)};
  std::int64_t hints_ = 0;
  simdjson::dom::parser parser_;
};

}  // namespace

WeComStandIn::WeComStandIn(WeComOptions options)
    : HttpStandIn(std::make_unique<WeComRules>(options), std::move(options.server)), key_(options.key) {}

std::string WeComStandIn::url() const { return base_url() + "/cgi-bin/webhook/send?key=" + key_; }

}  // namespace lodestone::testing
