#include "lodestone/redis/url.hpp"

#include <gtest/gtest.h>

namespace lodestone::redis {
namespace {

TEST(RedisUrl, ReadsHostPortAndDatabase) {
  auto e = parse_url("redis://127.0.0.1:6380/2");
  ASSERT_TRUE(e) << e.error().message;
  EXPECT_EQ(e->host, "127.0.0.1");
  EXPECT_EQ(e->port, 6380);
  EXPECT_EQ(e->db, 2);
  EXPECT_TRUE(e->password.empty());

  auto d = parse_url("redis://cache");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->host, "cache");
  EXPECT_EQ(d->port, 6379);
  EXPECT_EQ(d->db, 0);

  auto v6 = parse_url("redis://[::1]:7000/0");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, 7000);
  EXPECT_EQ(describe(*v6), "redis://[::1]:7000/0");
}

TEST(RedisUrl, ReadsCredentialsAndNeverShowsThePassword) {
  auto e = parse_url("redis://:s3cret@10.0.0.5:6379/1");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->password, "s3cret");
  EXPECT_TRUE(e->user.empty());
  EXPECT_EQ(describe(*e).find("s3cret"), std::string::npos);

  auto acl = parse_url("redis://lodestone:pw@host/3");
  ASSERT_TRUE(acl);
  EXPECT_EQ(acl->user, "lodestone");
  EXPECT_EQ(acl->password, "pw");
  EXPECT_EQ(acl->db, 3);

  auto bad = parse_url("redis://:s3cret@host:99999");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message.find("s3cret"), std::string::npos) << bad.error().message;
}

TEST(RedisUrl, SaysWhatIsWrong) {
  const std::pair<const char*, const char*> cases[] = {
      {"http://host", "must start with redis://"},
      {"rediss://host", "TLS"},
      {"unix:///run/redis.sock", "unix sockets"},
      {"redis://", "no host"},
      {"redis://host:", "without a port"},
      {"redis://host:0", "port '0'"},
      {"redis://host:port", "port 'port'"},
      {"redis://host/x", "database 'x'"},
      {"redis://[::1", "without ']'"},
      {"redis://host?db=1", "query"},
  };
  for (const auto& [url, expected] : cases) {
    auto r = parse_url(url);
    ASSERT_FALSE(r) << url;
    EXPECT_NE(r.error().message.find(expected), std::string::npos) << url << " -> " << r.error().message;
    EXPECT_NE(r.error().message.find("redis URL"), std::string::npos) << r.error().message;
  }
}

}  // namespace
}  // namespace lodestone::redis
