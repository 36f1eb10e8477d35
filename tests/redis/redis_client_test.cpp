// The async client against a real redis-server: replies, errors as values, reconnection after a
// crash, a hung server noticed by the command timeout, the persistence check.
#include "lodestone/app/redis_client.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "redis_test_util.hpp"

namespace lodestone::testing {
namespace {

using app::RedisClient;
using app::RedisClientOptions;
using app::RedisReply;
using namespace std::chrono_literals;

RedisClientOptions options_for(const RedisServer& server) {
  RedisClientOptions o;
  o.endpoint = *app::parse_redis_url(server.url());
  o.name = "lodestone-test";
  o.command_timeout = 500ms;
  o.backoff_initial = 20ms;
  o.backoff_max = 200ms;
  return o;
}

TEST(RedisClient, RunsCommandsAndReturnsErrorsAsValues) {
  RedisServer server;
  IoThreads io;
  auto client = RedisClient::create(io.executor(), options_for(server));
  client->start();
  ASSERT_TRUE(eventually([&] { return client->connected(); }));

  // Argv form: protocol text and printf directives in a value are stored as they are.
  const std::string tricky = "%s %n\r\n*3\r\n$3\r\nDEL\r\n";
  auto set = run(*client, {"SET", "k", tricky});
  ASSERT_TRUE(set && *set) << (set ? (*set).error().message : "no answer");
  EXPECT_EQ((**set).type, RedisReply::Type::Status);
  auto get = run(*client, {"GET", "k"});
  ASSERT_TRUE(get && *get);
  EXPECT_EQ((**get).str, tricky);
  EXPECT_EQ(server.command({"DBSIZE"}).integer, 1);

  auto wrong = run(*client, {"LPUSH", "k", "x"});
  ASSERT_TRUE(wrong);
  ASSERT_FALSE(*wrong);
  EXPECT_TRUE(contains((*wrong).error().message, "WRONGTYPE")) << (*wrong).error().message;
  EXPECT_TRUE(contains((*wrong).error().message, "LPUSH")) << (*wrong).error().message;

  auto array = run(*client, {"XRANGE", "nothing", "-", "+"});
  ASSERT_TRUE(array && *array);
  EXPECT_EQ((**array).type, RedisReply::Type::Array);

  const auto stats = client->stats();
  EXPECT_GE(stats.ops, 4U);
  EXPECT_GE(stats.errors, 1U);
  EXPECT_EQ(stats.connects, 1U);
  client->stop();
  EXPECT_TRUE(eventually([&] { return client->stats().state == app::RedisState::Stopped; }));
}

TEST(RedisClient, FailsAtOnceWhileRedisIsAwayAndReconnectsWhenItIsBack) {
  RedisServer server;
  IoThreads io;
  // "At once" is told apart from "waited for the server" by a command timeout far longer than
  // any scheduling delay of a loaded machine, not by a guess at how fast the machine is.
  auto o = options_for(server);
  o.command_timeout = 30s;
  auto client = RedisClient::create(io.executor(), o);
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
  EXPECT_NE(client->stats().state, app::RedisState::Connected);

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
  auto client = RedisClient::create(io.executor(), options_for(server));
  client->start();
  ASSERT_TRUE(eventually([&] { return !client->stats().last_error.empty(); }));
  EXPECT_FALSE(client->connected());
  server.start();
  EXPECT_TRUE(eventually([&] { return client->connected(); }));
}

TEST(RedisClient, AHungServerIsNoticedByTheCommandTimeout) {
  RedisServer server;
  IoThreads io;
  auto client = RedisClient::create(io.executor(), options_for(server));
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
  auto c1 = RedisClient::create(io.executor(), o1);
  auto c2 = RedisClient::create(io.executor(), o2);
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
  auto client = RedisClient::create(io.executor(), o);
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
  auto client = RedisClient::create(io.executor(), o);
  client->start();
  ASSERT_TRUE(eventually([&] { return !client->stats().last_error.empty(); }));
  EXPECT_FALSE(client->connected());
  EXPECT_TRUE(contains(client->stats().last_error, "AUTH")) << client->stats().last_error;

  o.endpoint.password = "right";
  auto good = RedisClient::create(io.executor(), o);
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
    auto client = RedisClient::create(io.executor(), o);
    client->start();
    ASSERT_TRUE(eventually([&] { return fatal.load() > 0; }, 30s)) << client->stats().last_error;
    // With a 20 ms backoff a retry loop would have tried many times by now (a negative check:
    // the wait cannot make it fail falsely).
    std::this_thread::sleep_for(300ms);
    const auto st = client->stats();
    EXPECT_EQ(fatal.load(), 1) << "reported once";
    EXPECT_TRUE(st.fatal);
    EXPECT_EQ(st.state, app::RedisState::Stopped) << "no reconnect";
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
  auto client = RedisClient::create(io.executor(), o);
  client->start();
  ASSERT_TRUE(eventually([&] { return client->connected(); }));
  server.kill();
  ASSERT_TRUE(eventually([&] { return !client->connected(); }));
  server.start();
  EXPECT_TRUE(eventually([&] { return client->connected(); }));
  EXPECT_EQ(fatal.load(), 0);
  EXPECT_FALSE(app::is_auth_error("ERR Connection refused"));
  EXPECT_TRUE(app::is_auth_error("WRONGPASS invalid username-password pair or user is disabled."));
  EXPECT_TRUE(app::is_auth_error("NOAUTH Authentication required."));
}

TEST(RedisClient, JudgesPersistenceFromConfigGet) {
  RedisServer off;
  RedisServer lru(
      RedisServerOptions{.appendonly = true, .appendfsync = "always", .extra = {"--maxmemory-policy", "allkeys-lru"}});
  RedisServer good(RedisServerOptions{.appendonly = true, .appendfsync = "everysec", .extra = {}});
  IoThreads io;
  std::vector<std::shared_ptr<RedisClient>> clients;
  for (const RedisServer* s : {&off, &lru, &good}) {
    auto o = options_for(*s);
    o.check_persistence = true;
    clients.push_back(RedisClient::create(io.executor(), o));
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
