// Sentinel without any server: the redis-sentinel:// URL, what the Sentinels' replies say
// (get-master-addr-by-name, +switch-master, ROLE), which error replies mean "not the master",
// and the redis: map's sentinels / master / password_env / wait_replicas keys.
#include <gtest/gtest.h>
#include <stdlib.h>

#include "lodestone/app/config.hpp"
#include "lodestone/redis/handshake.hpp"
#include "lodestone/redis/sentinel_reply.hpp"
#include "lodestone/redis/url.hpp"

namespace lodestone::redis {
namespace {

Reply text(std::string s) { return Reply{Reply::Type::String, 0, std::move(s), {}}; }
Reply array(std::vector<Reply> e) { return Reply{Reply::Type::Array, 0, {}, std::move(e)}; }

TEST(SentinelUrl, ReadsTheSentinelsTheMasterNameAndTheMastersPassword) {
  auto e = parse_url("redis-sentinel://:pw@127.0.0.1:26379,10.0.0.2,[::1]:26400/2#lodestone");
  ASSERT_TRUE(e) << e.error().message;
  ASSERT_TRUE(e->sentinel());
  ASSERT_EQ(e->sentinels.size(), 3U);
  EXPECT_EQ(e->sentinels[0], (HostPort{"127.0.0.1", 26379}));
  EXPECT_EQ(e->sentinels[1], (HostPort{"10.0.0.2", 26379}));  // Sentinel's own default port
  EXPECT_EQ(e->sentinels[2], (HostPort{"::1", 26400}));
  EXPECT_EQ(e->master, "lodestone");
  EXPECT_EQ(e->password, "pw");
  EXPECT_EQ(e->db, 2);
  EXPECT_EQ(describe(*e), "redis-sentinel://:***@127.0.0.1:26379,10.0.0.2:26379,[::1]:26400/2#lodestone");
  EXPECT_FALSE(parse_url("redis://127.0.0.1:6379")->sentinel());
}

TEST(SentinelUrl, RefusesAUrlWithoutAMasterNameOrWithABadSentinel) {
  for (const char* bad :
       {"redis-sentinel://127.0.0.1:26379", "redis-sentinel://127.0.0.1:26379#", "redis-sentinel://127.0.0.1:0#m",
        "redis-sentinel://,127.0.0.1#m", "redis-sentinel://127.0.0.1:26379,#m"}) {
    auto e = parse_url(bad);
    EXPECT_FALSE(e) << bad;
    if (!e) EXPECT_EQ(e.error().code, ErrorCode::bad_config);
  }
}

TEST(SentinelReply, TheMastersAddressIsAnIpAndAPort) {
  auto a = parse_master_address(array({text("127.0.0.1"), text("6380")}), "m");
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_EQ(*a, (HostPort{"127.0.0.1", 6380}));
  auto unknown = parse_master_address(Reply{}, "m");  // nil: this Sentinel does not know "m"
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, ErrorCode::unavailable);
  EXPECT_NE(unknown.error().message.find("'m'"), std::string::npos);
  for (const auto& bad : {array({text("127.0.0.1")}), array({text("127.0.0.1"), text("x")}),
                          array({text("127.0.0.1"), text("70000")}), array({text(""), text("6379")}), text("OK")}) {
    auto r = parse_master_address(bad, "m");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::bad_field);
  }
}

TEST(SentinelReply, SwitchMasterNamesTheMasterAndBothAddresses) {
  auto s = parse_switch_master("lodestone 127.0.0.1 6379 127.0.0.1 6380");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->master, "lodestone");
  EXPECT_EQ(s->from, (HostPort{"127.0.0.1", 6379}));
  EXPECT_EQ(s->to, (HostPort{"127.0.0.1", 6380}));
  EXPECT_FALSE(parse_switch_master("lodestone 127.0.0.1 6379 127.0.0.1"));
  EXPECT_FALSE(parse_switch_master("lodestone 127.0.0.1 6379 127.0.0.1 x"));
  EXPECT_FALSE(parse_switch_master("lodestone 127.0.0.1 6379 127.0.0.1 6380 extra"));
  EXPECT_FALSE(parse_switch_master(""));

  const auto message = array({text("message"), text("+switch-master"), text("m 1.2.3.4 1 5.6.7.8 2")});
  EXPECT_EQ(message_payload(message, "+switch-master"), "m 1.2.3.4 1 5.6.7.8 2");
  EXPECT_FALSE(message_payload(message, "+sdown"));
  // The subscription's confirmation is not a message.
  EXPECT_FALSE(message_payload(
      array({text("subscribe"), text("+switch-master"), Reply{Reply::Type::Integer, 1, {}, {}}}), "+switch-master"));
}

TEST(SentinelReply, RoleAndTheRepliesThatMeanNotTheMaster) {
  EXPECT_EQ(role_of(array({text("master"), Reply{Reply::Type::Integer, 0, {}, {}}, array({})})), "master");
  EXPECT_EQ(role_of(array({text("slave"), text("127.0.0.1")})), "slave");
  EXPECT_EQ(role_of(text("master")), "");
  for (const char* wrong : {"READONLY You can't write against a read only replica.",
                            "LOADING Redis is loading the dataset in memory", "MASTERDOWN Link with MASTER is down"})
    EXPECT_TRUE(is_wrong_server(wrong)) << wrong;
  EXPECT_FALSE(is_wrong_server("OOM command not allowed"));
  EXPECT_FALSE(is_wrong_server("ERR unknown command"));
  const auto steps = handshake_steps(Endpoint{}, "n", false, true);
  ASSERT_EQ(steps.back().kind, HandshakeStep::Kind::Role);
  EXPECT_EQ(steps.back().command, std::vector<std::string>{"ROLE"});
  EXPECT_NE(handshake_steps(Endpoint{}, "n", false).back().kind, HandshakeStep::Kind::Role);
}

std::string error_of(const std::string& yaml) {
  auto c = app::parse_config(yaml, "lodestone.yaml");
  return c ? std::string("(parsed)") : c.error().message;
}

TEST(SentinelConfig, SentinelsAndMasterBecomeASentinelUrlAndPasswordsComeFromTheEnvironment) {
  ::setenv("LODESTONE_TEST_REDIS_PW", "master-secret", 1);
  ::setenv("LODESTONE_TEST_SENTINEL_PW", "sentinel-secret", 1);
  auto c = app::parse_config(R"(
redis:
  sentinels: [127.0.0.1:26379, 127.0.0.1:26380, "[::1]:26381"]
  master: lodestone
  password_env: LODESTONE_TEST_REDIS_PW
  sentinel_password_env: LODESTONE_TEST_SENTINEL_PW
  wait_replicas: 1
  wait_timeout: 250ms
)",
                             "x.yaml");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->redis, "redis-sentinel://127.0.0.1:26379,127.0.0.1:26380,[::1]:26381#lodestone");
  EXPECT_EQ(c->redis_tuning.password, "master-secret");
  EXPECT_EQ(c->redis_tuning.sentinel_password, "sentinel-secret");
  EXPECT_EQ(c->redis_tuning.wait_replicas, 1U);
  EXPECT_EQ(c->redis_tuning.wait_timeout_ms, 250);
  auto url = parse_url(c->redis);
  ASSERT_TRUE(url) << url.error().message;
  EXPECT_EQ(url->sentinels.size(), 3U);
  EXPECT_TRUE(url->password.empty()) << "the password never goes into the URL";

  auto plain = app::parse_config("redis: {url: redis://127.0.0.1:6379, password_env: LODESTONE_TEST_REDIS_PW}\n", "x");
  ASSERT_TRUE(plain) << plain.error().message;
  EXPECT_EQ(plain->redis_tuning.password, "master-secret");
  EXPECT_EQ(plain->redis_tuning.wait_replicas, 0U);
  EXPECT_EQ(plain->redis_tuning.wait_timeout_ms, 500);
}

TEST(SentinelConfig, ErrorsSayFileLineColumnAndWhat) {
  ::unsetenv("LODESTONE_TEST_UNSET_PW");
  EXPECT_EQ(error_of("redis: {url: redis://h, sentinels: [h:1], master: m}\n"),
            "lodestone.yaml:1:36: redis takes either a url or sentinels with master, not both");
  EXPECT_EQ(error_of("redis: {sentinels: [h:1]}\n"),
            "lodestone.yaml:1:20: sentinels need master: the master's name in the Sentinels' configuration");
  EXPECT_EQ(error_of("redis: {url: redis://h, master: m}\n"),
            "lodestone.yaml:1:33: master goes with sentinels (the Sentinels to ask for it)");
  EXPECT_EQ(error_of("redis: {sentinels: [], master: m}\n"),
            "lodestone.yaml:1:20: sentinels must be a list of host:port (e.g. [127.0.0.1:26379, 127.0.0.1:26380])");
  EXPECT_EQ(error_of("redis: {sentinels: [h:1, 'h:x'], master: m}\n").substr(0, 47),
            "lodestone.yaml:1:26: redis URL 'redis-sentinel:");
  EXPECT_EQ(error_of("redis: {sentinels: [h:1], master: 'a b'}\n"),
            "lodestone.yaml:1:35: master must be a Sentinel master name (no spaces, '#', '/', '@' or ',')");
  EXPECT_EQ(error_of("redis:\n  sentinels: [h:1]\n  master: m\n  password_env: LODESTONE_TEST_UNSET_PW\n"),
            "lodestone.yaml:4:17: password_env: the environment variable LODESTONE_TEST_UNSET_PW is not set (or "
            "empty)");
  EXPECT_EQ(error_of("redis: {url: redis://h, sentinel_password_env: LODESTONE_TEST_REDIS_PW}\n"),
            "lodestone.yaml:1:48: sentinel_password_env goes with sentinels");
  EXPECT_EQ(error_of("redis: {url: redis://h, wait_timeout: 1s}\n"),
            "lodestone.yaml:1:39: wait_timeout goes with wait_replicas (how many replicas to WAIT for)");
  EXPECT_EQ(error_of("redis: {url: redis://h, wait_replicas: 101}\n"),
            "lodestone.yaml:1:40: wait_replicas must be between 0 and 100");
}

}  // namespace
}  // namespace lodestone::redis
