#include "lodestone/auth/authenticator.hpp"

#include <gtest/gtest.h>

namespace lodestone::auth {
namespace {

UsersFile desk() {
  UsersFile f;
  f.users.push_back(User{"alice",
                         Role::trader,
                         {TokenRecord{"0000000a", hash_token("synthetic-alice-1"), {}},
                          TokenRecord{"0000000b", hash_token("synthetic-alice-2"), {}}}});
  f.users.push_back(User{"feed", Role::ingest, {TokenRecord{"0000000c", hash_token("synthetic-feed"), {}}}});
  f.users.push_back(User{"bob", Role::viewer, {}});
  return f;
}

TEST(Authenticator, MapsEachTokenToItsUserAndRole) {
  Authenticator a;
  a.set_users(desk());
  EXPECT_EQ(a.authenticate("synthetic-alice-1"), (Principal{"alice", Role::trader}));
  EXPECT_EQ(a.authenticate("synthetic-alice-2"), (Principal{"alice", Role::trader}));
  EXPECT_EQ(a.authenticate("synthetic-feed"), (Principal{"feed", Role::ingest}));
  for (const char* wrong : {"", "synthetic-alice-", "synthetic-alice-1x", "SYNTHETIC-ALICE-1", "unknown"})
    EXPECT_FALSE(a.authenticate(wrong)) << wrong;
  EXPECT_FALSE(a.authenticate(std::string(5000, 'a')));
  EXPECT_TRUE(a.users_configured());
  EXPECT_TRUE(a.any_credential());
  EXPECT_EQ(a.user_count(), 3U);
  auto users = a.users();
  ASSERT_EQ(users.size(), 3U);
  EXPECT_EQ(users[0].tokens.size(), 2U);
  EXPECT_EQ(users[0].tokens[1].first, "0000000b");
}

TEST(Authenticator, TheLegacyTokenIsAnAdminNamedApiTokenWithOrWithoutAFile) {
  Authenticator a("synthetic-shared-token");
  EXPECT_FALSE(a.users_configured());
  EXPECT_TRUE(a.any_credential());
  EXPECT_EQ(a.authenticate("synthetic-shared-token"), (Principal{"api_token", Role::admin}));
  a.set_users(desk());
  EXPECT_EQ(a.authenticate("synthetic-shared-token"), (Principal{"api_token", Role::admin}));
  EXPECT_EQ(a.authenticate("synthetic-alice-1"), (Principal{"alice", Role::trader}));
}

TEST(Authenticator, AReloadReplacesTheUsersAtOnce) {
  Authenticator a;
  EXPECT_FALSE(a.any_credential());
  a.set_users(desk());
  auto revoked = desk();
  revoked.users[0].tokens.erase(revoked.users[0].tokens.begin());
  a.set_users(revoked);
  EXPECT_FALSE(a.authenticate("synthetic-alice-1"));
  EXPECT_TRUE(a.authenticate("synthetic-alice-2"));
  a.set_users(UsersFile{});
  EXPECT_FALSE(a.authenticate("synthetic-alice-2"));
  EXPECT_TRUE(a.users_configured());
  EXPECT_FALSE(a.any_credential());
}

}  // namespace
}  // namespace lodestone::auth
