// Sentinel against real redis-server and redis-sentinel processes on loopback ports: the client
// finds the master through the Sentinels, ROLE refuses a replica, +switch-master moves every
// connection, READONLY makes a client ask again, and the alert store counts an alert as stored
// only once WAIT says a replica has it.
#include "lodestone/redis/sentinel.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <optional>
#include <thread>

#include "lodestone/redis/alert_store.hpp"
#include "lodestone/testing/redis_sentinel.hpp"
#include "redis_test_util.hpp"

namespace lodestone::testing {
namespace {

using redis::Client;
using redis::ClientOptions;
using redis::Endpoint;
using redis::HostPort;
using namespace std::chrono_literals;

HostPort local(std::uint16_t port) { return {"127.0.0.1", port}; }

// A full resync starts at once (Redis waits 5 s by default for more replicas to join).
const std::vector<std::string> kQuickSync{"--repl-diskless-sync-delay", "0"};

// A master, its replica and three Sentinels (quorum 2) that know both and each other.
struct Cluster {
  RedisServer master{RedisServerOptions{.extra = kQuickSync}};
  RedisServer replica{RedisServerOptions{.extra = kQuickSync, .replica_of = master.port()}};
  SentinelGroup sentinels{3, RedisSentinelOptions{.master_port = master.port(), .down_after = 1000ms}, 1};
};

ClientOptions through(const std::shared_ptr<redis::EndpointSource>& source) {
  ClientOptions o;
  o.endpoint.master = "lodestone";
  o.name = "lodestone-test";
  o.command_timeout = 2s;
  o.backoff_initial = 20ms;
  o.backoff_max = 200ms;
  o.source = source;
  return o;
}

std::shared_ptr<redis::Sentinel> sentinel_for(IoThreads& io, const SentinelGroup& group) {
  redis::SentinelOptions o;
  o.endpoint = *redis::parse_url(group.url());
  o.name = "lodestone-test";
  o.backoff_initial = 20ms;
  o.backoff_max = 200ms;
  auto s = redis::Sentinel::create(io.executor(), o, system_clock());
  s->start();
  return s;
}

bool set_ok(Client& client, const std::string& key, const std::string& value) {
  auto r = run(client, {"SET", key, value}, 5s);
  return r && *r;
}

// Answers from a list the test controls, and records how it was asked.
class ScriptedSource final : public redis::EndpointSource {
 public:
  void answer(std::uint16_t port) {
    std::lock_guard lock(mutex_);
    port_ = port;
  }
  void locate(bool stale, Found found) override {
    Endpoint e;
    {
      std::lock_guard lock(mutex_);
      asked_.push_back(stale);
      e.port = port_;
    }
    e.master = "lodestone";
    std::thread([found = std::move(found), e] { found(e); }).detach();
  }
  void watch(std::weak_ptr<Client>) override {}
  std::vector<bool> asked() const {
    std::lock_guard lock(mutex_);
    return asked_;
  }

 private:
  mutable std::mutex mutex_;
  std::uint16_t port_ = 0;
  std::vector<bool> asked_;
};

TEST(RedisSentinel, TheSentinelsNameTheMasterAndTheClientWritesThere) {
  Cluster c;
  IoThreads io;
  auto sentinel = sentinel_for(io, c.sentinels);
  auto client = Client::create(io.executor(), through(sentinel), system_clock());
  client->start();
  ASSERT_TRUE(eventually([&] { return client->connected(); }, 30s)) << client->stats().last_error;
  ASSERT_TRUE(set_ok(*client, "k", "v"));
  EXPECT_EQ(c.master.command({"GET", "k"}).str, "v");
  EXPECT_EQ(client->stats().address, redis::to_string(local(c.master.port())));
  EXPECT_EQ(sentinel->stats().master, redis::to_string(local(c.master.port())));
  EXPECT_TRUE(eventually([&] {
    const auto s = sentinel->stats();
    for (const auto& one : s.sentinels)
      if (one.up != true) return false;
    return true;
  }));
  EXPECT_EQ(sentinel->degraded_reason(), "");
  EXPECT_EQ(sentinel->stats().failovers, 0U);
  client->stop();
  sentinel->stop();
}

TEST(RedisSentinel, RoleRefusesAReplicaAndTheSourceIsAskedAfresh) {
  RedisServer master;
  RedisServer replica(RedisServerOptions{.replica_of = master.port()});
  IoThreads io;
  auto source = std::make_shared<ScriptedSource>();
  source->answer(replica.port());  // a stale answer: the replica
  auto client = Client::create(io.executor(), through(source), system_clock());
  client->start();
  ASSERT_TRUE(eventually([&] { return source->asked().size() >= 2; }));
  EXPECT_FALSE(client->connected()) << "a replica never becomes this client's connection";
  EXPECT_EQ(client->stats().connects, 0U);
  EXPECT_NE(client->stats().last_error.find("ROLE says slave"), std::string::npos) << client->stats().last_error;
  source->answer(master.port());
  ASSERT_TRUE(eventually([&] { return client->connected(); }));
  ASSERT_TRUE(set_ok(*client, "k", "v"));
  EXPECT_EQ(client->stats().address, redis::to_string(local(master.port())));
  EXPECT_EQ(client->stats().connects, 1U);
  const auto asked = source->asked();
  EXPECT_FALSE(asked.front()) << "the first attempt may use what the source knows";
  EXPECT_TRUE(asked[1]) << "after a replica, the source asks afresh";
  client->stop();
}

TEST(RedisSentinel, ReadonlyDropsTheConnectionAndTheClientAsksAgain) {
  RedisServer a;
  RedisServer b(RedisServerOptions{.replica_of = a.port()});
  IoThreads io;
  auto source = std::make_shared<ScriptedSource>();
  source->answer(a.port());
  auto client = Client::create(io.executor(), through(source), system_clock());
  client->start();
  ASSERT_TRUE(eventually([&] { return client->connected(); }));
  ASSERT_TRUE(set_ok(*client, "k", "1"));
  // The roles swap behind the client's back (what a failover does to a master that lives on).
  ASSERT_EQ(b.command({"REPLICAOF", "NO", "ONE"}).str, "OK");
  ASSERT_EQ(a.command({"REPLICAOF", "127.0.0.1", std::to_string(b.port())}).str, "OK");
  source->answer(b.port());
  auto refused = run(*client, {"SET", "k", "2"});
  ASSERT_TRUE(refused);
  ASSERT_FALSE(*refused) << "a demoted master refuses the write";
  EXPECT_EQ((*refused).error().code, ErrorCode::unavailable);
  EXPECT_NE((*refused).error().message.find("READONLY"), std::string::npos) << (*refused).error().message;
  ASSERT_TRUE(eventually([&] { return set_ok(*client, "k", "3"); }));
  EXPECT_EQ(client->stats().address, redis::to_string(local(b.port())));
  EXPECT_EQ(b.command({"GET", "k"}).str, "3");
  const auto asked = source->asked();
  EXPECT_TRUE(asked.back()) << "READONLY makes the next attempt ask afresh";
  client->stop();
}

TEST(RedisSentinel, SwitchMasterMovesEveryConnectionToThePromotedReplica) {
  Cluster c;
  IoThreads io;
  auto sentinel = sentinel_for(io, c.sentinels);
  std::vector<std::shared_ptr<Client>> clients;
  for (int i = 0; i < 3; ++i) {
    clients.push_back(Client::create(io.executor(), through(sentinel), system_clock()));
    clients.back()->start();
  }
  for (auto& client : clients) ASSERT_TRUE(eventually([&] { return client->connected(); }, 30s));
  ASSERT_TRUE(set_ok(*clients[0], "before", "1"));
  // A failover the Sentinels agree on while the old master lives on (it becomes a replica): no
  // connection breaks by itself, so only +switch-master (or READONLY) moves the clients.
  const auto t0 = std::chrono::steady_clock::now();
  ASSERT_EQ(c.sentinels[0].command({"SENTINEL", "FAILOVER", "lodestone"}).str, "OK");
  ASSERT_TRUE(c.sentinels.wait_master(c.replica.port(), 60s)) << c.sentinels.logs();
  const auto promoted = redis::to_string(local(c.replica.port()));
  for (auto& client : clients)
    ASSERT_TRUE(eventually([&] { return client->connected() && client->stats().address == promoted; }, 30s))
        << client->stats().address << " " << client->stats().last_error;
  ASSERT_TRUE(eventually([&] { return set_ok(*clients[1], "after", "2"); }, 30s));
  std::printf("[measured] SENTINEL FAILOVER to the first write on the promoted replica: %.3f s\n",
              std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  EXPECT_EQ(c.replica.command({"GET", "after"}).str, "2");
  // Sentinel closes the old master's clients once it has made it a replica: see answered().
  EXPECT_TRUE(eventually([&] { return answered([&] { return c.master.role(); }) == "slave"; }, 30s));
  const auto s = sentinel->stats();
  EXPECT_EQ(s.master, promoted);
  EXPECT_EQ(s.failovers, 1U);
  EXPECT_GE(s.switch_messages, 1U) << "the move came from +switch-master";
  // Nothing of ours stays on the old master.
  std::optional<std::string> list;
  ASSERT_TRUE(eventually([&] { return (list = answered([&] { return c.master.command({"CLIENT", "LIST"}).str; })); }));
  EXPECT_EQ(list->find("name=lodestone-test "), std::string::npos) << *list;
  for (auto& client : clients) client->stop();
  sentinel->stop();
}

TEST(RedisSentinel, TwoOfThreeSentinelsDownIsDegradedWhileTheMasterKeepsTakingWrites) {
  Cluster c;
  IoThreads io;
  auto sentinel = sentinel_for(io, c.sentinels);
  auto client = Client::create(io.executor(), through(sentinel), system_clock());
  client->start();
  ASSERT_TRUE(eventually([&] { return client->connected(); }, 30s));
  c.sentinels[1].kill();
  EXPECT_TRUE(eventually([&] { return sentinel->stats().sentinels[1].up == false; }));
  EXPECT_EQ(sentinel->degraded_reason(), "") << "2 of 3 is still a majority";
  c.sentinels[2].kill();
  ASSERT_TRUE(eventually([&] { return !sentinel->degraded_reason().empty(); }));
  const auto why = sentinel->degraded_reason();
  EXPECT_NE(why.find("1 of 3 Sentinels reachable"), std::string::npos) << why;
  EXPECT_NE(why.find(c.sentinels[2].address()), std::string::npos) << why;
  EXPECT_NE(why.find("127.0.0.1:" + std::to_string(c.master.port()) + " meanwhile"), std::string::npos) << why;
  ASSERT_TRUE(set_ok(*client, "k", "still"));
  EXPECT_EQ(c.master.command({"GET", "k"}).str, "still");
  c.sentinels[1].start();
  EXPECT_TRUE(eventually([&] { return sentinel->degraded_reason().empty(); }, 30s));
  client->stop();
  sentinel->stop();
}

TEST(RedisSentinel, AnAlertCountsAsStoredOnlyOnceWaitSaysTheReplicaHasIt) {
  RedisServer master(RedisServerOptions{.extra = kQuickSync});
  RedisServer replica(RedisServerOptions{.extra = kQuickSync, .replica_of = master.port()});
  ASSERT_TRUE(eventually([&] { return master.command({"WAIT", "1", "100"}).integer == 1; }));
  IoThreads io;
  redis::AlertStoreOptions o;
  o.client = fast_client(master);
  o.wait_replicas = 1;
  o.wait_timeout = 200ms;
  o.retry = 100ms;
  auto store = redis::AlertStore::create(io.executor(), o, system_clock());
  Deliveries seen;
  store->set_delivery(seen.sink());
  store->start();
  ASSERT_TRUE(eventually([&] { return store->loaded(); }));
  for (const char* id : {"s-1", "s-2"}) store->append(synthetic_alert(id));
  ASSERT_TRUE(eventually([&] { return store->stats().written == 2 && store->stats().buffered == 0; }));

  // The replica stops replicating: appends reach the master, WAIT finds no replica.
  ASSERT_EQ(replica.command({"REPLICAOF", "NO", "ONE"}).str, "OK");
  const auto short_before = store->stats().unreplicated;  // the replica's first sync may have made some
  store->append(synthetic_alert("s-3"));
  ASSERT_TRUE(eventually([&] { return store->stats().unreplicated >= short_before + 2; }))
      << "WAIT answered short for the append and for its re-check";
  EXPECT_EQ(store->stats().written, 2U);
  EXPECT_EQ(store->stats().buffered, 1U) << "s-3 stays buffered";
  EXPECT_NE(store->degraded_reason().find("alerts not yet on 1 replicas"), std::string::npos)
      << store->degraded_reason();
  EXPECT_EQ(master.command({"XLEN", "{lodestone}:alerts"}).integer, 3) << "the master has it, once";

  ASSERT_EQ(replica.command({"REPLICAOF", "127.0.0.1", std::to_string(master.port())}).str, "OK");
  ASSERT_TRUE(eventually([&] { return store->stats().written == 3 && store->stats().buffered == 0; }));
  EXPECT_EQ(store->degraded_reason(), "");
  EXPECT_EQ(master.command({"XLEN", "{lodestone}:alerts"}).integer, 3) << "appended again, stored once";
  EXPECT_EQ(store->stats().duplicates, 0U) << "its own earlier append is not another instance's";
  ASSERT_TRUE(eventually([&] { return replica.command({"XLEN", "{lodestone}:alerts"}).integer == 3; }));
  EXPECT_EQ(seen.stored().size(), 3U);
  store->stop();
  ASSERT_TRUE(eventually([&] { return store->stopped(); }));
}

}  // namespace
}  // namespace lodestone::testing
