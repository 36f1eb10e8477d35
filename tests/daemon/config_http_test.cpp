#include <gtest/gtest.h>

#include "lodestone/app/config.hpp"

namespace lodestone::app {
namespace {

std::string error_of(const std::string& yaml) {
  auto c = parse_config(yaml, "/etc/lodestone/lodestone.yaml");
  return c ? std::string("ok") : c.error().message;
}

TEST(ConfigHttp, ReadsHostsProxiesAndTlsWithPathsAgainstTheFile) {
  auto c = parse_config(R"(
users: users.yaml
audit: /var/log/lodestone/audit.log
http:
  allowed_hosts: [desk.example, "desk.example:8443"]
  trusted_proxies: [127.0.0.1, 10.0.0.0/8, "::1", "fd00::/8"]
  proxy_protocol: true
  tls: {cert: tls/cert.pem, key: tls/key.pem}
)",
                        "/etc/lodestone/lodestone.yaml");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->users, "/etc/lodestone/users.yaml");
  EXPECT_EQ(c->audit, "/var/log/lodestone/audit.log");
  EXPECT_EQ(c->server.allowed_hosts, (std::vector<std::string>{"desk.example", "desk.example:8443"}));
  EXPECT_EQ(c->server.trusted_proxies, (std::vector<std::string>{"127.0.0.1", "10.0.0.0/8", "::1", "fd00::/8"}));
  EXPECT_TRUE(c->server.proxy_protocol);
  EXPECT_EQ(c->server.tls_cert, "/etc/lodestone/tls/cert.pem");
  EXPECT_EQ(c->server.tls_key, "/etc/lodestone/tls/key.pem");
}

TEST(ConfigHttp, DefaultsTrustNoProxyAndServePlainHttp) {
  auto c = parse_config("", "empty.yaml");
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(c->server.allowed_hosts.empty());
  EXPECT_TRUE(c->server.trusted_proxies.empty());
  EXPECT_FALSE(c->server.proxy_protocol);
  EXPECT_TRUE(c->server.tls_cert.empty());
  EXPECT_TRUE(c->users.empty());
}

TEST(ConfigHttp, ErrorsSayWhereAndWhat) {
  EXPECT_EQ(error_of("http:\n  trusted_proxies: [10.0.0.0/33]\n"),
            "/etc/lodestone/lodestone.yaml:2:21: trusted_proxies: '10.0.0.0/33': the prefix length must be 0 to 32");
  EXPECT_EQ(error_of("http:\n  trusted_proxies: [lb.example]\n"),
            "/etc/lodestone/lodestone.yaml:2:21: trusted_proxies: 'lb.example' is not an IP address or CIDR block "
            "such as 10.0.0.0/8");
  EXPECT_EQ(error_of("http:\n  allowed_hosts: [\"http://desk\"]\n"),
            "/etc/lodestone/lodestone.yaml:2:19: allowed_hosts: 'http://desk' must be a host name (desk.example or "
            "desk:8080)");
  EXPECT_EQ(error_of("http:\n  proxy_protocol: true\n"),
            "/etc/lodestone/lodestone.yaml:2:19: proxy_protocol needs trusted_proxies: whose PROXY header to believe");
  EXPECT_EQ(error_of("http:\n  tls: {cert: c.pem}\n"),
            "/etc/lodestone/lodestone.yaml:2:8: http.tls needs both cert and key (PEM files)");
  EXPECT_NE(error_of("http:\n  allowed_host: [x]\n").find("unknown key 'allowed_host' in http"), std::string::npos);
}

// Issue #16: how long SIGTERM keeps /readyz failing before the listener closes.
TEST(ConfigHttp, DrainDelayIsADurationUpToAMinuteAndZeroByDefault) {
  auto c = parse_config("http:\n  drain_delay: 3s\n", "/etc/lodestone/lodestone.yaml");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->server.drain_delay_ms, 3000);
  c = parse_config("http:\n  drain_delay: 250ms\n", "/etc/lodestone/lodestone.yaml");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->server.drain_delay_ms, 250);
  c = parse_config("", "empty.yaml");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->server.drain_delay_ms, 0) << "no balancer, no wait";
  EXPECT_EQ(error_of("http:\n  drain_delay: 2m\n"),
            "/etc/lodestone/lodestone.yaml:2:16: drain_delay must be between 0s and 60s");
  EXPECT_NE(error_of("http:\n  drain_delay: soon\n").find("drain_delay"), std::string::npos);
}

}  // namespace
}  // namespace lodestone::app
