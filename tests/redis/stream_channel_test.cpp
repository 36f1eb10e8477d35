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
  o.client.endpoint = *redis::parse_url(server.url());
  o.client.command_timeout = 500ms;
  o.client.backoff_initial = 20ms;
  o.client.backoff_max = 200ms;
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

TEST(StreamChannel, WritesAndReadsPagesInBothDirections) {
  RedisServer server;
  IoThreads io;
  auto channel = StreamChannel::create(io.executor(), options_for(server), system_clock());
  auto user = std::make_shared<User>();
  channel->start(user);
  ASSERT_TRUE(eventually([&] { return user->writer_ups == 1 && user->reads == 1; }));
  EXPECT_EQ(channel->writer_link(), Link::Up);
  EXPECT_EQ(channel->reader_link(), Link::Up);
  for (const char* v : {"a", "b", "c", "d", "e"}) {
    auto r = write(*channel, v);
    ASSERT_TRUE(r && *r) << (r ? (*r).error().message : "no answer");
  }

  auto oldest = std::make_shared<std::promise<Page>>();
  channel->range("-", "+", 3, [oldest](Page p) { oldest->set_value(std::move(p)); });
  auto first = wait(oldest->get_future());
  ASSERT_TRUE(first && *first);
  EXPECT_EQ(values(**first), (std::vector<std::string>{"a", "b", "c"}));

  auto newest = std::make_shared<std::promise<Page>>();
  channel->reverse_range("+", 2, [newest](Page p) { newest->set_value(std::move(p)); });
  auto last = wait(newest->get_future());
  ASSERT_TRUE(last && *last);
  EXPECT_EQ(values(**last), (std::vector<std::string>{"e", "d"}));

  // "(" excludes the id: the next page starts after the last one read.
  auto next = std::make_shared<std::promise<Page>>();
  channel->range("(" + (**first).back().id, "+", 3, [next](Page p) { next->set_value(std::move(p)); });
  auto rest = wait(next->get_future());
  ASSERT_TRUE(rest && *rest);
  EXPECT_EQ(values(**rest), (std::vector<std::string>{"d", "e"}));
  channel->halt();
}

TEST(StreamChannel, FollowsFromItsPositionAcrossARedisRestart) {
  RedisServer server(RedisServerOptions{.appendonly = true, .appendfsync = "always", .extra = {}});
  IoThreads io;
  auto channel = StreamChannel::create(io.executor(), options_for(server), system_clock());
  Followed followed;
  auto user = std::make_shared<User>();
  user->read = [&] {
    channel->follow([&](const std::vector<StreamEntry>& e) { followed.add(e); });
    return true;
  };
  // Entries written before the position are not followed.
  server.command({"XADD", "{test}:stream", "1-1", "v", "old"});
  channel->set_position("1-1");
  channel->start(user);
  ASSERT_TRUE(eventually([&] { return channel->writer_link() == Link::Up && user->reads == 1; }));
  // More than a page (3): XREAD reads on until it has everything.
  for (const char* v : {"a", "b", "c", "d", "e"}) ASSERT_TRUE(write(*channel, v));
  ASSERT_TRUE(eventually([&] { return followed.values().size() == 5; }));
  EXPECT_EQ(followed.values(), (std::vector<std::string>{"a", "b", "c", "d", "e"}));

  server.restart();
  ASSERT_TRUE(eventually([&] { return user->downs >= 1; }));
  ASSERT_TRUE(eventually([&] { return channel->writer_link() == Link::Up && channel->reader_link() == Link::Up; }));
  // The read step runs again after the reconnect and the follower goes on from where it was.
  ASSERT_TRUE(eventually([&] { return user->reads >= 2; }));
  ASSERT_TRUE(eventually([&] { return write(*channel, "f").value_or(Error{}).ok(); }));
  ASSERT_TRUE(eventually([&] { return followed.values().size() == 6; }));
  const auto all = followed.values();
  EXPECT_EQ(all.back(), "f");
  EXPECT_EQ(std::count(all.begin(), all.end(), "a"), 1) << "nothing is followed twice";
  EXPECT_FALSE(channel->last_error().empty());
  channel->halt();
  EXPECT_TRUE(eventually([&] { return channel->writer_stats().state == redis::ClientState::Stopped; }));
}

TEST(StreamChannel, DrainWaitsForTheStoreThenHaltsIt) {
  RedisServer server;
  IoThreads io;
  auto channel = StreamChannel::create(io.executor(), options_for(server), system_clock());
  auto user = std::make_shared<User>();
  channel->start(user);
  ASSERT_TRUE(eventually([&] { return channel->writer_link() == Link::Up; }));
  channel->drain(60s);
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(user->halts, 0) << "nothing drained yet";
  user->idle = true;
  ASSERT_TRUE(eventually([&] { return user->halts == 1; }));
  channel->halt();
  EXPECT_TRUE(channel->halted());
  EXPECT_TRUE(eventually([&] { return channel->reader_stats().state == redis::ClientState::Stopped; }));
}

TEST(StreamChannel, DrainGivesUpAtTheDeadlineOnTheInjectedClock) {
  RedisServer server;
  IoThreads io;
  ManualClock clock;
  auto channel = StreamChannel::create(io.executor(), options_for(server), clock);
  auto user = std::make_shared<User>();
  channel->start(user);
  ASSERT_TRUE(eventually([&] { return channel->writer_link() == Link::Up; }));
  channel->drain(2s);
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(user->halts, 0) << "the clock has not moved";
  clock.advance(2s);
  EXPECT_TRUE(eventually([&] { return user->halts == 1; }));
  channel->halt();
}

TEST(StreamChannel, DrainEndsAtOnceWhenTheWriterIsDown) {
  RedisServer server;
  IoThreads io;
  auto channel = StreamChannel::create(io.executor(), options_for(server), system_clock());
  auto user = std::make_shared<User>();
  channel->start(user);
  ASSERT_TRUE(eventually([&] { return channel->writer_link() == Link::Up; }));
  server.kill();
  ASSERT_TRUE(eventually([&] { return channel->writer_link() == Link::Down && user->downs >= 1; }));
  channel->drain(60s);
  EXPECT_TRUE(eventually([&] { return user->halts == 1; }, 10s));
  channel->halt();
}

TEST(StreamChannel, AFailedReadIsRetriedAfterThePause) {
  RedisServer server;
  IoThreads io;
  auto channel = StreamChannel::create(io.executor(), options_for(server), system_clock());
  // A key of another type makes every stream read fail with an error reply.
  server.command({"SET", "{test}:stream", "not a stream"});
  std::atomic<int> failures{0};
  auto user = std::make_shared<User>();
  user->read = [&] {
    channel->range("-", "+", 3, [&](Page p) {
      if (!p) {
        EXPECT_EQ(p.error().code, ErrorCode::bad_request) << p.error().message;  // WRONGTYPE
        ++failures;
        channel->read_later();
      }
    });
    return true;
  };
  channel->start(user);
  EXPECT_TRUE(eventually([&] { return failures >= 3 && user->reads >= 3; }));
  channel->halt();
}

}  // namespace
}  // namespace lodestone::testing
