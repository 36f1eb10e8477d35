// Routing: routes in order, first match wins unless continue, matchers on routing_labels(),
// a receiver reached twice gets the alert once, send_resolved, and Alertmanager's group keys.
// The alerts are synthetic.
#include "lodestone/notify/router.hpp"

#include <gtest/gtest.h>

namespace lodestone::notify {
namespace {

SecretReader no_secrets() {
  SecretReader s;
  s.env = [](const std::string&) { return std::optional<std::string>(); };
  s.file = [](const std::string&) -> Result<std::string> { return make_error(ErrorCode::not_found, "no files here"); };
  return s;
}

NotifyConfig config_of(const std::string& routes, const std::string& extra_receivers = "") {
  const std::string yaml = R"(notify:
  public_url: http://127.0.0.1:8080
  receivers:
    - { name: desk, kind: webhook, url: "http://127.0.0.1:9001/hook" }
    - { name: ops, kind: webhook, url: "http://127.0.0.1:9002/hook" }
    - { name: quiet, kind: webhook, url: "http://127.0.0.1:9003/hook", send_resolved: false }
)" + extra_receivers + "  routes:\n" +
                           routes;
  auto config = parse_notify_config(yaml, "router.yaml", no_secrets());
  if (!config) {
    ADD_FAILURE() << config.error().message;
    return {};
  }
  return std::move(*config);
}

Alert alert(std::string rule, Severity severity, std::string symbol = "600519.SH",
            std::map<std::string, std::string> labels = {}) {
  Alert a;
  a.id = "synthetic-" + rule + "-" + symbol;
  a.rule = std::move(rule);
  a.severity = severity;
  a.symbol = Symbol::parse(symbol).value();
  a.labels = std::move(labels);
  a.labels.emplace("fingerprint", "fp-" + a.rule + "-" + symbol);
  return a;
}

std::vector<std::string> receivers_of(const std::vector<RouteHit>& hits) {
  std::vector<std::string> out;
  for (const auto& h : hits) out.push_back(h.receiver);
  return out;
}

using Names = std::vector<std::string>;

TEST(Router, FirstMatchWinsUnlessContinue) {
  const auto config = config_of(R"(    - match: { severity: critical }
      receivers: [desk]
    - match: { rule: etf-move }
      receivers: [ops]
    - receivers: [quiet]
)");
  const Router router(config);
  EXPECT_EQ(receivers_of(router.route(alert("etf-move", Severity::Critical))), Names{"desk"});
  EXPECT_EQ(receivers_of(router.route(alert("etf-move", Severity::Warning))), Names{"ops"});
  EXPECT_EQ(receivers_of(router.route(alert("limit-up", Severity::Info))), Names{"quiet"})
      << "a route without matchers takes every alert";

  const auto with_continue = config_of(R"(    - match: { severity: critical }
      receivers: [desk]
      continue: true
    - match: { rule: etf-move }
      receivers: [ops]
    - receivers: [quiet]
)");
  const Router cont(with_continue);
  const auto hits = cont.route(alert("etf-move", Severity::Critical));
  EXPECT_EQ(receivers_of(hits), (Names{"desk", "ops"}));
  ASSERT_EQ(hits.size(), 2U);
  EXPECT_EQ(hits[0].route, 0U);
  EXPECT_EQ(hits[1].route, 1U);
  EXPECT_EQ(receivers_of(cont.route(alert("limit-up", Severity::Critical))), (Names{"desk", "quiet"}))
      << "continue goes on to the next matching route, not only the next route";
}

TEST(Router, NoRouteMatchesNoHit) {
  const auto config = config_of("    - match: { severity: critical }\n      receivers: [desk]\n");
  EXPECT_TRUE(Router(config).route(alert("etf-move", Severity::Warning)).empty());
}

TEST(Router, NegationAndRegexes) {
  const auto config = config_of(R"(    - match: { symbol: "!600111.SH" }
      match_re: { rule: "etf-.*", tags: "!.*retracted.*" }
      receivers: [desk]
    - match_re: { symbol: "6001.*" }
      receivers: [ops]
)");
  const Router router(config);
  EXPECT_EQ(receivers_of(router.route(alert("etf-move", Severity::Info, "510300.SH"))), Names{"desk"});
  EXPECT_EQ(receivers_of(router.route(alert("etf-move", Severity::Info, "600111.SH"))), Names{"ops"})
      << "symbol!=600111.SH fails, the next route's regex takes it";
  EXPECT_EQ(receivers_of(router.route(alert("etf-move", Severity::Info, "510300.SH", {{"tags", "policy,retracted"}}))),
            Names{})
      << "tags!~.*retracted.*";
  EXPECT_EQ(receivers_of(router.route(alert("my-etf-move", Severity::Info, "510300.SH"))), Names{})
      << "regexes are anchored, as in Alertmanager";
}

TEST(Router, MatchesTheRulesOwnLabelsTagsAndState) {
  const auto config = config_of(R"(    - match: { desk: etf, state: resolved }
      receivers: [desk]
    - match_re: { tags: ".*export.*" }
      receivers: [ops]
)");
  const Router router(config);
  auto a = alert("policy-news", Severity::Warning, "600519.SH", {{"desk", "etf"}, {"tags", "tariff,export-control"}});
  EXPECT_EQ(receivers_of(router.route(a)), Names{"ops"}) << "firing: the first route wants resolved";
  a.state = AlertState::Resolved;
  EXPECT_EQ(receivers_of(router.route(a)), Names{"desk"});
}

TEST(Router, AReceiverReachedTwiceGetsTheAlertOnceThroughTheFirstRoute) {
  const auto config = config_of(R"(    - match: { severity: critical }
      receivers: [desk, ops]
      continue: true
    - match: { rule: etf-move }
      receivers: [ops, quiet]
      group_by: [rule]
)");
  const auto hits = Router(config).route(alert("etf-move", Severity::Critical));
  EXPECT_EQ(receivers_of(hits), (Names{"desk", "ops", "quiet"}));
  ASSERT_EQ(hits.size(), 3U);
  EXPECT_EQ(hits[1].route, 0U) << "ops through the first route, with its grouping";
  EXPECT_EQ(hits[1].group_key, hits[0].group_key);
  EXPECT_EQ(hits[2].route, 1U);
}

TEST(Router, ResolvedSkipsReceiversWithSendResolvedOff) {
  const auto config = config_of("    - receivers: [desk, quiet]\n");
  const Router router(config);
  auto a = alert("etf-move", Severity::Warning);
  EXPECT_EQ(receivers_of(router.route(a)), (Names{"desk", "quiet"}));
  a.state = AlertState::Resolved;
  EXPECT_EQ(receivers_of(router.route(a)), Names{"desk"});
}

TEST(Router, GroupKeysInAlertmanagersForm) {
  const auto config = config_of(R"(    - match: { severity: critical, rule: etf-move }
      receivers: [desk]
      group_by: [symbol, rule, missing]
      continue: true
    - match: { symbol: "!600111.SH" }
      match_re: { rule: "etf-.*" }
      receivers: [ops]
      continue: true
    - receivers: [quiet]
      group_by: [desk]
)");
  const auto hits = Router(config).route(alert("etf-move", Severity::Critical, "510300.SH", {{"desk", "a \"b\"\\c"}}));
  ASSERT_EQ(hits.size(), 3U);
  // Matchers sorted; group labels sorted by name; a group_by label the alert lacks left out.
  EXPECT_EQ(hits[0].group_key, R"({}/{rule="etf-move",severity="critical"}:{rule="etf-move", symbol="510300.SH"})");
  EXPECT_EQ(hits[0].group_labels, (std::map<std::string, std::string>{{"rule", "etf-move"}, {"symbol", "510300.SH"}}));
  // No group_by: each alert its own group, by its fingerprint.
  EXPECT_EQ(hits[1].group_key, R"({}/{rule=~"etf-.*",symbol!="600111.SH"}:{fingerprint="fp-etf-move-510300.SH"})");
  EXPECT_EQ(hits[1].group_labels, (std::map<std::string, std::string>{{"fingerprint", "fp-etf-move-510300.SH"}}));
  // A route without matchers; values escaped as Alertmanager prints them.
  EXPECT_EQ(hits[2].group_key, R"({}/{}:{desk="a \"b\"\\c"})");
}

TEST(Router, AlertsOfOneGroupShareItsKeyAndOthersDoNot) {
  const auto config = config_of(
      "    - match: { severity: warning }\n      receivers: [desk]\n      group_by: [rule]\n"
      "    - receivers: [ops]\n");
  const Router router(config);
  const auto a = router.route(alert("etf-move", Severity::Warning, "510300.SH"));
  const auto b = router.route(alert("etf-move", Severity::Warning, "159915.SZ"));
  const auto c = router.route(alert("limit-up", Severity::Warning, "510300.SH"));
  ASSERT_EQ(a.size(), 1U);
  ASSERT_EQ(b.size(), 1U);
  ASSERT_EQ(c.size(), 1U);
  EXPECT_EQ(a[0].group_key, b[0].group_key);
  EXPECT_NE(a[0].group_key, c[0].group_key);
  const auto d = router.route(alert("etf-move", Severity::Info, "510300.SH"));
  const auto e = router.route(alert("etf-move", Severity::Info, "159915.SZ"));
  ASSERT_EQ(d.size(), 1U);
  ASSERT_EQ(e.size(), 1U);
  EXPECT_NE(d[0].group_key, e[0].group_key) << "without group_by, one group per alert";
}

TEST(Router, AnAlertWithoutFingerprintIsGroupedByItsId) {
  const auto config = config_of("    - receivers: [desk]\n");
  Alert a = alert("etf-move", Severity::Warning);
  a.labels.erase("fingerprint");
  const auto hits = Router(config).route(a);
  ASSERT_EQ(hits.size(), 1U);
  EXPECT_EQ(hits[0].group_labels.at("fingerprint"), a.id);
}

TEST(Router, AHandBuiltConfigNamingAnUnknownReceiverSkipsIt) {
  NotifyConfig config;
  ReceiverConfig desk;
  desk.name = "desk";
  config.receivers.push_back(desk);
  RouteConfig route;
  route.receivers = {"gone", "desk"};
  config.routes.push_back(route);
  EXPECT_EQ(receivers_of(Router(config).route(alert("etf-move", Severity::Warning))), Names{"desk"});
}

}  // namespace
}  // namespace lodestone::notify
