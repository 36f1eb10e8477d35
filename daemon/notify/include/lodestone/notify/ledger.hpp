#pragma once
// The delivery ledger: one record per (alert notification, receiver), from enqueued to sent or
// failed. What GET /api/v1/alerts/ID/deliveries and the page show.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "lodestone/core/result.hpp"
#include "lodestone/core/time.hpp"
#include "lodestone/notify/receiver.hpp"

namespace lodestone::notify {

enum class DeliveryState : std::uint8_t {
  Pending,   // enqueued or being retried
  Sent,      // the service took it (alone, in a group or in a digest)
  Failed,    // dead-lettered: broken receiver, or give_up_after passed
  Silenced,  // a silence matched when it was due: not sent
  Skipped,   // not sent by design: resolved with send_resolved off, quiet hours with no digest
};
std::string_view to_string(DeliveryState state);
Result<DeliveryState> parse_delivery_state(std::string_view text);

struct DeliveryRecord {
  std::string id;            // the outbox entry's id (webhook-id)
  std::string alert_key;     // the alert's fingerprint
  std::string notification;  // the alert notification's id ("…:firing", "…:resolved")
  std::string receiver;
  ReceiverKind kind = ReceiverKind::Webhook;
  DeliveryState state = DeliveryState::Pending;
  std::uint32_t attempts = 0;
  Timestamp enqueued_at;
  Timestamp updated_at;     // last attempt or state change
  std::string detail;       // the service's answer or why it failed; never a secret
  bool digest = false;      // went out inside a digest
  std::string message_ref;  // the service's id of the message (replies to it)
  std::string instance;     // the daemon that delivered it
};

// {"id":…,"alert":…,"notification":…,"receiver":…,"kind":…,"state":…,"attempts":…,
//  "enqueued_at":…,"updated_at":…,"detail":…,"digest":…,"message_ref":…,"instance":…}
// "alert" is the alert key; "kind" and "state" are their names (to_string); enqueued_at and
// updated_at are milliseconds since the Unix epoch as JSON integers (the page and the API
// format them). Every field is written, empty ones too: the record is one fixed shape in Redis.
std::string to_json(const DeliveryRecord& record);
// Reads what to_json wrote. id, alert, receiver, kind and state are required; fields it does not
// know are skipped (a newer daemon's record). Errors: bad_json, bad_encoding, bad_event (not an
// object), missing_field, bad_field (wrong type, unknown kind or state); the message names the
// field.
Result<DeliveryRecord> delivery_from_json(std::string_view json);

}  // namespace lodestone::notify
