// The stream channel both stores use, against a real redis-server: writes, pages in both
// directions, following with XREAD BLOCK across a Redis restart, drain with a deadline on the
// injected clock, halt.
#include "lodestone/redis/stream_channel.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <future>

#include "redis_test_util.hpp"

namespace lodestone::testing {
namespace {

using redis::Link;
using redis::StreamChannel;
using redis::StreamEntry;
using namespace std::chrono_literals;

redis::StreamChannelOptions options_for(const RedisServer& server) {
  redis::StreamChannelOptions o;
  o.stream = "{test}:stream";
  o.name = "lodestone-test-channel";
  o.page = 3;
  o.block = 200ms;
  o.retry = 20ms;
  o.client = fast_client(server);
  return o;
}

// What the channel follows, from the reader strand.
class Followed {
 public:
  void add(const std::vector<StreamEntry>& entries) {
    std::lock_guard lock(mutex_);
    for (const auto& e : entries) values_.push_back(*e.field("v"));
  }
  [[nodiscard]] std::vector<std::string> values() const {
    std::lock_guard lock(mutex_);
    return values_;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<std::string> values_;
};

// A store as a test sees it: counts what the channel tells it, and reads as the test says.
class User final : public StreamChannel::User {
 public:
  std::function<bool()> read = [] { return false; };
  std::atomic<int> writer_ups{0};
  std::atomic<int> reads{0};
  std::atomic<int> downs{0};
  std::atomic<bool> idle{false};
  std::atomic<int> halts{0};

  void writer_up() override { ++writer_ups; }
  bool read_step() override {
    ++reads;
    return read();
  }
  void link_down(const std::string&) override { ++downs; }
  [[nodiscard]] bool drained() const override { return idle; }
  void halt() override { ++halts; }
};

std::optional<Result<redis::Reply>> write(StreamChannel& channel, const std::string& value) {
  auto promise = std::make_shared<std::promise<Result<redis::Reply>>>();
  auto future = promise->get_future();
  channel.write({"XADD", channel.options().stream, "*", "v", value},
                [promise](Result<redis::Reply> r) { promise->set_value(std::move(r)); });
  if (future.wait_for(10s) != std::future_status::ready) return std::nullopt;
  return future.get();
}

using Page = Result<std::vector<StreamEntry>>;
std::optional<Page> wait(std::future<Page> future) {
  if (future.wait_for(10s) != std::future_status::ready) return std::nullopt;
  return future.get();
}

std::vector<std::string> values(const std::vector<StreamEntry>& entries) {
  std::vector<std::string> out;
  for (const auto& e : entries) out.push_back(*e.field("v"));
  return out;
}

// A channel on a redis-server of its own, the store using it, and the threads that run it.
struct Rig {
  explicit Rig(const RedisServerOptions& options = {}, const Clock& clock = system_clock())
      : server(options), channel(StreamChannel::create(io.executor(), options_for(server), clock)) {}
  ~Rig() { channel->halt(); }
  Rig(const Rig&) = delete;
  Rig& operator=(const Rig&) = delete;
  // Connects, and waits for the writer.
  [[nodiscard]] bool start() {
    channel->start(user);
    return eventually([&] { return channel->writer_link() == Link::Up; });
  }

  RedisServer server;
  IoThreads io;
  std::shared_ptr<User> user = std::make_shared<User>();
  std::shared_ptr<StreamChannel> channel;
};

std::vector<std::string> page(StreamChannel& channel, bool reverse, const std::string& from, std::size_t count) {
  auto promise = std::make_shared<std::promise<Page>>();
  auto done = [promise](Page p) { promise->set_value(std::move(p)); };
  if (reverse) {
    channel.reverse_range(from, count, done);
  } else {
    channel.range(from, "+", count, done);
  }
  auto result = wait(promise->get_future());
  if (!result || !*result) return {"(failed)"};
  return values(**result);
}

TEST(StreamChannel, WritesAndReadsPagesInBothDirections) {
  Rig t;
  ASSERT_TRUE(t.start());
  ASSERT_TRUE(eventually([&] { return t.user->writer_ups == 1 && t.user->reads == 1; }));
  EXPECT_EQ(t.channel->reader_link(), Link::Up);
  for (const char* v : {"a", "b", "c", "d", "e"}) {
    auto r = write(*t.channel, v);
    ASSERT_TRUE(r && *r) << (r ? (*r).error().message : "no answer");
  }
  EXPECT_EQ(page(*t.channel, false, "-", 3), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(page(*t.channel, true, "+", 2), (std::vector<std::string>{"e", "d"}));
  // "(" excludes the id: the next page starts after the last one read.
  const auto third = t.server.command({"XRANGE", "{test}:stream", "-", "+", "COUNT", "3"}).elements.at(2);
  EXPECT_EQ(page(*t.channel, false, "(" + third.elements.at(0).str, 3), (std::vector<std::string>{"d", "e"}));
}

TEST(StreamChannel, FollowsFromItsPositionAcrossARedisRestart) {
  Rig t(RedisServerOptions{.appendonly = true, .appendfsync = "always", .extra = {}});
  Followed followed;
  t.user->read = [&] {
    t.channel->follow([&](const std::vector<StreamEntry>& e) { followed.add(e); });
    return true;
  };
  // Entries written before the position are not followed.
  t.server.command({"XADD", "{test}:stream", "1-1", "v", "old"});
  t.channel->set_position("1-1");
  ASSERT_TRUE(t.start());
  ASSERT_TRUE(eventually([&] { return t.user->reads == 1; }));
  // More than a page (3): XREAD reads on until it has everything.
  for (const char* v : {"a", "b", "c", "d", "e"}) ASSERT_TRUE(write(*t.channel, v));
  ASSERT_TRUE(eventually([&] { return followed.values().size() == 5; }));
  EXPECT_EQ(followed.values(), (std::vector<std::string>{"a", "b", "c", "d", "e"}));

  t.server.restart();
  ASSERT_TRUE(eventually([&] { return t.user->downs >= 1; }));
  ASSERT_TRUE(eventually([&] { return t.channel->writer_link() == Link::Up && t.channel->reader_link() == Link::Up; }));
  // The read step runs again after the reconnect and the follower goes on from where it was.
  ASSERT_TRUE(eventually([&] { return t.user->reads >= 2; }));
  ASSERT_TRUE(eventually([&] { return write(*t.channel, "f").value_or(Error{}).ok(); }));
  ASSERT_TRUE(eventually([&] { return followed.values().size() == 6; }));
  const auto all = followed.values();
  EXPECT_EQ(all.back(), "f");
  EXPECT_EQ(std::count(all.begin(), all.end(), "a"), 1) << "nothing is followed twice";
  EXPECT_FALSE(t.channel->last_error().empty());
  t.channel->halt();
  EXPECT_TRUE(eventually([&] { return t.channel->writer_stats().state == redis::ClientState::Stopped; }));
}

TEST(StreamChannel, DrainWaitsForTheStoreThenHaltsIt) {
  Rig t;
  ASSERT_TRUE(t.start());
  t.channel->drain(t.user, 60s);
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(t.user->halts, 0) << "nothing drained yet";
  t.user->idle = true;
  t.channel->progress();  // what a store says after each answered write
  ASSERT_TRUE(eventually([&] { return t.user->halts == 1; }));
  t.channel->halt();
  EXPECT_TRUE(t.channel->halted());
  EXPECT_TRUE(eventually([&] { return t.channel->reader_stats().state == redis::ClientState::Stopped; }));
}

// The store never drains (Redis keeps failing it, say): the deadline, an Asio timer on monotonic
// time, ends the wait, and a late progress() changes nothing.
TEST(StreamChannel, DrainGivesUpAtTheDeadline) {
  Rig t;
  ASSERT_TRUE(t.start());
  t.channel->drain(t.user, 300ms);
  EXPECT_TRUE(eventually([&] { return t.user->halts == 1; }));
  t.user->idle = true;
  t.channel->progress();
  t.channel->halt();
  EXPECT_TRUE(eventually([&] { return t.channel->reader_stats().state == redis::ClientState::Stopped; }));
  EXPECT_EQ(t.user->halts, 1);
}

TEST(StreamChannel, DrainBeforeStartEndsAtOnce) {
  Rig t;
  t.channel->drain(t.user, 60s);
  EXPECT_TRUE(eventually([&] { return t.user->halts == 1; }, 10s));
}

TEST(StreamChannel, DrainEndsAtOnceWhenTheWriterIsDown) {
  Rig t;
  ASSERT_TRUE(t.start());
  t.server.kill();
  ASSERT_TRUE(eventually([&] { return t.channel->writer_link() == Link::Down && t.user->downs >= 1; }));
  t.channel->drain(t.user, 60s);
  EXPECT_TRUE(eventually([&] { return t.user->halts == 1; }, 10s));
}

TEST(StreamChannel, AFailedReadIsRetriedAfterThePause) {
  Rig t;
  // A key of another type makes every stream read fail with an error reply.
  t.server.command({"SET", "{test}:stream", "not a stream"});
  std::atomic<int> failures{0};
  t.user->read = [&] {
    t.channel->range("-", "+", 3, [&](Page p) {
      if (!p) {
        EXPECT_EQ(p.error().code, ErrorCode::bad_request) << p.error().message;  // WRONGTYPE
        ++failures;
        t.channel->read_later();
      }
    });
    return true;
  };
  ASSERT_TRUE(t.start());
  EXPECT_TRUE(eventually([&] { return failures >= 3 && t.user->reads >= 3; }));
}

}  // namespace
}  // namespace lodestone::testing
