// The tape replay behind make_feed: a CSV tape is converted to canonical NDJSON and played.
#include "lodestone/feeds/replay_feed.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "lodestone/feeds/make_feed.hpp"
#include "lodestone/feeds/replay_shift.hpp"
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

// The bundled tape's days, 2026-02-03 to 02-11: a pass may not land on 春节 (02-16..02-23), 清明节
// (04-06: where whole-week shifts of 02-09 land), 劳动节, 端午节, 中秋节 or 国庆节.
TEST(ReplayShift, PassesLandOnTradingDaysOnly) {
  const auto& cal = TradingCalendar::shanghai();
  std::vector<Date> days;
  for (Date d = make_date(2026, 2, 3); d <= make_date(2026, 2, 11); d = d.next()) days.push_back(d);
  int weeks = 0;
  std::vector<int> shifts;
  for (int pass = 1; pass <= 20; ++pass) {
    const int next = next_pass_weeks(days, weeks, cal);
    EXPECT_GE(next, weeks + 2) << "pass " << pass << " overlaps the previous one";
    for (Date d : days)
      if (cal.is_trading_day(d))
        EXPECT_TRUE(cal.is_trading_day(Date{d.days + 7 * next})) << format_date(Date{d.days + 7 * next});
    shifts.push_back(weeks = next);
  }
  EXPECT_EQ(shifts[0], 3);  // two weeks on is 春节: the first pass starts 02-24
  // Weekends of the tape (02-07, 02-08) stay weekends: whole weeks only.
  EXPECT_EQ(weekday(Date{make_date(2026, 2, 7).days + 7 * shifts[5]}), 6U);
}

TEST(ReplayShift, PastTheKnownYearsWeekdaysCountAsTradingDays) {
  const auto& cal = TradingCalendar::shanghai();
  const std::vector<Date> days{make_date(2026, 12, 28), make_date(2026, 12, 29)};
  EXPECT_EQ(next_pass_weeks(days, 0, cal), 1);  // 2027-01-04: not known, a weekday
  EXPECT_EQ(next_pass_weeks({}, 4, cal), 5);
}

// The loop itself: a quote on the Friday before 春节 replays two weeks on (02-27), not on 02-20.
TEST(ReplayFeed, ALoopingTapeSkipsHolidays) {
  const auto path = std::filesystem::temp_directory_path() / ("lodestone-replay-loop-" + std::to_string(::getpid()));
  std::ofstream(path) << R"({"type":"quote","symbol":"159713.SZ","ts":"2026-02-13T10:00:00+08:00","last":1.233})"
                      << "\n";
  ManualClock clock(Timestamp{1'770'600'000'000});
  ReplayOptions options;
  options.path = path.string();
  options.speed = 0;
  options.loop = true;
  options.clock = clock;
  net::io_context io;
  test::RecordingSink sink;
  auto feed =
      std::make_shared<ReplayFeed>(io.get_executor(), options, sink, std::make_shared<FeedStatus>("r", "replay"));
  feed->start();
  for (int i = 0; sink.quote_count() < 6 && i < 10'000; ++i) io.run_one_for(std::chrono::seconds(1));
  feed->stop();
  io.run_for(std::chrono::milliseconds(50));
  const auto quotes = sink.quotes();
  ASSERT_GE(quotes.size(), 6U);
  std::vector<std::string> days;
  for (std::size_t i = 0; i < 6; ++i) days.push_back(format_date(exchange_date(quotes[i].ts)));
  EXPECT_EQ(days, (std::vector<std::string>{"2026-02-13", "2026-02-27", "2026-03-06", "2026-03-13", "2026-03-20",
                                            "2026-03-27"}));
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace lodestone::feeds
