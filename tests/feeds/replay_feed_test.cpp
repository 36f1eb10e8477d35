// The tape replay behind make_feed: a CSV tape is converted to canonical NDJSON and played.
#include "lodestone/feeds/replay_feed.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "lodestone/feeds/make_feed.hpp"
#include "test_util.hpp"

namespace lodestone::feeds {
namespace {

using test::px;

TEST(CsvEvents, ReplayFeedPlaysACsvTape) {
  const auto dir = std::filesystem::temp_directory_path() / ("lodestone-csv-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto csv = dir / "tape.csv";
  {
    std::ofstream out(csv);
    out << "type,symbol,ts,last,id,title\n"
        << "quote,159713.SZ,2026-02-09T10:15:03+08:00,1.233,,\n"
        << "quote,159713.SZ,not-a-time,1.234,,\n"
        << "news,,2026-02-09T10:15:04+08:00,,n1,合成快讯\n";
  }
  FeedConfig c;
  c.name = "csv";
  c.kind = FeedKind::Replay;
  c.url = csv.string();
  c.replay_speed = 0;
  net::io_context io;
  test::RecordingSink sink;
  auto status = std::make_shared<FeedStatus>("csv", "replay");
  auto feed = make_feed(c, io.get_executor(), sink, status);
  ASSERT_TRUE(feed) << feed.error().message;
  (*feed)->start();
  io.run_for(std::chrono::seconds(2));
  ASSERT_EQ(sink.quote_count(), 1u);
  EXPECT_EQ(sink.quotes()[0].last, px("1.233"));
  ASSERT_EQ(sink.headline_count(), 1u);
  EXPECT_EQ(status->view().errors.at("bad_event"), 1u);
  std::filesystem::remove_all(dir);
}

TEST(ReplayFeed, ReceivedTimesComeFromTheInjectedClock) {
  const auto path = std::filesystem::temp_directory_path() / ("lodestone-replay-clock-" + std::to_string(::getpid()));
  {
    std::ofstream out(path);
    out << R"({"type":"quote","symbol":"159713.SZ","ts":"2026-02-09T10:15:03+08:00","last":1.233})"
        << "\n\n"
        << R"({"type":"quote","symbol":"159713.SZ","ts":"2026-02-09T10:15:04+08:00","last":1.234})"
        << "\n";
  }
  const Timestamp received{1'770'600'000'000};
  ManualClock clock(received);
  ReplayOptions options;
  options.path = path.string();
  options.speed = 0;
  options.clock = clock;
  net::io_context io;
  test::RecordingSink sink;
  auto status = std::make_shared<FeedStatus>("replay", "replay");
  auto feed = std::make_shared<ReplayFeed>(io.get_executor(), options, sink, status);
  feed->start();
  io.run_for(std::chrono::seconds(1));
  EXPECT_EQ(sink.quote_count(), 2u);
  EXPECT_EQ(status->view().messages, 2u);
  EXPECT_EQ(status->view().last_message_ms, received.ms);
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace lodestone::feeds
