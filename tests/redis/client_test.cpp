// The async client against a real redis-server: replies, errors as values, reconnection after a
// crash, a hung server noticed by the command timeout, the persistence check.
#include "lodestone/redis/client.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "redis_test_util.hpp"

namespace lodestone::testing {
namespace {

using redis::Client;
using redis::ClientOptions;
using redis::ClientState;
using redis::Reply;
using namespace std::chrono_literals;

ClientOptions options_for(const RedisServer& server) { return fast_client(server); }

TEST(RedisClient, RunsCommandsAndReturnsErrorsAsValues) {
  RedisServer server;
  IoThreads io;
  auto client = Client::create(io.executor(), options_for(server), system_clock());
  client->start();
  ASSERT_TRUE(eventually([&] { return client->connected(); }));

  // Argv form: protocol text and printf directives in a value are stored as they are.
  const std::string tricky = "%s %n\r\n*3\r\n$3\r\nDEL\r\n";
  auto set = run(*client, {"SET", "k", tricky});
  ASSERT_TRUE(set && *set) << (set ? (*set).error().message : "no answer");
  EXPECT_EQ((**set).type, Reply::Type::Status);
  auto get = run(*client, {"GET", "k"});
  ASSERT_TRUE(get && *get);
  EXPECT_EQ((**get).str, tricky);
  EXPECT_EQ(server.command({"DBSIZE"}).integer, 1);

  auto wrong = run(*client, {"LPUSH", "k", "x"});
  ASSERT_TRUE(wrong);
  ASSERT_FALSE(*wrong);
  EXPECT_TRUE(contains((*wrong).error().message, "WRONGTYPE")) << (*wrong).error().message;
  EXPECT_TRUE(contains((*wrong).error().message, "LPUSH")) << (*wrong).error().message;
  EXPECT_EQ((*wrong).error().code, ErrorCode::bad_request);

  auto array = run(*client, {"XRANGE", "nothing", "-", "+"});
  ASSERT_TRUE(array && *array);
  EXPECT_EQ((**array).type, Reply::Type::Array);

  const auto stats = client->stats();
  EXPECT_GE(stats.ops, 4U);
  EXPECT_GE(stats.errors, 1U);
  EXPECT_EQ(stats.connects, 1U);
  client->stop();
  EXPECT_TRUE(eventually([&] { return client->stats().state == ClientState::Stopped; }));
}

TEST(RedisClient, FailsAtOnceWhileRedisIsAwayAndReconnectsWhenItIsBack) {
  RedisServer server;
  IoThreads io;
  // "At once" is told apart from "waited for the server" by a command timeout far longer than
  // any scheduling delay of a loaded machine, not by a guess at how fast the machine is.
  auto o = options_for(server);
  o.command_timeout = 30s;
  auto client = Client::create(io.executor(), o, system_clock());
  std::atomic<int> connected{0};
  std::atomic<int> lost{0};
  client->on_connected([&] { ++connected; });
  client->on_disconnected([&](const std::string&) { ++lost; });
  client->start();
  ASSERT_TRUE(eventually([&] { return connected == 1; }));

  server.kill();
  ASSERT_TRUE(eventually([&] { return lost == 1; }));
  const auto started = std::chrono::steady_clock::now();
  auto r = run(*client, {"PING"});
  ASSERT_TRUE(r);
  EXPECT_FALSE(*r);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 15s);  // no waiting for a dead server (30 s)
  EXPECT_EQ((*r).error().code, ErrorCode::unavailable);
  EXPECT_NE(client->stats().state, ClientState::Connected);

  server.start();
  ASSERT_TRUE(eventually([&] { return connected == 2; }));
  auto pong = run(*client, {"PING"});
  ASSERT_TRUE(pong && *pong);
  EXPECT_EQ((**pong).str, "PONG");
  EXPECT_EQ(client->stats().connects, 2U);
}

TEST(RedisClient, KeepsRetryingWhenRedisIsDownAtStart) {
  RedisServer server;
  server.kill();
  IoThreads io;
  auto client = Client::create(io.executor(), options_for(server), system_clock());
  client->start();
  ASSERT_TRUE(eventually([&] { return !client->stats().last_error.empty(); }));
  EXPECT_FALSE(client->connected());
  server.start();
  EXPECT_TRUE(eventually([&] { return client->connected(); }));
}

TEST(RedisClient, AHungServerIsNoticedByTheCommandTimeout) {
  RedisServer server;
  IoThreads io;
  auto client = Client::create(io.executor(), options_for(server), system_clock());
  std::atomic<int> lost{0};
  client->on_disconnected([&](const std::string&) { ++lost; });
  client->start();
  ASSERT_TRUE(eventually([&] { return client->connected(); }));

  server.pause();
  const auto started = std::chrono::steady_clock::now();
  auto r = run(*client, {"INCR", "n"}, 60s);
  ASSERT_TRUE(r) << "the callback never ran";
  ASSERT_FALSE(*r);
  const auto waited = std::chrono::steady_clock::now() - started;
  // The 500 ms command timeout ended it: not earlier, and not the kernel's TCP timeouts (many
  // minutes). The upper bound leaves a loaded machine room to be late with the timer.
  EXPECT_GE(waited, 450ms);
  EXPECT_LT(waited, 20s);
  EXPECT_TRUE(contains((*r).error().message, "may or may not have run")) << (*r).error().message;
  EXPECT_EQ((*r).error().code, ErrorCode::timeout);
  EXPECT_TRUE(eventually([&] { return lost == 1; }));
  EXPECT_GE(client->stats().timeouts, 1U);

  server.resume();
  ASSERT_TRUE(eventually([&] { return client->connected(); }));
  // The INCR sent before the timeout may still run once the server wakes: outcome unknown.
  auto n = run(*client, {"INCR", "n"});
  ASSERT_TRUE(n && *n);
  EXPECT_GE((**n).integer, 1);
  EXPECT_LE((**n).integer, 2);
}

TEST(RedisClient, ReportsWhetherAppendOnlyPersistenceIsOn) {
  RedisServer off;
  RedisServer on(RedisServerOptions{.appendonly = true, .appendfsync = "everysec", .extra = {}});
  IoThreads io;
  auto o1 = options_for(off);
  o1.check_persistence = true;
  auto o2 = options_for(on);
  o2.check_persistence = true;
  auto c1 = Client::create(io.executor(), o1, system_clock());
  auto c2 = Client::create(io.executor(), o2, system_clock());
  c1->start();
  c2->start();
  ASSERT_TRUE(eventually([&] { return c1->connected() && c2->connected(); }));
  EXPECT_EQ(c1->stats().aof_enabled, std::optional<bool>(false));
  EXPECT_EQ(c2->stats().aof_enabled, std::optional<bool>(true));
  EXPECT_EQ(c1->stats().eviction_policy, "noeviction");
  EXPECT_FALSE(c1->stats().server_version.empty());
}

TEST(RedisClient, SelectsTheDatabaseAndNamesTheConnection) {
  RedisServer server;
  IoThreads io;
  auto o = options_for(server);
  o.endpoint.db = 3;
  auto client = Client::create(io.executor(), o, system_clock());
  client->start();
  ASSERT_TRUE(eventually([&] { return client->connected(); }));
  auto set = run(*client, {"SET", "in-db-3", "x"});
  ASSERT_TRUE(set && *set);
  EXPECT_EQ(server.command({"EXISTS", "in-db-3"}).integer, 0);  // db 0
  EXPECT_TRUE(contains(server.command({"CLIENT", "LIST"}).str, "name=lodestone-test"));
}

TEST(RedisClient, AWrongPasswordIsAnErrorNotASilentSuccess) {
  RedisServer server(
      RedisServerOptions{.appendonly = false, .appendfsync = "always", .extra = {"--requirepass", "right"}});
  IoThreads io;
  auto o = options_for(server);
  o.endpoint.password = "wrong";
  auto client = Client::create(io.executor(), o, system_clock());
  client->start();
  ASSERT_TRUE(eventually([&] { return !client->stats().last_error.empty(); }));
  EXPECT_FALSE(client->connected());
  EXPECT_TRUE(contains(client->stats().last_error, "AUTH")) << client->stats().last_error;

  o.endpoint.password = "right";
  auto good = Client::create(io.executor(), o, system_clock());
  good->start();
  EXPECT_TRUE(eventually([&] { return good->connected(); }));
}

TEST(RedisClient, RefusedCredentialsStopTheClientOnceInsteadOfRetrying) {
  RedisServer server(
      RedisServerOptions{.appendonly = false, .appendfsync = "always", .extra = {"--requirepass", "right"}});
  IoThreads io;
  for (const std::string password : {"wrong", ""}) {
    auto o = options_for(server);
    o.endpoint.password = password;
    std::atomic<int> fatal{0};
    o.on_fatal = [&fatal](const std::string&) { ++fatal; };
    auto client = Client::create(io.executor(), o, system_clock());
    client->start();
    ASSERT_TRUE(eventually([&] { return fatal.load() > 0; }, 30s)) << client->stats().last_error;
    // With a 20 ms backoff a retry loop would have tried many times by now (a negative check:
    // the wait cannot make it fail falsely).
    std::this_thread::sleep_for(300ms);
    const auto st = client->stats();
    EXPECT_EQ(fatal.load(), 1) << "reported once";
    EXPECT_TRUE(st.fatal);
    EXPECT_EQ(st.state, ClientState::Stopped) << "no reconnect";
    EXPECT_EQ(st.connects, 0U);
    EXPECT_TRUE(contains(st.last_error, password.empty() ? "NOAUTH" : "WRONGPASS")) << st.last_error;
    auto r = run(*client, {"PING"});
    ASSERT_TRUE(r);
    EXPECT_FALSE(*r) << "commands fail at once";
  }
}

TEST(RedisClient, AnOutageIsNotFatal) {
  RedisServer server;
  IoThreads io;
  auto o = options_for(server);
  std::atomic<int> fatal{0};
  o.on_fatal = [&fatal](const std::string&) { ++fatal; };
  auto client = Client::create(io.executor(), o, system_clock());
  client->start();
  ASSERT_TRUE(eventually([&] { return client->connected(); }));
  server.kill();
  ASSERT_TRUE(eventually([&] { return !client->connected(); }));
  server.start();
  EXPECT_TRUE(eventually([&] { return client->connected(); }));
  EXPECT_EQ(fatal.load(), 0);
  EXPECT_FALSE(redis::is_auth_error("ERR Connection refused"));
  EXPECT_TRUE(redis::is_auth_error("WRONGPASS invalid username-password pair or user is disabled."));
  EXPECT_TRUE(redis::is_auth_error("NOAUTH Authentication required."));
  EXPECT_EQ(redis::error_reply_code("NOAUTH Authentication required."), ErrorCode::unauthorized);
  EXPECT_EQ(redis::error_reply_code("LOADING Redis is loading the dataset in memory"), ErrorCode::unavailable);
  EXPECT_EQ(redis::error_reply_code("OOM command not allowed when used memory > 'maxmemory'."), ErrorCode::unavailable);
  EXPECT_EQ(redis::error_reply_code("WRONGTYPE Operation against a key holding the wrong kind of value"),
            ErrorCode::bad_request);
}

TEST(RedisClient, JudgesPersistenceFromConfigGet) {
  RedisServer off;
  RedisServer lru(
      RedisServerOptions{.appendonly = true, .appendfsync = "always", .extra = {"--maxmemory-policy", "allkeys-lru"}});
  RedisServer good(RedisServerOptions{.appendonly = true, .appendfsync = "everysec", .extra = {}});
  IoThreads io;
  std::vector<std::shared_ptr<Client>> clients;
  for (const RedisServer* s : {&off, &lru, &good}) {
    auto o = options_for(*s);
    o.check_persistence = true;
    clients.push_back(Client::create(io.executor(), o, system_clock()));
    clients.back()->start();
  }
  ASSERT_TRUE(
      eventually([&] { return clients[0]->connected() && clients[1]->connected() && clients[2]->connected(); }));
  EXPECT_EQ(clients[0]->stats().persistence_ok, std::optional<bool>(false));
  EXPECT_EQ(clients[1]->stats().persistence_ok, std::optional<bool>(false));
  EXPECT_EQ(clients[1]->stats().eviction_policy, "allkeys-lru");
  EXPECT_EQ(clients[1]->stats().appendfsync, "always");
  EXPECT_EQ(clients[2]->stats().persistence_ok, std::optional<bool>(true));
  EXPECT_EQ(clients[2]->stats().appendfsync, "everysec");
}

}  // namespace
}  // namespace lodestone::testing
