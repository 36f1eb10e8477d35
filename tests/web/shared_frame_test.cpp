// SharedFrame (a message framed once for every client) and FrameQueue (the outbox's ring).
#include "shared_frame.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "frame_queue.hpp"

namespace lodestone::web {
namespace {

// The bytes the frame puts on the wire, through the buffers a gathered write uses.
std::string wire(const SharedFrame& f) {
  std::vector<net::const_buffer> buffers;
  f.append_buffers(buffers);
  EXPECT_EQ(buffers.size(), f.buffer_count());
  std::string out;
  for (const auto& b : buffers) out.append(static_cast<const char*>(b.data()), b.size());
  return out;
}

// RFC 6455 5.2 by hand: FIN + text, then the length in 7, 7+16 or 7+64 bits, no mask.
std::string expected_frame(const std::string& payload) {
  std::string out(1, '\x81');
  const auto n = payload.size();
  if (n < 126) {
    out.push_back(static_cast<char>(n));
  } else if (n <= 0xffff) {
    out += {'\x7e', static_cast<char>(n >> 8), static_cast<char>(n & 0xff)};
  } else {
    out.push_back('\x7f');
    for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>((n >> shift) & 0xff));
  }
  return out + payload;
}

TEST(SharedFrame, FramedAndAroundPutTheSameBytesOnTheWireAtEveryLengthBoundary) {
  for (std::size_t n : {0UL, 1UL, 125UL, 126UL, 127UL, 65535UL, 65536UL, 70000UL}) {
    const std::string payload(n, 'p');
    const auto framed = SharedFrame::framed(payload);
    const auto around = SharedFrame::around(std::make_shared<const std::string>(payload));
    EXPECT_EQ(wire(framed), expected_frame(payload)) << n;
    EXPECT_EQ(wire(around), expected_frame(payload)) << n;
    EXPECT_EQ(framed.payload(), payload);
    EXPECT_EQ(around.payload(), payload);
    EXPECT_EQ(framed.wire_size(), expected_frame(payload).size());
    EXPECT_EQ(around.wire_size(), expected_frame(payload).size());
    std::string copied;
    framed.append_to(copied);
    around.append_to(copied);
    EXPECT_EQ(copied, expected_frame(payload) + expected_frame(payload));
  }
}

TEST(SharedFrame, AFramedMessageIsOneBufferSharedByEveryCopy) {
  const auto frame = SharedFrame::framed(R"({"type":"news","id":"n1"})");
  const SharedFrame copy = frame;  // what each client's queue holds
  EXPECT_EQ(frame.buffer_count(), 1U);
  std::vector<net::const_buffer> a, b;
  frame.append_buffers(a);
  copy.append_buffers(b);
  ASSERT_EQ(a.size(), 1U);
  ASSERT_EQ(b.size(), 1U);
  EXPECT_EQ(a[0].data(), b[0].data()) << "every client's write points at the same bytes";
  EXPECT_EQ(frame.payload().data(), copy.payload().data());
}

TEST(SharedFrame, AroundKeepsThePayloadItWasGiven) {
  const auto json = std::make_shared<const std::string>(R"({"type":"quote"})");
  const auto frame = SharedFrame::around(json);
  EXPECT_EQ(frame.payload().data(), json->data()) << "no copy of the board's message";
  EXPECT_EQ(frame.buffer_count(), 2U);
}

SharedFrame numbered(int i) { return SharedFrame::framed(std::to_string(i)); }

TEST(FrameQueue, KeepsOrderAcrossWrapAroundAndGrowth) {
  FrameQueue q;
  EXPECT_EQ(q.capacity(), 0U) << "an unused queue holds no memory";
  int pushed = 0, popped = 0;
  // Moves through the ring many times at a steady depth, then grows past it while wrapped.
  for (int round = 0; round < 100; ++round) {
    for (int i = 0; i < 5; ++i) q.push_back(numbered(pushed++));
    for (int i = 0; i < 5; ++i) {
      ASSERT_EQ(q.front().payload(), std::to_string(popped++));
      q.pop_front();
    }
  }
  EXPECT_EQ(q.capacity(), 8U) << "a steady depth never grows the ring";
  for (int i = 0; i < 3; ++i) q.push_back(numbered(pushed++));
  q.pop_front();
  ++popped;
  for (int i = 0; i < 40; ++i) q.push_back(numbered(pushed++));  // grows while the head is not at 0
  EXPECT_EQ(q.size(), 42U);
  while (!q.empty()) {
    ASSERT_EQ(q.front().payload(), std::to_string(popped++));
    q.pop_front();
  }
  EXPECT_EQ(popped, pushed);
}

TEST(FrameQueue, ShrinkGivesAGrownRingBackOnlyWhenEmpty) {
  FrameQueue q;
  for (int i = 0; i < 100; ++i) q.push_back(numbered(i));
  const auto grown = q.capacity();
  EXPECT_GE(grown, 100U);
  q.shrink(8);
  EXPECT_EQ(q.capacity(), grown) << "not while it holds frames";
  q.clear();
  EXPECT_TRUE(q.empty());
  q.shrink(grown);
  EXPECT_EQ(q.capacity(), grown) << "within what it may keep";
  q.shrink(8);
  EXPECT_EQ(q.capacity(), 0U);
  q.push_back(numbered(7));
  EXPECT_EQ(q.front().payload(), "7");
}

}  // namespace
}  // namespace lodestone::web
