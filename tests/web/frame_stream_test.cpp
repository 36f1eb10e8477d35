// FrameStream: the session's gathered data frames and Beast's own frames share one socket
// without ever cutting into each other, and nothing follows a close frame. Real loopback sockets.
#include "frame_stream.hpp"

#include <gtest/gtest.h>

#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <vector>

namespace lodestone::web {
namespace {

struct Frame {
  std::uint8_t first = 0;  // FIN, RSV and opcode
  std::string payload;
};

// Reads one unmasked server frame from a blocking socket.
std::optional<Frame> read_frame(tcp::socket& s) {
  std::uint8_t head[2];
  beast::error_code ec;
  net::read(s, net::buffer(head), ec);
  if (ec) return std::nullopt;
  std::uint64_t length = head[1] & 0x7f;
  if (length == 126 || length == 127) {
    std::uint8_t ext[8];
    const std::size_t n = length == 126 ? 2 : 8;
    net::read(s, net::buffer(ext, n), ec);
    if (ec) return std::nullopt;
    length = 0;
    for (std::size_t i = 0; i < n; ++i) length = (length << 8) | ext[i];
  }
  Frame f{head[0], std::string(length, '\0')};
  net::read(s, net::buffer(f.payload), ec);
  if (ec) return std::nullopt;
  return f;
}

std::string text_frame(const std::string& payload) {
  std::string out(1, static_cast<char>(0x81));
  if (payload.size() < 126) {
    out.push_back(static_cast<char>(payload.size()));
  } else if (payload.size() <= 0xffff) {
    out.push_back(static_cast<char>(126));
    out.push_back(static_cast<char>(payload.size() >> 8));
    out.push_back(static_cast<char>(payload.size() & 0xff));
  } else {
    out.push_back(static_cast<char>(127));
    for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>((payload.size() >> shift) & 0xff));
  }
  return out + payload;
}

struct Written final : FrameStream::Writer {
  std::vector<std::pair<beast::error_code, std::size_t>> results;
  void frames_written(beast::error_code ec, std::size_t n) override { results.emplace_back(ec, n); }
};

// A data write, its result recorded alike whether it went out during the call or later.
template <class Buffers>
void write(websocket::stream<FrameStream>& ws, Buffers buffers, const std::shared_ptr<Written>& written) {
  if (const auto sent = ws.next_layer().write_frames(buffers, written))
    written->results.emplace_back(beast::error_code{}, *sent);
}

// The opening handshake done by hand, so Beast is open (to ping and close): a minimal upgrade
// request from `client`, Beast's accept, and its 101 read back. Runs `io` as long as it needs.
bool open_websocket(net::io_context& io, tcp::socket& client, websocket::stream<FrameStream>& server) {
  const std::string upgrade =
      "GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
  net::write(client, net::buffer(upgrade));
  bool accepted = false;
  server.async_accept([&](beast::error_code ec) { accepted = !ec; });
  for (int i = 0; i < 500 && !accepted; ++i) {
    io.restart();
    io.run_for(std::chrono::milliseconds(10));
  }
  if (!accepted) return false;
  beast::flat_buffer answer;
  http::response<http::empty_body> res;
  http::read(client, answer, res);
  return res.result() == http::status::switching_protocols;
}

// A server-side websocket over FrameStream and a plain client socket.
struct Pair {
  net::io_context io;
  tcp::socket client{io};
  std::optional<websocket::stream<FrameStream>> server;

  Pair() {
    tcp::acceptor acceptor(io, {net::ip::make_address("127.0.0.1"), 0});
    client.connect(acceptor.local_endpoint());
    server.emplace(acceptor.accept());
  }
  // Runs until `done` or 5 s.
  template <class Done>
  void run_until(Done done) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (!done() && std::chrono::steady_clock::now() < deadline) {
      io.restart();
      io.run_for(std::chrono::milliseconds(10));
    }
  }
};

TEST(FrameStream, ABeastFrameWaitsForADataWriteInFlightAndNeitherIsCut) {
  Pair p;
  ASSERT_TRUE(open_websocket(p.io, p.client, *p.server));

  // 8 MiB of data frames: more than loopback buffers hold while the client is not reading, so the
  // write is still in flight when Beast's ping is asked for.
  std::string frames;
  std::vector<std::string> payloads;
  for (int i = 0; i < 64; ++i) {
    payloads.push_back(std::string(128 * 1024, static_cast<char>('a' + i % 26)) + std::to_string(i));
    frames += text_frame(payloads.back());
  }
  auto written = std::make_shared<Written>();
  write(*p.server, net::buffer(frames), written);
  bool pinged = false;
  p.server->async_ping("between", [&](beast::error_code ec) { pinged = !ec; });
  p.io.restart();
  p.io.run_for(std::chrono::milliseconds(50));
  EXPECT_TRUE(written->results.empty()) << "the data write should still be in flight";

  // Read on another thread while the server side runs.
  std::vector<Frame> got;
  std::thread reader([&] {
    while (got.size() < payloads.size() + 1)
      if (auto f = read_frame(p.client))
        got.push_back(std::move(*f));
      else
        break;
  });
  p.run_until([&] { return pinged && !written->results.empty(); });
  reader.join();
  ASSERT_EQ(got.size(), payloads.size() + 1);
  for (std::size_t i = 0; i < payloads.size(); ++i) {
    EXPECT_EQ(got[i].first, 0x81);
    EXPECT_EQ(got[i].payload, payloads[i]) << "frame " << i;
  }
  EXPECT_EQ(got.back().first, 0x89);  // the ping, after the whole data write
  EXPECT_EQ(got.back().payload, "between");
  ASSERT_EQ(written->results.size(), 1U);
  EXPECT_FALSE(written->results[0].first);
  EXPECT_EQ(written->results[0].second, frames.size());
}

TEST(FrameStream, NoDataFrameFollowsACloseFrame) {
  Pair p;
  ASSERT_TRUE(open_websocket(p.io, p.client, *p.server));

  const std::string before = text_frame("before");
  const std::string after = text_frame("after");
  auto first = std::make_shared<Written>();
  auto second = std::make_shared<Written>();
  write(*p.server, net::buffer(before), first);
  p.server->async_close(websocket::close_code::going_away, [](beast::error_code) {});
  p.run_until([&] { return !first->results.empty(); });
  // Give Beast's close frame time to go out, then try to send data after it.
  p.io.restart();
  p.io.run_for(std::chrono::milliseconds(50));
  write(*p.server, net::buffer(after), second);
  p.run_until([&] { return !second->results.empty(); });
  ASSERT_EQ(second->results.size(), 1U);
  EXPECT_EQ(second->results[0].first, net::error::operation_aborted);

  auto f1 = read_frame(p.client);
  auto f2 = read_frame(p.client);
  ASSERT_TRUE(f1 && f2);
  EXPECT_EQ(f1->payload, "before");
  EXPECT_EQ(f2->first, 0x88);  // the close frame, and nothing after it
  p.client.non_blocking(true);
  char extra[16];
  beast::error_code ec;
  EXPECT_EQ(p.client.read_some(net::buffer(extra), ec), 0U);
  EXPECT_EQ(ec, net::error::would_block);
}

// Issue #18: a session's write is a list of buffers pointing into shared frames, longer than one
// send takes (asio passes at most 64 buffers to writev) and larger than the socket buffers, so it
// takes many sends, several of them ending inside a buffer. Every frame arrives whole and in
// order, the list's bytes are sent once each, and the writer hears the total once.
TEST(FrameStream, AGatheredWriteOfManySendsArrivesWholeAndInOrder) {
  Pair p;
  ASSERT_TRUE(open_websocket(p.io, p.client, *p.server));

  std::vector<std::string> payloads;
  std::vector<std::string> headers;
  for (int i = 0; i < 150; ++i) {
    payloads.push_back(std::to_string(i) + std::string(static_cast<std::size_t>(20'000 + 997 * i), 'a' + i % 26));
    const std::string frame = text_frame(payloads.back());
    headers.push_back(frame.substr(0, frame.size() - payloads.back().size()));
  }
  std::vector<net::const_buffer> list;
  std::size_t total = 0;
  for (std::size_t i = 0; i < payloads.size(); ++i) {
    list.push_back(net::buffer(headers[i]));
    list.push_back(net::const_buffer());  // an empty buffer in the list is skipped
    list.push_back(net::buffer(payloads[i]));
    total += headers[i].size() + payloads[i].size();
  }
  auto written = std::make_shared<Written>();
  write(*p.server, std::span<net::const_buffer>(list), written);

  std::vector<Frame> got;
  std::thread reader([&] {
    while (got.size() < payloads.size())
      if (auto f = read_frame(p.client))
        got.push_back(std::move(*f));
      else
        break;
  });
  p.run_until([&] { return !written->results.empty(); });
  reader.join();
  ASSERT_EQ(got.size(), payloads.size());
  for (std::size_t i = 0; i < payloads.size(); ++i) EXPECT_EQ(got[i].payload, payloads[i]) << "frame " << i;
  ASSERT_EQ(written->results.size(), 1U);
  EXPECT_FALSE(written->results[0].first);
  EXPECT_EQ(written->results[0].second, total);
}

TEST(FrameStream, AnEmptyWriteIsAnsweredWithoutASend) {
  Pair p;
  ASSERT_TRUE(open_websocket(p.io, p.client, *p.server));
  std::vector<net::const_buffer> list{net::const_buffer(), net::const_buffer()};
  auto written = std::make_shared<Written>();
  write(*p.server, std::span<net::const_buffer>(list), written);
  EXPECT_TRUE(written->results.empty()) << "answered after the call, as asio answers";
  p.run_until([&] { return !written->results.empty(); });
  ASSERT_EQ(written->results.size(), 1U);
  EXPECT_FALSE(written->results[0].first);
  EXPECT_EQ(written->results[0].second, 0U);
}

// What a session is to its stream: it owns the stream, and its handlers own it.
struct Owner final : FrameStream::Writer, std::enable_shared_from_this<Owner> {
  explicit Owner(tcp::socket&& s) : ws(std::move(s)) {}
  websocket::stream<FrameStream> ws;
  void frames_written(beast::error_code, std::size_t) override {}
};

TEST(FrameStream, AWriteThatNeverRunsReleasesWhatWaitsBehindIt) {
  std::weak_ptr<Owner> watch;
  {
    net::io_context io;
    tcp::acceptor acceptor(io, {net::ip::make_address("127.0.0.1"), 0});
    tcp::socket client(io);
    client.connect(acceptor.local_endpoint());
    auto owner = std::make_shared<Owner>(acceptor.accept());
    watch = owner;
    ASSERT_TRUE(open_websocket(io, client, owner->ws));
    // A data write that cannot finish (the client never reads), and Beast's ping behind it.
    static const std::string frames = text_frame(std::string(8 * 1024 * 1024, 'x'));
    (void)owner->ws.next_layer().write_frames(net::buffer(frames), owner);
    owner->ws.async_ping("", [owner](beast::error_code) {});
    io.run_for(std::chrono::milliseconds(50));
    owner.reset();
    EXPECT_FALSE(watch.expired()) << "the writes in flight and waiting hold it";
  }  // the io_context goes away with the write never completed
  EXPECT_TRUE(watch.expired()) << "the waiting ping's handler kept its owner (and its stream) alive";
}

// Issue #18: on a plain socket with room, a write goes out during the call, whole, and the writer
// is not called at all: no operation, no queued completion. One the socket cannot take whole is
// finished asynchronously and heard once, with the bytes of both parts.
TEST(FrameStream, AWriteTheSocketTakesWholeIsDoneDuringTheCall) {
  Pair p;
  ASSERT_TRUE(open_websocket(p.io, p.client, *p.server));
  const std::string frame = text_frame("at once");
  auto written = std::make_shared<Written>();
  const auto sent = p.server->next_layer().write_frames(net::buffer(frame), written);
  ASSERT_TRUE(sent) << "a few bytes to an idle loopback socket";
  EXPECT_EQ(*sent, frame.size());
  auto got = read_frame(p.client);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->payload, "at once");
  p.io.restart();
  p.io.run_for(std::chrono::milliseconds(20));
  EXPECT_TRUE(written->results.empty()) << "the writer is not called for a write done during the call";

  // 8 MiB to a client not reading yet: the socket takes part of it now, the rest later. The
  // buffers are set small (the kernel doubles them: 128 KiB each way), so that holds on any kernel.
  p.server->next_layer().next_layer().socket().set_option(net::socket_base::send_buffer_size(64 * 1024));
  p.client.set_option(net::socket_base::receive_buffer_size(64 * 1024));
  const std::string big = text_frame(std::string(8 * 1024 * 1024, 'y'));
  EXPECT_FALSE(p.server->next_layer().write_frames(net::buffer(big), written));
  EXPECT_TRUE(written->results.empty()) << "never called during the call";
  std::optional<Frame> last;
  std::thread reader([&] { last = read_frame(p.client); });
  p.run_until([&] { return !written->results.empty(); });
  reader.join();
  ASSERT_EQ(written->results.size(), 1U);
  EXPECT_FALSE(written->results[0].first);
  EXPECT_EQ(written->results[0].second, big.size());
  ASSERT_TRUE(last);
  EXPECT_EQ(last->payload.size(), 8U * 1024 * 1024);
}

}  // namespace
}  // namespace lodestone::web
