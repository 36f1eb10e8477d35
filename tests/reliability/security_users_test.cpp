// Security with named users (issue #17; reliability plan S12–S15), the real daemon: tokens made
// by `lodestone user add` and kept only as hashes, acknowledgements attributed to the signed-in
// user, WebSocket tickets and `?token=` refused, the audit trail in its file and in Redis, SIGHUP
// reloading the users (a bad file keeps the running ones), a bad users file stopping the start,
// the failure throttle in /metrics, and no token in any log line.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>

#include "reliability_support.hpp"

namespace lodestone::testing::reliability {
namespace {

struct Run {
  int status = -1;
  std::string out;  // stdout and stderr
};

// Runs the lodestone binary with `args` and waits for it.
Run lodestone(const std::string& args) {
  Run r;
  FILE* p = ::popen((lodestone_binary() + " " + args + " 2>&1").c_str(), "r");
  if (p == nullptr) return r;
  std::array<char, 4096> buf{};
  std::size_t n = 0;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
  const int status = ::pclose(p);
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

std::string last_line(const std::string& out) {
  auto end = out.find_last_not_of('\n');
  auto start = out.rfind('\n', end);
  start = start == std::string::npos ? 0 : start + 1;
  return out.substr(start, end - start + 1);
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class UsersDir {
 public:
  UsersDir() {
    dir_ = "/tmp/lodestone-users-XXXXXX";
    if (::mkdtemp(dir_.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  }
  ~UsersDir() { std::filesystem::remove_all(dir_); }
  UsersDir(const UsersDir&) = delete;
  UsersDir& operator=(const UsersDir&) = delete;
  [[nodiscard]] std::string users() const { return dir_ + "/users.yaml"; }
  [[nodiscard]] std::string audit() const { return dir_ + "/audit.log"; }
  // A new token for `name` (the last line `lodestone user add` prints).
  std::string add(const std::string& name, const std::string& role) {
    auto r = lodestone("user add " + name + " --role " + role + " --file " + users());
    EXPECT_EQ(r.status, 0) << r.out;
    return last_line(r.out);
  }

 private:
  std::string dir_;
};

std::string post(const std::string& target, const std::string& token, const std::string& body = "") {
  return "POST " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: application/json\r\n" +
         (token.empty() ? std::string() : "Authorization: Bearer " + token + "\r\n") +
         "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

std::string bearer(const std::string& token) { return "Authorization: Bearer " + token + "\r\n"; }

std::string ticket_of(const std::string& body) {
  const auto start = body.find(R"("ticket":")") + 10;
  return body.substr(start, body.find('"', start) - start);
}

TEST(SecurityUsers, S12_NamedUsersSignInAttributeAuditAndLeaveNoTokenInTheLog) {
  UsersDir dir;
  const std::string alice = dir.add("alice", "trader");
  const std::string root = dir.add("root", "admin");
  const std::string vera = dir.add("vera", "viewer");
  ASSERT_TRUE(alice.starts_with("lds_")) << alice;

  // Hashes only on disk, readable by the owner alone.
  const std::string on_disk = read_file(dir.users());
  for (const auto& token : {alice, root, vera}) {
    EXPECT_EQ(on_disk.find(token), std::string::npos);
    EXPECT_EQ(on_disk.find(token.substr(13)), std::string::npos) << "nor the secret part";
  }
  struct stat st {};
  ASSERT_EQ(::stat(dir.users().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600U);
  const auto list = lodestone("user list --file " + dir.users());
  EXPECT_NE(list.out.find("alice  trader  1 token"), std::string::npos) << list.out;
  EXPECT_EQ(list.out.find("blake2b"), std::string::npos) << list.out;

  std::vector<std::string> secrets{alice, root, vera, kToken};
  {
    Daemon daemon("users: " + dir.users() + "\nlog_level: debug\n", /*with_rules=*/true);
    const auto p = daemon.port();
    // An acknowledgement carries the signed-in name, whatever the body says.
    auto ack = raw_http(p, post("/api/v1/alerts/a1/ack", alice, R"({"by":"mallory","comment":"on it"})"));
    ASSERT_EQ(ack.status, 200U) << ack.body;
    EXPECT_NE(ack.body.find(R"("by":"alice")"), std::string::npos) << ack.body;
    EXPECT_EQ(raw_http(p, post("/api/v1/alerts/a2/ack", vera, "{}")).status, 403U);
    EXPECT_EQ(raw_http(p, post("/api/v1/rules/reload", alice)).status, 403U);
    EXPECT_EQ(raw_http(p, post("/api/v1/rules/reload", root)).status, 200U);

    // The WebSocket: a ticket once, ?token= never (even a right one), the hello names the user.
    auto issued = raw_http(p, post("/api/v1/ws-ticket", alice));
    ASSERT_EQ(issued.status, 200U);
    const std::string ticket = ticket_of(issued.body);
    secrets.push_back(ticket);
    {
      RawWebSocket ws(p, "/ws?ticket=" + ticket);
      ASSERT_EQ(ws.status(), 101U);
      auto hello = ws.read_frame();
      ASSERT_TRUE(hello);
      EXPECT_NE(hello->payload.find(R"("user":"alice","role":"trader")"), std::string::npos) << hello->payload;
    }
    EXPECT_EQ(RawWebSocket(p, "/ws?ticket=" + ticket).status(), 401U);
    EXPECT_EQ(RawWebSocket(p, "/ws?token=" + alice).status(), 401U);
    EXPECT_EQ(raw_http(p, get_request("/api/v1/snapshot?token=" + alice)).status, 401U);

    // The legacy token still works, as an admin named api_token.
    auto legacy = raw_http(p, get_request("/api/v1/whoami", bearer(kToken)));
    EXPECT_NE(legacy.body.find(R"("user":"api_token","role":"admin")"), std::string::npos) << legacy.body;

    // The audit trail, newest first, refused writes included.
    auto audit = raw_http(p, get_request("/api/v1/audit?limit=10", bearer(root)));
    ASSERT_EQ(audit.status, 200U) << audit.body;
    EXPECT_NE(audit.body.find(R"("user":"root","role":"admin","action":"reload_rules","target":"","address":)"
                              R"("127.0.0.1","result":"ok","status":200)"),
              std::string::npos)
        << audit.body;
    EXPECT_NE(audit.body.find(R"("user":"vera","role":"viewer","action":"acknowledge","target":"a2")"),
              std::string::npos)
        << audit.body;
    EXPECT_LT(audit.body.find("reload_rules"), audit.body.find(R"("target":"a1")")) << "newest first";
    EXPECT_EQ(raw_http(p, get_request("/api/v1/audit", bearer(alice))).status, 403U);

    // Guessing is throttled per address and counted.
    unsigned last = 0;
    for (int i = 0; i < 12 && last != 429; ++i)
      last = raw_http(p, get_request("/api/v1/snapshot", bearer("lds_00000000_synthetic-guess-" + std::to_string(i))))
                 .status;
    EXPECT_EQ(last, 429U);
    // This address is throttled now, whatever token it shows: the metrics are read anonymously.
    EXPECT_EQ(raw_http(p, get_request("/metrics", bearer(root))).status, 429U);
    const auto metrics = raw_http(p, get_request("/metrics")).body;
    EXPECT_EQ(metric_value(metrics, R"(lodestone_auth_failures_total{reason="token_in_url"})").value_or(-1), 2);
    // The burst (10) is shared by every kind of failure from the address: the reused ticket took one.
    EXPECT_EQ(metric_value(metrics, R"(lodestone_auth_failures_total{reason="invalid_ticket"})").value_or(-1), 1);
    EXPECT_EQ(metric_value(metrics, R"(lodestone_auth_failures_total{reason="invalid_token"})").value_or(-1), 9);
    EXPECT_GE(metric_value(metrics, R"(lodestone_auth_failures_total{reason="throttled"})").value_or(-1), 1);
    EXPECT_EQ(metric_value(metrics, "lodestone_auth_users").value_or(-1), 3);
    EXPECT_EQ(daemon.stop(), 0);

    const auto log = daemon.log();
    for (const auto& secret : secrets) {
      const auto at = log.find(secret);
      EXPECT_EQ(at, std::string::npos) << "a secret in the log: " << log.substr(at == std::string::npos ? 0 : at, 200);
    }
    EXPECT_NE(log.find("/ws?ticket=[redacted]"), std::string::npos) << "requests were logged: a leak would show";
    EXPECT_NE(log.find("writes are audited to the audit log " + dir.audit()), std::string::npos) << log;
    EXPECT_NE(log.find("the shared api_token was used"), std::string::npos);
  }
  // The audit file beside the users file holds the same entries, and no secret either.
  const std::string trail = read_file(dir.audit());
  EXPECT_NE(trail.find(R"("user":"alice","role":"trader","action":"acknowledge","target":"a1")"), std::string::npos)
      << trail;
  for (const auto& secret : secrets) EXPECT_EQ(trail.find(secret), std::string::npos);
}

TEST(SecurityUsers, S13_SighupReloadsTheUsersAndABadFileKeepsTheRunningOnes) {
  UsersDir dir;
  dir.add("alice", "trader");
  Daemon daemon("users: " + dir.users() + "\n", false, /*with_token=*/false);
  const auto p = daemon.port();
  auto whoami = [&](const std::string& token) { return raw_http(p, get_request("/api/v1/whoami", bearer(token))); };
  const std::string bob = dir.add("bob", "viewer");
  EXPECT_EQ(whoami(bob).status, 401U) << "not before the reload";
  ASSERT_EQ(::kill(daemon.pid(), SIGHUP), 0);
  ASSERT_TRUE(eventually([&] { return whoami(bob).status == 200; }));

  // A broken file: the running users stay, and the log says where the file is wrong.
  const std::string good = read_file(dir.users());
  std::ofstream(dir.users()) << "users:\n  - name: bob\n    role: superuser\n";
  ASSERT_EQ(::kill(daemon.pid(), SIGHUP), 0);
  ASSERT_TRUE(eventually([&] { return daemon.log().find("the users file has errors") != std::string::npos; }));
  EXPECT_NE(daemon.log().find("users.yaml:3:11: role must be one of"), std::string::npos) << daemon.log();
  EXPECT_EQ(whoami(bob).status, 200U);

  // Revoked: gone at the next reload.
  std::ofstream(dir.users()) << good;
  ASSERT_EQ(lodestone("user remove bob --file " + dir.users()).status, 0);
  ASSERT_EQ(::kill(daemon.pid(), SIGHUP), 0);
  ASSERT_TRUE(eventually([&] { return whoami(bob).status == 401; }));
  EXPECT_EQ(daemon.stop(), 0);
}

TEST(SecurityUsers, S14_ABadUsersFileStopsTheStartAndCheckConfigSaysWhere) {
  UsersDir dir;
  std::ofstream(dir.users()) << "users:\n  - name: alice\n    role: trader\n    tokens: [{id: x}]\n";
  const std::string config = temp_file(
      "tape: off\nrules: \"\"\nuniverse: " + source_path("deploy/universe.yaml") + "\nusers: " + dir.users() + "\n",
      "lodestone-users");
  const auto check = lodestone("check-config " + config);
  EXPECT_EQ(check.status, 1);
  EXPECT_NE(check.out.find(dir.users() + ":4:19: id must be 8 lowercase hex digits"), std::string::npos) << check.out;
  try {
    DaemonProcess daemon({"--config", config});
    ADD_FAILURE() << "the daemon started with a broken users file";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(dir.users() + ":4:19: id must be"), std::string::npos) << e.what();
  }
  std::ofstream(dir.users()) << "users: []\n";
  const auto ok = lodestone("check-config " + config);
  EXPECT_EQ(ok.status, 0) << ok.out;
  EXPECT_NE(ok.out.find(", 0 users)"), std::string::npos) << ok.out;
  ::unlink(config.c_str());
}

TEST(SecurityUsers, S15_WithRedisTheAuditTrailIsAStreamEveryDaemonShares) {
  RedisServer redis;
  UsersDir dir;
  const std::string alice = dir.add("alice", "trader");
  Daemon daemon("users: " + dir.users() + "\nredis: " + redis.url() + "\n", /*with_rules=*/true, false);
  const auto p = daemon.port();
  ASSERT_EQ(raw_http(p, post("/api/v1/alerts/a1/ack", alice, "{}")).status, 200U);
  ASSERT_EQ(raw_http(p, post("/api/v1/rules/reload", alice)).status, 403U);
  ASSERT_TRUE(eventually([&] { return redis.command({"XLEN", "{lodestone}:audit"}).integer == 2; }));
  const auto newest = redis.command({"XREVRANGE", "{lodestone}:audit", "+", "-", "COUNT", "1"});
  ASSERT_EQ(newest.elements.size(), 1U);
  const std::string entry = newest.elements[0].elements[1].elements[1].str;
  EXPECT_NE(entry.find(R"("user":"alice","role":"trader","action":"reload_rules","target":"","address":"127.0.0.1",)"
                       R"("result":"denied","status":403)"),
            std::string::npos)
      << entry;
  EXPECT_FALSE(std::filesystem::exists(dir.audit())) << "with Redis the trail is the stream";
  EXPECT_EQ(daemon.stop(), 0);
}

}  // namespace
}  // namespace lodestone::testing::reliability
