#pragma once
// Roles and permissions: one table (role.cpp) says which role may do what. The web layer maps each
// endpoint to the one permission it needs (web/src/auth_gate.cpp).
#include <optional>
#include <string_view>
#include <vector>

namespace lodestone::auth {

enum class Role : unsigned char {
  viewer,  // the board and the read API
  trader,  // also acknowledge, comment, silence
  admin,   // also reload rules, ingest, read the audit log, list users
  ingest,  // a feed script's service token: POST /api/v1/ingest and nothing else
};

enum class Permission : unsigned char {
  read,          // the page, the WebSocket, every GET of the API, /metrics
  acknowledge,   // POST /api/v1/alerts/ID/ack
  comment,       // a comment on an acknowledgement
  silence,       // POST /api/v1/silences, DELETE /api/v1/silences/ID
  reload_rules,  // POST /api/v1/rules/reload
  ingest,        // POST /api/v1/ingest
  manage_users,  // GET /api/v1/users (the CLI edits the file)
  read_audit,    // GET /api/v1/audit
};

inline constexpr Role kRoles[] = {Role::viewer, Role::trader, Role::admin, Role::ingest};
inline constexpr Permission kPermissions[] = {Permission::read,         Permission::acknowledge,  Permission::comment,
                                              Permission::silence,      Permission::reload_rules, Permission::ingest,
                                              Permission::manage_users, Permission::read_audit};

[[nodiscard]] bool allows(Role role, Permission permission);
// The role's permissions in kPermissions order.
[[nodiscard]] std::vector<Permission> permissions_of(Role role);

[[nodiscard]] std::string_view to_string(Role role);
[[nodiscard]] std::string_view to_string(Permission permission);
[[nodiscard]] std::optional<Role> parse_role(std::string_view text);

}  // namespace lodestone::auth
