#include <gtest/gtest.h>

#include "lodestone/notify/notification.hpp"
#include "lodestone/notify/outbound.hpp"
#include "lodestone/notify/outbox.hpp"
#include "lodestone/notify/route.hpp"

namespace lodestone::notify {
namespace {

TEST(ReceiverKind, EveryKindRoundTrips) {
  for (auto kind : {ReceiverKind::Webhook, ReceiverKind::DingTalk, ReceiverKind::WeCom, ReceiverKind::Feishu,
                    ReceiverKind::Telegram, ReceiverKind::ServerChan, ReceiverKind::Email}) {
    auto parsed = parse_receiver_kind(to_string(kind));
    ASSERT_TRUE(parsed) << to_string(kind);
    EXPECT_EQ(*parsed, kind);
  }
  auto bad = parse_receiver_kind("slack");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::bad_config);
  EXPECT_NE(bad.error().message.find("dingtalk"), std::string::npos) << "names the kinds it knows";
}

TEST(DeliveryState, EveryStateRoundTrips) {
  for (auto s : {DeliveryState::Pending, DeliveryState::Sent, DeliveryState::Failed, DeliveryState::Silenced,
                 DeliveryState::Skipped}) {
    auto parsed = parse_delivery_state(to_string(s));
    ASSERT_TRUE(parsed);
    EXPECT_EQ(*parsed, s);
  }
  EXPECT_FALSE(parse_delivery_state("delivered"));
}

TEST(EntryId, StablePerNotificationAndReceiverAndFitForWebhookId) {
  const auto a = entry_id("0123456789abcdef:firing", "desk");
  EXPECT_EQ(a, entry_id("0123456789abcdef:firing", "desk")) << "every daemon computes the same id";
  EXPECT_NE(a, entry_id("0123456789abcdef:firing", "ops"));
  EXPECT_NE(a, entry_id("0123456789abcdef:resolved", "desk"));
  EXPECT_EQ(a.size(), 32U);
  EXPECT_EQ(a.find('.'), std::string::npos) << "Standard Webhooks: the id has no '.'";
  // SHA-256("x|y") begins 791a...: the id is the digest's first 16 bytes in hex, not a local counter.
  EXPECT_EQ(entry_id("x", "y").substr(0, 4), "791a");
}

TEST(RoutingLabels, CarryTheAlertsFieldsWhateverTheRuleWrote) {
  Alert a;
  a.rule = "policy-news";
  a.severity = Severity::Critical;
  a.symbol = Symbol::parse("600111.SH").value();
  a.labels["fingerprint"] = "00ff";
  a.labels["team"] = "desk";
  const auto labels = routing_labels(a);
  EXPECT_EQ(labels.at("rule"), "policy-news");
  EXPECT_EQ(labels.at("severity"), "critical");
  EXPECT_EQ(labels.at("symbol"), "600111.SH");
  EXPECT_EQ(labels.at("state"), "firing");
  EXPECT_EQ(labels.at("team"), "desk");
  EXPECT_EQ(alert_key(a), "00ff");
  a.labels.erase("fingerprint");
  a.id = "abc:firing";
  EXPECT_EQ(alert_key(a), "abc:firing");
}

}  // namespace
}  // namespace lodestone::notify
