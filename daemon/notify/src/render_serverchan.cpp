// ServerChan Turbo (Server酱, personal WeChat push): POST <api>/<SendKey>.send with a title of at
// most 32 characters and a markdown desp of at most 32 KB (ServerChan's parameter table, as the
// official serverchan-sdk passes it). Server酱³ keys (sctp<N>t…) use the API base
// https://<N>.push.ft07.com/send, the same shape.
#include "alert_text.hpp"
#include "json_out.hpp"
#include "layout.hpp"
#include "render_services.hpp"
#include "robot_markdown.hpp"
#include "utf8_cut.hpp"

namespace lodestone::notify::detail {

namespace {
constexpr std::size_t kTitleChars = 32;
constexpr std::size_t kDespBytes = std::size_t{32} * 1024;
}  // namespace

Result<OutboundRequest> render_serverchan(const ReceiverConfig& r, const Notification& n, Timestamp now) {
  if (r.url.empty()) return receiver_error(r, "url (the API base, https://sctapi.ftqq.com) is empty");
  if (r.secret.empty()) return receiver_error(r, "the SendKey (its secret) is empty");
  const Message message = compose_message(r, n, now);
  JsonOut j;
  j.begin_object();
  j.field("title", cut(message.short_title, kTitleChars, Unit::CodePoints, "…"));
  j.field("desp", lay_out(message, paragraph_markdown(), Budget{kDespBytes, byte_count}));
  j.end_object();
  std::string url = r.url;
  while (!url.empty() && url.back() == '/') url.pop_back();
  url += "/" + r.secret + ".send";
  return http_post(r, std::move(url), j.take(), kJsonUtf8);
}

}  // namespace lodestone::notify::detail
