// Who may do what, through a real loopback socket to web::Server in-process (no daemon): the role
// matrix (every endpoint × every role), attribution of acknowledgements and silences, the audit
// log (every write, refused ones included), WebSocket tickets (single use, expiry on a
// ManualClock), `?token=` refused once users exist, DNS rebinding, and the failure throttle.
// Every token is synthetic.
#include <gtest/gtest.h>

#include <map>
#include <mutex>
#include <thread>

#include "lodestone/auth/access_control.hpp"
#include "lodestone/testing/ws_client.hpp"
#include "lodestone/web/server.hpp"

namespace lodestone::testing {
namespace {

using namespace std::chrono_literals;

const Timestamp kNow = *parse_timestamp("2026-02-09T10:16:00+08:00");

struct MemoryAuditLog final : auth::AuditLog {
  void append(const auth::AuditEntry& e) override {
    std::lock_guard lock(mutex);
    entries.push_back(e);
  }
  void recent(std::size_t limit, std::function<void(Result<std::vector<auth::AuditEntry>>)> reply) override {
    std::vector<auth::AuditEntry> out;
    {
      std::lock_guard lock(mutex);
      for (auto it = entries.rbegin(); it != entries.rend() && out.size() < limit; ++it) out.push_back(*it);
    }
    reply(std::move(out));
  }
  [[nodiscard]] std::string describe() const override { return "memory"; }
  [[nodiscard]] std::uint64_t written() const override { return all().size(); }
  [[nodiscard]] std::uint64_t dropped() const override { return 0; }
  [[nodiscard]] std::vector<auth::AuditEntry> all() const {
    std::lock_guard lock(mutex);
    return entries;
  }
  mutable std::mutex mutex;
  std::vector<auth::AuditEntry> entries;
};

struct FakeRules final : web::RulesControl {
  [[nodiscard]] Timestamp now() const override { return kNow; }
  [[nodiscard]] web::RulesSummary summary() const override { return {"rules.yaml", kNow, {}}; }
  Result<std::size_t> reload() override { return std::size_t{3}; }
  [[nodiscard]] std::vector<rules::Silence> silences(Timestamp) const override {
    std::lock_guard lock(mutex);
    return added;
  }
  Result<std::string> add_silence(rules::Silence s) override {
    std::lock_guard lock(mutex);
    s.id = "s1";
    added.push_back(s);
    return s.id;
  }
  Status expire_silence(std::string_view) override { return {}; }
  web::Acknowledgement acknowledge(web::Acknowledgement a) override {
    std::lock_guard lock(mutex);
    a.at = kNow;
    acks.push_back(a);
    return a;
  }
  [[nodiscard]] std::vector<web::Acknowledgement> acknowledgements() const override {
    std::lock_guard lock(mutex);
    return acks;
  }
  mutable std::mutex mutex;
  std::vector<rules::Silence> added;
  std::vector<web::Acknowledgement> acks;
};

struct FakeApi final : web::Api {
  explicit FakeApi(const Clock& clock, auth::AccessOptions options = {}, std::string legacy = "")
      : access(clock, legacy, options) {
    access.set_audit_log(audit);
  }
  std::vector<feeds::FeedStatus::View> feeds() override { return {}; }
  web::AlertRange alerts_after(std::uint64_t, std::size_t) override { return {}; }
  std::uint64_t last_alert_seq() override { return 0; }
  std::string news_json(std::size_t) override { return R"({"news":[]})"; }
  Status ingest(const feeds::CanonicalEvent&, std::size_t) override { return {}; }
  void ingest_unreadable(const Error&) override {}
  bool ready(std::string&) override { return true; }
  std::string metrics_text() override { return "lodestone_up 1\n"; }
  web::RulesControl* rules() override { return &rules_control; }
  auth::AccessControl* access_control() override { return &access; }

  auth::AccessControl access;
  std::shared_ptr<MemoryAuditLog> audit = std::make_shared<MemoryAuditLog>();
  FakeRules rules_control;
};

// Synthetic tokens of four users, one per role.
const std::map<std::string, std::string> kTokens = {
    {"vera", "synthetic-viewer-token"},
    {"alice", "synthetic-trader-token"},
    {"root", "synthetic-admin-token"},
    {"feed", "synthetic-ingest-token"},
};

auth::UsersFile desk() {
  auth::UsersFile f;
  auto add = [&](const std::string& name, auth::Role role) {
    f.users.push_back(auth::User{
        name,
        role,
        {auth::TokenRecord{"0000000" + std::to_string(f.users.size()), auth::hash_token(kTokens.at(name)), kNow}}});
  };
  add("vera", auth::Role::viewer);
  add("alice", auth::Role::trader);
  add("root", auth::Role::admin);
  add("feed", auth::Role::ingest);
  return f;
}

class InProcessServer {
 public:
  InProcessServer(web::Api& api, web::ServerOptions options) : board_(registry_) {
    options.host = "127.0.0.1";
    options.port = 0;
    server_ = std::make_unique<web::Server>(ioc_, std::move(options), board_, api);
    port_ = *server_->start();
    thread_ = std::thread([this] { ioc_.run(); });
  }
  ~InProcessServer() {
    server_->stop();
    ioc_.stop();
    thread_.join();
  }
  InProcessServer(const InProcessServer&) = delete;
  InProcessServer& operator=(const InProcessServer&) = delete;
  [[nodiscard]] std::uint16_t port() const { return port_; }

 private:
  InstrumentRegistry registry_;
  web::Board board_;
  net::io_context ioc_;
  std::unique_ptr<web::Server> server_;
  std::uint16_t port_ = 0;
  std::thread thread_;
};

struct Answer {
  unsigned status = 0;
  std::string head;
  std::string body;
};

// One request on its own connection, headers as given; the whole answer (Connection: close).
Answer request(std::uint16_t port, const std::string& method, const std::string& target, const std::string& headers,
               const std::string& body = "", const std::string& host = "") {
  RawSocket s(port);
  const std::string h = host.empty() ? "127.0.0.1:" + std::to_string(port) : host;
  s.send_all(method + " " + target + " HTTP/1.1\r\nHost: " + h + "\r\nConnection: close\r\nContent-Length: " +
             std::to_string(body.size()) + "\r\n" + headers + "\r\n" + body);
  std::string bytes;
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (!s.peer_closed() && std::chrono::steady_clock::now() < deadline) bytes += s.read_some(200ms);
  Answer a;
  const auto end = bytes.find("\r\n\r\n");
  if (bytes.size() < 12 || end == std::string::npos) return a;
  a.status = static_cast<unsigned>(std::stoi(bytes.substr(9, 3)));
  a.head = bytes.substr(0, end);
  a.body = bytes.substr(end + 4);
  return a;
}

std::string bearer(const std::string& token) { return token.empty() ? "" : "Authorization: Bearer " + token + "\r\n"; }

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

class WebAuth : public ::testing::Test {
 protected:
  WebAuth() {
    api_.access.authenticator().set_users(desk());
    server_ = std::make_unique<InProcessServer>(api_, web::ServerOptions{});
  }
  Answer call(const std::string& method, const std::string& target, const std::string& token,
              const std::string& body = "") {
    return request(server_->port(), method, target, bearer(token), body);
  }
  ManualClock clock_{kNow};
  // A throttle generous enough for the matrix; its own test tightens it.
  FakeApi api_{clock_, auth::AccessOptions{30s, 100, auth::ThrottleOptions{1000, 1s, 100}}};
  std::unique_ptr<InProcessServer> server_;
};

struct Row {
  std::string method;
  std::string target;
  std::string body;
  // Expected status per caller: anonymous, viewer, trader, admin, ingest, a wrong token.
  std::array<unsigned, 6> expected;
};

TEST_F(WebAuth, EveryEndpointAnswersEveryRoleAsTheTableSays) {
  const std::string ack = R"({"comment":"seen"})";
  const std::string silence = R"({"matchers":["symbol=\"159713.SZ\""],"duration":"30m","comment":"known"})";
  //                                                                       anon viewer trader admin ingest wrong
  const std::vector<Row> rows = {
      {"GET", "/api/v1/snapshot", "", {200, 200, 200, 200, 403, 401}},
      {"GET", "/api/v1/alerts?after=0", "", {200, 200, 200, 200, 403, 401}},
      {"GET", "/api/v1/acks", "", {200, 200, 200, 200, 403, 401}},
      {"GET", "/api/v1/silences", "", {200, 200, 200, 200, 403, 401}},
      {"GET", "/api/v1/rules", "", {200, 200, 200, 200, 403, 401}},
      {"GET", "/metrics", "", {200, 200, 200, 200, 403, 401}},
      {"GET", "/api/v1/whoami", "", {200, 200, 200, 200, 200, 401}},
      {"POST", "/api/v1/ws-ticket", "", {401, 200, 200, 200, 403, 401}},
      {"POST", "/api/v1/alerts/limit-up%3A600111.SH/ack", ack, {401, 403, 200, 200, 403, 401}},
      {"POST", "/api/v1/silences", silence, {401, 403, 201, 201, 403, 401}},
      {"DELETE", "/api/v1/silences/s1", "", {401, 403, 200, 200, 403, 401}},
      {"POST", "/api/v1/rules/reload", "", {401, 403, 403, 200, 403, 401}},
      {"POST", "/api/v1/ingest", "", {401, 403, 403, 200, 200, 401}},
      {"GET", "/api/v1/audit", "", {401, 403, 403, 200, 403, 401}},
      {"GET", "/api/v1/users", "", {401, 403, 403, 200, 403, 401}},
  };
  const std::array<std::string, 6> callers = {
      "", kTokens.at("vera"), kTokens.at("alice"), kTokens.at("root"), kTokens.at("feed"), "synthetic-wrong-token"};
  const std::array<const char*, 6> names = {"anonymous", "viewer", "trader", "admin", "ingest", "wrong token"};
  for (const auto& row : rows) {
    for (std::size_t c = 0; c < callers.size(); ++c) {
      const auto a = call(row.method, row.target, callers[c], row.body);
      EXPECT_EQ(a.status, row.expected[c]) << row.method << " " << row.target << " as " << names[c] << ": " << a.body;
      if (a.status == 401) EXPECT_TRUE(contains(a.head, "WWW-Authenticate: Bearer")) << a.head;
    }
  }
  // The answers' own bodies for the new endpoints.
  EXPECT_EQ(call("GET", "/api/v1/whoami", kTokens.at("alice")).body,
            R"({"user":"alice","role":"trader","permissions":["read","acknowledge","comment","silence"],)"
            R"("users_configured":true})");
  EXPECT_EQ(call("GET", "/api/v1/whoami", "").body,
            R"({"user":null,"role":"viewer","permissions":["read"],"users_configured":true})");
  const auto users = call("GET", "/api/v1/users", kTokens.at("root")).body;
  EXPECT_TRUE(contains(users, R"({"name":"alice","role":"trader","tokens":[{"id":"00000001","created":")")) << users;
  EXPECT_FALSE(contains(users, "blake2b")) << users;
}

TEST_F(WebAuth, WritesAreAttributedToTheAuthenticatedUserWhateverTheBodySays) {
  auto a = call("POST", "/api/v1/alerts/a1/ack", kTokens.at("alice"), R"({"by":"mallory","comment":"mine"})");
  ASSERT_EQ(a.status, 200U) << a.body;
  EXPECT_TRUE(contains(a.body, R"("by":"alice")")) << a.body;
  ASSERT_EQ(call("POST", "/api/v1/silences", kTokens.at("alice"),
                 R"({"matchers":["symbol=\"159713.SZ\""],"created_by":"mallory","duration":"1h"})")
                .status,
            201U);
  ASSERT_EQ(api_.rules_control.acks.size(), 1U);
  EXPECT_EQ(api_.rules_control.acks[0].by, "alice");
  EXPECT_EQ(api_.rules_control.acks[0].comment, "mine");
  ASSERT_EQ(api_.rules_control.added.size(), 1U);
  EXPECT_EQ(api_.rules_control.added[0].created_by, "alice");
  EXPECT_TRUE(contains(call("GET", "/api/v1/acks", "").body, R"("by":"alice")"));
}

TEST_F(WebAuth, EveryWriteIsAuditedRefusedOnesIncludedAndTheAuditEndpointShowsThemNewestFirst) {
  ASSERT_EQ(call("POST", "/api/v1/alerts/a1/ack", kTokens.at("alice"), "{}").status, 200U);
  ASSERT_EQ(call("POST", "/api/v1/alerts/a2/ack", kTokens.at("vera"), "{}").status, 403U);
  ASSERT_EQ(call("POST", "/api/v1/alerts/a3/ack", "", "{}").status, 401U);
  ASSERT_EQ(call("POST", "/api/v1/alerts/a4/ack", "synthetic-wrong-token", "{}").status, 401U);
  ASSERT_EQ(call("POST", "/api/v1/rules/reload", kTokens.at("root")).status, 200U);
  ASSERT_EQ(call("DELETE", "/api/v1/silences/s9", kTokens.at("alice")).status, 200U);
  ASSERT_EQ(call("POST", "/api/v1/silences", kTokens.at("alice"), "not json").status, 400U);
  ASSERT_EQ(call("POST", "/api/v1/ingest", kTokens.at("alice")).status, 403U);
  ASSERT_EQ(call("POST", "/api/v1/ingest", kTokens.at("feed")).status, 200U);     // not audited: a feed's stream
  ASSERT_EQ(call("POST", "/api/v1/ws-ticket", kTokens.at("vera")).status, 200U);  // not audited: a page load
  ASSERT_EQ(call("GET", "/api/v1/snapshot", kTokens.at("vera")).status, 200U);    // a read

  const auto entries = api_.audit->all();
  ASSERT_EQ(entries.size(), 8U);
  struct Expect {
    std::optional<std::string> user;
    std::string action, target, result;
    unsigned status;
  };
  const std::vector<Expect> expected = {
      {"alice", "acknowledge", "a1", "ok", 200},
      {"vera", "acknowledge", "a2", "denied", 403},
      {std::nullopt, "acknowledge", "a3", "denied", 401},
      {std::nullopt, "acknowledge", "a4", "denied", 401},
      {"root", "reload_rules", "", "ok", 200},
      {"alice", "expire_silence", "s9", "ok", 200},
      {"alice", "silence", "", "failed", 400},
      {"alice", "ingest", "", "denied", 403},
  };
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const auto& e = entries[i];
    EXPECT_EQ(e.user, expected[i].user) << i;
    EXPECT_EQ(e.action, expected[i].action) << i;
    EXPECT_EQ(e.target, expected[i].target) << i;
    EXPECT_EQ(auth::to_string(e.result), expected[i].result) << i;
    EXPECT_EQ(e.status, expected[i].status) << i;
    EXPECT_EQ(e.address, "127.0.0.1") << i;
    EXPECT_EQ(e.at, kNow) << i;
    EXPECT_FALSE(contains(e.detail, "synthetic")) << "no token in an entry: " << e.detail;
  }
  EXPECT_EQ(entries[0].role, "trader");
  EXPECT_EQ(entries[2].role, "");

  const auto page = call("GET", "/api/v1/audit?limit=2", kTokens.at("root"));
  ASSERT_EQ(page.status, 200U);
  EXPECT_TRUE(page.body.starts_with(R"({"entries":[{"at":"2026-02-09T10:16:00.000+08:00","user":"alice","role":)"
                                    R"("trader","action":"ingest","target":"","address":"127.0.0.1","result":)"
                                    R"("denied","status":403,)"))
      << page.body;
  EXPECT_TRUE(contains(page.body, R"("action":"silence")")) << page.body;
  EXPECT_FALSE(contains(page.body, "reload_rules")) << "limit=2: " << page.body;
}

TEST_F(WebAuth, ATicketOpensTheWebSocketOnceForItsHolderAndExpires) {
  const auto issued = call("POST", "/api/v1/ws-ticket", kTokens.at("alice"));
  ASSERT_EQ(issued.status, 200U);
  const auto start = issued.body.find(R"("ticket":")") + 10;
  const std::string ticket = issued.body.substr(start, issued.body.find('"', start) - start);
  EXPECT_TRUE(contains(issued.body, R"("expires_in_ms":30000)")) << issued.body;

  RawWebSocket ws(server_->port(), "/ws?ticket=" + ticket);
  ASSERT_EQ(ws.status(), 101U) << ws.response_head();
  auto hello = ws.read_frame();
  ASSERT_TRUE(hello);
  EXPECT_TRUE(contains(hello->payload, R"(,"user":"alice","role":"trader"})")) << hello->payload;
  EXPECT_EQ(RawWebSocket(server_->port(), "/ws?ticket=" + ticket).status(), 401U) << "single use";
  EXPECT_EQ(RawWebSocket(server_->port(), "/ws?ticket=synthetic-unknown-ticket").status(), 401U);

  const auto later = call("POST", "/api/v1/ws-ticket", kTokens.at("alice")).body;
  const auto s2 = later.find(R"("ticket":")") + 10;
  const std::string expiring = later.substr(s2, later.find('"', s2) - s2);
  clock_.advance(30s);
  EXPECT_EQ(RawWebSocket(server_->port(), "/ws?ticket=" + expiring).status(), 401U) << "expired";
  EXPECT_EQ(api_.access.failures(auth::AuthFailure::invalid_ticket), 3U);

  // Anonymous (reads are open): the hello says so.
  RawWebSocket anonymous(server_->port(), "/ws");
  ASSERT_EQ(anonymous.status(), 101U);
  EXPECT_TRUE(contains(anonymous.read_frame()->payload, R"(,"user":null,"role":"viewer"})"));
}

TEST_F(WebAuth, ATokenInTheUrlIsRefusedOnceUsersAreConfigured) {
  const std::string token = kTokens.at("alice");
  EXPECT_EQ(RawWebSocket(server_->port(), "/ws?token=" + token).status(), 401U);
  EXPECT_EQ(call("GET", "/api/v1/snapshot?token=" + token, "").status, 401U);
  EXPECT_EQ(RawWebSocket(server_->port(), "/ws", "Authorization: Bearer " + token + "\r\n").status(), 101U);
  EXPECT_EQ(api_.access.failures(auth::AuthFailure::token_in_url), 2U);
}

TEST(WebAuthLegacy, WithoutAUsersFileTheApiTokenStillWorksInTheUrlForTheWebSocket) {
  ManualClock clock{kNow};
  FakeApi api(clock, {}, "synthetic-shared-token");
  InProcessServer server(api, web::ServerOptions{});
  RawWebSocket ws(server.port(), "/ws?token=synthetic-shared-token");
  ASSERT_EQ(ws.status(), 101U);
  EXPECT_TRUE(contains(ws.read_frame()->payload, R"(,"user":"api_token","role":"admin"})"));
  const auto ack =
      request(server.port(), "POST", "/api/v1/alerts/a1/ack", bearer("synthetic-shared-token"), R"({"by":"desk-3"})");
  EXPECT_EQ(ack.status, 200U);
  EXPECT_TRUE(contains(ack.body, R"("by":"api_token")")) << ack.body;
  EXPECT_EQ(request(server.port(), "GET", "/api/v1/whoami", "").body,
            R"({"user":null,"role":"viewer","permissions":["read"],"users_configured":false})");
}

TEST_F(WebAuth, ARebindingHostIsRefusedEvenWithAMatchingOrigin) {
  const auto port = server_->port();
  const std::string evil = "evil.example:" + std::to_string(port);
  const std::string origin = "Origin: http://" + evil + "\r\n";
  EXPECT_EQ(request(port, "GET", "/api/v1/snapshot", origin, "", evil).status, 421U);
  EXPECT_EQ(request(port, "POST", "/api/v1/alerts/a1/ack", origin + bearer(kTokens.at("alice")), "{}", evil).status,
            421U);
  EXPECT_EQ(request(port, "GET", "/", origin, "", evil).status, 421U);
  RawSocket s(port);
  s.send_all("GET /ws HTTP/1.1\r\nHost: " + evil + "\r\n" + origin +
             "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
             "Sec-WebSocket-Version: 13\r\n\r\n");
  EXPECT_TRUE(s.read_some(5s).starts_with("HTTP/1.1 421")) << "the upgrade too";
  // The real name with a foreign Origin: refused as before, for writes and the upgrade.
  EXPECT_EQ(request(port, "POST", "/api/v1/alerts/a1/ack", origin + bearer(kTokens.at("alice")), "{}").status, 403U);
  EXPECT_EQ(RawWebSocket(port, "/ws", origin).status(), 403U);
  // Probes answer by any name; addresses and localhost are this server's names by default.
  EXPECT_EQ(request(port, "GET", "/healthz", "", "", evil).status, 200U);
  EXPECT_EQ(request(port, "GET", "/api/v1/snapshot", "", "", "localhost:" + std::to_string(port)).status, 200U);
  EXPECT_EQ(request(port, "GET", "/api/v1/snapshot", "", "", "[::1]:" + std::to_string(port)).status, 200U);
  EXPECT_EQ(request(port, "GET", "/api/v1/snapshot", "", "", "127.0.0.1").status, 200U);
  EXPECT_TRUE(api_.audit->all().size() >= 1U) << "the refused write is audited";
}

TEST(WebAuthHosts, AnAllowedHostsListIsAllThatIsServed) {
  ManualClock clock{kNow};
  FakeApi api(clock);
  web::ServerOptions options;
  options.allowed_hosts = {"desk.example", "board.example:8443"};
  InProcessServer server(api, options);
  const auto port = server.port();
  EXPECT_EQ(request(port, "GET", "/api/v1/snapshot", "", "", "desk.example:" + std::to_string(port)).status, 200U);
  EXPECT_EQ(request(port, "GET", "/api/v1/snapshot", "", "", "DESK.example.").status, 200U);
  EXPECT_EQ(request(port, "GET", "/api/v1/snapshot", "", "", "board.example:8443").status, 200U);
  EXPECT_EQ(request(port, "GET", "/api/v1/snapshot", "", "", "board.example:8080").status, 421U);
  EXPECT_EQ(request(port, "GET", "/api/v1/snapshot", "", "", "127.0.0.1:" + std::to_string(port)).status, 421U);
  EXPECT_EQ(request(port, "GET", "/api/v1/snapshot", "", "", "desk.example.evil.example").status, 421U);
  EXPECT_EQ(request(port, "GET", "/api/v1/snapshot", "", "", "desk.example@evil.example").status, 421U);
}

TEST(WebAuthThrottle, RepeatedFailuresFromOneAddressAre429UntilTheBucketRefills) {
  ManualClock clock{kNow};
  FakeApi api(clock, auth::AccessOptions{30s, 100, auth::ThrottleOptions{3, 10s, 100}});
  api.access.authenticator().set_users(desk());
  InProcessServer server(api, web::ServerOptions{});
  const auto port = server.port();
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(request(port, "GET", "/api/v1/snapshot", bearer("synthetic-guess-" + std::to_string(i))).status, 401U);
  const auto limited = request(port, "GET", "/api/v1/snapshot", bearer("synthetic-guess-3"));
  EXPECT_EQ(limited.status, 429U);
  EXPECT_TRUE(contains(limited.head, "Retry-After: 10")) << limited.head;
  EXPECT_EQ(request(port, "GET", "/api/v1/snapshot", bearer(kTokens.at("alice"))).status, 429U)
      << "not even a right token is checked while the address is throttled";
  EXPECT_EQ(RawWebSocket(port, "/ws?ticket=synthetic-guess").status(), 429U);
  EXPECT_EQ(request(port, "GET", "/api/v1/snapshot", "").status, 200U) << "anonymous reads are not authentication";
  clock.advance(10s);
  EXPECT_EQ(request(port, "GET", "/api/v1/snapshot", bearer(kTokens.at("alice"))).status, 200U);
  EXPECT_EQ(api.access.failures(auth::AuthFailure::invalid_token), 3U);
  EXPECT_EQ(api.access.failures(auth::AuthFailure::throttled), 3U);
}

}  // namespace
}  // namespace lodestone::testing
