#pragma once
// The users file (`users:` in the configuration), edited by `lodestone user add|list|remove`:
//
//   users:
//     - name: alice
//       role: trader
//       tokens:
//         - {id: 3f9c2a1b, hash: "blake2b:<64 hex>", created: "2026-02-09T10:15:03.120+08:00"}
//
// It holds hashes only (token.hpp), and is written atomically (a new file, fsync, rename) with
// mode 0600. A bad file is refused whole with file:line:column and what was expected.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lodestone/auth/role.hpp"
#include "lodestone/auth/token.hpp"
#include "lodestone/core/result.hpp"
#include "lodestone/core/time.hpp"

namespace lodestone::auth {

struct TokenRecord {
  std::string id;
  TokenHash hash{};
  Timestamp created;
};

struct User {
  std::string name;
  Role role = Role::viewer;
  std::vector<TokenRecord> tokens;
};

struct UsersFile {
  std::vector<User> users;

  [[nodiscard]] const User* find(std::string_view name) const;
  User* find(std::string_view name);
  [[nodiscard]] std::size_t token_count() const;
};

// The name the legacy `api_token` signs in as: no user may take it.
inline constexpr std::string_view kLegacyTokenUser = "api_token";

// 1 to 64 of [A-Za-z0-9._@-], not kLegacyTokenUser; "" when valid, else why not.
std::string user_name_problem(std::string_view name);

// `file_name` prefixes every error (bad_config): "users.yaml:4:11: role must be one of …".
Result<UsersFile> parse_users(std::string_view yaml, const std::string& file_name);
// io_error when the file cannot be read.
Result<UsersFile> load_users(const std::string& path);
// The file's text (deterministic: the same users give the same bytes).
std::string render_users(const UsersFile& users);
// Writes `path` atomically with mode 0600: readers see the old file or the new one, never half.
Status save_users(const std::string& path, const UsersFile& users);
// A warning when the file may be read by others than its owner (mode & 077), else nullopt.
std::optional<std::string> permission_warning(const std::string& path);

}  // namespace lodestone::auth
