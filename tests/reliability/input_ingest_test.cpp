// Bad input through the HTTP ingest API of the real daemon (tests/reliability/README.md
// B3–B10): every bad line is refused with the line number, counted once in /metrics
// under feed="ingest" by reason, the good line next to it still goes in, nothing bad reaches the
// board, and the daemon stays up. tests/feeds/bad_input_test.cpp has the same table per parser.
#include <gtest/gtest.h>

#include <chrono>
#include <iostream>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <thread>

#include "lodestone/core/calendar.hpp"
#include "lodestone/testing/daemon_process.hpp"
#include "lodestone/testing/redis_server.hpp"  // eventually()
#include "lodestone/testing/ws_client.hpp"

namespace lodestone::testing {
namespace {

const std::string kToken = "input-ingest-token-3b1d";

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// lodestone_feed_parse_errors_total{feed="ingest",reason="…"} N, by reason.
std::map<std::string, long> ingest_rejections(std::uint16_t port) {
  const auto metrics = http_request(port, http::verb::get, "/metrics");
  std::map<std::string, long> out;
  static const std::regex line(R"re(^lodestone_feed_parse_errors_total\{([^}]*)\} ([0-9.e+]+)$)re");
  static const std::regex feed(R"re(feed="ingest")re");
  static const std::regex reason(R"re(reason="([^"]*)")re");
  std::size_t start = 0;
  while (start < metrics.body.size()) {
    std::size_t end = metrics.body.find('\n', start);
    if (end == std::string::npos) end = metrics.body.size();
    const std::string l = metrics.body.substr(start, end - start);
    start = end + 1;
    std::smatch m;
    if (!std::regex_match(l, m, line)) continue;
    const std::string labels = m[1];
    std::smatch r;
    if (!std::regex_search(labels, feed) || !std::regex_search(labels, r, reason)) continue;
    out[r[1]] = static_cast<long>(std::stod(m[2]));
  }
  return out;
}

// What changed between two readings: reason -> increase.
std::map<std::string, long> increase(const std::map<std::string, long>& before,
                                     const std::map<std::string, long>& after) {
  std::map<std::string, long> out;
  for (const auto& [k, v] : after) {
    const auto it = before.find(k);
    const long d = v - (it == before.end() ? 0 : it->second);
    if (d != 0) out[k] = d;
  }
  return out;
}

std::string quote_line(std::int64_t ts_ms, const std::string& last, const std::string& extra = "",
                       const std::string& symbol = "159713.SZ") {
  return R"({"type":"quote","symbol":")" + symbol + R"(","ts":)" + std::to_string(ts_ms) + R"(,"last":)" + last +
         R"(,"prev_close":1.190)" + extra + "}";
}

std::string news_line(const std::string& id, const std::string& title_json) {
  return R"({"type":"news","id":")" + id + R"(","ts":)" + std::to_string(now_ms()) +
         R"(,"source":"input-test","title":")" + title_json + R"("})";
}

struct Row {
  const char* name;
  std::string line;
  const char* reason;  // the reason the daemon counts it under
};

class IngestBadInput : public ::testing::Test {
 protected:
  void SetUp() override {
    daemon_ = std::make_unique<DaemonProcess>(std::vector<std::string>{"--no-tape"},
                                              std::map<std::string, std::string>{{"LODESTONE_API_TOKEN", kToken}});
  }
  HttpResult ingest(const std::string& body) {
    return http_request(daemon_->port(), http::verb::post, "/api/v1/ingest", body, kToken);
  }
  // The row's line, then a good quote: one refused, one taken, the refusal counted once.
  void expect_refused(const Row& row) {
    SCOPED_TRACE(std::string(row.name) + ": " + row.line.substr(0, 160));
    const auto before = ingest_rejections(daemon_->port());
    good_ms_ += 1000;
    const auto res = ingest(row.line + "\n" + quote_line(good_ms_, "1.233") + "\n");
    EXPECT_EQ(res.status, 200U) << res.body;
    EXPECT_NE(res.body.find(R"("accepted":1,"rejected":1,"errors":["line 1: )"), std::string::npos) << res.body;
    const auto diff = increase(before, ingest_rejections(daemon_->port()));
    ASSERT_EQ(diff.size(), 1U) << "one refusal, one reason counted";
    const auto& [reason, n] = *diff.begin();
    EXPECT_EQ(n, 1);
    EXPECT_EQ(reason, row.reason);
  }
  void TearDown() override {
    // Alive and well after all of it.
    EXPECT_EQ(http_request(daemon_->port(), http::verb::get, "/healthz").body, "ok\n");
    EXPECT_EQ(daemon_->stop(), 0) << daemon_->log();
  }

  std::unique_ptr<DaemonProcess> daemon_;
  std::int64_t good_ms_ = now_ms() - 120'000;
};

TEST_F(IngestBadInput, B3_TruncatedConcatenatedAndTrailingGarbage) {
  const std::string good = quote_line(now_ms(), "1.233");
  for (const Row& row : std::vector<Row>{
           {"truncated", good.substr(0, good.size() / 2), "bad_json"},
           {"two objects on one line", good + good, "bad_json"},
           {"trailing garbage", good + " }{", "bad_json"},
           {"an array, not an object", "[" + good + "]", "bad_event"},
           {"no type", R"({"symbol":"159713.SZ","last":1.2})", "bad_event"},
           {"no ts", R"({"type":"quote","symbol":"159713.SZ","last":1.2})", "missing_field"},
           {"not JSON at all", "GET / HTTP/1.1", "bad_json"},
       })
    expect_refused(row);
}

TEST_F(IngestBadInput, B4_NumbersThatAreNotPricesOrCounts) {
  const std::int64_t t = now_ms();
  for (const Row& row : std::vector<Row>{
           {"NaN", quote_line(t, "NaN"), "bad_price"},
           {"Infinity", quote_line(t, "Infinity"), "bad_price"},
           {"1e400", quote_line(t, "1e400"), "bad_price"},
           {"-1e400", quote_line(t, "-1e400"), "bad_price"},
           {"1e-400", quote_line(t, "1e-400"), "bad_price"},
           {"20 digits", quote_line(t, "99999999999999999999"), "bad_price"},
           {"a string", quote_line(t, R"("12.3")"), "bad_price"},
           {"-0", quote_line(t, "-0"), "non_positive_price"},
           {"0", quote_line(t, "0"), "non_positive_price"},
           {"-5", quote_line(t, "-5"), "non_positive_price"},
           {"volume 1.5", quote_line(t, "1.233", R"(,"volume":1.5)"), "bad_volume"},
           {"volume -5", quote_line(t, "1.233", R"(,"volume":-5)"), "bad_volume"},
           {"volume of 20 digits", quote_line(t, "1.233", R"(,"volume":99999999999999999999)"), "bad_volume"},
       })
    expect_refused(row);
  // None of it reached the board: 159713's last is the good lines' 1.233.
  const auto snap = http_request(daemon_->port(), http::verb::get, "/api/v1/snapshot").body;
  const auto at = snap.find(R"("symbol":"159713.SZ")");
  ASSERT_NE(at, std::string::npos) << snap.substr(0, 300);
  const std::string entry = snap.substr(at, snap.find('}', at) - at);
  EXPECT_NE(entry.find(R"("last":1.233)"), std::string::npos) << entry;
}

TEST_F(IngestBadInput, B5_TextThatIsNotCleanUtf8) {
  for (const Row& row : std::vector<Row>{
           {"GBK bytes", news_line("b5-1", "\xcf\xa1\xcd\xc1"), "bad_encoding"},
           {"overlong UTF-8", news_line("b5-2", "\xc0\xaf"), "bad_encoding"},
           {"lone surrogate", news_line("b5-3", "\\ud800"), "bad_field"},
           {"NUL", news_line("b5-4", "a\\u0000b"), "bad_text"},
           {"RLO",
            news_line("b5-5",
                      "\xe2\x80\xae"
                      "evil"),
            "bad_text"},
       })
    expect_refused(row);
  const auto news = http_request(daemon_->port(), http::verb::get, "/api/v1/news?limit=50").body;
  EXPECT_EQ(news.find("b5-"), std::string::npos) << news.substr(0, 400);
}

TEST_F(IngestBadInput, B7_TimesOutsideWhatASourceCanSend) {
  for (const Row& row : std::vector<Row>{
           {"an hour ahead", quote_line(now_ms() + 3'600'000, "1.233"), "future_timestamp"},
           {"1990", quote_line(631'152'000'000, "1.233"), "far_past"},
           {"not a time", R"({"type":"quote","symbol":"159713.SZ","ts":"2026-02-30T25:00:00","last":1.2})", "bad_time"},
           {"unknown symbol", quote_line(now_ms(), "1.233", "", "600000.SH"), "unknown_symbol"},
           // The feeds' checks (issue #14): 60 s of skew, not the bus's 5 minutes; neither today
           // nor the trading day whose prices are current.
           {"two minutes ahead", quote_line(now_ms() + 120'000, "1.233"), "future_timestamp"},
           {"a month old", quote_line(now_ms() - 30LL * 86'400'000, "1.233"), "stale"},
       })
    expect_refused(row);
}

// Ingested quotes are held to the feeds' order rules as well (issue #14).
TEST_F(IngestBadInput, B6_DuplicatesAndOlderQuotesAreDroppedAsTheFeedsDropThem) {
  const std::int64_t last = good_ms_;
  const auto first = ingest(quote_line(last, "1.233") + "\n");
  ASSERT_NE(first.body.find(R"("accepted":1,"rejected":0)"), std::string::npos) << first.body;
  for (const Row& row : std::vector<Row>{
           {"the same snapshot again", quote_line(last, "1.233"), "duplicate"},
           {"older than the last taken", quote_line(last - 500, "1.232"), "out_of_order"},
       })
    expect_refused(row);
}

// The limit band and the book, as the feeds check them (issue #14).
TEST_F(IngestBadInput, B8_OutsideTheLimitBandAndCrossedBooks) {
  // 159713.SZ from its previous close 1.190: 1.071 - 1.309.
  const auto res = ingest(quote_line(good_ms_, "1.400") + "\n");
  EXPECT_NE(res.body.find(R"("errors":["line 1: outside_limit_band: 159713.SZ: last 1.40 outside 1.071)"),
            std::string::npos)
      << res.body;
  std::vector<Row> rows{
      {"above the limit-up", quote_line(now_ms() - 60'000, "1.310"), "outside_limit_band"},
      {"below the limit-down", quote_line(now_ms() - 60'000, "1.070"), "outside_limit_band"},
  };
  // A crossed book is refused in continuous trading only: the latest minute of it that is still
  // of the current trading day (any day of the week, whatever the clock says).
  const auto& calendar = TradingCalendar::shanghai();
  const Timestamp now{now_ms()};
  Timestamp t{now.ms - 60'000};
  for (int i = 0; i < 6 * 24 * 60 && !calendar.is_continuous(t); ++i) t.ms -= 60'000;
  const Date day = exchange_date(t);
  if (calendar.is_continuous(t) && (day == exchange_date(now) || day == calendar.current_trading_day(now))) {
    rows.push_back(
        {"a crossed book", quote_line(t.ms, "1.200", R"(,"bid":1.202,"ask":1.201)", "516150.SH"), "crossed_book"});
  } else {
    std::cout << "no continuous trading yet on the current trading day: the crossed book is "
                 "tests/daemon/ingest_checks_test.cpp's\n";
  }
  for (const Row& row : rows) expect_refused(row);
}

TEST_F(IngestBadInput, B9_BigDeepAndWideLinesAreRefusedOrReadWithinBounds) {
  // Past simdjson's depth limit: skipped over without recursion; the line lacks its fields.
  expect_refused({"nesting 2000 deep",
                  R"({"type":"quote","x":)" + std::string(2000, '[') + std::string(2000, ']') + "}", "missing_field"});
  // 50 000 extra keys on one quote (≈ 700 kB): read, the extras ignored, in bounded time.
  std::string wide = R"({"type":"quote","symbol":"159713.SZ","ts":)" + std::to_string(now_ms()) + R"(,"last":1.233)";
  for (int i = 0; i < 50'000; ++i) wide += ",\"k" + std::to_string(i) + "\":1";
  wide += "}";
  const auto start = std::chrono::steady_clock::now();
  const auto res = ingest(wide + "\n");
  EXPECT_EQ(res.status, 200U) << res.body.substr(0, 200);
  EXPECT_NE(res.body.find(R"("accepted":1)"), std::string::npos) << res.body.substr(0, 200);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(20));
  // A 10 MB body is refused by the HTTP layer before the parser sees it.
  unsigned big = 0;  // 0: the daemon closed the connection (also a refusal)
  try {
    big = ingest(std::string(10 << 20, ' ')).status;
  } catch (const std::exception&) {
    big = 0;
  }
  EXPECT_TRUE(big == 0 || big >= 400U) << big;
  EXPECT_EQ(http_request(daemon_->port(), http::verb::get, "/healthz").body, "ok\n");
}

TEST_F(IngestBadInput, B10_FormatStringsAndRedisProtocolInAHeadlineStayOneVerbatimField) {
  const std::string title = R"(%s%s%n %x {} $(id) \r\n*3\r\n$3\r\nDEL\r\n$3\r\nfoo)";
  const auto res = ingest(news_line("b10-1", title) + "\n");
  ASSERT_EQ(res.status, 200U) << res.body;
  EXPECT_NE(res.body.find(R"("accepted":1,"rejected":0)"), std::string::npos) << res.body;
  std::string news;
  // The pipeline runs on its own strand: wait for the headline (bounded; a loaded machine may be
  // slow to get there).
  (void)eventually(
      [&] {
        news = http_request(daemon_->port(), http::verb::get, "/api/v1/news?limit=10").body;
        return news.find("b10-1") != std::string::npos;
      },
      std::chrono::seconds(30));
  // Written back exactly as it came (JSON-escaped the same way), as one title.
  EXPECT_NE(news.find(R"("title":")" + title + R"(")"), std::string::npos) << news.substr(0, 600);
}

}  // namespace
}  // namespace lodestone::testing
