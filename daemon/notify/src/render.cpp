// render(): the receiver's kind picks the service's renderer; the checks every kind shares first.
#include "alert_text.hpp"
#include "render_services.hpp"
#include "utf8_cut.hpp"

namespace lodestone::notify {

namespace detail {

OutboundRequest http_post(const ReceiverConfig& r, std::string url, std::string body, std::string_view content_type) {
  OutboundRequest req;
  req.transport = OutboundRequest::Transport::Http;
  req.url = std::move(url);
  req.headers.emplace_back("Content-Type", std::string(content_type));
  req.body = std::move(body);
  req.ca_file = r.ca_file;
  req.timeout = r.timeout;
  return req;
}

std::string short_title(std::string_view title) {
  // 128 bytes: the chat list shows about a line of it, and WeCom's news titles stop there too.
  return cut(title, 128, Unit::Bytes, "…");
}

Error receiver_error(const ReceiverConfig& r, std::string_view why) {
  return make_error(ErrorCode::bad_config,
                    "receiver \"" + r.name + "\" (" + std::string(to_string(r.kind)) + "): " + std::string(why));
}

}  // namespace detail

Result<OutboundRequest> render(const ReceiverConfig& receiver, const Notification& notification, Timestamp now) {
  if (notification.kind != NotificationKind::Test && notification.alerts.empty())
    return make_error(ErrorCode::bad_field, "notification \"" + notification.id + "\" carries no alert");
  switch (receiver.kind) {
    case ReceiverKind::Webhook:
      return detail::render_webhook(receiver, notification, now);
    case ReceiverKind::DingTalk:
      return detail::render_dingtalk(receiver, notification, now);
    case ReceiverKind::WeCom:
      return detail::render_wecom(receiver, notification, now);
    case ReceiverKind::Feishu:
      return detail::render_feishu(receiver, notification, now);
    case ReceiverKind::Telegram:
      return detail::render_telegram(receiver, notification, now);
    case ReceiverKind::ServerChan:
      return detail::render_serverchan(receiver, notification, now);
    case ReceiverKind::Email:
      return detail::render_email(receiver, notification, now);
  }
  return detail::receiver_error(receiver, "unknown receiver kind");
}

}  // namespace lodestone::notify
