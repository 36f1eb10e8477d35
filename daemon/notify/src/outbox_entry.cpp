// What the ledger files an outbox entry under, and the one rule it keeps (it never goes back):
// shared by the memory outbox and Redis' (whose scripts apply the same rule to the same states).
#include "lodestone/feeds/canonical_alert.hpp"
#include "lodestone/notify/notification.hpp"
#include "lodestone/notify/outbox.hpp"

namespace lodestone::notify {
namespace {

int rank(DeliveryState state) {
  switch (state) {
    case DeliveryState::Pending:
      return 0;
    case DeliveryState::Sent:
      return 2;
    case DeliveryState::Failed:
    case DeliveryState::Silenced:
    case DeliveryState::Skipped:
      return 1;
  }
  return 0;
}

}  // namespace

Status identify(OutboxEntry& entry) {
  if (!entry.alert_key.empty() && !entry.notification.empty()) return {};
  auto alert = feeds::parse_alert_json(entry.alert_json);
  if (!alert)
    return make_error(ErrorCode::bad_field, "outbox entry " + entry.id + " for " + entry.receiver +
                                                ": its alert does not read back (" + alert.error().message + ")");
  if (entry.alert_key.empty()) entry.alert_key = alert_key(*alert);
  if (entry.notification.empty()) entry.notification = alert->id;
  return {};
}

DeliveryRecord pending_record(const OutboxEntry& entry) {
  DeliveryRecord r;
  r.id = entry.id;
  r.alert_key = entry.alert_key;
  r.notification = entry.notification;
  r.receiver = entry.receiver;
  r.kind = entry.kind;
  r.state = DeliveryState::Pending;
  r.enqueued_at = entry.enqueued_at;
  r.updated_at = entry.enqueued_at;
  return r;
}

DeliveryRecord with_entry(DeliveryRecord record, const OutboxEntry& entry) {
  if (record.id.empty()) record.id = entry.id;
  if (record.alert_key.empty()) record.alert_key = entry.alert_key;
  if (record.notification.empty()) record.notification = entry.notification;
  if (record.receiver.empty()) record.receiver = entry.receiver;
  if (record.enqueued_at.ms == 0) record.enqueued_at = entry.enqueued_at;
  return record;
}

std::string ledger_slot(const DeliveryRecord& record) { return record.receiver + "|" + record.notification; }

bool supersedes(DeliveryState next, DeliveryState current) { return rank(next) >= rank(current); }

}  // namespace lodestone::notify
