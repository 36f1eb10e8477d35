// Reading a canonical alert back (feeds/canonical_alert.hpp): parse(to_json(a)) is `a`, field by
// field, for every shape of alert the rules raise. Synthetic alerts.
#include "lodestone/feeds/canonical_alert.hpp"

#include <gtest/gtest.h>

#include "lodestone/core/json_writer.hpp"

namespace lodestone::feeds {
namespace {

Timestamp at(const char* text) { return parse_timestamp(text).value(); }
Price price(const char* text) { return Price::parse(text).value(); }

// Field by field, so a failure names the field.
void expect_same(const Alert& got, const Alert& want) {
  EXPECT_EQ(got.id, want.id);
  EXPECT_EQ(got.seq, want.seq);
  EXPECT_EQ(got.rule, want.rule);
  EXPECT_EQ(got.severity, want.severity);
  EXPECT_EQ(got.state, want.state);
  EXPECT_EQ(got.symbol, want.symbol);
  EXPECT_EQ(got.ts, want.ts);
  EXPECT_EQ(got.message, want.message);
  EXPECT_EQ(got.explained, want.explained);
  EXPECT_EQ(got.labels, want.labels);
  ASSERT_EQ(got.headlines.size(), want.headlines.size());
  for (std::size_t i = 0; i < want.headlines.size(); ++i) {
    EXPECT_EQ(got.headlines[i].id, want.headlines[i].id) << i;
    EXPECT_EQ(got.headlines[i].title, want.headlines[i].title) << i;
    EXPECT_EQ(got.headlines[i].source, want.headlines[i].source) << i;
    EXPECT_EQ(got.headlines[i].ts, want.headlines[i].ts) << i;
  }
  ASSERT_EQ(got.move.has_value(), want.move.has_value());
  if (!want.move) return;
  EXPECT_EQ(got.move->from, want.move->from);
  EXPECT_EQ(got.move->to, want.move->to);
  EXPECT_EQ(got.move->change_centipct, want.move->change_centipct);
  EXPECT_EQ(got.move->window, want.move->window);
  EXPECT_EQ(got.move->abnormal_centipct, want.move->abnormal_centipct);
  EXPECT_EQ(got.move->price_decimals, want.move->price_decimals);
  EXPECT_EQ(got.move->path, want.move->path);
}

void expect_round_trip(const Alert& a) {
  const std::string json = to_json(a);
  auto back = parse_alert_json(json);
  ASSERT_TRUE(back) << back.error().message << "\n" << json;
  expect_same(*back, a);
  EXPECT_EQ(to_json(*back), json);
}

// A fund's move at three decimals, with the window's path, an explaining headline and labels.
Alert synthetic_move_alert() {
  Alert a;
  a.id = "etf-move:159713.SZ:2026-02-09T10:21";
  a.seq = 41;
  a.rule = "etf-move";
  a.severity = Severity::Critical;
  a.state = AlertState::Firing;
  a.symbol = Symbol::parse("159713.SZ").value();
  a.ts = at("2026-02-09T10:21:00.250+08:00");
  a.message = "稀土ETF 15分钟上涨 3.61%（synthetic）";
  a.explained = true;
  a.labels = {{"fingerprint", "0f1e2d3c4b5a6978"}, {"group", "稀土"}, {"team", "desk"}};
  a.headlines.push_back({"nbd-1", "稀土出口管制新规发布", "每日经济新闻", at("2026-02-09T10:10:00+08:00")});
  a.headlines.push_back({"cls-77", "关于稀土的\"更正\"\n第二行", "财联社", at("2026-02-09T10:12:30.5+08:00")});
  MoveEvidence m;
  m.from = price("1.190");
  m.to = price("1.233");
  m.change_centipct = 361;
  m.abnormal_centipct = -12;
  m.window = "15m";
  m.price_decimals = 3;
  m.path = {{at("2026-02-09T10:06:00+08:00"), price("1.190")},
            {at("2026-02-09T10:13:00+08:00"), price("1.200")},
            {at("2026-02-09T10:21:00+08:00"), price("1.233")}};
  a.move = m;
  return a;
}

TEST(CanonicalAlert, AMoveWithItsPathHeadlinesAndLabelsRoundTrips) { expect_round_trip(synthetic_move_alert()); }

TEST(CanonicalAlert, EveryOptionalFieldAbsentRoundTrips) {
  Alert a;
  a.id = "policy-news:cls-9:resolved";
  a.rule = "policy-news";
  a.severity = Severity::Info;
  a.state = AlertState::Resolved;
  a.ts = at("2026-02-10T15:00:00+08:00");
  expect_round_trip(a);  // no seq, symbol, message, explained, labels or evidence
  a.explained = false;
  a.message = "央行宣布降准0.5个百分点";
  expect_round_trip(a);
}

TEST(CanonicalAlert, PriceDigitsAndDecimalsSurvive) {
  // A stock at two decimals, whose move ends on a round price, and one at no decimals.
  auto a = synthetic_move_alert();
  a.move->from = price("10.05");
  a.move->to = price("10.10");
  a.move->price_decimals = 2;
  a.move->path = {{at("2026-02-09T10:06:00+08:00"), price("10.05")}, {at("2026-02-09T10:21:00+08:00"), price("10.1")}};
  expect_round_trip(a);
  a.move->from = price("1200");
  a.move->to = price("1250");
  a.move->price_decimals = 0;
  a.move->path.clear();
  a.move->change_centipct = 417;
  a.move->abnormal_centipct.reset();
  expect_round_trip(a);
  // A price finer than its tick keeps its digits, and the tick is still read from the others.
  a = synthetic_move_alert();
  a.move->path[1].second = price("1.2005");
  expect_round_trip(a);
}

TEST(CanonicalAlert, ControlCharactersAndEscapesComeBackAsWritten) {
  auto a = synthetic_move_alert();
  a.message = std::string("tab\there\x01 \\ / \"q\" 中文\r\n") + std::string("nul\0end", 7);
  a.labels["note"] = "a\"b\\c";
  expect_round_trip(a);
}

TEST(CanonicalAlert, ReadsWhatTheStoreAndApiSend) {
  // Written by hand as the writer spells it (json_writer_test holds the writer to this form).
  auto a = parse_alert_json(
      R"({"type":"alert","id":"export-control-reaction:159713.SZ:nbd-1","seq":7,)"
      R"("rule":"export-control-reaction","severity":"critical","state":"firing","symbol":"159713.SZ",)"
      R"("ts":"2026-02-09T10:21:00.000+08:00","message":"159713.SZ 2.10% in 15m","explained":true,)"
      R"("evidence":{"headlines":[{"id":"nbd-1","title":"稀土","source":"每日经济新闻",)"
      R"("ts":"2026-02-09T10:10:00.000+08:00"}],"move":{"from":1.190,"to":1.215,"change_pct":2.10,)"
      R"("window":"15m"}}})");
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_EQ(a->seq, 7U);
  EXPECT_EQ(a->severity, Severity::Critical);
  ASSERT_TRUE(a->move);
  EXPECT_EQ(a->move->from.format(3), "1.190");
  EXPECT_EQ(a->move->to.format(3), "1.215");
  EXPECT_EQ(a->move->price_decimals, 3);
  EXPECT_EQ(a->move->change_centipct, 210);
  ASSERT_EQ(a->headlines.size(), 1U);
  EXPECT_EQ(a->headlines[0].source, "每日经济新闻");
}

TEST(CanonicalAlert, ToleratesUnknownFieldsAndNulls) {
  auto a = parse_alert_json(
      R"({"type":"alert","id":"x","rule":"r","severity":"warning","state":"firing","ts":1770603303000,)"
      R"("symbol":null,"future":{"nested":[1,2,{"k":"v"}]},"evidence":{"other":true}} )");
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_EQ(a->ts.ms, 1770603303000);
  EXPECT_FALSE(a->symbol);
}

TEST(CanonicalAlert, RefusesWhatIsNotACanonicalAlert) {
  struct Case {
    const char* json;
    ErrorCode code;
    const char* names;  // what the message must mention
  };
  const Case cases[] = {
      {"", ErrorCode::bad_event, "empty"},
      {"alert", ErrorCode::bad_json, "JSON"},
      {R"({"type":"alert")", ErrorCode::bad_json, "JSON"},
      {"[1,2]", ErrorCode::bad_event, "object"},
      {R"({"type":"news","id":"n1"})", ErrorCode::bad_event, "type"},
      {R"({"id":"x","rule":"r","severity":"info","state":"firing","ts":1})", ErrorCode::missing_field, "type"},
      {R"({"type":"alert","rule":"r","severity":"info","state":"firing","ts":1})", ErrorCode::missing_field, "id"},
      {R"({"type":"alert","id":"x","rule":"r","severity":"info","state":"firing"})", ErrorCode::missing_field, "ts"},
      {R"({"type":"alert","id":"x","rule":"r","severity":"loud","state":"firing","ts":1})", ErrorCode::bad_field,
       "severity"},
      {R"({"type":"alert","id":"x","rule":"r","severity":"info","state":"gone","ts":1})", ErrorCode::bad_field,
       "state"},
      {R"({"type":"alert","id":"x","rule":"r","severity":"info","state":"firing","ts":"soon"})", ErrorCode::bad_time,
       "ts"},
      // A time the writer could not print back (fuzz: a year past 9999).
      {R"({"type":"alert","id":"x","rule":"r","severity":"info","state":"firing","ts":17701770603303000})",
       ErrorCode::bad_time, "ts"},
      {R"({"type":"alert","id":"x","rule":"r","severity":"info","state":"firing","ts":1,"symbol":"ABC"})",
       ErrorCode::bad_symbol, "symbol"},
      {R"({"type":"alert","id":7,"rule":"r","severity":"info","state":"firing","ts":1})", ErrorCode::bad_field, "id"},
      {R"({"type":"alert","id":"x","rule":"r","severity":"info","state":"firing","ts":1,)"
       R"("evidence":{"move":{"from":"1.19","to":1.2,"change_pct":1,"window":"5m"}}})",
       ErrorCode::bad_price, "evidence.move.from"},
      {R"({"type":"alert","id":"x","rule":"r","severity":"info","state":"firing","ts":1,)"
       R"("evidence":{"move":{"from":1.19,"to":1.2,"window":"5m"}}})",
       ErrorCode::missing_field, "change_pct"},
      {R"({"type":"alert","id":"x","rule":"r","severity":"info","state":"firing","ts":1,)"
       R"("evidence":{"move":{"from":1.19,"to":1.2,"change_pct":1,"window":"5m","path":[[1,1.2,3]]}}})",
       ErrorCode::bad_field, "path"},
      {R"({"type":"alert","id":"x","rule":"r","severity":"info","state":"firing","ts":1,"labels":{"a":1}})",
       ErrorCode::bad_field, "labels.a"},
      {R"({"type":"alert","id":"x","rule":"r","severity":"info","state":"firing","ts":1} {})", ErrorCode::bad_json,
       "trailing"},
      {"{\"type\":\"alert\",\"id\":\"\xff\"}", ErrorCode::bad_encoding, "UTF-8"},
  };
  for (const auto& c : cases) {
    auto a = parse_alert_json(c.json);
    ASSERT_FALSE(a) << c.json;
    EXPECT_EQ(a.error().code, c.code) << c.json << ": " << a.error().message;
    EXPECT_NE(a.error().message.find(c.names), std::string::npos) << c.json << ": " << a.error().message;
  }
}

}  // namespace
}  // namespace lodestone::feeds
