#include "lodestone/auth/authenticator.hpp"

#include <spdlog/spdlog.h>

#include <cstdint>

namespace lodestone::auth {
namespace {

// Tokens longer than this are refused unhashed: no real token is near it, and it bounds the
// hashing work a request can ask for (the header limit, 8 KiB, bounds it too).
constexpr std::size_t kMaxTokenBytes = 1024;

}  // namespace

Authenticator::Authenticator(std::string_view legacy_token) {
  if (!legacy_token.empty()) legacy_ = hash_token(legacy_token);
  table_ = build(UsersFile{}, /*configured=*/false);  // until a file is loaded, `?token=` stays accepted
}

void Authenticator::set_users(const UsersFile& users) {
  auto t = build(users, /*configured=*/true);
  std::lock_guard lock(mutex_);
  table_ = std::move(t);
}

std::shared_ptr<const Authenticator::Table> Authenticator::build(const UsersFile& users, bool configured) const {
  auto t = std::make_shared<Table>();
  t->configured = configured;
  for (const auto& u : users.users) {
    t->principals.push_back({u.name, u.role});
    UserSummary s{u.name, u.role, {}};
    for (const auto& token : u.tokens) {
      t->entries.push_back({token.hash, t->principals.size() - 1});
      s.tokens.emplace_back(token.id, token.created);
    }
    t->users.push_back(std::move(s));
  }
  if (legacy_) {
    t->principals.push_back({std::string(kLegacyTokenUser), Role::admin});
    t->entries.push_back({*legacy_, t->principals.size() - 1});
  }
  return t;
}

std::shared_ptr<const Authenticator::Table> Authenticator::table() const {
  std::lock_guard lock(mutex_);
  return table_;
}

std::optional<Principal> Authenticator::authenticate(std::string_view token) const {
  const auto t = table();
  if (token.empty() || token.size() > kMaxTokenBytes) return std::nullopt;
  const TokenHash presented = hash_token(token);
  // Every entry is compared; the matching index is folded in with a mask, not a branch.
  std::size_t found = 0;
  std::size_t matched = 0;
  for (std::size_t i = 0; i < t->entries.size(); ++i) {
    const std::size_t eq = same_hash(presented, t->entries[i].hash) ? 1 : 0;
    const std::size_t mask = std::size_t{0} - eq;
    found = (found & ~mask) | (t->entries[i].principal & mask);
    matched |= eq;
  }
  if (matched == 0) return std::nullopt;
  const Principal& p = t->principals[found];
  if (legacy_ && p.name == kLegacyTokenUser && !legacy_warned_.exchange(true))
    spdlog::warn(
        "the shared api_token was used (as admin 'api_token'): it is deprecated; give each person and feed script "
        "a user of their own (`lodestone user add NAME --role ROLE --file PATH`, README \"Security\")");
  return p;
}

bool Authenticator::users_configured() const { return table()->configured; }

bool Authenticator::any_credential() const { return !table()->entries.empty(); }

std::size_t Authenticator::user_count() const { return table()->users.size(); }

std::vector<UserSummary> Authenticator::users() const { return table()->users; }

}  // namespace lodestone::auth
