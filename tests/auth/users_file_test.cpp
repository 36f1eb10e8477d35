#include "lodestone/auth/users_file.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace lodestone::auth {
namespace {

// Hashes of obviously synthetic tokens: no real token appears in the tests.
const std::string kHashA = format_hash(hash_token("synthetic-alice-token"));
const std::string kHashB = format_hash(hash_token("synthetic-feed-token"));

std::string error_of(const std::string& yaml) {
  auto f = parse_users(yaml, "users.yaml");
  return f ? std::string("ok") : f.error().message;
}

std::string temp_dir() {
  std::string dir = "/tmp/lodestone-users-XXXXXX";
  return ::mkdtemp(dir.data());
}

TEST(UsersFile, ReadsUsersRolesAndTokenHashes) {
  auto f = parse_users(
      "users:\n"
      "  - name: alice\n"
      "    role: trader\n"
      "    tokens:\n"
      "      - {id: 3f9c2a1b, hash: \"" +
          kHashA +
          "\", created: \"2026-02-09T10:15:03.120+08:00\"}\n"
          "  - name: feed-sina\n"
          "    role: ingest\n"
          "    tokens:\n"
          "      - {id: \"00000001\", hash: \"" +
          kHashB +
          "\", created: \"2026-02-09T10:16:00+08:00\"}\n"
          "  - name: bob@desk\n"
          "    role: viewer\n",
      "users.yaml");
  ASSERT_TRUE(f) << f.error().message;
  ASSERT_EQ(f->users.size(), 3U);
  EXPECT_EQ(f->users[0].name, "alice");
  EXPECT_EQ(f->users[0].role, Role::trader);
  ASSERT_EQ(f->users[0].tokens.size(), 1U);
  EXPECT_EQ(f->users[0].tokens[0].id, "3f9c2a1b");
  EXPECT_TRUE(same_hash(f->users[0].tokens[0].hash, hash_token("synthetic-alice-token")));
  EXPECT_EQ(f->users[0].tokens[0].created, *parse_timestamp("2026-02-09T10:15:03.120+08:00"));
  EXPECT_EQ(f->users[1].tokens[0].id, "00000001");
  EXPECT_TRUE(f->users[2].tokens.empty());
  EXPECT_EQ(f->token_count(), 2U);
  EXPECT_TRUE(parse_users("", "users.yaml")->users.empty());
  EXPECT_TRUE(parse_users("users: []\n", "users.yaml")->users.empty());
}

TEST(UsersFile, ErrorsSayWhereAndWhat) {
  const std::string token = "{id: 3f9c2a1b, hash: \"" + kHashA + "\", created: \"2026-02-09T10:15:03+08:00\"}";
  EXPECT_EQ(error_of("users:\n  - name: alice\n    role: root\n"),
            "users.yaml:3:11: role must be one of viewer, trader, admin, ingest");
  EXPECT_EQ(error_of("users:\n  - name: al ice\n    role: viewer\n"),
            "users.yaml:2:11: a user name may hold only letters, digits and . _ @ - ('al ice')");
  EXPECT_EQ(error_of("users:\n  - name: api_token\n    role: admin\n"),
            "users.yaml:2:11: 'api_token' is the legacy shared token's name: choose another");
  EXPECT_EQ(error_of("users:\n  - {name: a, role: viewer}\n  - {name: a, role: admin}\n"),
            "users.yaml:3:5: user 'a' appears twice");
  EXPECT_EQ(error_of("users:\n  - {name: a, role: viewer, tokens: [" + token +
                     "]}\n  - {name: b, role: viewer, tokens: [" + token + "]}\n"),
            "users.yaml:3:38: token id 3f9c2a1b appears twice in the file");
  EXPECT_EQ(error_of("users:\n  - {name: a, role: viewer, tokens: [{id: 3f9c2a1b, hash: \"plain-token\", created: "
                     "\"2026-02-09T10:15:03+08:00\"}]}\n"),
            "users.yaml:2:59: hash must be blake2b: and 64 hex digits, as `lodestone user add` writes it");
  EXPECT_EQ(error_of("users:\n  - {name: a, role: viewer, password: x}\n"),
            "users.yaml:2:29: unknown key 'password' in a user (expected one of: name, role, tokens)");
  EXPECT_EQ(error_of("users:\n  - {role: viewer}\n"), "users.yaml:2:5: a user needs name");
  EXPECT_EQ(error_of("users: alice\n"), "users.yaml:1:8: users must be a list of {name, role, tokens}");
  EXPECT_NE(error_of("users: [\n").find("users.yaml:"), std::string::npos);
}

TEST(UsersFile, RendersWhatItReadsAndSavesAtomicallyWithMode0600) {
  UsersFile f;
  f.users.push_back(User{"alice",
                         Role::trader,
                         {TokenRecord{"3f9c2a1b", hash_token("synthetic-alice-token"),
                                      *parse_timestamp("2026-02-09T10:15:03.120+08:00")}}});
  f.users.push_back(User{"viewer-1", Role::viewer, {}});
  const auto dir = temp_dir();
  const auto path = dir + "/users.yaml";
  ::umask(022);  // a permissive umask must not loosen the file
  ASSERT_TRUE(save_users(path, f));
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600U);
  EXPECT_FALSE(permission_warning(path));
  auto back = load_users(path);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(render_users(*back), render_users(f));
  EXPECT_EQ(back->users[0].tokens[0].created, f.users[0].tokens[0].created);
  // No temporary file is left behind.
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir), std::filesystem::directory_iterator()), 1);
  ::chmod(path.c_str(), 0644);
  auto warning = permission_warning(path);
  ASSERT_TRUE(warning);
  EXPECT_NE(warning->find("mode 0644"), std::string::npos) << *warning;
  std::filesystem::remove_all(dir);
}

TEST(UsersFile, TheShippedExampleParsesAndHoldsNoToken) {
  auto f = load_users(LODESTONE_SOURCE_DIR "/deploy/users.example.yaml");
  ASSERT_TRUE(f) << f.error().message;
  EXPECT_TRUE(f->users.empty());
}

TEST(UsersFile, ASaveIntoAMissingDirectorySaysWhere) {
  auto st = save_users("/nonexistent-lodestone-dir/users.yaml", UsersFile{});
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().message.find("/nonexistent-lodestone-dir/users.yaml.tmp."), std::string::npos);
  EXPECT_EQ(load_users("/nonexistent-lodestone-dir/users.yaml").error().code, ErrorCode::io_error);
}

}  // namespace
}  // namespace lodestone::auth
