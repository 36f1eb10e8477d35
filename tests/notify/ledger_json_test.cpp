// The delivery record's JSON (ledger.hpp): the one shape Redis keeps and the API answers with.
#include <gtest/gtest.h>

#include "lodestone/notify/ledger.hpp"

namespace lodestone::notify {
namespace {

DeliveryRecord synthetic_record() {
  DeliveryRecord r;
  r.id = "6f1c0e2a9b8d7c6e5f4a3b2c1d0e9f8a";
  r.alert_key = "0f1e2d3c4b5a6978";
  r.notification = "etf-move:159713.SZ:2026-02-09T10:21:firing";
  r.receiver = "desk";
  r.kind = ReceiverKind::DingTalk;
  r.state = DeliveryState::Failed;
  r.attempts = 3;
  r.enqueued_at = Timestamp{1'770'603'660'000};
  r.updated_at = Timestamp{1'770'603'723'456};
  r.detail = "errcode 310000: 关键词不匹配 \"keywords not in content\"\n(synthetic)";
  r.digest = true;
  r.message_ref = "msg-77";
  r.instance = "lodestone-a";
  return r;
}

void expect_same(const DeliveryRecord& got, const DeliveryRecord& want) {
  EXPECT_EQ(got.id, want.id);
  EXPECT_EQ(got.alert_key, want.alert_key);
  EXPECT_EQ(got.notification, want.notification);
  EXPECT_EQ(got.receiver, want.receiver);
  EXPECT_EQ(got.kind, want.kind);
  EXPECT_EQ(got.state, want.state);
  EXPECT_EQ(got.attempts, want.attempts);
  EXPECT_EQ(got.enqueued_at, want.enqueued_at);
  EXPECT_EQ(got.updated_at, want.updated_at);
  EXPECT_EQ(got.detail, want.detail);
  EXPECT_EQ(got.digest, want.digest);
  EXPECT_EQ(got.message_ref, want.message_ref);
  EXPECT_EQ(got.instance, want.instance);
}

TEST(LedgerJson, WritesOneFixedShapeWithTimesAsEpochMilliseconds) {
  EXPECT_EQ(to_json(synthetic_record()),
            R"({"id":"6f1c0e2a9b8d7c6e5f4a3b2c1d0e9f8a","alert":"0f1e2d3c4b5a6978",)"
            R"("notification":"etf-move:159713.SZ:2026-02-09T10:21:firing","receiver":"desk","kind":"dingtalk",)"
            R"("state":"failed","attempts":3,"enqueued_at":1770603660000,"updated_at":1770603723456,)"
            R"j("detail":"errcode 310000: 关键词不匹配 \"keywords not in content\"\n(synthetic)","digest":true,)j"
            R"("message_ref":"msg-77","instance":"lodestone-a"})");
}

TEST(LedgerJson, EveryFieldRoundTrips) {
  const auto r = synthetic_record();
  auto back = delivery_from_json(to_json(r));
  ASSERT_TRUE(back) << back.error().message;
  expect_same(*back, r);

  DeliveryRecord fresh;  // a pending record: empty texts, no attempts yet
  fresh.id = "a";
  fresh.alert_key = "k";
  fresh.receiver = "ops";
  back = delivery_from_json(to_json(fresh));
  ASSERT_TRUE(back) << back.error().message;
  expect_same(*back, fresh);
  for (auto state : {DeliveryState::Pending, DeliveryState::Sent, DeliveryState::Silenced, DeliveryState::Skipped}) {
    fresh.state = state;
    back = delivery_from_json(to_json(fresh));
    ASSERT_TRUE(back);
    EXPECT_EQ(back->state, state);
  }
}

TEST(LedgerJson, ReadsOnlyWhatIsRequiredAndSkipsWhatItDoesNotKnow) {
  auto r = delivery_from_json(
      R"({"id":"a","alert":"k","receiver":"ops","kind":"webhook","state":"sent","added_later":{"x":[1]},)"
      R"("detail":null})");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->state, DeliveryState::Sent);
  EXPECT_EQ(r->attempts, 0U);
  EXPECT_EQ(r->enqueued_at.ms, 0);
}

TEST(LedgerJson, RefusesWhatItCannotFile) {
  struct Case {
    const char* json;
    ErrorCode code;
    const char* names;
  };
  const Case cases[] = {
      {"", ErrorCode::bad_event, "empty"},
      {"{", ErrorCode::bad_json, "JSON"},
      {"[]", ErrorCode::bad_event, "object"},
      {R"({"alert":"k","receiver":"r","kind":"webhook","state":"sent"})", ErrorCode::missing_field, "id"},
      {R"({"id":"a","receiver":"r","kind":"webhook","state":"sent"})", ErrorCode::missing_field, "alert"},
      {R"({"id":"a","alert":"k","receiver":"r","state":"sent"})", ErrorCode::missing_field, "kind"},
      {R"({"id":"a","alert":"k","receiver":"r","kind":"slack","state":"sent"})", ErrorCode::bad_field, "kind"},
      {R"({"id":"a","alert":"k","receiver":"r","kind":"webhook","state":"delivered"})", ErrorCode::bad_field, "state"},
      {R"({"id":"a","alert":"k","receiver":"r","kind":"webhook","state":"sent","attempts":-1})", ErrorCode::bad_field,
       "attempts"},
      {R"({"id":"a","alert":"k","receiver":"r","kind":"webhook","state":"sent","updated_at":"10:21"})",
       ErrorCode::bad_field, "updated_at"},
      {R"({"id":"a","alert":"k","receiver":"r","kind":"webhook","state":"sent"} {})", ErrorCode::bad_json, "trailing"},
  };
  for (const auto& c : cases) {
    auto r = delivery_from_json(c.json);
    ASSERT_FALSE(r) << c.json;
    EXPECT_EQ(r.error().code, c.code) << c.json << ": " << r.error().message;
    EXPECT_NE(r.error().message.find(c.names), std::string::npos) << c.json << ": " << r.error().message;
  }
}

}  // namespace
}  // namespace lodestone::notify
