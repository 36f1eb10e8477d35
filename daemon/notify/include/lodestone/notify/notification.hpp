#pragma once
// What one receiver is sent at once: one alert's notification, a group of them, a digest the
// rate limit folded together, or a test. Pure data, rendered per service by render().
#include <cstdint>
#include <string>
#include <vector>

#include "lodestone/core/events.hpp"
#include "lodestone/notify/receiver.hpp"

namespace lodestone::notify {

enum class NotificationKind : std::uint8_t {
  Alerts,  // the alerts of one group (usually one), as they are
  Digest,  // what a full token bucket, a pause or quiet hours held back, folded into one message
  Test,    // `lodestone notify-test`: says so, carries no alert
};

struct Notification {
  NotificationKind kind = NotificationKind::Alerts;
  std::string receiver;       // the receiver's name
  std::vector<Alert> alerts;  // newest notification of each alert; firing and resolved may mix in a digest
  // Stable per (notification, receiver): the Standard Webhooks `webhook-id`, the idempotency
  // key a receiver drops repeats with. A digest's id is derived from its entries' ids.
  std::string id;
  std::string group_key;  // Alertmanager's groupKey: route and group labels
  std::map<std::string, std::string> group_labels;
  std::string public_url;  // notify.public_url: links are public_url + "/alerts/" + fingerprint
  // A digest: how many alerts it stands for and over what span (the first and last alert's time).
  std::size_t digest_count = 0;
  Timestamp digest_from;
  Timestamp digest_to;
  // An update of an alert already sent to this receiver (a retraction, an explanation that came
  // later): the service's reference of the original message where it returned one (Telegram's
  // message_id) so the update can reply to it; the original's title is quoted otherwise.
  std::string reply_to;
};

// The alert's stable identity (labels["fingerprint"], else its id): what the page's link, the
// ledger and GET /api/v1/alerts/ID/deliveries use.
std::string alert_key(const Alert& alert);

}  // namespace lodestone::notify
