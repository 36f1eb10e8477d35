// The audit stream against a real redis-server: entries appended by XADD with MAXLEN ~, read back
// newest first by XREVRANGE, kept in memory while Redis is away and written when it returns.
#include <gtest/gtest.h>

#include <future>

#include "lodestone/redis/audit_log.hpp"
#include "redis_test_util.hpp"

namespace lodestone::testing {
namespace {

auth::AuditEntry entry(int n) {
  auth::AuditEntry e;
  e.at = Timestamp{parse_timestamp("2026-02-09T10:15:00+08:00")->ms + n * 1000};
  e.user = "alice";
  e.role = "trader";
  e.action = "acknowledge";
  e.target = "synthetic-alert-" + std::to_string(n);
  e.address = "127.0.0.1";
  e.status = 200;
  return e;
}

std::optional<Result<std::vector<auth::AuditEntry>>> recent(redis::AuditLog& log, std::size_t n) {
  auto promise = std::make_shared<std::promise<Result<std::vector<auth::AuditEntry>>>>();
  auto future = promise->get_future();
  log.recent(n, [promise](Result<std::vector<auth::AuditEntry>> r) { promise->set_value(std::move(r)); });
  if (future.wait_for(std::chrono::seconds(10)) != std::future_status::ready) return std::nullopt;
  return future.get();
}

redis::AuditLogOptions options_for(const RedisServer& server, std::size_t maxlen = 1000) {
  redis::AuditLogOptions o;
  o.client = fast_client(server);
  o.maxlen = maxlen;
  return o;
}

TEST(RedisAuditLog, AppendsToTheStreamAndReadsTheNewestFirst) {
  RedisServer server;
  IoThreads io;
  auto log = redis::AuditLog::create(io.executor(), options_for(server), system_clock());
  log->start();
  for (int i = 0; i < 5; ++i) log->append(entry(i));
  ASSERT_TRUE(eventually([&] { return log->written() == 5; }));
  EXPECT_EQ(server.command({"XLEN", "{lodestone}:audit"}).integer, 5);
  auto last = recent(*log, 3);
  ASSERT_TRUE(last && *last);
  ASSERT_EQ((*last)->size(), 3U);
  EXPECT_EQ((**last)[0], entry(4));
  EXPECT_EQ((**last)[2], entry(2));
  // The stored field is the entry's JSON, readable by anyone with redis-cli.
  auto raw = server.command({"XRANGE", "{lodestone}:audit", "-", "+", "COUNT", "1"});
  ASSERT_EQ(raw.elements.size(), 1U);
  EXPECT_EQ(raw.elements[0].elements[1].elements[1].str, auth::to_json(entry(0)));
  log->stop();
}

TEST(RedisAuditLog, TheStreamStaysBounded) {
  RedisServer server;
  IoThreads io;
  auto log = redis::AuditLog::create(io.executor(), options_for(server, 100), system_clock());
  log->start();
  for (int i = 0; i < 2000; ++i) log->append(entry(i));
  ASSERT_TRUE(eventually([&] { return log->written() + log->waiting() == 2000 && log->waiting() == 0; }));
  auto last = recent(*log, 1);
  ASSERT_TRUE(last && *last && (*last)->size() == 1);
  EXPECT_EQ((**last)[0], entry(1999));
  const auto len = server.command({"XLEN", "{lodestone}:audit"}).integer;
  EXPECT_LT(len, 400) << "MAXLEN ~ 100 trims by whole macro nodes, never unbounded";
  EXPECT_GE(len, 100);
  log->stop();
}

TEST(RedisAuditLog, EntriesWaitWhileRedisIsAwayAndAreWrittenWhenItReturns) {
  RedisServer server;
  IoThreads io;
  auto log = redis::AuditLog::create(io.executor(), options_for(server), system_clock());
  log->start();
  log->append(entry(0));
  ASSERT_TRUE(eventually([&] { return log->written() == 1; }));
  server.kill();
  // Appended while the client learns that Redis is gone: the first may already be on their way
  // and fail after later ones were held, yet the trail keeps the order they were appended in.
  constexpr int kAway = 20;
  for (int i = 1; i <= kAway; ++i) log->append(entry(i));
  ASSERT_TRUE(eventually([&] { return log->waiting() == kAway; }));
  auto unreadable = recent(*log, 10);
  ASSERT_TRUE(unreadable);
  EXPECT_FALSE(*unreadable);
  server.start();  // no persistence: the stream restarts empty
  ASSERT_TRUE(eventually([&] { return log->written() == 1 + kAway; }));
  auto last = recent(*log, 100);
  ASSERT_TRUE(last && *last);
  ASSERT_EQ((*last)->size(), static_cast<std::size_t>(kAway));
  for (int i = 0; i < kAway; ++i) EXPECT_EQ((**last)[i].target, entry(kAway - i).target) << "newest first, at " << i;
  EXPECT_EQ(log->dropped(), 0U);
  log->stop();
}

// How many times Redis has answered an OOM error (INFO errorstats).
std::int64_t oom_answers(const RedisServer& server) {
  const auto info = server.command({"INFO", "errorstats"}).str;
  const auto at = info.find("errorstat_OOM:count=");
  return at == std::string::npos ? 0 : std::stoll(info.substr(at + 20));
}

TEST(RedisAuditLog, EntriesRedisRefusesForNowAreTriedAgainAndWrittenInOrderWhenItTakesWritesAgain) {
  RedisServer server;
  IoThreads io;
  auto options = options_for(server);
  options.retry_pause = std::chrono::milliseconds(50);
  auto log = redis::AuditLog::create(io.executor(), options, system_clock());
  log->start();
  log->append(entry(0));
  ASSERT_TRUE(eventually([&] { return log->written() == 1; }));
  // Redis is full (maxmemory below what it uses, noeviction): every XADD answers OOM, on a
  // connection that stays up.
  server.command({"CONFIG", "SET", "maxmemory", "1"});
  for (int i = 1; i <= 3; ++i) log->append(entry(i));
  // Tried again on its own, with no new append and no reconnection to prompt it.
  ASSERT_TRUE(eventually([&] { return oom_answers(server) >= 3; }));
  EXPECT_EQ(log->written(), 1U);
  EXPECT_EQ(log->waiting(), 3U);
  server.command({"CONFIG", "SET", "maxmemory", "0"});
  ASSERT_TRUE(eventually([&] { return log->written() == 4; }));
  auto last = recent(*log, 10);
  ASSERT_TRUE(last && *last);
  ASSERT_EQ((*last)->size(), 4U);
  for (int i = 0; i < 4; ++i) EXPECT_EQ((**last)[i].target, entry(3 - i).target) << "newest first, at " << i;
  EXPECT_EQ(log->dropped(), 0U);
  log->stop();
}

}  // namespace
}  // namespace lodestone::testing
