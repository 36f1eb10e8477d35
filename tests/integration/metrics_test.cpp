// /metrics of the real daemon after known traffic: rule evaluation latency, alerts by rule,
// severity and state, what each rule did, feed lag and the WebSocket send queues.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <string>
#include <thread>

#include "lodestone/testing/daemon_process.hpp"
#include "lodestone/testing/ws_client.hpp"

namespace lodestone::testing {
namespace {

const std::string kToken = "metrics-test-token-0123456789";

const char* kRules = R"(keywords:
  export_control: ["出口管制"]
rules:
  - name: policy-news
    severity: critical
    headline: { keywords: [export_control] }
    session: any
)";

std::int64_t wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The value of one series, or -1 when /metrics has no such line.
double series(const std::string& metrics, const std::string& name_and_labels) {
  const auto pos = metrics.find("\n" + name_and_labels + " ");
  if (pos == std::string::npos) return -1;
  return std::stod(metrics.substr(pos + name_and_labels.size() + 2));
}

TEST(Metrics, RuleLatencyAlertsByRuleAndIngestLag) {
  char rules_path[] = "/tmp/lodestone-metrics-rules-XXXXXX";
  ::close(::mkstemp(rules_path));
  std::ofstream(rules_path) << kRules;
  char config_path[] = "/tmp/lodestone-metrics-cfg-XXXXXX";
  ::close(::mkstemp(config_path));
  std::ofstream(config_path) << "tape: off\nrules: " << rules_path
                             << "\nuniverse: " << source_path("deploy/universe.yaml") << "\n";
  DaemonProcess daemon({"--config", config_path}, {{"LODESTONE_API_TOKEN", kToken}});

  // Three policy headlines published 20 s ago (so 20 s of feed lag each), one unrelated, and
  // one quote: four evaluations of headlines, one of a quote, three alerts.
  std::string ndjson;
  for (int i = 0; i < 4; ++i) {
    const std::string title = i < 3 ? "出口管制 " + std::to_string(i) : "天气晴";
    ndjson += R"({"type":"news","id":"m-)" + std::to_string(i) + R"(","ts":)" + std::to_string(wall_ms() - 20'000) +
              R"(,"source":"test","title":")" + title + "\"}\n";
  }
  ndjson += R"({"type":"quote","symbol":"159713.SZ","ts":)" + std::to_string(wall_ms() - 20'000) +
            R"(,"last":1.489,"prev_close":1.441})" + "\n";
  const auto answer = http_request(daemon.port(), http::verb::post, "/api/v1/ingest", ndjson, kToken);
  ASSERT_EQ(answer.status, 200U) << answer.body;

  // Wait until every event is through: the quote comes last, and the rule counters are a snapshot
  // taken just before the live counters are rendered, so one scrape can be a step behind them.
  std::string metrics;
  const auto alerts = R"(lodestone_alerts_total{rule="policy-news",severity="critical",state="firing"})";
  const auto notified = R"(lodestone_rule_outcomes_total{outcome="notified",rule="policy-news"})";
  const auto quotes_evaluated = R"(lodestone_rule_evaluation_seconds_count{event="quote"})";
  const auto settled = [&] {
    return series(metrics, alerts) >= 3 && series(metrics, notified) >= 3 && series(metrics, quotes_evaluated) >= 1;
  };
  for (int i = 0; i < 100 && !settled(); ++i) {
    if (i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    metrics = http_request(daemon.port(), http::verb::get, "/metrics").body;
  }
  ::unlink(rules_path);
  ::unlink(config_path);
  EXPECT_EQ(series(metrics, alerts), 3) << metrics;
  EXPECT_EQ(series(metrics, R"(lodestone_rule_evaluation_seconds_count{event="headline"})"), 4);
  EXPECT_EQ(series(metrics, quotes_evaluated), 1);
  EXPECT_GT(series(metrics, R"(lodestone_rule_evaluation_seconds_sum{event="headline"})"), 0);
  EXPECT_EQ(series(metrics, notified), 3);
  EXPECT_EQ(series(metrics, R"(lodestone_rule_outcomes_total{outcome="silenced",rule="policy-news"})"), 0);
  // Lag: all five events arrived about 20 s after their event time.
  EXPECT_EQ(series(metrics, R"(lodestone_feed_lag_seconds_count{feed="ingest"})"), 5);
  EXPECT_EQ(series(metrics, R"(lodestone_feed_lag_seconds_bucket{feed="ingest",le="10"})"), 0);
  EXPECT_EQ(series(metrics, R"(lodestone_feed_lag_seconds_bucket{feed="ingest",le="30"})"), 5);
  EXPECT_EQ(series(metrics, "lodestone_websocket_queued_messages"), 0);
  EXPECT_EQ(series(metrics, R"(lodestone_http_refused_connections_total{reason="max_connections"})"), 0);
  EXPECT_EQ(series(metrics, R"(lodestone_websocket_client_closes_total{reason="bad_message"})"), 0);
  // A client sending what the protocol does not know is closed (4002) and counted by reason.
  WsClient ws(daemon.port());
  ws.send("not json");
  while (ws.receive(std::chrono::seconds(2))) {
  }
  EXPECT_EQ(ws.close_reason().code, 4002);
  EXPECT_EQ(series(http_request(daemon.port(), http::verb::get, "/metrics").body,
                   R"(lodestone_websocket_client_closes_total{reason="bad_message"})"),
            1);
  EXPECT_EQ(series(metrics, "lodestone_websocket_queue_depth_max"), 0);
}

}  // namespace
}  // namespace lodestone::testing
