// Feishu / Lark custom bot (飞书自定义机器人): an interactive card, its header coloured by
// severity, the facts in a lark_md div, a button that opens the alert; signed when the receiver
// has a secret; the body at most 20 KB.
//
// From Feishu's custom bot guide (自定义机器人使用指南): {"timestamp":"<s>","sign":"…",
// "msg_type":"interactive","card":{"header":{"title":{"tag":"plain_text","content"},"template"},
// "elements":[{"tag":"div","text":{"tag":"lark_md","content"}}, …]}}; the card goes under
// "card", not "content"; card buttons only open URLs; mentions in a card are <at id=…></at>
// (open_id or user_id, "all" for everyone; a custom bot cannot look up a mobile, so mobiles are
// not mentioned here); request bodies over 20 KB are refused (9499 Bad Request).
#include "alert_text.hpp"
#include "json_out.hpp"
#include "layout.hpp"
#include "render_services.hpp"
#include "signing.hpp"

namespace lodestone::notify::detail {
namespace {

constexpr std::size_t kBodyLimit = 20'000;  // "20 KB", read as the smaller 20 000 bytes

std::string_view template_colour(const Message& m) {
  if (m.tone == Tone::Test) return "grey";
  if (m.tone == Tone::Resolved) return "green";
  switch (m.severity) {
    case Severity::Critical:
      return "red";
    case Severity::Warning:
      return "orange";
    case Severity::Info:
      return "blue";
  }
  return "orange";
}

// The card's one button: the alert, or for digests and tests the board.
std::pair<std::string, std::string> button_of(const Message& m, const Notification& n) {
  if (m.sections.size() == 1 && !m.sections.front().link.empty())
    return {m.sections.front().link_text, m.sections.front().link};
  if (!n.public_url.empty()) return {"打开看板 Open the board", n.public_url};
  return {};
}

// lark_md: bold, links and <at>; no headings or quotes. The card header already shows the
// title and the button the link of a one-alert message, so those are not repeated.
Markup lark_md(const Message& m) {
  const bool single = m.sections.size() == 1;
  const std::string title = m.title;
  return Markup{
      [title](std::string_view text, const Section&) {
        if (text == title) return std::string();
        return "**" + neutralise_markdown(text) + "**\n";
      },
      [](std::string_view label, std::string_view value) {
        return "**" + std::string(label) + "**: " + neutralise_markdown(value) + "\n";
      },
      [](std::string_view text) { return neutralise_markdown(text) + "\n"; },
      [single](std::string_view text, std::string_view url) {
        if (single) return std::string();
        return "[" + std::string(text) + "](" + std::string(url) + ")\n";
      },
      [](std::string_view text, std::string_view url, const Section&) {
        std::string line = "• " + neutralise_markdown(text);
        if (!url.empty()) line += " [查看 open](" + std::string(url) + ")";
        return line + "\n";
      },
      [](std::string_view text) { return neutralise_markdown(text) + "\n"; },
      "\n",
  };
}

std::string body_of(const ReceiverConfig& r, Timestamp now, const Message& m, const std::string& title,
                    const std::string& content, const std::pair<std::string, std::string>& button) {
  JsonOut j;
  j.begin_object();
  if (!r.secret.empty()) {
    const std::int64_t timestamp_s = now.ms / 1000;
    j.field("timestamp", std::to_string(timestamp_s));  // a string, as Feishu's own example sends it
    j.field("sign", feishu_sign(r.secret, timestamp_s));
  }
  j.field("msg_type", "interactive");
  j.key("card").begin_object();
  j.key("config").begin_object().field("wide_screen_mode", true).end_object();
  j.key("header").begin_object();
  j.key("title").begin_object().field("tag", "plain_text").field("content", title).end_object();
  j.field("template", template_colour(m));
  j.end_object();
  j.key("elements").begin_array();
  j.begin_object().field("tag", "div");
  j.key("text").begin_object().field("tag", "lark_md").field("content", content).end_object();
  j.end_object();
  if (!button.second.empty()) {
    j.begin_object().field("tag", "action").key("actions").begin_array();
    j.begin_object().field("tag", "button");
    j.key("text").begin_object().field("tag", "plain_text").field("content", button.first).end_object();
    j.field("type", "primary").field("url", button.second);
    j.end_object();
    j.end_array().end_object();
  }
  j.end_array();
  j.end_object();
  j.end_object();
  return j.take();
}

}  // namespace

Result<OutboundRequest> render_feishu(const ReceiverConfig& r, const Notification& n, Timestamp now) {
  if (r.url.empty()) return receiver_error(r, "url is empty");
  const Message message = compose_message(r, n, now);
  std::string title = short_title(message.title);
  if (title.find("Lodestone") == std::string::npos) title += " · Lodestone";
  const auto button = button_of(message, n);

  std::string mentions;
  for (const auto& user : r.mentions.user_ids) mentions += "<at id=" + user + "></at>";
  if (r.mentions.all) mentions += "<at id=all></at>";
  if (!mentions.empty()) mentions += "\n";

  const std::size_t overhead = body_of(r, now, message, title, {}, button).size();
  const Budget budget{overhead < kBodyLimit ? kBodyLimit - overhead : 0, json_string_size};
  const std::string content = lay_out(message, lark_md(message), budget, mentions);
  return http_post(r, r.url, body_of(r, now, message, title, content, button), kJsonUtf8);
}

}  // namespace lodestone::notify::detail
