// classify(): what a service's answer means for the next step, per service. The Chinese robots
// answer HTTP 200 with the error in the body, so the body is parsed and the branch is on the
// code, never on the words (which their vendors reword); the words go into `detail` for people.
//
// DingTalk (errcode; robot docs and global return codes): 0 ok; 130101 "send too fast, exceed 20
//   times per minute" -> paused 10 minutes (the robot is throttled for 10 minutes);
//   310000 security check failed (keywords, timestamp, sign, IP whitelist), 300001 token,
//   460101 / 101002 message too long -> broken; 500100 system busy -> retry.
// WeCom (errcode; robot docs and global return codes): 0 ok; 45009 api freq out of limit ->
//   paused 65 s (the robot allows 20 a minute; implementations wait 65 s); 93000 invalid webhook
//   url, 40058 content too long -> broken; -1 system busy -> retry.
// Feishu (code; custom bot guide): 0 ok; 11232 frequency limited -> paused 60 s; 9499 bad
//   request, 19001 token invalid, 19021 sign or timestamp, 19022 IP not allowed, 19024 keyword
//   not found -> broken.
// Telegram (Bot API): ok true -> sent, result.message_id kept for replies; 429 -> paused
//   parameters.retry_after; 401/403/404 (token refused, bot blocked or kicked), 400 (chat not
//   found, can't parse entities: our formatting) -> broken; 5xx -> retry.
// ServerChan (code): 0 ok, anything else broken.
// Webhook (Standard Webhooks, "Delivery"): 2xx sent; 410 broken (disable the endpoint); 429,
//   502, 504 paused for Retry-After (30 s without); other 5xx retry; 3xx and other 4xx broken.
// E-mail: ServiceAnswer::http_status carries the SMTP reply code (RFC 5321 §4.2.1): 2yz sent,
//   4yz transient -> retry, 5yz permanent -> broken.
// Everywhere: no answer (timeout, refused, reset, TLS) -> retry; HTTP 5xx -> retry; a 2xx body a
// robot should have written but that does not parse -> retry, saying so. An unknown non-zero
// code -> broken: retrying cannot be known to help, and the operator sees the service's words.
#include <simdjson.h>

#include <cctype>
#include <optional>

#include "lodestone/notify/outbound.hpp"
#include "utf8_cut.hpp"

namespace lodestone::notify {
namespace {

using std::chrono::seconds;

constexpr std::size_t kDetailBytes = 300;
constexpr seconds kDingTalkPause{600};
constexpr seconds kWeComPause{65};
constexpr seconds kFeishuPause{60};
constexpr seconds kDefaultPause{30};

// The service's words, fit for a log line and the page: no URL (the robots' URLs carry their
// tokens; WeCom's errmsg links its help page): any "scheme://…" up to the next space or quote
// becomes "<url>"; no control characters; valid UTF-8.
std::string scrub(std::string_view words) {
  auto scheme_char = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '+' || c == '-' || c == '.';
  };
  std::string out;
  out.reserve(std::min(words.size(), kDetailBytes * 2));
  for (std::size_t i = 0; i < words.size() && out.size() < kDetailBytes * 2;) {
    if (words.compare(i, 3, "://") == 0) {
      while (!out.empty() && scheme_char(out.back())) out.pop_back();
      while (i < words.size() && std::string_view(" \t\r\n\"'<>()").find(words[i]) == std::string_view::npos) ++i;
      out += "<url>";
      continue;
    }
    const auto c = static_cast<unsigned char>(words[i]);
    out += c < 0x20 || c == 0x7F ? ' ' : words[i];
    ++i;
  }
  return detail::to_valid_utf8(out);
}

Verdict verdict(Outcome outcome, std::string_view detail_text, std::optional<seconds> pause = std::nullopt) {
  Verdict v;
  v.outcome = outcome;
  v.detail = detail::cut(detail_text, kDetailBytes, detail::Unit::Bytes, "…");
  if (outcome == Outcome::RateLimited) v.pause = std::max(pause.value_or(kDefaultPause), seconds{1});
  return v;
}

std::string http_words(const ServiceAnswer& a) {
  std::string out = "HTTP " + std::to_string(a.http_status);
  if (!a.body.empty()) out += ": " + scrub(std::string_view(a.body).substr(0, kDetailBytes * 2));
  return out;
}

std::optional<Verdict> no_answer(const ServiceAnswer& a) {
  if (a.transport_error)
    return verdict(Outcome::Retry,
                   std::string(to_string(a.transport_error->code)) + ": " + scrub(a.transport_error->message));
  if (a.http_status <= 0) return verdict(Outcome::Retry, "no answer");
  return std::nullopt;
}

// A parsed answer body (JSON object), or nothing.
class Body {
 public:
  explicit Body(const std::string& text) : padded_(text) {
    simdjson::dom::element root;
    if (!parser_.parse(padded_).get(root) && root.is_object()) root_ = root;
  }
  [[nodiscard]] bool ok() const { return root_.has_value(); }
  [[nodiscard]] std::optional<std::int64_t> integer(std::string_view path) const {
    if (!root_) return std::nullopt;
    std::int64_t v = 0;
    if (root_->at_pointer(path).get_int64().get(v)) return std::nullopt;
    return v;
  }
  [[nodiscard]] std::optional<bool> boolean(std::string_view path) const {
    if (!root_) return std::nullopt;
    bool v = false;
    if (root_->at_pointer(path).get_bool().get(v)) return std::nullopt;
    return v;
  }
  [[nodiscard]] std::string text(std::string_view path) const {
    if (!root_) return {};
    std::string_view v;
    if (root_->at_pointer(path).get_string().get(v)) return {};
    return scrub(v);
  }

 private:
  simdjson::padded_string padded_;
  simdjson::dom::parser parser_;
  std::optional<simdjson::dom::element> root_;
};

// The robots' common frame: no answer, 429, 5xx and unparsable bodies; `table` maps the code.
template <class Table>
Verdict robot(const ServiceAnswer& a, std::string_view code_path, std::string_view words_path,
              std::string_view fallback_code_path, seconds http_429_pause, Table table) {
  if (auto v = no_answer(a)) return *v;
  if (a.http_status == 429) return verdict(Outcome::RateLimited, http_words(a), a.retry_after.value_or(http_429_pause));
  if (a.http_status >= 500) return verdict(Outcome::Retry, http_words(a));
  const Body body(a.body);
  auto code = body.integer(code_path);
  if (!code && !fallback_code_path.empty()) code = body.integer(fallback_code_path);
  if (code) {
    std::string words = std::to_string(*code);
    if (const auto w = body.text(words_path); !w.empty()) words += " " + w;
    if (a.http_status < 200 || a.http_status >= 300) words = "HTTP " + std::to_string(a.http_status) + ", " + words;
    return table(*code, words);
  }
  if (a.http_status >= 200 && a.http_status < 300)
    return verdict(Outcome::Retry, "unparsable answer (no " + std::string(code_path.substr(1)) + "): " + http_words(a));
  return verdict(Outcome::Broken, http_words(a));
}

Verdict dingtalk(const ServiceAnswer& a) {
  return robot(a, "/errcode", "/errmsg", {}, kDingTalkPause, [](std::int64_t code, const std::string& words) {
    switch (code) {
      case 0:
        return verdict(Outcome::Sent, words);
      case 130101:
        return verdict(Outcome::RateLimited, words, kDingTalkPause);
      case 500100:
        return verdict(Outcome::Retry, words);
      case 310000:
      case 300001:
      case 460101:
      case 101002:
      default:
        return verdict(Outcome::Broken, words);
    }
  });
}

Verdict wecom(const ServiceAnswer& a) {
  return robot(a, "/errcode", "/errmsg", {}, kWeComPause, [](std::int64_t code, const std::string& words) {
    switch (code) {
      case 0:
        return verdict(Outcome::Sent, words);
      case 45009:
        return verdict(Outcome::RateLimited, words, kWeComPause);
      case -1:
        return verdict(Outcome::Retry, words);
      case 93000:
      case 40058:
      default:
        return verdict(Outcome::Broken, words);
    }
  });
}

Verdict feishu(const ServiceAnswer& a) {
  // "StatusCode" is the legacy field; "code" is read first.
  return robot(a, "/code", "/msg", "/StatusCode", kFeishuPause, [](std::int64_t code, const std::string& words) {
    switch (code) {
      case 0:
        return verdict(Outcome::Sent, words);
      case 11232:
        return verdict(Outcome::RateLimited, words, kFeishuPause);
      case 9499:
      case 19001:
      case 19021:
      case 19022:
      case 19024:
      default:
        return verdict(Outcome::Broken, words);
    }
  });
}

Verdict serverchan(const ServiceAnswer& a) {
  return robot(a, "/code", "/message", {}, kDefaultPause, [](std::int64_t code, const std::string& words) {
    return verdict(code == 0 ? Outcome::Sent : Outcome::Broken, words);
  });
}

Verdict telegram(const ServiceAnswer& a) {
  if (auto v = no_answer(a)) return *v;
  const Body body(a.body);
  if (body.boolean("/ok") == std::optional<bool>(true)) {
    Verdict v = verdict(Outcome::Sent, "ok");
    if (const auto id = body.integer("/result/message_id")) v.message_ref = std::to_string(*id);
    return v;
  }
  const std::int64_t code = body.integer("/error_code").value_or(a.http_status);
  const std::string description = body.text("/description");
  std::string words = std::to_string(code);
  if (!description.empty()) words += " " + description;
  if (!body.ok()) {
    if (a.http_status == 429) return verdict(Outcome::RateLimited, http_words(a), a.retry_after);
    if (a.http_status >= 500 || (a.http_status >= 200 && a.http_status < 300))
      return verdict(Outcome::Retry, (a.http_status < 300 ? "unparsable answer: " : "") + http_words(a));
    return verdict(Outcome::Broken, http_words(a));
  }
  if (code == 429) {
    std::optional<seconds> pause = a.retry_after;
    if (const auto after = body.integer("/parameters/retry_after")) pause = seconds{*after};
    return verdict(Outcome::RateLimited, words, pause);
  }
  if (code >= 500) return verdict(Outcome::Retry, words);
  if (const auto chat = body.integer("/parameters/migrate_to_chat_id"))
    return verdict(Outcome::Broken,
                   words + " (the group became a supergroup: set chat_id to " + std::to_string(*chat) + ")");
  // 400 "can't parse entities" is Lodestone's own MarkdownV2 escaping gone wrong, not the
  // receiver's: the words say so, so that nobody hunts for a configuration mistake.
  if (code == 400 && description.find("can't parse entities") != std::string::npos)
    return verdict(Outcome::Broken, "formatting bug (MarkdownV2 escaping), please report: " + words);
  return verdict(Outcome::Broken, words);
}

Verdict webhook(const ServiceAnswer& a) {
  if (auto v = no_answer(a)) return *v;
  const long s = a.http_status;
  if (s >= 200 && s < 300) return verdict(Outcome::Sent, "HTTP " + std::to_string(s));
  if (s == 410) return verdict(Outcome::Broken, http_words(a) + " (gone: the endpoint asks to be disabled)");
  if (s == 429 || s == 502 || s == 504) return verdict(Outcome::RateLimited, http_words(a), a.retry_after);
  if (s >= 500) return verdict(Outcome::Retry, http_words(a));
  if (s >= 300 && s < 400) return verdict(Outcome::Broken, http_words(a) + " (redirects are not followed)");
  if (s >= 400) return verdict(Outcome::Broken, http_words(a));
  return verdict(Outcome::Retry, http_words(a));  // 1xx as a final answer: not an answer
}

Verdict email(const ServiceAnswer& a) {
  if (auto v = no_answer(a)) return *v;
  const long code = a.http_status;
  std::string words = "SMTP " + std::to_string(code);
  if (!a.body.empty()) words += " " + scrub(std::string_view(a.body).substr(0, kDetailBytes * 2));
  if (code >= 200 && code < 300) return verdict(Outcome::Sent, words);
  if (code >= 500 && code < 600) return verdict(Outcome::Broken, words);
  return verdict(Outcome::Retry, words);  // 4yz, and anything that is not a final reply
}

}  // namespace

Verdict classify(ReceiverKind kind, const ServiceAnswer& answer) {
  switch (kind) {
    case ReceiverKind::Webhook:
      return webhook(answer);
    case ReceiverKind::DingTalk:
      return dingtalk(answer);
    case ReceiverKind::WeCom:
      return wecom(answer);
    case ReceiverKind::Feishu:
      return feishu(answer);
    case ReceiverKind::Telegram:
      return telegram(answer);
    case ReceiverKind::ServerChan:
      return serverchan(answer);
    case ReceiverKind::Email:
      return email(answer);
  }
  return verdict(Outcome::Broken, "unknown receiver kind");
}

}  // namespace lodestone::notify
