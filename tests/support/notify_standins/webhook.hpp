#pragma once
// A consumer of Lodestone's outbound webhooks as the Standard Webhooks spec (1.0.0) says a
// consumer verifies them, receiving Alertmanager's version-4 payload:
//   webhook-id         the idempotency key, stable across retries; must not contain '.'
//   webhook-timestamp  Unix seconds, within ±5 minutes of the consumer's clock
//   webhook-signature  space-separated "v1,<base64>" entries; one must equal
//                      base64(HMAC-SHA256(key, id + "." + timestamp + "." + raw body)) where key
//                      is the base64-decoded part of a "whsec_<base64>" secret (constant-time)
// It dedups by webhook-id like a careful consumer (a repeat is answered 200 and counted, so a
// test can assert that no notification arrived twice) and can enforce a rate limit of its own
// with 429 and Retry-After.
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "standin.hpp"

namespace lodestone::testing {

struct WebhookOptions {
  std::string path = "/hook";
  // "whsec_<base64>" secrets; a signature under any one passes (rotation). Empty: unsigned
  // deliveries are accepted (a consumer that does not verify).
  std::vector<std::string> secrets;
  std::chrono::seconds tolerance{300};
  bool alertmanager_v4 = true;  // the body must be Alertmanager's version-4 payload
  struct RateLimit {
    std::size_t count = 0;
    std::chrono::milliseconds window{60'000};
  };
  std::optional<RateLimit> rate_limit;  // over it: 429 with Retry-After (seconds)
  StandInOptions server;
};

class WebhookStandIn final : public HttpStandIn {
 public:
  explicit WebhookStandIn(WebhookOptions options);
  [[nodiscard]] std::string url() const;  // base_url() + path
  // Deliveries whose webhook-id had already been accepted: none, when every notification
  // arrived exactly once.
  [[nodiscard]] std::size_t repeats() const;
  [[nodiscard]] std::vector<std::string> repeated_ids() const;
  [[nodiscard]] std::size_t distinct_ids() const;

 private:
  std::string path_;
};

}  // namespace lodestone::testing
