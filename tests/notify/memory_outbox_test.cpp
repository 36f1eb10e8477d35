// The in-memory outbox (outbox.hpp): dedup by entry id, claims handed out once, the ledger per
// alert that never goes back, its bounds and stats. Synthetic alerts and receivers.
#include <gtest/gtest.h>

#include "lodestone/core/json_writer.hpp"
#include "lodestone/notify/outbox.hpp"

namespace lodestone::notify {
namespace {

std::string alert_json(const std::string& id, const std::string& fingerprint) {
  Alert a;
  a.id = id;
  a.rule = "synthetic-move";
  a.ts = Timestamp{1'770'603'660'000};
  a.message = "合成测试 synthetic";
  if (!fingerprint.empty()) a.labels["fingerprint"] = fingerprint;
  return to_json(a);
}

OutboxEntry entry(const std::string& alert_id, const std::string& receiver, std::int64_t at_ms,
                  const std::string& fingerprint = "fp-1") {
  OutboxEntry e;
  e.id = entry_id(alert_id, receiver);
  e.receiver = receiver;
  e.alert_json = alert_json(alert_id, fingerprint);
  e.route = 1;
  e.enqueued_at = Timestamp{at_ms};
  return e;
}

// The memory outbox answers before the call returns: these unwrap its answers.
std::size_t enqueue(Outbox& o, std::vector<OutboxEntry> entries) {
  std::optional<Result<std::size_t>> got;
  o.enqueue(std::move(entries), [&](Result<std::size_t> r) { got = std::move(r); });
  EXPECT_TRUE(got) << "done ran before enqueue returned";
  EXPECT_TRUE(got && *got) << (got && !*got ? got->error().message : "");
  return got && *got ? **got : 0;
}

std::vector<OutboxEntry> claim(Outbox& o, std::size_t max) {
  std::optional<Result<std::vector<OutboxEntry>>> got;
  o.claim(max, [&](Result<std::vector<OutboxEntry>> r) { got = std::move(r); });
  EXPECT_TRUE(got && *got);
  return got && *got ? **got : std::vector<OutboxEntry>{};
}

bool settle(Outbox& o, const OutboxEntry& e, DeliveryState state, std::int64_t at_ms, std::string detail = {}) {
  DeliveryRecord r;
  r.state = state;
  r.attempts = 1;
  r.updated_at = Timestamp{at_ms};
  r.detail = std::move(detail);
  r.instance = "lodestone-test";
  std::optional<Result<bool>> got;
  o.settle(e, r, [&](Result<bool> x) { got = std::move(x); });
  EXPECT_TRUE(got && *got);
  return got && *got && **got;
}

std::vector<DeliveryRecord> deliveries(Outbox& o, const std::string& key) {
  std::optional<Result<std::vector<DeliveryRecord>>> got;
  o.deliveries(key, [&](Result<std::vector<DeliveryRecord>> r) { got = std::move(r); });
  EXPECT_TRUE(got && *got);
  return got && *got ? **got : std::vector<DeliveryRecord>{};
}

std::vector<std::string> ids(const std::vector<OutboxEntry>& entries) {
  std::vector<std::string> out;
  for (const auto& e : entries) out.push_back(e.id);
  return out;
}

TEST(MemoryOutbox, EnqueuesEachIdOnceAndCountsTheRepeats) {
  MemoryOutbox o;
  const auto a = entry("m1:firing", "desk", 1000);
  const auto b = entry("m1:firing", "ops", 1000);
  EXPECT_EQ(enqueue(o, {a, b, a}), 2U) << "a repeat inside one batch is a repeat too";
  EXPECT_EQ(enqueue(o, {a, b}), 0U) << "a lost answer sent again changes nothing";
  EXPECT_EQ(enqueue(o, {b, entry("m1:resolved", "desk", 2000)}), 1U);
  const auto s = o.stats();
  EXPECT_EQ(s.depth, 3U);
  EXPECT_EQ(s.duplicates, 4U);
  EXPECT_EQ(s.oldest_pending.ms, 1000);
  EXPECT_FALSE(s.durable) << "memory says it does not survive a restart";
}

TEST(MemoryOutbox, HandsEachEntryOutOnceInEnqueueOrder) {
  MemoryOutbox o;
  std::vector<OutboxEntry> all;
  for (int i = 0; i < 5; ++i) all.push_back(entry("c" + std::to_string(i) + ":firing", "desk", 1000 + i));
  ASSERT_EQ(enqueue(o, all), 5U);
  const auto first = claim(o, 3);
  EXPECT_EQ(ids(first), (std::vector<std::string>{all[0].id, all[1].id, all[2].id}));
  EXPECT_EQ(first[0].alert_key, "fp-1") << "filed under the alert's fingerprint";
  EXPECT_EQ(first[0].notification, "c0:firing");
  EXPECT_EQ(first[0].route, 1U);
  EXPECT_EQ(first[0].alert_json, all[0].alert_json);
  const auto rest = claim(o, 10);
  EXPECT_EQ(ids(rest), (std::vector<std::string>{all[3].id, all[4].id}));
  EXPECT_TRUE(claim(o, 10).empty()) << "claimed and unsettled entries are not handed out again";
  EXPECT_EQ(o.stats().depth, 5U) << "claimed is not settled";
}

TEST(MemoryOutbox, SettlingFinallyAcknowledgesAndTheLedgerSaysSo) {
  MemoryOutbox o;
  const auto desk = entry("s1:firing", "desk", 1000);
  auto ops = entry("s1:firing", "ops", 1000);
  ops.kind = ReceiverKind::Webhook;
  ASSERT_EQ(enqueue(o, {desk, ops}), 2U);
  const auto claimed = claim(o, 2);
  ASSERT_EQ(claimed.size(), 2U);

  EXPECT_TRUE(settle(o, claimed[0], DeliveryState::Pending, 1500, "HTTP 503, retrying"));
  EXPECT_EQ(o.stats().depth, 2U) << "a retry keeps the entry";
  EXPECT_TRUE(settle(o, claimed[0], DeliveryState::Sent, 2000, "errcode 0"));
  EXPECT_TRUE(settle(o, claimed[1], DeliveryState::Failed, 2100, "HTTP 401"));
  const auto s = o.stats();
  EXPECT_EQ(s.depth, 0U);
  EXPECT_EQ(s.oldest_pending.ms, 0);

  const auto records = deliveries(o, "fp-1");
  ASSERT_EQ(records.size(), 2U);
  EXPECT_EQ(records[0].receiver, "desk");
  EXPECT_EQ(records[0].state, DeliveryState::Sent);
  EXPECT_EQ(records[0].detail, "errcode 0");
  EXPECT_EQ(records[0].id, desk.id) << "filled from the entry";
  EXPECT_EQ(records[0].notification, "s1:firing");
  EXPECT_EQ(records[0].enqueued_at.ms, 1000);
  EXPECT_EQ(records[0].updated_at.ms, 2000);
  EXPECT_EQ(records[1].receiver, "ops");
  EXPECT_EQ(records[1].state, DeliveryState::Failed);
  EXPECT_TRUE(deliveries(o, "no-such-alert").empty());
}

TEST(MemoryOutbox, TheLedgerNeverGoesBack) {
  MemoryOutbox o;
  const auto e = entry("n1:firing", "desk", 1000);
  ASSERT_EQ(enqueue(o, {e}), 1U);
  ASSERT_TRUE(settle(o, e, DeliveryState::Failed, 2000, "gave up"));
  EXPECT_TRUE(settle(o, e, DeliveryState::Sent, 2500)) << "a daemon that reclaimed it delivered it";
  EXPECT_FALSE(settle(o, e, DeliveryState::Pending, 3000)) << "a stalled daemon's retry note comes late";
  EXPECT_FALSE(settle(o, e, DeliveryState::Failed, 3100));
  const auto records = deliveries(o, "fp-1");
  ASSERT_EQ(records.size(), 1U);
  EXPECT_EQ(records[0].state, DeliveryState::Sent);
  EXPECT_EQ(records[0].updated_at.ms, 2500);
}

TEST(MemoryOutbox, ListsEveryReceiverOldestFirstAndFilesWithoutAFingerprintById) {
  MemoryOutbox o;
  ASSERT_EQ(enqueue(o, {entry("d1:firing", "ops", 3000, ""), entry("d1:firing", "desk", 1000, ""),
                        entry("d1:resolved", "desk", 5000, "")}),
            3U);
  const auto records = deliveries(o, "d1:firing");  // no fingerprint label: the alert's id
  ASSERT_EQ(records.size(), 2U);
  EXPECT_EQ(records[0].receiver, "desk");
  EXPECT_EQ(records[1].receiver, "ops");
  EXPECT_EQ(records[0].state, DeliveryState::Pending);
  // The notifier may name the alert itself and skip the decoding.
  auto named = entry("d2:firing", "desk", 6000);
  named.alert_key = "named-key";
  named.notification = "d2:firing";
  named.alert_json = "not JSON: never read";
  named.kind = ReceiverKind::Feishu;
  ASSERT_EQ(enqueue(o, {named}), 1U);
  const auto by_name = deliveries(o, "named-key");
  ASSERT_EQ(by_name.size(), 1U);
  EXPECT_EQ(by_name[0].kind, ReceiverKind::Feishu);
}

TEST(MemoryOutbox, AnEntryItCannotFileFailsTheWholeCall) {
  MemoryOutbox o;
  auto bad = entry("b1:firing", "desk", 1000);
  bad.alert_json = R"({"type":"alert","id":"b1:firing"})";  // no rule, severity, state, ts
  std::optional<Result<std::size_t>> got;
  o.enqueue({entry("b0:firing", "desk", 900), bad}, [&](Result<std::size_t> r) { got = std::move(r); });
  ASSERT_TRUE(got);
  ASSERT_FALSE(*got);
  EXPECT_EQ(got->error().code, ErrorCode::bad_field);
  EXPECT_NE(got->error().message.find("desk"), std::string::npos) << got->error().message;
  EXPECT_EQ(o.stats().depth, 0U) << "nothing of the batch was added";
}

TEST(MemoryOutbox, RemembersTheLastRetentionIdsAndRecords) {
  MemoryOutbox o(2);
  const auto e1 = entry("r1:firing", "desk", 1000, "fp-r1");
  ASSERT_EQ(enqueue(o, {e1}), 1U);
  ASSERT_TRUE(settle(o, claim(o, 1).at(0), DeliveryState::Sent, 1100));
  ASSERT_EQ(enqueue(o, {entry("r2:firing", "desk", 2000, "fp-r2"), entry("r3:firing", "desk", 3000, "fp-r3")}), 2U);
  EXPECT_TRUE(deliveries(o, "fp-r1").empty()) << "the oldest alert's records were forgotten past the bound";
  EXPECT_EQ(deliveries(o, "fp-r3").size(), 1U);
  EXPECT_EQ(enqueue(o, {e1}), 1U) << "an id past the bound is new again";
  EXPECT_EQ(enqueue(o, {entry("r2:firing", "desk", 2000, "fp-r2")}), 0U) << "an unsettled entry is never new";
}

TEST(MemoryOutbox, ACallbackMayCallTheOutboxAgain) {
  MemoryOutbox o;
  std::size_t claimed = 0;
  o.enqueue({entry("x1:firing", "desk", 1000)}, [&](Result<std::size_t> added) {
    ASSERT_TRUE(added);
    o.claim(10, [&](Result<std::vector<OutboxEntry>> got) {
      ASSERT_TRUE(got);
      claimed = got->size();
    });
  });
  EXPECT_EQ(claimed, 1U);
}

}  // namespace
}  // namespace lodestone::notify
