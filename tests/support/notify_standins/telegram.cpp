#include "telegram.hpp"

#include <simdjson.h>
#include <strings.h>

#include <algorithm>
#include <map>

#include "checks.hpp"
#include "telegram_markup.hpp"

namespace lodestone::testing {

namespace {

constexpr std::size_t kMaxTextUnits = 4096;

ServiceReply error_reply(unsigned status, std::string_view description, std::string parameters = {}) {
  std::string body =
      R"({"ok":false,"error_code":)" + std::to_string(status) + R"(,"description":)" + json_quote(description);
  if (!parameters.empty()) body += R"(,"parameters":)" + parameters;
  body += "}";
  return ServiceReply{status, std::move(body), "application/json", {}};
}

Verdict refuse(unsigned status, std::string_view description, std::string parameters = {}) {
  return Verdict::refuse(std::to_string(status) + " " + std::string(description),
                         error_reply(status, description, std::move(parameters)));
}

bool numeric_chat(std::string_view id) {
  const std::string_view digits = !id.empty() && id[0] == '-' ? id.substr(1) : id;
  return !digits.empty() && digits.size() < 19 && digits.find_first_not_of("0123456789") == std::string_view::npos;
}

// sendMessage's parameters, from wherever the caller put them.
struct Call {
  std::optional<std::string> chat_id;
  std::optional<std::string> text;
  std::string parse_mode;
};

class TelegramRules final : public ServiceRules {
 public:
  explicit TelegramRules(const TelegramOptions& options) : token_(options.token), chats_(options.chats) {
    bot_id_ = token_.substr(0, token_.find(':'));
    if (!numeric_chat(bot_id_)) bot_id_ = "1";
  }

  Verdict decide(const ServiceRequest& request, Timestamp now) override {
    const Target target = parse_target(request.target);
    if (target.path.rfind("/bot", 0) != 0) return refuse(404, "Not Found");
    const auto slash = target.path.find('/', 4);
    const std::string token = target.path.substr(4, slash == std::string::npos ? std::string::npos : slash - 4);
    if (token != token_) return refuse(401, "Unauthorized");
    const std::string method = slash == std::string::npos ? std::string{} : target.path.substr(slash + 1);
    if (::strcasecmp(method.c_str(), "sendMessage") != 0) return refuse(404, "Not Found: method not found");

    Call call;
    if (auto refused = read_call(request, target.query, call)) return std::move(*refused);
    if (!call.chat_id || call.chat_id->empty()) return refuse(400, "Bad Request: chat_id is empty");
    if (!chats_.empty() && std::find(chats_.begin(), chats_.end(), *call.chat_id) == chats_.end())
      return refuse(400, "Bad Request: chat not found");
    if (!call.text || call.text->empty()) return refuse(400, "Bad Request: message text is empty");
    if (!valid_utf8(*call.text)) return refuse(400, "Bad Request: strings must be encoded in UTF-8");

    ParsedMarkup parsed{true, *call.text, {}};
    if (call.parse_mode == "MarkdownV2")
      parsed = parse_markdown_v2(*call.text);
    else if (call.parse_mode == "HTML")
      parsed = parse_telegram_html(*call.text);
    else if (!call.parse_mode.empty() && call.parse_mode != "Markdown")  // legacy Markdown: not checked
      return refuse(400, "Bad Request: unsupported parse_mode");
    if (!parsed.ok) return refuse(400, "Bad Request: can't parse entities: " + parsed.error);
    if (parsed.text.find_first_not_of(" \t\r\n") == std::string::npos)
      return refuse(400, "Bad Request: message text is empty");
    if (utf16_units(parsed.text) > kMaxTextUnits) return refuse(400, "Bad Request: message is too long");

    const bool group = (*call.chat_id)[0] == '-';
    auto& chat = per_chat_.try_emplace(*call.chat_id, 1, std::chrono::seconds(1)).first->second;
    auto& minute = per_group_.try_emplace(*call.chat_id, 20, std::chrono::minutes(1)).first->second;
    const auto wait = std::max(chat.wait(now), group ? minute.wait(now) : std::chrono::milliseconds(0));
    if (wait.count() > 0) {
      const auto after = std::to_string(retry_seconds(wait));
      return refuse(429, "Too Many Requests: retry after " + after, R"({"retry_after":)" + after + "}");
    }
    chat.admit(now);
    if (group) minute.admit(now);

    const bool numeric = numeric_chat(*call.chat_id);
    std::string chat_json = numeric
                                ? R"({"id":)" + *call.chat_id + R"(,"type":")" + (group ? "group" : "private") + "\"}"
                                : R"({"id":-1000000000001,"type":"channel","username":)" +
                                      json_quote(call.chat_id->substr(call.chat_id->front() == '@' ? 1 : 0)) + "}";
    std::string body =
        R"({"ok":true,"result":{"message_id":)" + std::to_string(++message_id_) + R"(,"from":{"id":)" + bot_id_ +
        R"(,"is_bot":true,"first_name":"Lodestone stand-in","username":"lodestone_standin_bot"})" + R"(,"chat":)" +
        chat_json + R"(,"date":)" + std::to_string(now.ms / 1000) + R"(,"text":)" + json_quote(parsed.text) + "}}";
    return Verdict::accept(ServiceReply{200, std::move(body), "application/json", {}});
  }

  void forget_limits() override {
    per_chat_.clear();
    per_group_.clear();
  }

 private:
  std::optional<Verdict> read_call(const ServiceRequest& request, const Params& query, Call& call) {
    call.chat_id = query.get("chat_id");
    call.text = query.get("text");
    call.parse_mode = query.get("parse_mode").value_or("");
    const std::string type = request.header("Content-Type").value_or("");
    if (type.rfind("application/json", 0) == 0) {
      simdjson::dom::element root;
      if (parser_.parse(request.body.data(), request.body.size()).get(root) != simdjson::SUCCESS || !root.is_object())
        return refuse(400, "Bad Request: can't parse JSON object");
      std::int64_t number = 0;
      std::string_view text;
      if (root["chat_id"].get(number) == simdjson::SUCCESS)
        call.chat_id = std::to_string(number);
      else if (root["chat_id"].get(text) == simdjson::SUCCESS)
        call.chat_id = std::string(text);
      if (root["text"].get(text) == simdjson::SUCCESS) call.text = std::string(text);
      if (root["parse_mode"].get(text) == simdjson::SUCCESS) call.parse_mode = std::string(text);
    } else if (type.rfind("application/x-www-form-urlencoded", 0) == 0) {
      const Params form = parse_form(request.body);
      if (auto v = form.get("chat_id")) call.chat_id = v;
      if (auto v = form.get("text")) call.text = v;
      if (auto v = form.get("parse_mode")) call.parse_mode = *v;
    }
    return std::nullopt;
  }

  std::string token_;
  std::vector<std::string> chats_;
  std::string bot_id_;
  std::map<std::string, RollingLimit> per_chat_;
  std::map<std::string, RollingLimit> per_group_;
  std::int64_t message_id_ = 0;
  simdjson::dom::parser parser_;
};

}  // namespace

TelegramStandIn::TelegramStandIn(TelegramOptions options)
    : HttpStandIn(std::make_unique<TelegramRules>(options), std::move(options.server)) {}

}  // namespace lodestone::testing
