#include "lodestone/auth/role.hpp"

#include <array>
#include <cstddef>

namespace lodestone::auth {
namespace {

constexpr std::size_t kPermissionCount = std::size(kPermissions);

// The one table: a row per role, a column per permission (kPermissions order).
//                                       read ack  cmt  sil  rld  ing  usr  aud
constexpr std::array<std::array<bool, kPermissionCount>, std::size(kRoles)> kTable = {{
    /* viewer */ {true, false, false, false, false, false, false, false},
    /* trader */ {true, true, true, true, false, false, false, false},
    /* admin  */ {true, true, true, true, true, true, true, true},
    /* ingest */ {false, false, false, false, false, true, false, false},
}};

}  // namespace

bool allows(Role role, Permission permission) {
  return kTable[static_cast<std::size_t>(role)][static_cast<std::size_t>(permission)];
}

std::vector<Permission> permissions_of(Role role) {
  std::vector<Permission> out;
  for (auto p : kPermissions)
    if (allows(role, p)) out.push_back(p);
  return out;
}

std::string_view to_string(Role role) {
  switch (role) {
    case Role::viewer:
      return "viewer";
    case Role::trader:
      return "trader";
    case Role::admin:
      return "admin";
    case Role::ingest:
      return "ingest";
  }
  return "viewer";
}

std::string_view to_string(Permission permission) {
  switch (permission) {
    case Permission::read:
      return "read";
    case Permission::acknowledge:
      return "acknowledge";
    case Permission::comment:
      return "comment";
    case Permission::silence:
      return "silence";
    case Permission::reload_rules:
      return "reload_rules";
    case Permission::ingest:
      return "ingest";
    case Permission::manage_users:
      return "manage_users";
    case Permission::read_audit:
      return "read_audit";
  }
  return "read";
}

std::optional<Role> parse_role(std::string_view text) {
  for (auto r : kRoles)
    if (to_string(r) == text) return r;
  return std::nullopt;
}

}  // namespace lodestone::auth
