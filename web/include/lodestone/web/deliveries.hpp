#pragma once
// The delivery ledger as the page reads it: GET /api/v1/alerts/KEY/deliveries and the `delivery`
// WebSocket message (web/PROTOCOL.md). A record is one (notification, receiver) pair as the
// notifier writes it, already JSON (notify::to_json(DeliveryRecord)):
//   {"id","alert","notification","receiver","kind","state","attempts","enqueued_at",
//    "updated_at","detail","digest","instance"}
// Web adds only the envelope; it never parses or rewrites a record.
#include <string>
#include <string_view>
#include <vector>

namespace lodestone::web {

// {"alert":KEY,"deliveries":[record,...]}: the body of a 200 answer to Api::deliveries.
std::string deliveries_json(std::string_view alert_key, const std::vector<std::string>& records);

// {"type":"delivery","alert":KEY,"record":record}: what the daemon broadcasts (Hub::broadcast)
// whenever a record changes (enqueued, each attempt, sent, failed, silenced, skipped).
std::string delivery_message(std::string_view alert_key, std::string_view record);

}  // namespace lodestone::web
