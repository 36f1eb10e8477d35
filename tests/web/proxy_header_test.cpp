// The PROXY protocol v1 header as HAProxy's send-proxy writes it, and everything else refused.
#include "proxy_header.hpp"

#include <gtest/gtest.h>

namespace lodestone::web {
namespace {

using State = ProxyHeader::State;

TEST(ProxyHeader, ReadsTcp4AndTcp6AndSaysHowLongTheHeaderIs) {
  const std::string tcp4 = "PROXY TCP4 203.0.113.7 192.0.2.10 51234 8080\r\n";
  auto h = parse_proxy_header(tcp4 + "GET / HTTP/1.1\r\n");
  ASSERT_EQ(h.state, State::Done) << h.error;
  EXPECT_EQ(h.length, tcp4.size()) << "the request after it is not the header's";
  EXPECT_EQ(h.source->to_string(), "203.0.113.7");

  h = parse_proxy_header("PROXY TCP6 2001:db8::7 2001:db8::10 65535 0\r\n");
  ASSERT_EQ(h.state, State::Done) << h.error;
  EXPECT_EQ(h.source->to_string(), "2001:db8::7");
}

TEST(ProxyHeader, UnknownIsTheBalancersOwnConnectionWithoutASource) {
  for (const std::string line : {"PROXY UNKNOWN\r\n", "PROXY UNKNOWN ffff:f...f:ffff 0 0\r\n"}) {
    const auto h = parse_proxy_header(line);
    ASSERT_EQ(h.state, State::Done) << line;
    EXPECT_EQ(h.length, line.size());
    EXPECT_FALSE(h.source.has_value());
  }
}

TEST(ProxyHeader, APartialHeaderAsksForMoreUntilItsCrlf) {
  const std::string full = "PROXY TCP4 203.0.113.7 192.0.2.10 51234 8080\r\n";
  for (std::size_t n = 0; n < full.size(); ++n)
    EXPECT_EQ(parse_proxy_header(full.substr(0, n)).state, State::NeedMore) << n << " bytes";
  // The longest valid line is 107 bytes with its CRLF; no CRLF by then is garbage.
  EXPECT_EQ(parse_proxy_header("PROXY UNKNOWN " + std::string(91, 'x') + "\r").state, State::NeedMore);
  EXPECT_EQ(parse_proxy_header("PROXY UNKNOWN " + std::string(91, 'x') + "\r\n").state, State::Done);
  EXPECT_EQ(parse_proxy_header("PROXY UNKNOWN " + std::string(92, 'x') + "\r\n").state, State::Invalid);
  EXPECT_EQ(parse_proxy_header("PROXY UNKNOWN " + std::string(93, 'x')).state, State::Invalid);
}

TEST(ProxyHeader, AnythingButAStrictV1LineIsInvalid) {
  for (const std::string bad : {
           "GET / HTTP/1.1\r\n",                           // a client speaking HTTP to a PROXY port
           "G",                                            // refused from the first byte
           "proxy TCP4 1.2.3.4 5.6.7.8 1 2\r\n",           // case matters
           "PROXY TCP4 1.2.3.4 5.6.7.8 1 2\n",             // LF alone
           "PROXY TCP4 1.2.3.4 5.6.7.8 1 2\rx",            // CR inside
           "PROXY TCP5 1.2.3.4 5.6.7.8 1 2\r\n",           // family
           "PROXY TCP4 1.2.3.4  5.6.7.8 1 2\r\n",          // two spaces
           "PROXY TCP4 1.2.3.4 5.6.7.8 1 2 \r\n",          // trailing space
           "PROXY TCP4 1.2.3.4 5.6.7.8 1\r\n",             // a port missing
           "PROXY TCP4 1.2.3.4 5.6.7.8 1 2 3\r\n",         // a field too many
           "PROXY TCP4 2001:db8::1 5.6.7.8 1 2\r\n",       // v6 under TCP4
           "PROXY TCP6 1.2.3.4 2001:db8::1 1 2\r\n",       // v4 under TCP6
           "PROXY TCP6 fe80::1%eth0 2001:db8::1 1 2\r\n",  // scope id
           "PROXY TCP4 1.2.3 5.6.7.8 1 2\r\n",             // short quad
           "PROXY TCP4 127.1 5.6.7.8 1 2\r\n",             // shorthand
           "PROXY TCP4 1.2.3.4 5.6.7.8 65536 2\r\n",       // port range
           "PROXY TCP4 1.2.3.4 5.6.7.8 01 2\r\n",          // leading zero
           "PROXY TCP4 1.2.3.4 5.6.7.8 -1 2\r\n",          // sign
           "PROXY TCP4 host.example 5.6.7.8 1 2\r\n",      // a name
       }) {
    const auto h = parse_proxy_header(bad);
    EXPECT_EQ(h.state, State::Invalid) << bad;
    EXPECT_FALSE(h.error.empty()) << bad;
  }
}

TEST(ProxyHeader, VersionTwoIsRecognisedAndRefusedByName) {
  const std::string v2("\r\n\r\n\0\r\nQUIT\n\x21\x11\x00\x0c", 16);
  EXPECT_EQ(parse_proxy_header(v2.substr(0, 5)).state, State::NeedMore);
  const auto h = parse_proxy_header(v2);
  EXPECT_EQ(h.state, State::Invalid);
  EXPECT_NE(h.error.find("version 2"), std::string::npos) << h.error;
}

}  // namespace
}  // namespace lodestone::web
