// Who a request is from behind load balancers: X-Forwarded-For and the PROXY header believed
// only from http.trusted_proxies, the right-most untrusted hop as the client.
#include "client_address.hpp"

#include <gtest/gtest.h>

#include "connection_limiter.hpp"

namespace lodestone::web {
namespace {

net::ip::address ip(const std::string& text) { return net::ip::make_address(text); }

std::shared_ptr<const TrustedProxies> trusting(const std::vector<std::string>& entries) {
  auto t = TrustedProxies::parse(entries);
  EXPECT_TRUE(t) << t.error().message;
  return std::make_shared<const TrustedProxies>(std::move(*t));
}

std::string client(const ConnectionOrigin& origin, std::string_view xff) {
  return client_address(origin, xff).to_string();
}

TEST(TrustedProxies, MatchesAddressesAndCidrBlocksOfBothFamilies) {
  const auto t = trusting({"127.0.0.1", "10.0.0.0/8", "192.168.4.0/22", "::1", "fd00::/8", "0.0.0.0/0"});
  const auto narrow = trusting({"127.0.0.1", "10.0.0.0/8", "192.168.4.0/22", "fd00::/8", "2001:db8::/127"});
  EXPECT_TRUE(narrow->trusts(ip("127.0.0.1")));
  EXPECT_FALSE(narrow->trusts(ip("127.0.0.2")));
  EXPECT_TRUE(narrow->trusts(ip("10.255.1.2")));
  EXPECT_FALSE(narrow->trusts(ip("11.0.0.1")));
  EXPECT_TRUE(narrow->trusts(ip("192.168.7.255")));
  EXPECT_FALSE(narrow->trusts(ip("192.168.8.0")));
  EXPECT_TRUE(narrow->trusts(ip("fd12::5")));
  EXPECT_FALSE(narrow->trusts(ip("fe80::1")));
  EXPECT_TRUE(narrow->trusts(ip("2001:db8::1")));
  EXPECT_FALSE(narrow->trusts(ip("2001:db8::2")));
  EXPECT_TRUE(narrow->trusts(ip("::ffff:10.0.0.1"))) << "an IPv4-mapped peer is its IPv4 address";
  EXPECT_FALSE(narrow->trusts(ip("::ffff:11.0.0.1")));
  EXPECT_TRUE(t->trusts(ip("8.8.8.8"))) << "0.0.0.0/0 trusts every IPv4 address";
  EXPECT_FALSE(TrustedProxies().trusts(ip("127.0.0.1"))) << "nobody by default";
  EXPECT_FALSE(TrustedProxies::parse({"lb.example"}));
  EXPECT_FALSE(TrustedProxies::parse({"10.0.0.0/33"}));
  EXPECT_FALSE(TrustedProxies::parse({"10.0.0.0/"}));
}

TEST(ForwardedFor, SplitsHopsAndReadsEachFormOfAnAddress) {
  const auto hops = forwarded_for_hops(" 203.0.113.7 ,\t[2001:db8::7]:443,, 10.0.0.2:8080 ");
  ASSERT_EQ(hops.size(), 4U);
  EXPECT_EQ(hops[0], "203.0.113.7");
  EXPECT_EQ(hops[1], "[2001:db8::7]:443");
  EXPECT_EQ(hops[2], "");
  EXPECT_EQ(hops[3], "10.0.0.2:8080");
  EXPECT_EQ(parse_hop("203.0.113.7")->to_string(), "203.0.113.7");
  EXPECT_EQ(parse_hop("203.0.113.7:51234")->to_string(), "203.0.113.7");
  EXPECT_EQ(parse_hop("2001:db8::7")->to_string(), "2001:db8::7");
  EXPECT_EQ(parse_hop("[2001:db8::7]")->to_string(), "2001:db8::7");
  EXPECT_EQ(parse_hop("[2001:db8::7]:443")->to_string(), "2001:db8::7");
  for (const std::string bad :
       {"", "unknown", "_hidden", "host.example", "203.0.113.7:", "203.0.113.7:x", "203.0.113.7:1234567",
        "[2001:db8::7", "[2001:db8::7]x", "[203.0.113.7]", "fe80::1%eth0", "[2001:db8::7]:", "1.2.3.4.5", "999.1.1.1"})
    EXPECT_FALSE(parse_hop(bad).has_value()) << bad;
}

TEST(ClientAddress, WithoutTrustedProxiesThePeerIsTheClientWhateverTheHeaderSays) {
  const ConnectionOrigin direct{ip("198.51.100.9"), std::nullopt, nullptr};
  EXPECT_EQ(client(direct, "203.0.113.7"), "198.51.100.9");
  const ConnectionOrigin untrusted{ip("198.51.100.9"), std::nullopt, trusting({"127.0.0.1"})};
  EXPECT_EQ(client(untrusted, "203.0.113.7"), "198.51.100.9") << "an untrusted peer's header is ignored";
  const ConnectionOrigin mapped{ip("::ffff:198.51.100.9"), std::nullopt, nullptr};
  EXPECT_EQ(client(mapped, ""), "198.51.100.9");
}

TEST(ClientAddress, FromATrustedProxyTheRightMostUntrustedHopIsTheClient) {
  const ConnectionOrigin via_lb{ip("127.0.0.1"), std::nullopt, trusting({"127.0.0.1", "10.0.0.0/8"})};
  EXPECT_EQ(client(via_lb, "203.0.113.7"), "203.0.113.7");
  // A client that forges its own header: HAProxy appends what it saw, the forgery stays left.
  EXPECT_EQ(client(via_lb, "6.6.6.6, 203.0.113.7"), "203.0.113.7");
  // Two balancers, both trusted: the hop before them.
  EXPECT_EQ(client(via_lb, "6.6.6.6, 203.0.113.7, 10.1.2.3"), "203.0.113.7");
  // Every hop trusted: the left-most.
  EXPECT_EQ(client(via_lb, "10.9.9.9, 10.1.2.3"), "10.9.9.9");
  // No header: the balancer itself (its health checks).
  EXPECT_EQ(client(via_lb, ""), "127.0.0.1");
  // A hop that is not an address: the trusted hop that reported it.
  EXPECT_EQ(client(via_lb, "203.0.113.7, unknown, 10.1.2.3"), "10.1.2.3");
  EXPECT_EQ(client(via_lb, "garbage"), "127.0.0.1");
  EXPECT_EQ(client(via_lb, "[2001:db8::7]:443"), "2001:db8::7");
  EXPECT_EQ(client(via_lb, "::ffff:203.0.113.7"), "203.0.113.7");
}

TEST(ClientAddress, TheWalkIsBoundedToTheLast32Hops) {
  const ConnectionOrigin via_lb{ip("127.0.0.1"), std::nullopt, trusting({"127.0.0.1", "10.0.0.0/8"})};
  std::string chain = "203.0.113.7";
  for (int i = 0; i < 40; ++i) chain += ", 10.0.0." + std::to_string(i + 1);
  EXPECT_EQ(client(via_lb, chain), "10.0.0.9") << "the 32nd hop from the right";
}

TEST(ClientAddress, APROXYHeaderFromATrustedPeerNamesTheClient) {
  const auto t = trusting({"127.0.0.1"});
  const ConnectionOrigin proxied{ip("127.0.0.1"), ip("203.0.113.7"), t};
  EXPECT_EQ(client(proxied, ""), "203.0.113.7");
  EXPECT_EQ(client(proxied, "6.6.6.6"), "203.0.113.7") << "an untrusted client's own X-Forwarded-For is not believed";
  // A PROXY header naming another trusted balancer: its X-Forwarded-For goes on.
  const ConnectionOrigin chained{ip("127.0.0.1"), ip("127.0.0.1"), t};
  EXPECT_EQ(client(chained, "203.0.113.7"), "203.0.113.7");
}

TEST(ConnectionLimiter, ABalancersSlotCountsInTheTotalUntilItMovesToItsClientUnderItsCap) {
  auto limiter = std::make_shared<ConnectionLimiter>(10, 2);
  RefusedConnection why{};
  std::vector<ConnectionLimiter::Slot> lb;
  for (int i = 0; i < 5; ++i) {
    lb.push_back(limiter->acquire_unaddressed(why));
    ASSERT_TRUE(lb.back().held()) << "the balancer's address has no cap of its own";
  }
  EXPECT_EQ(limiter->total(), 5U);
  EXPECT_EQ(limiter->from(ip("127.0.0.1")), 0U);
  const auto a = ip("203.0.113.7");
  EXPECT_TRUE(lb[0].move_to(a, why));
  EXPECT_TRUE(lb[1].move_to(a, why));
  EXPECT_TRUE(lb[1].move_to(a, why)) << "already there";
  EXPECT_FALSE(lb[2].move_to(a, why)) << "a third from the same client";
  EXPECT_EQ(why, RefusedConnection::PerIp);
  EXPECT_FALSE(lb[2].address().has_value()) << "a refused move leaves the slot as it was";
  EXPECT_TRUE(lb[2].move_to(ip("203.0.113.8"), why)) << "another client";
  EXPECT_EQ(limiter->from(a), 2U);
  EXPECT_EQ(limiter->total(), 5U);
  lb[0] = ConnectionLimiter::Slot();
  EXPECT_EQ(limiter->from(a), 1U);
  EXPECT_TRUE(lb[3].move_to(a, why)) << "a freed place is taken again";
  // Moving from one address to another releases the first.
  EXPECT_TRUE(lb[3].move_to(ip("203.0.113.9"), why));
  EXPECT_EQ(limiter->from(a), 1U);
  lb.clear();
  EXPECT_EQ(limiter->total(), 0U);
  EXPECT_EQ(limiter->from(ip("203.0.113.8")), 0U);
}

}  // namespace
}  // namespace lodestone::web
