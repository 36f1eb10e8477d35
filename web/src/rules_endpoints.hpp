#pragma once
// /api/v1/rules, /api/v1/rules/reload, /api/v1/silences, /api/v1/alerts/{id}/ack, /api/v1/acks:
// request bodies read, answers written, the rule engine reached through RulesControl.
#include <optional>
#include <string>
#include <string_view>

#include "lodestone/web/api.hpp"
#include "lodestone/web/hub.hpp"
#include "lodestone/web/rules_control.hpp"

namespace lodestone::web {

// Who writes: acknowledgements and silences carry this name, whatever the body says (its `by` and
// `created_by` are read and ignored). `may_comment`: the role may attach a comment (403 if not).
struct Actor {
  std::string name;
  bool may_comment = true;
};

// The answer for one of these paths, or nullopt when `target` is none of them. An acknowledgement
// is also sent to every client through `hub`. Without an actor (callers that authenticate
// nothing themselves) the body's `by` and `created_by` stand; the router always passes one.
std::optional<HttpAnswer> answer_rules_request(RulesControl& rules, Hub& hub, std::string_view method,
                                               std::string_view target, std::string_view body,
                                               const Actor* actor = nullptr);

}  // namespace lodestone::web
