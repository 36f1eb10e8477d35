#pragma once
// /api/v1/rules, /api/v1/rules/reload, /api/v1/silences, /api/v1/alerts/{id}/ack, /api/v1/acks:
// request bodies read, answers written, the rule engine reached through RulesControl.
#include <optional>
#include <string_view>

#include "lodestone/web/api.hpp"
#include "lodestone/web/hub.hpp"
#include "lodestone/web/rules_control.hpp"

namespace lodestone::web {

// The answer for one of these paths, or nullopt when `target` is none of them. An acknowledgement
// is also sent to every client through `hub`.
std::optional<HttpAnswer> answer_rules_request(RulesControl& rules, Hub& hub, std::string_view method,
                                               std::string_view target, std::string_view body);

}  // namespace lodestone::web
