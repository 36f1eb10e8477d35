#pragma once
// One renderer per service (render_<service>.cpp); render() picks by the receiver's kind.
#include <string>
#include <string_view>

#include "lodestone/notify/outbound.hpp"

namespace lodestone::notify::detail {

Result<OutboundRequest> render_webhook(const ReceiverConfig& r, const Notification& n, Timestamp now);
Result<OutboundRequest> render_dingtalk(const ReceiverConfig& r, const Notification& n, Timestamp now);
Result<OutboundRequest> render_wecom(const ReceiverConfig& r, const Notification& n, Timestamp now);
Result<OutboundRequest> render_feishu(const ReceiverConfig& r, const Notification& n, Timestamp now);
Result<OutboundRequest> render_telegram(const ReceiverConfig& r, const Notification& n, Timestamp now);
Result<OutboundRequest> render_serverchan(const ReceiverConfig& r, const Notification& n, Timestamp now);
Result<OutboundRequest> render_email(const ReceiverConfig& r, const Notification& n, Timestamp now);

// An HTTP POST of `body` to `url` with the receiver's timeout and trust anchor.
OutboundRequest http_post(const ReceiverConfig& r, std::string url, std::string body, std::string_view content_type);

// The robots want UTF-8 said explicitly (DingTalk: "UTF-8 required").
inline constexpr std::string_view kJsonUtf8 = "application/json; charset=utf-8";

// The chat list line / card header: short enough for any service, whole characters.
std::string short_title(std::string_view title);

// "<what>: <why>" as a bad_config error naming the receiver (never its secret).
Error receiver_error(const ReceiverConfig& r, std::string_view why);

}  // namespace lodestone::notify::detail
