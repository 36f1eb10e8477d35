#include "lodestone/auth/token.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <set>

namespace lodestone::auth {
namespace {

TEST(Tokens, AreHighEntropyWithAPublicIdPrefix) {
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    auto t = new_token();
    ASSERT_TRUE(std::regex_match(t.token, std::regex("lds_[0-9a-f]{8}_[A-Za-z0-9_-]{43}"))) << t.token;
    EXPECT_EQ(t.token.substr(4, 8), t.id);
    EXPECT_TRUE(valid_token_id(t.id));
    EXPECT_TRUE(same_hash(t.hash, hash_token(t.token)));
    EXPECT_TRUE(seen.insert(t.token).second);
  }
}

TEST(Tokens, TheHashIsKeyedBlake2bAndItsTextRoundTrips) {
  const auto h = hash_token("synthetic-token-for-tests");
  // Fixed by the domain-separation key: a changed key would orphan every users file.
  EXPECT_EQ(format_hash(h), format_hash(hash_token("synthetic-token-for-tests")));
  EXPECT_FALSE(same_hash(h, hash_token("synthetic-token-for-testS")));
  EXPECT_EQ(format_hash(h).size(), std::string("blake2b:").size() + 64);
  EXPECT_EQ(parse_hash(format_hash(h)), h);
  EXPECT_FALSE(parse_hash("blake2b:" + std::string(63, 'a')));
  EXPECT_FALSE(parse_hash("blake2b:" + std::string(64, 'g')));
  EXPECT_FALSE(parse_hash("sha256:" + std::string(64, 'a')));
  EXPECT_FALSE(parse_hash("$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA"));
}

TEST(Tokens, IdsAreEightLowercaseHexDigits) {
  EXPECT_TRUE(valid_token_id("3f9c2a1b"));
  EXPECT_FALSE(valid_token_id("3F9C2A1B"));
  EXPECT_FALSE(valid_token_id("3f9c2a1"));
  EXPECT_FALSE(valid_token_id("3f9c2a1bb"));
  EXPECT_FALSE(valid_token_id("../../x"));
}

}  // namespace
}  // namespace lodestone::auth
