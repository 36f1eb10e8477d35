// The rules, silences and acknowledgement endpoints without a daemon or a socket: a recording
// RulesControl behind them, the web target's own parsing and JSON in front.
#include "rules_endpoints.hpp"

#include <gtest/gtest.h>

#include <map>

namespace lodestone::web {
namespace {

const Timestamp kNow = *parse_timestamp("2026-02-09T10:16:00+08:00");

struct FakeRules final : RulesControl {
  [[nodiscard]] Timestamp now() const override { return kNow; }
  [[nodiscard]] RulesSummary summary() const override {
    RulesSummary s{"rules/packs/policy.yaml", kNow, {}};
    rules::RuleCounters c;
    c.fired = 3;
    s.rules.push_back({"export-control-move", Severity::Critical, c});
    return s;
  }
  Result<std::size_t> reload() override {
    if (broken) return make_error(ErrorCode::bad_config, "policy.yaml:3:7: unknown condition 'moves'");
    return std::size_t{4};
  }
  [[nodiscard]] std::vector<rules::Silence> silences(Timestamp) const override { return added; }
  Result<std::string> add_silence(rules::Silence s) override {
    s.id = "s1";
    added.push_back(s);
    return s.id;
  }
  Status expire_silence(std::string_view id) override {
    if (id != "s1") return make_error(ErrorCode::not_found, "no silence " + std::string(id));
    return {};
  }
  Acknowledgement acknowledge(Acknowledgement a) override {
    a.at = Timestamp{kNow.ms + 1000};
    acks.push_back(a);
    return a;
  }
  [[nodiscard]] std::vector<Acknowledgement> acknowledgements() const override { return acks; }

  bool broken = false;
  std::vector<rules::Silence> added;
  std::vector<Acknowledgement> acks;
};

class RulesEndpoints : public ::testing::Test {
 protected:
  std::optional<HttpAnswer> call(std::string_view method, std::string_view target, std::string_view body = "") {
    return answer_rules_request(rules, *hub, method, target, body);
  }
  FakeRules rules;
  std::shared_ptr<Hub> hub = std::make_shared<Hub>();
};

TEST_F(RulesEndpoints, ListsTheRulesWithTheirCounters) {
  auto a = call("GET", "/api/v1/rules");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->status, 200U);
  EXPECT_NE(a->body.find(R"("name":"export-control-move","severity":"critical","counters":{"fired":3)"),
            std::string::npos)
      << a->body;
}

TEST_F(RulesEndpoints, AReloadSaysHowManyRulesOrWhereTheFileIsWrong) {
  EXPECT_EQ(call("POST", "/api/v1/rules/reload")->body, R"({"reloaded":true,"rules":4})");
  rules.broken = true;
  auto a = call("POST", "/api/v1/rules/reload");
  EXPECT_EQ(a->status, 400U);
  EXPECT_NE(a->body.find("policy.yaml:3:7"), std::string::npos) << a->body;
}

TEST_F(RulesEndpoints, ASilenceIsReadAddedListedAndExpired) {
  auto a = call("POST", "/api/v1/silences",
                R"({"matchers":["symbol=\"159713.SZ\""],"created_by":"desk-3","comment":"known","duration":"30m"})");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->status, 201U) << a->body;
  EXPECT_EQ(a->body, R"({"id":"s1"})");
  ASSERT_EQ(rules.added.size(), 1U);
  EXPECT_EQ(rules.added[0].starts_at, kNow) << "starts at the engine's now";
  EXPECT_EQ(rules.added[0].ends_at.ms, kNow.ms + 30 * 60'000);
  EXPECT_NE(call("GET", "/api/v1/silences")->body.find(R"("created_by":"desk-3")"), std::string::npos);
  EXPECT_EQ(call("DELETE", "/api/v1/silences/s1")->status, 200U);
  EXPECT_EQ(call("DELETE", "/api/v1/silences/s9")->status, 404U);
}

TEST_F(RulesEndpoints, ABadSilenceSaysWhatIsWrongAndAddsNothing) {
  for (const char* body :
       {"not json", R"({"matchers":"x"})", R"({"matchers":["="]})", R"({"duration":"soon"})", R"({"owner":"me"})"}) {
    auto a = call("POST", "/api/v1/silences", body);
    ASSERT_TRUE(a);
    EXPECT_EQ(a->status, 400U) << body;
    EXPECT_NE(a->body.find(R"({"error":)"), std::string::npos) << a->body;
  }
  EXPECT_TRUE(rules.added.empty());
}

TEST_F(RulesEndpoints, AnAcknowledgementIsDatedByTheDaemonAndListed) {
  auto a = call("POST", "/api/v1/alerts/limit-up%3A600111.SH/ack", R"({"comment":"seen","by":"desk-3"})");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->status, 200U);
  EXPECT_EQ(a->body, R"({"type":"ack","alert_id":"limit-up:600111.SH","by":"desk-3","comment":"seen","ts":")" +
                         format_timestamp(Timestamp{kNow.ms + 1000}) + R"("})");
  EXPECT_EQ(call("POST", "/api/v1/alerts/x/ack", R"({"mood":"calm"})")->status, 400U);
  EXPECT_EQ(rules.acks.size(), 1U);
  EXPECT_NE(call("GET", "/api/v1/acks")->body.find("limit-up:600111.SH"), std::string::npos);
}

TEST_F(RulesEndpoints, OtherPathsAreNotTheirs) {
  EXPECT_FALSE(call("GET", "/api/v1/feeds"));
  EXPECT_FALSE(call("PUT", "/api/v1/rules"));
}

}  // namespace
}  // namespace lodestone::web
