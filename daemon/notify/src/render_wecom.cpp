// WeCom group robot (企业微信群机器人): markdown v1 with <font color> for the severity and
// <@userid> mentions, the content at most 4096 BYTES (a CJK character is 3).
//
// From WeCom's robot documentation (群机器人配置说明): markdown.content ≤ 4096 bytes UTF-8,
// text.content ≤ 2048 bytes; <font color="info|comment|warning"> are the only colours;
// <@userid> mentions work in text and markdown content; only the text message takes
// mentioned_mobile_list and "@all". So a receiver that mentions by mobile or mentions everyone
// is sent a text message (no colour, but the @ that wakes the phone); otherwise markdown v1
// (markdown_v2 has neither colour nor @).
#include "alert_text.hpp"
#include "json_out.hpp"
#include "layout.hpp"
#include "render_services.hpp"

namespace lodestone::notify::detail {
namespace {

constexpr std::size_t kMarkdownLimit = 4096;  // bytes of markdown.content
constexpr std::size_t kTextLimit = 2048;      // bytes of text.content

std::string_view colour(Severity severity, bool resolved) {
  if (resolved) return "info";  // green: it is over
  return severity == Severity::Info ? "comment" : "warning";
}

const Markup& wecom_markdown() {
  static const Markup kMarkup{
      [](std::string_view text, const Section& s) {
        return "### <font color=\"" + std::string(colour(s.severity, s.resolved)) + "\">" + neutralise_markdown(text) +
               "</font>\n";
      },
      [](std::string_view label, std::string_view value) {
        return "**" + std::string(label) + "**: " + neutralise_markdown(value) + "\n";
      },
      [](std::string_view text) { return "> " + neutralise_markdown(text) + "\n"; },
      [](std::string_view text, std::string_view url) {
        return "[" + std::string(text) + "](" + std::string(url) + ")\n";
      },
      [](std::string_view text, std::string_view url, const Section& s) {
        std::string line = "<font color=\"" + std::string(colour(s.severity, s.resolved)) + "\">" +
                           neutralise_markdown(text) + "</font>";
        if (!url.empty()) line += " [查看 open](" + std::string(url) + ")";
        return line + "\n";
      },
      [](std::string_view text) { return neutralise_markdown(text) + "\n"; },
      "\n",
  };
  return kMarkup;
}

}  // namespace

Result<OutboundRequest> render_wecom(const ReceiverConfig& r, const Notification& n, Timestamp now) {
  if (r.url.empty()) return receiver_error(r, "url is empty");
  const Message message = compose_message(r, n, now);
  JsonOut j;
  j.begin_object();
  if (!r.mentions.mobiles.empty() || r.mentions.all) {
    std::vector<std::string> users = r.mentions.user_ids;
    if (r.mentions.all) users.emplace_back("@all");
    const std::string content = lay_out(message, plain_markup(), Budget{kTextLimit, byte_count});
    j.field("msgtype", "text");
    j.key("text").begin_object();
    j.field("content", content);
    j.strings("mentioned_list", users);
    j.strings("mentioned_mobile_list", r.mentions.mobiles);
    j.end_object();
  } else {
    std::string mentions;
    for (const auto& user : r.mentions.user_ids) mentions += "<@" + user + ">";
    if (!mentions.empty()) mentions += "\n";
    const std::string content = lay_out(message, wecom_markdown(), Budget{kMarkdownLimit, byte_count}, mentions);
    j.field("msgtype", "markdown");
    j.key("markdown").begin_object().field("content", content).end_object();
  }
  j.end_object();
  return http_post(r, r.url, j.take(), kJsonUtf8);
}

}  // namespace lodestone::notify::detail
