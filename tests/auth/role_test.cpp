#include "lodestone/auth/role.hpp"

#include <gtest/gtest.h>

namespace lodestone::auth {
namespace {

std::vector<std::string> names(Role r) {
  std::vector<std::string> out;
  for (auto p : permissions_of(r)) out.emplace_back(to_string(p));
  return out;
}

TEST(Roles, EachRoleHasExactlyTheIssuesPermissions) {
  using V = std::vector<std::string>;
  EXPECT_EQ(names(Role::viewer), V{"read"});
  EXPECT_EQ(names(Role::trader), (V{"read", "acknowledge", "comment", "silence"}));
  EXPECT_EQ(names(Role::admin),
            (V{"read", "acknowledge", "comment", "silence", "reload_rules", "ingest", "manage_users", "read_audit"}));
  EXPECT_EQ(names(Role::ingest), V{"ingest"});
}

TEST(Roles, NamesRoundTripAndUnknownOnesAreRefused) {
  for (auto r : kRoles) EXPECT_EQ(parse_role(to_string(r)), r);
  EXPECT_FALSE(parse_role("Admin"));
  EXPECT_FALSE(parse_role("root"));
  EXPECT_FALSE(parse_role(""));
}

}  // namespace
}  // namespace lodestone::auth
