// The notification outbox on Redis (redis/outbox.hpp) against a real redis-server: enqueue
// dedup across daemons, claims shared by consumers, take-over after a consumer dies, a restart
// finding its own entries, keep(), settle and the ledger, and Redis going away and coming back.
// Every wait is for an event, bounded by a deadline. Synthetic alerts and receivers.
#include "lodestone/redis/outbox.hpp"

#include <gtest/gtest.h>

#include <set>

#include "lodestone/core/json_writer.hpp"
#include "redis_test_util.hpp"

namespace lodestone::testing {
namespace {

using namespace std::chrono_literals;
using notify::DeliveryRecord;
using notify::DeliveryState;
using notify::OutboxEntry;

constexpr const char* kStream = "{lodestone}:outbox";

std::string synthetic_alert_json(const std::string& id, const std::string& fingerprint) {
  Alert a = synthetic_alert(id);
  a.symbol = Symbol::parse("159713.SZ").value();
  a.message = "稀土ETF 15分钟上涨 3.61%（synthetic）";
  a.labels["fingerprint"] = fingerprint;
  return to_json(a);
}

OutboxEntry entry(const std::string& alert_id, const std::string& receiver, std::int64_t at_ms = 1'770'603'660'000,
                  const std::string& fingerprint = "fp-1") {
  OutboxEntry e;
  e.id = notify::entry_id(alert_id, receiver);
  e.receiver = receiver;
  e.alert_json = synthetic_alert_json(alert_id, fingerprint);
  e.route = 2;
  e.enqueued_at = Timestamp{at_ms};
  e.kind = notify::ReceiverKind::DingTalk;
  return e;
}

// Runs one outbox call and waits (bounded) for its done.
template <class T, class Call>
Result<T> wait_for(Call&& call, std::chrono::milliseconds timeout = 10s) {
  auto promise = std::make_shared<std::promise<Result<T>>>();
  auto future = promise->get_future();
  call([promise](Result<T> r) { promise->set_value(std::move(r)); });
  if (future.wait_for(timeout) != std::future_status::ready)
    return make_error(ErrorCode::timeout,
                      "test: the outbox did not answer within " + std::to_string(timeout.count()) + " ms");
  return future.get();
}

// One daemon's outbox.
struct Daemon {
  Daemon(IoThreads& io, const RedisServer& server, const std::string& consumer,
         std::chrono::milliseconds claim_timeout = 60s) {
    redis::OutboxOptions o;
    o.consumer = consumer;
    o.claim_timeout = claim_timeout;
    o.client = fast_client(server);
    o.batch = 16;  // several scripts per enqueue in the larger tests
    outbox = redis::Outbox::create(io.executor(), o, system_clock());
    outbox->start();
  }
  ~Daemon() { die(); }
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;

  // Stops without settling anything, as a killed daemon does.
  void die() {
    if (!outbox) return;
    outbox->stop();
    outbox.reset();
  }
  [[nodiscard]] bool up() const { return outbox->connected(); }

  Result<std::size_t> enqueue(std::vector<OutboxEntry> entries) {
    return wait_for<std::size_t>([&](auto done) { outbox->enqueue(std::move(entries), std::move(done)); });
  }
  Result<std::vector<OutboxEntry>> claim(std::size_t max) {
    return wait_for<std::vector<OutboxEntry>>([&](auto done) { outbox->claim(max, std::move(done)); });
  }
  std::vector<OutboxEntry> claimed(std::size_t max) {
    auto r = claim(max);
    EXPECT_TRUE(r) << r.error().message;
    return r ? *r : std::vector<OutboxEntry>{};
  }
  Result<bool> keep(const std::vector<OutboxEntry>& entries) {
    return wait_for<bool>([&](auto done) { outbox->keep(entries, std::move(done)); });
  }
  Result<bool> settle(const OutboxEntry& e, DeliveryState state, std::int64_t at_ms, const std::string& detail = {}) {
    DeliveryRecord r;
    r.kind = e.kind;
    r.state = state;
    r.attempts = 1;
    r.updated_at = Timestamp{at_ms};
    r.detail = detail;
    r.instance = outbox->options().consumer;
    return wait_for<bool>([&](auto done) { outbox->settle(e, r, std::move(done)); });
  }
  Result<std::vector<DeliveryRecord>> deliveries(const std::string& key) {
    return wait_for<std::vector<DeliveryRecord>>([&](auto done) { outbox->deliveries(key, std::move(done)); });
  }
  Result<notify::OutboxStats> refresh() {
    return wait_for<notify::OutboxStats>([&](auto done) { outbox->refresh_stats(std::move(done)); });
  }

  std::shared_ptr<redis::Outbox> outbox;
};

std::vector<std::string> ids(const std::vector<OutboxEntry>& entries) {
  std::vector<std::string> out;
  for (const auto& e : entries) out.push_back(e.id);
  return out;
}

long long stream_length(const RedisServer& server) { return server.command({"XLEN", kStream}).integer; }

// XPENDING summary: how many entries the group's consumers hold.
long long pending_count(const RedisServer& server) {
  return server.command({"XPENDING", kStream, "notify"}).elements.at(0).integer;
}

// The consumer holding `stream_id` and how long it has been idle ("" and -1 when nobody does).
std::pair<std::string, long long> holder(const RedisServer& server, const std::string& stream_id) {
  const auto r = server.command({"XPENDING", kStream, "notify", stream_id, stream_id, "1"});
  if (r.elements.empty()) return {"", -1};
  return {r.elements[0].elements.at(1).str, r.elements[0].elements.at(2).integer};
}

// Claims until `n` entries came back (an entry is handed over once its claim timeout passed).
std::vector<OutboxEntry> claim_until(Daemon& d, std::size_t n, std::chrono::milliseconds deadline = 20s) {
  std::vector<OutboxEntry> got;
  EXPECT_TRUE(eventually(
      [&] {
        auto more = d.claim(n);
        if (more) got.insert(got.end(), more->begin(), more->end());
        return got.size() >= n;
      },
      deadline))
      << got.size() << " of " << n;
  return got;
}

TEST(RedisOutbox, EnqueuesEachIdOnceAcrossRepeatsAndDaemons) {
  RedisServer server;
  IoThreads io;
  Daemon a(io, server, "a");
  Daemon b(io, server, "b");
  ASSERT_TRUE(eventually([&] { return a.up() && b.up(); }));

  const auto desk = entry("e1:firing", "desk");
  const auto ops = entry("e1:firing", "ops");
  auto added = a.enqueue({desk, ops, desk});
  ASSERT_TRUE(added) << added.error().message;
  EXPECT_EQ(*added, 2U) << "a repeat inside one batch is a repeat too";
  added = a.enqueue({desk, ops});
  ASSERT_TRUE(added);
  EXPECT_EQ(*added, 0U) << "an enqueue sent again after a lost answer adds nothing";
  // A second daemon raised the same alert and routes it the same way.
  added = b.enqueue({ops, desk, entry("e1:resolved", "desk", 1'770'603'700'000)});
  ASSERT_TRUE(added);
  EXPECT_EQ(*added, 1U);

  EXPECT_EQ(stream_length(server), 3);
  EXPECT_EQ(a.outbox->stats().duplicates, 3U);
  EXPECT_EQ(b.outbox->stats().duplicates, 2U);
  EXPECT_GT(server.command({"TTL", "{lodestone}:outbox:seen:" + desk.id}).integer, 7 * 24 * 3600);
  EXPECT_GT(server.command({"TTL", "{lodestone}:deliveries:fp-1"}).integer, 7 * 24 * 3600);

  const auto records = a.deliveries("fp-1");
  ASSERT_TRUE(records) << records.error().message;
  ASSERT_EQ(records->size(), 3U) << "every receiver's pending record";
  for (const auto& r : *records) EXPECT_EQ(r.state, DeliveryState::Pending);
  EXPECT_EQ((*records)[0].receiver, "desk");
  EXPECT_EQ((*records)[0].notification, "e1:firing");
  EXPECT_EQ((*records)[0].kind, notify::ReceiverKind::DingTalk);
  EXPECT_EQ((*records)[1].receiver, "ops");
  EXPECT_EQ((*records)[2].notification, "e1:resolved");
}

TEST(RedisOutbox, TwoConsumersClaimingAtOnceGetEveryEntryOnce) {
  RedisServer server;
  IoThreads io;
  Daemon a(io, server, "a");
  Daemon b(io, server, "b");
  ASSERT_TRUE(eventually([&] { return a.up() && b.up(); }));
  std::vector<OutboxEntry> all;
  for (int i = 0; i < 120; ++i)
    all.push_back(entry("c" + std::to_string(i) + ":firing", i % 2 ? "desk" : "ops", 1'770'603'660'000 + i));
  auto added = a.enqueue(all);
  ASSERT_TRUE(added) << added.error().message;
  ASSERT_EQ(*added, 120U);

  // Rounds in which both claims are in flight at once (each daemon has its own connection), until
  // every entry is out.
  std::vector<OutboxEntry> on_a;
  std::vector<OutboxEntry> on_b;
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (on_a.size() + on_b.size() < all.size() && std::chrono::steady_clock::now() < deadline) {
    using Claimed = Result<std::vector<OutboxEntry>>;
    auto pa = std::make_shared<std::promise<Claimed>>();
    auto pb = std::make_shared<std::promise<Claimed>>();
    auto fa = pa->get_future();
    auto fb = pb->get_future();
    a.outbox->claim(7, [pa](Claimed r) { pa->set_value(std::move(r)); });
    b.outbox->claim(7, [pb](Claimed r) { pb->set_value(std::move(r)); });
    ASSERT_EQ(fa.wait_for(10s), std::future_status::ready);
    ASSERT_EQ(fb.wait_for(10s), std::future_status::ready);
    auto ra = fa.get();
    auto rb = fb.get();
    ASSERT_TRUE(ra) << ra.error().message;
    ASSERT_TRUE(rb) << rb.error().message;
    on_a.insert(on_a.end(), ra->begin(), ra->end());
    on_b.insert(on_b.end(), rb->begin(), rb->end());
  }

  std::set<std::string> seen;
  for (const auto* got : {&on_a, &on_b})
    for (const auto& e : *got) EXPECT_TRUE(seen.insert(e.id).second) << e.id << " handed out twice";
  EXPECT_EQ(seen.size(), all.size()) << "every entry handed out";
  ASSERT_FALSE(on_a.empty());
  ASSERT_FALSE(on_b.empty());
  EXPECT_TRUE(a.claimed(10).empty()) << "nothing is handed out again while held";
  EXPECT_TRUE(b.claimed(10).empty());

  // What comes out is what went in.
  const auto& e = on_a.front();
  const auto it = std::find_if(all.begin(), all.end(), [&](const OutboxEntry& x) { return x.id == e.id; });
  ASSERT_NE(it, all.end());
  EXPECT_EQ(e.receiver, it->receiver);
  EXPECT_EQ(e.alert_json, it->alert_json);
  EXPECT_EQ(e.route, 2U);
  EXPECT_EQ(e.enqueued_at, it->enqueued_at);
  EXPECT_EQ(e.kind, notify::ReceiverKind::DingTalk);
  EXPECT_EQ(e.alert_key, "fp-1");
  EXPECT_EQ(notify::entry_id(e.notification, e.receiver), e.id) << "the alert's id: " << e.notification;
  EXPECT_FALSE(e.stream_id.empty());
}

TEST(RedisOutbox, ADeadConsumersEntriesAreTakenOverAfterTheClaimTimeout) {
  RedisServer server;
  IoThreads io;
  auto a = std::make_unique<Daemon>(io, server, "a", 200ms);
  Daemon b(io, server, "b", 200ms);
  ASSERT_TRUE(eventually([&] { return a->up() && b.up(); }));
  const std::vector<OutboxEntry> all{entry("d1:firing", "desk"), entry("d2:firing", "desk"), entry("d3:firing", "ops")};
  ASSERT_TRUE(a->enqueue(all));
  const auto held = a->claimed(10);
  ASSERT_EQ(held.size(), 3U);
  a->die();  // mid-delivery: nothing settled

  const auto taken = claim_until(b, 3);
  EXPECT_EQ(ids(taken), ids(all)) << "each of the dead daemon's entries, once";
  EXPECT_EQ(b.outbox->stats().reclaimed, 3U);
  for (const auto& e : taken) EXPECT_EQ(holder(server, e.stream_id).first, "b");
  EXPECT_TRUE(b.claimed(10).empty()) << "b holds them now: not handed out to b again";
  // Still held by b past the timeout (b neither settled nor kept them): b's own take-over scan
  // finds them, and skips what it holds.
  ASSERT_TRUE(eventually([&] { return holder(server, taken[0].stream_id).second > 200; }));
  EXPECT_TRUE(b.claimed(10).empty()) << "an entry is handed out once per process";
  ASSERT_TRUE(b.settle(taken[0], DeliveryState::Sent, 1'770'603'661'000));
  EXPECT_EQ(pending_count(server), 2);
}

TEST(RedisOutbox, ARestartedConsumerGetsItsOwnEntriesFirst) {
  RedisServer server;
  IoThreads io;
  const std::vector<OutboxEntry> before{entry("r1:firing", "desk"), entry("r2:firing", "desk"),
                                        entry("r3:firing", "desk")};
  {
    Daemon a(io, server, "a");
    ASSERT_TRUE(eventually([&] { return a.up(); }));
    ASSERT_TRUE(a.enqueue(before));
    ASSERT_EQ(a.claimed(10).size(), 3U);
  }  // stopped without settling; its claim timeout (60 s) is far off
  Daemon other(io, server, "b");
  ASSERT_TRUE(eventually([&] { return other.up(); }));
  ASSERT_TRUE(other.enqueue({entry("r4:firing", "desk"), entry("r5:firing", "desk")}));

  Daemon again(io, server, "a");  // the same instance name
  ASSERT_TRUE(eventually([&] { return again.up(); }));
  const auto got = again.claimed(4);
  ASSERT_EQ(got.size(), 4U);
  EXPECT_EQ(got[0].id, before[0].id) << "its own unsettled entries first, in order";
  EXPECT_EQ(got[1].id, before[1].id);
  EXPECT_EQ(got[2].id, before[2].id);
  EXPECT_EQ(got[3].id, entry("r4:firing", "desk").id) << "then new ones";
  EXPECT_EQ(again.outbox->stats().reclaimed, 0U) << "its own, not taken over";
  EXPECT_EQ(again.claimed(10).size(), 1U);
  EXPECT_TRUE(other.claimed(10).empty()) << "nothing of a's reaches b before a's claim timeout";
}

TEST(RedisOutbox, KeepStopsATakeoverAndSaysWhenOneHappened) {
  RedisServer server;
  IoThreads io;
  constexpr auto kTimeout = 1500ms;
  Daemon a(io, server, "a", kTimeout);
  Daemon b(io, server, "b", kTimeout);
  ASSERT_TRUE(eventually([&] { return a.up() && b.up(); }));
  ASSERT_TRUE(a.enqueue({entry("k1:firing", "desk")}));
  const auto held = a.claimed(1);
  ASSERT_EQ(held.size(), 1U);
  const auto& id = held[0].stream_id;

  // Held past the timeout, then kept: idle again, so b finds nothing to take over.
  ASSERT_TRUE(eventually([&] { return holder(server, id).second > kTimeout.count(); }));
  auto kept = a.keep(held);
  ASSERT_TRUE(kept) << kept.error().message;
  EXPECT_TRUE(*kept);
  EXPECT_LT(holder(server, id).second, kTimeout.count());
  EXPECT_TRUE(b.claimed(10).empty()) << "a kept it";
  EXPECT_EQ(holder(server, id).first, "a");

  // Not kept: once idle past the timeout, b takes it over, and a's next keep says so.
  const auto taken = claim_until(b, 1);
  ASSERT_EQ(taken.size(), 1U);
  EXPECT_EQ(taken[0].id, held[0].id);
  kept = a.keep(held);
  ASSERT_TRUE(kept);
  EXPECT_FALSE(*kept);
  EXPECT_EQ(holder(server, id).first, "b") << "keep never takes an entry back";
}

TEST(RedisOutbox, SettleAcknowledgesAndTheLedgerShowsTheFinalRecords) {
  RedisServer server;
  IoThreads io;
  Daemon a(io, server, "a");
  ASSERT_TRUE(eventually([&] { return a.up(); }));
  auto desk = entry("s1:firing", "desk", 1'770'603'660'000);
  auto ops = entry("s1:firing", "ops", 1'770'603'660'000);
  ops.kind = notify::ReceiverKind::Webhook;
  ASSERT_TRUE(a.enqueue({desk, ops}));
  auto stats = a.refresh();
  ASSERT_TRUE(stats) << stats.error().message;
  EXPECT_EQ(stats->depth, 2U);
  EXPECT_EQ(stats->oldest_pending.ms, 1'770'603'660'000);
  EXPECT_TRUE(stats->durable);

  const auto held = a.claimed(2);
  ASSERT_EQ(held.size(), 2U);
  auto filed = a.settle(held[0], DeliveryState::Pending, 1'770'603'661'000, "HTTP 503, retrying");
  ASSERT_TRUE(filed) << filed.error().message;
  EXPECT_TRUE(*filed);
  EXPECT_EQ(pending_count(server), 2) << "a retry keeps the entry";
  ASSERT_TRUE(a.settle(held[0], DeliveryState::Sent, 1'770'603'662'000, "errcode 0"));
  ASSERT_TRUE(a.settle(held[1], DeliveryState::Failed, 1'770'603'663'000, "HTTP 401"));
  EXPECT_EQ(pending_count(server), 0);
  EXPECT_EQ(stream_length(server), 0) << "settled entries are deleted";
  stats = a.refresh();
  ASSERT_TRUE(stats);
  EXPECT_EQ(stats->depth, 0U);
  EXPECT_EQ(stats->oldest_pending.ms, 0);

  // A late retry note from a daemon that stalled does not undo the delivery.
  filed = a.settle(held[0], DeliveryState::Pending, 1'770'603'664'000, "late");
  ASSERT_TRUE(filed);
  EXPECT_FALSE(*filed);

  const auto records = a.deliveries("fp-1");
  ASSERT_TRUE(records) << records.error().message;
  ASSERT_EQ(records->size(), 2U);
  const auto& sent = (*records)[0];
  EXPECT_EQ(sent.receiver, "desk");
  EXPECT_EQ(sent.state, DeliveryState::Sent);
  EXPECT_EQ(sent.detail, "errcode 0");
  EXPECT_EQ(sent.id, desk.id);
  EXPECT_EQ(sent.notification, "s1:firing");
  EXPECT_EQ(sent.enqueued_at.ms, 1'770'603'660'000);
  EXPECT_EQ(sent.updated_at.ms, 1'770'603'662'000);
  EXPECT_EQ(sent.instance, "a");
  EXPECT_EQ((*records)[1].receiver, "ops");
  EXPECT_EQ((*records)[1].state, DeliveryState::Failed);
  EXPECT_EQ((*records)[1].kind, notify::ReceiverKind::Webhook);
  EXPECT_TRUE(a.deliveries("no-such-alert")->empty());
  EXPECT_TRUE(a.claimed(10).empty());
}

TEST(RedisOutbox, EntriesDeletedWhilePendingAreAcknowledgedAndSkipped) {
  RedisServer server;
  IoThreads io;
  std::string gone;
  {
    Daemon a(io, server, "a");
    ASSERT_TRUE(eventually([&] { return a.up(); }));
    ASSERT_TRUE(a.enqueue({entry("x1:firing", "desk"), entry("x2:firing", "desk")}));
    const auto held = a.claimed(2);
    ASSERT_EQ(held.size(), 2U);
    gone = held[0].stream_id;
  }
  ASSERT_EQ(server.command({"XDEL", kStream, gone}).integer, 1);  // trimmed, or deleted by hand
  Daemon again(io, server, "a");
  ASSERT_TRUE(eventually([&] { return again.up(); }));
  const auto got = again.claimed(10);
  ASSERT_EQ(got.size(), 1U);
  EXPECT_EQ(got[0].id, entry("x2:firing", "desk").id);
  EXPECT_TRUE(eventually([&] { return pending_count(server) == 1; })) << "the deleted one is acknowledged";
}

TEST(RedisOutbox, RedisAwayMakesEveryCallUnavailableUntilItIsBack) {
  RedisServer server(RedisServerOptions{.appendonly = true, .appendfsync = "always", .extra = {}});
  IoThreads io;
  Daemon a(io, server, "a");
  ASSERT_TRUE(eventually([&] { return a.up(); }));
  const std::vector<OutboxEntry> all{entry("u1:firing", "desk"), entry("u2:firing", "desk")};
  ASSERT_TRUE(a.enqueue(all));
  const auto held = a.claimed(1);
  ASSERT_EQ(held.size(), 1U);

  server.kill();
  ASSERT_TRUE(eventually([&] { return !a.up(); }));
  auto expect_unavailable = [](const auto& r, const char* what) {
    ASSERT_FALSE(r) << what;
    EXPECT_EQ(r.error().code, ErrorCode::unavailable) << what << ": " << r.error().message;
  };
  expect_unavailable(a.enqueue({entry("u3:firing", "desk")}), "enqueue");
  expect_unavailable(a.claim(10), "claim");
  expect_unavailable(a.keep(held), "keep");
  expect_unavailable(a.settle(held[0], DeliveryState::Sent, 1'770'603'661'000), "settle");
  expect_unavailable(a.deliveries("fp-1"), "deliveries");
  expect_unavailable(a.refresh(), "refresh_stats");

  server.start();  // the append-only file brings the stream, the group and the ledger back
  ASSERT_TRUE(eventually([&] { return a.up(); }));
  const auto rest = claim_until(a, 1);
  ASSERT_EQ(rest.size(), 1U);
  EXPECT_EQ(rest[0].id, all[1].id) << "the one it did not hold; the held one is not handed out twice";
  auto filed = a.settle(held[0], DeliveryState::Sent, 1'770'603'662'000);
  ASSERT_TRUE(filed) << filed.error().message;
  EXPECT_TRUE(*filed);
  auto added = a.enqueue(all);
  ASSERT_TRUE(added);
  EXPECT_EQ(*added, 0U) << "the dedup survived the restart";
  EXPECT_EQ(pending_count(server), 1);
}

}  // namespace
}  // namespace lodestone::testing
