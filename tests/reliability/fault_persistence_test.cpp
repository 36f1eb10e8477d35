// D1: a Redis that would lose alerts (no append-only file, or an eviction policy that may evict
// the stream) is reported loudly at start and exported as lodestone_redis_persistence_ok 0; the
// deployment's redis.conf passes. S11: a Redis that refuses the daemon's credentials is a fatal
// configuration error (clear message, exit 2), not a retry loop.
#include <iterator>

#include "fault_fixture.hpp"

namespace lodestone::testing {
namespace {

class FaultPersistence : public FaultTest {};

TEST_F(FaultPersistence, D1_RedisWithoutAppendOnlyFileIsReportedLoudlyAndExportedAsNotOk) {
  RedisServer redis(RedisServerOptions{.appendonly = false, .appendfsync = "everysec", .extra = {}});
  auto& d = start(redis);
  ASSERT_TRUE(eventually([&] { return metric(d, "lodestone_redis_persistence_ok").has_value(); }, 30s));
  EXPECT_EQ(metric(d, "lodestone_redis_persistence_ok"), 0.0);
  EXPECT_EQ(metric(d, "lodestone_redis_aof_enabled"), 0.0);
  EXPECT_NE(d.log().find("APPEND-ONLY PERSISTENCE IS OFF"), std::string::npos) << d.log();
  // A warning, not a refusal: the daemon serves (the choice D1 leaves open; README, Redis).
  EXPECT_EQ(status(d, "/readyz"), 200U);
}

TEST_F(FaultPersistence, D1_AnEvictingMaxmemoryPolicyIsReportedLoudlyAndExportedAsNotOk) {
  RedisServer redis(
      RedisServerOptions{.appendonly = true, .appendfsync = "always", .extra = {"--maxmemory-policy", "allkeys-lru"}});
  auto& d = start(redis);
  ASSERT_TRUE(eventually([&] { return metric(d, "lodestone_redis_persistence_ok").has_value(); }, 30s));
  EXPECT_EQ(metric(d, "lodestone_redis_persistence_ok"), 0.0);
  EXPECT_EQ(metric(d, "lodestone_redis_aof_enabled"), 1.0);
  EXPECT_NE(d.log().find("MAXMEMORY-POLICY allkeys-lru MAY EVICT THE ALERT STREAM"), std::string::npos) << d.log();
}

TEST_F(FaultPersistence, D1_TheDeploymentRedisConfIsPersistenceOk) {
  // deploy/redis/redis.conf itself (its port, bind and dir overridden for the test).
  RedisServer redis(RedisServerOptions{.appendonly = true,
                                       .appendfsync = "everysec",
                                       .extra = {},
                                       .config_file = source_path("deploy/redis/redis.conf")});
  EXPECT_EQ(redis.command({"CONFIG", "GET", "appendonly"}).elements.at(1).str, "yes");
  auto& d = start(redis);
  ASSERT_TRUE(eventually([&] { return metric(d, "lodestone_redis_persistence_ok").has_value(); }, 30s));
  EXPECT_EQ(metric(d, "lodestone_redis_persistence_ok"), 1.0);
  EXPECT_EQ(d.log().find("APPEND-ONLY PERSISTENCE IS OFF"), std::string::npos) << d.log();
  EXPECT_EQ(d.log().find("MAY EVICT"), std::string::npos) << d.log();
  std::ifstream conf(source_path("deploy/redis/redis.conf"));
  std::string text((std::istreambuf_iterator<char>(conf)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("\nappendonly yes\n"), std::string::npos);
  EXPECT_NE(text.find("\nmaxmemory-policy noeviction\n"), std::string::npos);
}

TEST_F(FaultPersistence, S11_NoPasswordForAPasswordProtectedRedisIsAFatalConfigurationError) {
  RedisServer redis(
      RedisServerOptions{.appendonly = false, .appendfsync = "always", .extra = {"--requirepass", "s3cret-pass"}});
  auto& d = start(redis, "", "", /*wait_ready=*/false);
  const auto t0 = std::chrono::steady_clock::now();
  const int code = d.wait_exit(60s);
  EXPECT_EQ(code, 2) << d.log();
  measured("S11 exit after NOAUTH", seconds_since(t0), "s");
  const auto log = d.log();
  EXPECT_NE(log.find("NOAUTH"), std::string::npos) << log;
  EXPECT_NE(log.find("configuration error"), std::string::npos) << log;
  EXPECT_EQ(log.find("s3cret-pass"), std::string::npos) << "the password never reaches the log";
}

TEST_F(FaultPersistence, S11_AWrongPasswordIsAFatalConfigurationErrorAndTheRightOneWorks) {
  RedisServer redis(
      RedisServerOptions{.appendonly = false, .appendfsync = "always", .extra = {"--requirepass", "s3cret-pass"}});
  const std::string base = "redis://:";
  const std::string where = "@127.0.0.1:" + std::to_string(redis.port()) + "/0";
  {
    auto& d = start(redis, "", "", /*wait_ready=*/false, base + "wrong-pass" + where);
    EXPECT_EQ(d.wait_exit(60s), 2) << d.log();
    EXPECT_NE(d.log().find("WRONGPASS"), std::string::npos) << d.log();
    EXPECT_EQ(d.log().find("wrong-pass"), std::string::npos) << "the password never reaches the log";
  }
  auto& ok = start(redis, "", "", /*wait_ready=*/true, base + "s3cret-pass" + where);
  EXPECT_EQ(status(ok, "/readyz"), 200U) << ok.log();
}

}  // namespace
}  // namespace lodestone::testing
