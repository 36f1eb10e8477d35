#pragma once
// One alert's own endpoints: GET /api/v1/alerts/KEY (its retained notifications) and
// GET /api/v1/alerts/KEY/deliveries (the ledger, answered later: see router.cpp).
#include <optional>
#include <string>
#include <string_view>

#include "lodestone/web/api.hpp"

namespace lodestone::web {

struct AlertPath {
  std::string key;  // percent-decoded
  bool deliveries = false;
};

// What "/api/v1/alerts/KEY" or "/api/v1/alerts/KEY/deliveries" names; nullopt for any other path
// (the alert list, /ack, a KEY that is empty or does not decode).
std::optional<AlertPath> alert_path(std::string_view path);

// {"alert":KEY,"notifications":[...]}, oldest first, or 404. A KEY that is one of the alert's
// notification ids ("<fingerprint>:firing") finds the alert too, and the answer names its key.
HttpAnswer alert_answer(Api& api, std::string_view key);

}  // namespace lodestone::web
