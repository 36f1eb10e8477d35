#pragma once
// A notification made into what one service takes (render), and the service's answer made into
// what to do next (classify). Both pure: no sockets, the time is passed in.
#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "lodestone/core/result.hpp"
#include "lodestone/core/time.hpp"
#include "lodestone/notify/notification.hpp"
#include "lodestone/notify/receiver.hpp"

namespace lodestone::notify {

// One request on the wire. HTTP: a POST of `body` to `url` with `headers`. SMTP: `url` is the
// server, `mail_from`/`rcpt_to` the envelope and `body` the whole RFC 5322 message.
struct OutboundRequest {
  enum class Transport : std::uint8_t { Http, Smtp } transport = Transport::Http;
  std::string url;  // carries the token for the robots: never logged
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string mail_from;
  std::vector<std::string> rcpt_to;
  std::string smtp_user;
  std::string smtp_password;
  bool starttls = true;
  std::string ca_file;
  std::chrono::milliseconds timeout{15'000};
};

// Renders and signs at `now` (DingTalk's and Feishu's timestamp, webhook-timestamp). A message
// longer than the service takes is cut on a UTF-8 character boundary with a marker saying so.
Result<OutboundRequest> render(const ReceiverConfig& receiver, const Notification& notification, Timestamp now);

// What came back: the HTTP status and body, or the transport's failure (no answer).
struct ServiceAnswer {
  long http_status = 0;  // 0: no HTTP answer (see transport_error)
  std::string body;
  std::optional<std::chrono::seconds> retry_after;  // the Retry-After header
  // Set when nothing came back: timeout, refused, reset, TLS. The code is ErrorCode::timeout,
  // unavailable or tls_failed; the words are the transport's.
  std::optional<Error> transport_error;
};

enum class Outcome : std::uint8_t {
  Sent,         // the service took it
  Retry,        // transient (timeout, 5xx, the service's "busy"): back off and try again
  RateLimited,  // the service's own rate-limit answer: pause the receiver, then try again
  Broken,       // retrying cannot fix it (bad token, bad signature, keyword missing, too long)
};
std::string_view to_string(Outcome outcome);  // "sent", "retry", "rate_limited", "broken"

struct Verdict {
  Outcome outcome = Outcome::Retry;
  std::string detail;                         // the service's code and words, e.g. "310000 sign not match"
  std::optional<std::chrono::seconds> pause;  // RateLimited: how long (DingTalk 10 min, Retry-After, retry_after)
  std::string message_ref;                    // the service's id of the message sent (Telegram message_id), for replies
};

Verdict classify(ReceiverKind kind, const ServiceAnswer& answer);

}  // namespace lodestone::notify
