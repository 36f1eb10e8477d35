#include "lodestone/core/json_writer.hpp"

#include <gtest/gtest.h>

namespace lodestone {
namespace {

TEST(JsonWriter, QuoteInCanonicalForm) {
  Quote q;
  q.symbol = *Symbol::parse("159713.SZ");
  q.ts = *parse_timestamp("2026-02-09T10:15:03.120+08:00");
  q.last = *Price::parse("1.234");
  q.prev_close = *Price::parse("1.190");
  q.volume = 123456700;
  q.turnover = *Price::parse("152000000.0");
  EXPECT_EQ(to_json(q, 3), R"({"type":"quote","symbol":"159713.SZ","ts":"2026-02-09T10:15:03.120+08:00","last":1.234,)"
                           R"("prev_close":1.190,"volume":123456700,"turnover":152000000.0})");
}

TEST(JsonWriter, EscapesAndRepairsText) {
  std::string out;
  append_json_string(out, "稀土\"<script>\"\n\x01");
  EXPECT_EQ(out, "\"稀土\\\"<script>\\\"\\n\\u0001\"");
  out.clear();
  append_json_string(out,
                     "a\xff\xfe"
                     "b\xe4\xb8");  // invalid and truncated UTF-8
  EXPECT_EQ(out,
            "\"a\xEF\xBF\xBD\xEF\xBF\xBD"
            "b\xEF\xBF\xBD\xEF\xBF\xBD\"");
}

TEST(JsonWriter, AlertCarriesEvidence) {
  Alert a;
  a.id = "export-control-reaction:159713.SZ:nbd-1";
  a.seq = 7;
  a.rule = "export-control-reaction";
  a.severity = Severity::Critical;
  a.symbol = *Symbol::parse("159713.SZ");
  a.ts = *parse_timestamp("2026-02-09T10:21:00+08:00");
  a.message = "159713.SZ 2.10% in 15m";
  a.explained = true;
  a.headlines.push_back({"nbd-1", "稀土", "每日经济新闻", *parse_timestamp("2026-02-09T10:10:00+08:00")});
  a.move = MoveEvidence{*Price::parse("1.190"), *Price::parse("1.215"), 210, "15m", std::nullopt, 3, {}};
  EXPECT_EQ(to_json(a),
            R"({"type":"alert","id":"export-control-reaction:159713.SZ:nbd-1","seq":7,)"
            R"("rule":"export-control-reaction","severity":"critical","state":"firing","symbol":"159713.SZ",)"
            R"("ts":"2026-02-09T10:21:00.000+08:00","message":"159713.SZ 2.10% in 15m","explained":true,)"
            R"("evidence":{"headlines":[{"id":"nbd-1","title":"稀土","source":"每日经济新闻",)"
            R"("ts":"2026-02-09T10:10:00.000+08:00"}],"move":{"from":1.190,"to":1.215,"change_pct":2.10,)"
            R"("window":"15m"}}})");
}

TEST(JsonWriter, LabelNamesAreEscapedLikeAnyText) {
  Alert a;
  a.id = "x:firing";
  a.rule = "r";
  a.labels = {{"desk \"A\"\\", "v"}};
  const auto json = to_json(a);
  EXPECT_NE(json.find(R"("labels":{"desk \"A\"\\":"v"})"), std::string::npos) << json;
}

}  // namespace
}  // namespace lodestone
