// Telegram Bot API sendMessage: MarkdownV2 text, at most 4096 characters, a reply to the
// original message when the notification updates one the chat already has.
//
// From the Bot API reference: POST <api>/bot<token>/sendMessage with chat_id (integer or
// "@channelusername"), text (1-4096 characters after entities parsing), parse_mode,
// link_preview_options, reply_parameters {message_id, allow_sending_without_reply} (Bot API 7.0;
// it replaces reply_to_message_id). The limit is counted here on the text as sent, escapes and
// markup included, in UTF-16 code units: at least what Telegram counts after parsing, whichever
// of characters or UTF-16 units it means.
#include <charconv>

#include "alert_text.hpp"
#include "json_out.hpp"
#include "layout.hpp"
#include "markdown_v2.hpp"
#include "render_services.hpp"

namespace lodestone::notify::detail {
namespace {

constexpr std::size_t kTextLimit = 4096;

const Markup& markdown_v2() {
  static const Markup kMarkup{
      [](std::string_view text, const Section&) { return "*" + markdown_v2_escape(text) + "*\n"; },
      [](std::string_view label, std::string_view value) {
        return "*" + markdown_v2_escape(label) + "*: " + markdown_v2_escape(value) + "\n";
      },
      [](std::string_view text) { return ">" + markdown_v2_escape(text) + "\n"; },
      [](std::string_view text, std::string_view url) {
        return "[" + markdown_v2_escape(text) + "](" + markdown_v2_escape_url(url) + ")\n";
      },
      [](std::string_view text, std::string_view url, const Section&) {
        std::string line = "• " + markdown_v2_escape(text);
        if (!url.empty()) line += " [查看 open](" + markdown_v2_escape_url(url) + ")";
        return line + "\n";
      },
      [](std::string_view text) { return markdown_v2_escape(text) + "\n"; },
      "\n",
  };
  return kMarkup;
}

std::optional<std::int64_t> integer(std::string_view text) {
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

Result<OutboundRequest> render_telegram(const ReceiverConfig& r, const Notification& n, Timestamp now) {
  if (r.url.empty()) return receiver_error(r, "url (the Bot API base, https://api.telegram.org) is empty");
  if (r.secret.empty()) return receiver_error(r, "the bot token (its secret) is empty");
  if (r.chat_id.empty()) return receiver_error(r, "chat_id is empty");
  const Message message = compose_message(r, n, now);
  const std::string text = lay_out(message, markdown_v2(), Budget{kTextLimit, utf16_count});

  JsonOut j;
  j.begin_object();
  if (const auto id = integer(r.chat_id)) {
    j.field("chat_id", *id);
  } else {
    j.field("chat_id", r.chat_id);  // "@channelusername"
  }
  j.field("text", text);
  j.field("parse_mode", "MarkdownV2");
  j.key("link_preview_options").begin_object().field("is_disabled", true).end_object();
  if (const auto original = integer(n.reply_to)) {
    // The original may have been deleted: then the update is sent on its own, not refused.
    j.key("reply_parameters").begin_object();
    j.field("message_id", *original).field("allow_sending_without_reply", true);
    j.end_object();
  }
  j.end_object();
  std::string url = r.url;
  while (!url.empty() && url.back() == '/') url.pop_back();
  url += "/bot" + r.secret + "/sendMessage";
  return http_post(r, std::move(url), j.take(), "application/json");
}

}  // namespace lodestone::notify::detail
