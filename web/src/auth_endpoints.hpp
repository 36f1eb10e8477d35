#pragma once
// GET /api/v1/whoami, POST /api/v1/ws-ticket, GET /api/v1/users and GET /api/v1/audit: the
// answers' JSON (web/PROTOCOL.md), for a caller the router has already identified and authorized.
#include <cstddef>
#include <vector>

#include "auth_gate.hpp"
#include "lodestone/auth/audit.hpp"
#include "lodestone/web/api.hpp"

namespace lodestone::web {

// {"user":"alice","role":"trader","permissions":[…],"users_configured":true}
HttpAnswer whoami_answer(const Caller& caller, RouterContext& ctx);
// {"ticket":"…","expires_in_ms":30000} for the caller's principal; 404 without access control.
HttpAnswer ticket_answer(const Caller& caller, RouterContext& ctx);
// {"users":[{"name","role","tokens":[{"id","created"}]}],"legacy_api_token":bool}: never a hash.
HttpAnswer users_answer(RouterContext& ctx);
// {"entries":[…]} newest first, or the error (503 when the log cannot be read now).
HttpAnswer audit_answer(const Result<std::vector<auth::AuditEntry>>& entries);

}  // namespace lodestone::web
