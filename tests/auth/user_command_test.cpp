// `lodestone user add|list|remove` on a real file: the token printed once on the last line, only
// its hash on disk, list without hashes, revocation by id.
#include "lodestone/cli/user_command.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "lodestone/auth/authenticator.hpp"
#include "lodestone/core/clock.hpp"

namespace lodestone::cli {
namespace {

struct Outcome {
  int status;
  std::string out;
  std::string err;
};

class UserCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = "/tmp/lodestone-usercmd-XXXXXX";
    ASSERT_NE(::mkdtemp(dir_.data()), nullptr);
    file_ = dir_ + "/users.yaml";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  Outcome run(const std::string& action, const std::string& name = "", const std::string& role = "",
              const std::string& token = "") {
    UserArgs a{action, name, role, file_, token};
    std::ostringstream out;
    std::ostringstream err;
    const int st = run_user_command(a, clock_, out, err);
    return {st, out.str(), err.str()};
  }
  std::string file_text() const {
    std::ifstream in(file_);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  static std::string last_line(const std::string& out) {
    auto end = out.find_last_not_of('\n');
    auto start = out.rfind('\n', end);
    return out.substr(start == std::string::npos ? 0 : start + 1,
                      end - (start == std::string::npos ? 0 : start + 1) + 1);
  }

  ManualClock clock_{*parse_timestamp("2026-02-09T10:15:03+08:00")};
  std::string dir_;
  std::string file_;
};

TEST_F(UserCommandTest, AddCreatesTheFilePrintsTheTokenOnceAndStoresOnlyItsHash) {
  auto r = run("add", "alice", "trader");
  ASSERT_EQ(r.status, 0) << r.err;
  const std::string token = last_line(r.out);
  EXPECT_TRUE(token.starts_with("lds_")) << r.out;
  EXPECT_EQ(r.out.find(token), r.out.size() - token.size() - 1) << "printed once, alone on the last line";
  const std::string text = file_text();
  EXPECT_EQ(text.find(token), std::string::npos) << text;
  EXPECT_EQ(text.find(token.substr(13)), std::string::npos) << "not even the secret part";
  EXPECT_NE(text.find("blake2b:"), std::string::npos);
  EXPECT_EQ(std::filesystem::status(file_).permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  auto users = auth::load_users(file_);
  ASSERT_TRUE(users);
  auth::Authenticator a;
  a.set_users(*users);
  EXPECT_EQ(a.authenticate(token), (auth::Principal{"alice", auth::Role::trader}));
  EXPECT_EQ(users->users[0].tokens[0].created, clock_.now());
}

TEST_F(UserCommandTest, ASecondAddGivesAnotherTokenAndListShowsIdsNeverHashes) {
  const auto first = last_line(run("add", "alice", "trader").out);
  const auto second = last_line(run("add", "alice", "trader").out);
  ASSERT_EQ(run("add", "feed", "ingest").status, 0);
  EXPECT_NE(first, second);
  EXPECT_EQ(run("add", "alice", "admin").status, 1) << "a role change is a remove and an add";
  EXPECT_EQ(run("add", "api_token", "admin").status, 1);
  EXPECT_EQ(run("add", "bob", "root").status, 1);
  auto list = run("list");
  ASSERT_EQ(list.status, 0);
  EXPECT_NE(list.out.find("alice  trader  2 tokens"), std::string::npos) << list.out;
  EXPECT_NE(list.out.find("feed  ingest  1 token"), std::string::npos) << list.out;
  EXPECT_NE(list.out.find(first.substr(4, 8)), std::string::npos) << list.out;
  EXPECT_NE(list.out.find("created 2026-02-09T10:15:03.000+08:00"), std::string::npos) << list.out;
  EXPECT_EQ(list.out.find("blake2b"), std::string::npos);
  EXPECT_EQ(list.out.find(first), std::string::npos);
}

TEST_F(UserCommandTest, RemoveRevokesOneTokenByIdOrTheWholeUser) {
  const auto first = last_line(run("add", "alice", "trader").out);
  const auto second = last_line(run("add", "alice", "trader").out);
  ASSERT_EQ(run("remove", "alice", "", first.substr(4, 8)).status, 0);
  auth::Authenticator a;
  a.set_users(*auth::load_users(file_));
  EXPECT_FALSE(a.authenticate(first));
  EXPECT_TRUE(a.authenticate(second));
  EXPECT_EQ(run("remove", "alice", "", "ffffffff").status, 1);
  EXPECT_EQ(run("remove", "nobody").status, 1);
  ASSERT_EQ(run("remove", "alice").status, 0);
  a.set_users(*auth::load_users(file_));
  EXPECT_FALSE(a.authenticate(second));
  EXPECT_NE(run("list").out.find("no users"), std::string::npos);
}

TEST_F(UserCommandTest, ABrokenFileIsLeftAloneAndSaysWhere) {
  std::ofstream(file_) << "users:\n  - name: alice\n    role: root\n";
  auto r = run("add", "bob", "viewer");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("users.yaml:3:11: role must be one of"), std::string::npos) << r.err;
  EXPECT_EQ(run("list").status, 2);
  EXPECT_NE(file_text().find("role: root"), std::string::npos);
}

}  // namespace
}  // namespace lodestone::cli
