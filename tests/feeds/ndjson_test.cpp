#include "lodestone/feeds/ndjson.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace lodestone::feeds {
namespace {

struct Seen {
  std::vector<std::size_t> event_lines;
  std::vector<std::pair<std::size_t, ErrorCode>> errors;
  std::vector<std::string> messages;
};

Seen walk(std::string_view body) {
  Seen seen;
  CanonicalParser parser;
  const NdjsonCounts counts =
      walk_ndjson(body, parser,
                  {[&](CanonicalEvent&, const NdjsonLine& line) { seen.event_lines.push_back(line.number); },
                   [&](const Error& e, const NdjsonLine& line) {
                     seen.errors.emplace_back(line.number, e.code);
                     seen.messages.push_back(line_message(line.number, e.message));
                   }});
  EXPECT_EQ(counts.events, seen.event_lines.size());
  EXPECT_EQ(counts.errors, seen.errors.size());
  return seen;
}

const std::string kQuote =
    R"({"type":"quote","symbol":"159713.SZ","ts":"2026-02-09T10:15:03+08:00","last":1.234,"volume":100})";
const std::string kNews = R"({"type":"news","id":"n1","ts":"2026-02-09T10:15:04+08:00","title":"稀土"})";

TEST(Ndjson, NumbersLinesCountingBlankOnesAndSkipsThem) {
  const Seen s = walk(kQuote + "\n\n   \r\n" + kNews + "\r\n" + kQuote);  // last line without a line feed
  EXPECT_EQ(s.event_lines, (std::vector<std::size_t>{1, 4, 5}));
  EXPECT_TRUE(s.errors.empty());
}

TEST(Ndjson, EachRefusedLineCarriesItsNumberAndCode) {
  const Seen s = walk("garbage\n" + kQuote + "\n" + R"({"type":"trade"})" + "\n" +
                      R"({"type":"quote","ts":"2026-02-09T10:15:03+08:00","last":1})" + "\n" +
                      R"({"type":"quote","symbol":"159713.SZ","ts":"2026-02-09T10:15:03+08:00","last":"x"})" +
                      "\n\xff\xfe{}\n" + R"({"type":"quote","symbol":"159713.SZ","ts":"yesterday","last":1})");
  EXPECT_EQ(s.event_lines, std::vector<std::size_t>{2});
  const std::vector<std::pair<std::size_t, ErrorCode>> expected{
      {1, ErrorCode::bad_json},  {3, ErrorCode::bad_event}, {4, ErrorCode::missing_field},
      {5, ErrorCode::bad_price}, {6, ErrorCode::bad_json},  {7, ErrorCode::bad_time}};
  EXPECT_EQ(s.errors, expected);
  ASSERT_EQ(s.messages.size(), 6u);
  EXPECT_EQ(s.messages[0], "line 1: not JSON");
  EXPECT_EQ(s.messages[2].rfind("line 4: field 'symbol'", 0), 0u) << s.messages[2];
}

TEST(Ndjson, AnEmptyBodyCallsNothing) {
  const Seen s = walk("");
  EXPECT_TRUE(s.event_lines.empty());
  EXPECT_TRUE(s.errors.empty());
}

}  // namespace
}  // namespace lodestone::feeds
