// DingTalk custom group robot (钉钉自定义机器人): a markdown message, signed (加签) when the
// receiver has a secret, @mentions in both the text and "at", the body under 20 000 bytes.
//
// From DingTalk's robot documentation: {"msgtype":"markdown","markdown":{"title","text"},
// "at":{"atMobiles":[],"atUserIds":[],"isAtAll":false}}; "title" is what the chat list shows;
// atMobiles only highlights when the text also contains "@<mobile>" (在content里添加@人的手机号);
// a body over 20 000 bytes is refused (460101 message too long). A robot with keyword security
// needs the keyword in the message: every title and text here contains "Lodestone".
#include "alert_text.hpp"
#include "json_out.hpp"
#include "layout.hpp"
#include "render_services.hpp"
#include "robot_markdown.hpp"
#include "signing.hpp"

namespace lodestone::notify::detail {
namespace {

constexpr std::size_t kBodyLimit = 20'000;  // bytes, the whole body; we stay strictly below

std::string body_of(const std::string& title, const std::string& text, const Mentions& m) {
  JsonOut j;
  j.begin_object();
  j.field("msgtype", "markdown");
  j.key("markdown").begin_object().field("title", title).field("text", text).end_object();
  j.key("at").begin_object();
  j.strings("atMobiles", m.mobiles);
  j.strings("atUserIds", m.user_ids);
  j.field("isAtAll", m.all);
  j.end_object();
  j.end_object();
  return j.take();
}

}  // namespace

Result<OutboundRequest> render_dingtalk(const ReceiverConfig& r, const Notification& n, Timestamp now) {
  if (r.url.empty()) return receiver_error(r, "url is empty");
  const Message message = compose_message(r, n, now);
  std::string title = short_title(message.title);
  if (title.find("Lodestone") == std::string::npos) title += " · Lodestone";

  std::string mentions;
  for (const auto& mobile : r.mentions.mobiles) mentions += (mentions.empty() ? "" : " ") + ("@" + mobile);
  for (const auto& user : r.mentions.user_ids) mentions += (mentions.empty() ? "" : " ") + ("@" + user);
  if (!mentions.empty()) mentions += "\n";

  // The text gets what the rest of the body leaves, counted as it is written inside the JSON.
  const std::size_t overhead = body_of(title, {}, r.mentions).size();
  const Budget budget{overhead < kBodyLimit ? kBodyLimit - 1 - overhead : 0, json_string_size};
  const std::string text = lay_out(message, paragraph_markdown(), budget, mentions);

  std::string url = r.url;
  if (!r.secret.empty()) {
    const std::int64_t timestamp_ms = now.ms;
    url += url.find('?') == std::string::npos ? '?' : '&';
    url += "timestamp=" + std::to_string(timestamp_ms) + "&sign=" + dingtalk_sign(r.secret, timestamp_ms);
  }
  return http_post(r, std::move(url), body_of(title, text, r.mentions), kJsonUtf8);
}

}  // namespace lodestone::notify::detail
