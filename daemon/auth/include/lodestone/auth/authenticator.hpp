#pragma once
// Who presents a bearer token: the users file's tokens and the legacy `api_token` (an admin named
// "api_token", kept for upgrades, with a deprecation warning logged on its first use). Thread-safe:
// any I/O thread asks while SIGHUP swaps in a reloaded file.
//
// A check costs the same for an unknown token, a wrong one and a right one: the presented token
// is hashed once and compared with every stored hash (sodium_memcmp, no early exit), and the
// match is selected without a branch on which entry matched.
#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lodestone/auth/role.hpp"
#include "lodestone/auth/users_file.hpp"

namespace lodestone::auth {

struct Principal {
  std::string name;
  Role role = Role::viewer;
  bool operator==(const Principal&) const = default;
};

// What `lodestone user list` and GET /api/v1/users show: never a hash.
struct UserSummary {
  std::string name;
  Role role = Role::viewer;
  std::vector<std::pair<std::string, Timestamp>> tokens;  // id, created
};

class Authenticator {
 public:
  // `legacy_token` (the configuration's api_token; "" = none) authenticates as an admin named
  // "api_token" whatever file is loaded.
  explicit Authenticator(std::string_view legacy_token = {});

  // Swaps in the users of a (re)loaded file; from then on `users_configured()` is true.
  void set_users(const UsersFile& users);

  // The principal holding `token`, or nullopt. Constant work for a given number of stored hashes.
  [[nodiscard]] std::optional<Principal> authenticate(std::string_view token) const;

  // A users file is loaded (it may be empty): `?token=` is then refused.
  [[nodiscard]] bool users_configured() const;
  // Some token can authenticate (a user's or the legacy one): otherwise writes are disabled.
  [[nodiscard]] bool any_credential() const;
  [[nodiscard]] std::size_t user_count() const;
  [[nodiscard]] std::vector<UserSummary> users() const;

 private:
  struct Entry {
    TokenHash hash;
    std::size_t principal;  // index into Table::principals
  };
  struct Table {
    std::vector<Principal> principals;
    std::vector<Entry> entries;
    std::vector<UserSummary> users;
    bool configured = false;
  };
  std::shared_ptr<const Table> table() const;
  std::shared_ptr<const Table> build(const UsersFile& users, bool configured) const;

  std::optional<TokenHash> legacy_;
  mutable std::mutex mutex_;
  std::shared_ptr<const Table> table_;
  mutable std::atomic<bool> legacy_warned_{false};
};

}  // namespace lodestone::auth
