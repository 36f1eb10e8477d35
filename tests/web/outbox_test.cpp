// web::Outbox without sockets: a ManualClock, a Board and plain calls. Each behaviour the socket
// tests (server_test, reliability ws_*) see from outside — subscriptions, coalescing, the resume
// hold, the rate limit, the bounded queue — checked directly.
#include "outbox.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "lodestone/core/instrument.hpp"

namespace lodestone::web {
namespace {

using namespace std::chrono_literals;
using Step = Outbox::QuoteStep;

Symbol sym(std::string_view s) { return *Symbol::parse(s); }

Outbox::Message msg(std::string text) {
  return SharedFrame::around(std::make_shared<const std::string>(std::move(text)));
}
Outbox::Message alert(std::uint64_t seq) {
  return msg(R"({"type":"alert","id":"a)" + std::to_string(seq) + R"(","seq":)" + std::to_string(seq) + "}");
}
std::string text(const Outbox::Message& m) { return std::string(m.payload()); }
Outbox::Message news(int n) { return msg(R"({"type":"news","seq":)" + std::to_string(n) + "}"); }

// A store holding alerts first..last (older ones are gone: a resume from before them is a gap).
struct FakeStore {
  std::uint64_t first = 1, last = 0;
  std::vector<std::pair<std::uint64_t, std::size_t>> asked;  // (after, limit) per page
  Outbox::FetchAlerts fetch() {
    return [this](std::uint64_t after, std::size_t limit) {
      asked.emplace_back(after, limit);
      Outbox::ReplayPage page;
      page.gap = after + 1 < first;
      page.newest = last;
      for (auto seq = std::max(after + 1, first); seq <= last && page.alerts.size() < limit; ++seq) {
        page.alerts.push_back(alert(seq));
        page.last_seq = seq;
      }
      return page;
    };
  }
};

class OutboxTest : public ::testing::Test {
 protected:
  OutboxTest() : board(registry) {
    registry.add(instrument_from_code(sym("159713.SZ"), "稀土ETF"));
    registry.add(instrument_from_code(sym("600111.SH"), "北方稀土"));
    registry.add(instrument_from_code(sym("000831.SZ"), "中国稀土"));
    options.max_queue = 16;
  }

  Outbox& box() {
    if (!outbox) outbox = std::make_unique<Outbox>(clock, options);
    return *outbox;
  }

  void quote(std::string_view symbol, std::int64_t units) {
    Quote q;
    q.symbol = sym(symbol);
    q.ts = Timestamp{1'770'000'000'000 + static_cast<std::int64_t>(++quotes) * 1000};
    q.last = Price::from_units(units);
    ASSERT_TRUE(board.update(q));
  }

  Outbox::Decision receive(std::string_view text, bool is_text = true) {
    return box().receive(is_text, text, board, store.fetch());
  }

  // A resume from `after`, and everything it queued.
  std::vector<std::string> resume(std::uint64_t after) {
    EXPECT_FALSE(receive(R"({"type":"resume","after":)" + std::to_string(after) + "}"));
    return drain();
  }

  // Writes everything queued, as the session would, and returns it in order.
  std::vector<std::string> drain() {
    std::vector<std::string> out;
    while (box().claim_write()) {
      const auto batch = box().take(1024, 256 * 1024, 10);
      for (const auto& m : batch) out.emplace_back(m.payload());
      EXPECT_EQ(box().written(), batch.size());
    }
    return out;
  }

  ManualClock clock{Timestamp{1'770'000'000'000}};
  ServerOptions options;
  InstrumentRegistry registry;
  Board board;
  FakeStore store;
  std::unique_ptr<Outbox> outbox;
  int quotes = 0;
};

bool contains(const std::string& haystack, std::string_view needle) {
  return haystack.find(needle) != std::string::npos;
}

TEST_F(OutboxTest, SubscribeQueuesASnapshotOfTheSubscribedSymbolsOnly) {
  quote("159713.SZ", 12340);
  quote("600111.SH", 250000);
  EXPECT_FALSE(box().wants_quotes());
  ASSERT_FALSE(receive(R"({"type":"subscribe","symbols":["159713"]})"));
  EXPECT_TRUE(box().wants_quotes());
  EXPECT_TRUE(box().wants(sym("159713.SZ")));
  EXPECT_FALSE(box().wants(sym("600111.SH")));
  const auto sent = drain();
  ASSERT_EQ(sent.size(), 1U);
  EXPECT_TRUE(sent[0].starts_with(R"({"type":"snapshot","quotes":[{"type":"quote","symbol":"159713.SZ")")) << sent[0];
  EXPECT_FALSE(contains(sent[0], "600111.SH"));

  // A new subscription replaces the old one; "*" is everything.
  ASSERT_FALSE(receive(R"({"type":"subscribe","symbols":["*"]})"));
  const auto all = drain();
  ASSERT_EQ(all.size(), 1U);
  EXPECT_TRUE(contains(all[0], "159713.SZ") && contains(all[0], "600111.SH"));
  ASSERT_FALSE(receive(R"({"type":"subscribe","symbols":[]})"));
  EXPECT_FALSE(box().wants_quotes());
}

TEST_F(OutboxTest, QuotesAreFilteredBySubscriptionAndStartAfterTheSnapshot) {
  quote("159713.SZ", 12340);
  ASSERT_FALSE(receive(R"({"type":"subscribe","symbols":["159713.SZ","000831.SZ"]})"));
  (void)drain();  // the snapshot: it already has 159713's quote
  box().quotes_changed();
  EXPECT_EQ(box().take_quotes(board), Step::taken);
  EXPECT_TRUE(drain().empty()) << "nothing changed after the snapshot";

  clock.advance(250ms);
  quote("600111.SH", 250000);  // not subscribed
  quote("000831.SZ", 300000);
  box().quotes_changed();
  ASSERT_EQ(box().take_quotes(board), Step::taken);
  const auto sent = drain();
  ASSERT_EQ(sent.size(), 1U);
  EXPECT_TRUE(contains(sent[0], R"("symbol":"000831.SZ")")) << sent[0];
}

TEST_F(OutboxTest, QuotesAreCoalescedPerIntervalAndTheLatestWins) {
  ASSERT_FALSE(receive(R"({"type":"subscribe","symbols":["*"]})"));
  (void)drain();
  EXPECT_EQ(box().take_quotes(board), Step::idle) << "no change announced";
  quote("159713.SZ", 12340);
  box().quotes_changed();
  ASSERT_EQ(box().take_quotes(board), Step::taken);  // the first take is due at once
  ASSERT_EQ(drain().size(), 1U);

  // Within the interval the outbox waits, however many quotes come; then the latest of each.
  for (std::int64_t units = 12350; units <= 12400; units += 10) {
    quote("159713.SZ", units);
    box().quotes_changed();
    EXPECT_EQ(box().take_quotes(board), Step::wait);
  }
  quote("600111.SH", 250000);
  box().quotes_changed();
  EXPECT_EQ(box().quote_due(), clock.steady() + 250ms);
  clock.advance(249ms);
  EXPECT_EQ(box().take_quotes(board), Step::wait);
  clock.advance(1ms);
  ASSERT_EQ(box().take_quotes(board), Step::taken);
  const auto sent = drain();
  ASSERT_EQ(sent.size(), 2U);
  EXPECT_TRUE(contains(sent[0], R"("symbol":"159713.SZ")") && contains(sent[0], R"("last":1.240)")) << sent[0];
  EXPECT_TRUE(contains(sent[1], R"("symbol":"600111.SH")")) << sent[1];
  EXPECT_EQ(box().take_quotes(board), Step::idle) << "taken: nothing is dirty";
}

TEST_F(OutboxTest, QuotesWaitForQueuedMessagesAndTheWriteUnderWay) {
  ASSERT_FALSE(receive(R"({"type":"subscribe","symbols":["*"]})"));  // the snapshot is queued
  quote("159713.SZ", 12340);
  box().quotes_changed();
  EXPECT_EQ(box().take_quotes(board), Step::idle) << "the queue holds the snapshot";
  ASSERT_TRUE(box().claim_write());
  ASSERT_EQ(box().take(1024, 1 << 20, 10).size(), 1U);
  EXPECT_EQ(box().take_quotes(board), Step::idle) << "a write is under way";
  EXPECT_EQ(box().written(), 1U);
  ASSERT_EQ(box().take_quotes(board), Step::taken);
  EXPECT_EQ(drain().size(), 1U);
}

// The day's limits ride in the quote the board rendered once: every client is handed that same
// message, in its snapshot and in its quotes, and no client renders or computes anything.
TEST_F(OutboxTest, QuotesWithTheirDaysLimitsAreSharedNotRenderedPerClient) {
  Quote q;
  q.symbol = sym("600111.SH");
  q.ts = Timestamp{1'770'000'000'000};  // 2026-02-02 10:40 in Shanghai
  q.last = Price::from_units(525'000);
  q.prev_close = Price::from_units(500'000);
  ASSERT_TRUE(board.update(q));
  ASSERT_FALSE(receive(R"({"type":"subscribe","symbols":["*"]})"));
  const auto snapshot = drain();
  ASSERT_EQ(snapshot.size(), 1U);
  EXPECT_TRUE(contains(snapshot[0], R"("trading_day":"2026-02-02","limit_up":55.00,"limit_down":45.00})"))
      << snapshot[0];

  Outbox other(clock, options);
  ASSERT_FALSE(other.receive(true, R"({"type":"subscribe","symbols":["600111.SH"]})", board, store.fetch()));
  ASSERT_TRUE(other.claim_write());
  (void)other.take(1024, 1 << 20, 10);
  (void)other.written();
  clock.advance(250ms);
  q.ts.ms += 1000;
  q.last = Price::from_units(550'000);
  ASSERT_TRUE(board.update(q));
  const auto rendered = board.latest(q.symbol)->json;
  for (Outbox* client : {&box(), &other}) {
    client->quotes_changed();
    ASSERT_EQ(client->take_quotes(board), Step::taken);
    ASSERT_TRUE(client->claim_write());
    const auto batch = client->take(1024, 1 << 20, 10);
    ASSERT_EQ(batch.size(), 1U);
    EXPECT_EQ(batch[0].payload().data(), rendered->data()) << "the board's own message, not a copy";
    (void)client->written();
  }
  EXPECT_TRUE(contains(*rendered, R"("last":55.00,"prev_close":50.00,"trading_day":"2026-02-02",)"
                                  R"("limit_up":55.00,"limit_down":45.00})"))
      << *rendered;
}

TEST_F(OutboxTest, LiveAlertsWaitForTheResumeThenGoInSeqOrderNoneTwice) {
  store.last = 3;
  ASSERT_FALSE(box().offer(alert(3)));
  ASSERT_FALSE(box().offer(news(7)));  // headlines are not held
  ASSERT_FALSE(box().offer(alert(4)));
  EXPECT_TRUE(box().holding());
  EXPECT_EQ(box().depth(), 3U);
  EXPECT_EQ(drain(), std::vector<std::string>{text(news(7))});

  const auto replayed = resume(1);
  EXPECT_FALSE(box().holding());
  EXPECT_EQ(replayed, (std::vector<std::string>{text(alert(2)), text(alert(3)), text(alert(4))}));
  // Live from now on, but never one the client already has.
  ASSERT_FALSE(box().offer(alert(4)));
  ASSERT_FALSE(box().offer(alert(5)));
  EXPECT_EQ(drain(), std::vector<std::string>{text(alert(5))});
}

TEST_F(OutboxTest, WithoutAResumeTheHoldEndsAfterTheGrace) {
  ASSERT_FALSE(box().offer(alert(9)));
  ASSERT_FALSE(box().offer(alert(10)));
  EXPECT_EQ(box().hold_deadline(), clock.steady() + 1000ms);
  clock.advance(999ms);
  ASSERT_FALSE(box().tick());
  EXPECT_TRUE(box().holding());
  EXPECT_TRUE(drain().empty());
  clock.advance(1ms);
  ASSERT_FALSE(box().tick());
  EXPECT_FALSE(box().holding());
  EXPECT_EQ(drain(), (std::vector<std::string>{text(alert(9)), text(alert(10))}));
  // A late resume replays what the client lacks and still sends nothing twice.
  store.last = 11;
  EXPECT_EQ(resume(8), (std::vector<std::string>{text(alert(9)), text(alert(10)), text(alert(11))}));
  ASSERT_FALSE(box().offer(alert(11)));
  EXPECT_TRUE(drain().empty());
}

// The client comes from a daemon whose stream reader was ahead of this one's (a failover behind a
// balancer): what this store brings in up to the client's position, the client has already.
TEST_F(OutboxTest, AResumeAheadOfThisStoreHoldsLiveAlertsUntilTheStoreGetsThereAndSendsNoneTwice) {
  store.last = 5;
  EXPECT_TRUE(resume(8).empty());
  EXPECT_TRUE(box().holding()) << "nothing to replay yet: the store is behind the client";
  ASSERT_FALSE(box().offer(alert(6)));
  ASSERT_FALSE(box().offer(alert(7)));
  EXPECT_TRUE(box().holding());
  ASSERT_FALSE(box().offer(alert(8)));
  EXPECT_FALSE(box().holding()) << "8 shows the store has reached the client's position";
  EXPECT_TRUE(drain().empty()) << "6-8: the client has them";
  ASSERT_FALSE(box().offer(alert(9)));
  EXPECT_EQ(drain(), std::vector<std::string>{text(alert(9))});
  ASSERT_FALSE(box().offer(alert(10)));
  EXPECT_EQ(drain(), std::vector<std::string>{text(alert(10))});
}

TEST_F(OutboxTest, AResumeAheadOfAStoreThatNeverGetsThereGetsLiveAlertsWhenTheHoldEnds) {
  store.last = 20;  // Redis lost its data: the numbering restarted below the client's position
  EXPECT_TRUE(resume(1'000'000).empty());
  ASSERT_FALSE(box().offer(alert(21)));
  ASSERT_FALSE(box().offer(alert(22)));
  EXPECT_TRUE(drain().empty());
  clock.advance(999ms);
  ASSERT_FALSE(box().tick());
  EXPECT_TRUE(drain().empty());
  clock.advance(1ms);
  ASSERT_FALSE(box().tick());
  EXPECT_EQ(drain(), (std::vector<std::string>{text(alert(21)), text(alert(22))}));
  ASSERT_FALSE(box().offer(alert(23)));
  EXPECT_EQ(drain(), std::vector<std::string>{text(alert(23))});
}

TEST_F(OutboxTest, AResumeAtTheStoresNewestReleasesTheHoldAtOnce) {
  store.last = 8;
  EXPECT_TRUE(resume(8).empty());
  EXPECT_FALSE(box().holding());
  ASSERT_FALSE(box().offer(alert(9)));
  EXPECT_EQ(drain(), std::vector<std::string>{text(alert(9))});
}

TEST_F(OutboxTest, TheHoldNeverKeepsMoreThanAQueue) {
  for (std::uint64_t seq = 1; seq < options.max_queue; ++seq) ASSERT_FALSE(box().offer(alert(seq)));
  EXPECT_TRUE(box().holding());
  ASSERT_FALSE(box().offer(alert(options.max_queue)));
  EXPECT_FALSE(box().holding());
  EXPECT_EQ(drain().size(), options.max_queue);
}

TEST_F(OutboxTest, AResumeFromBeforeTheStoreGetsAResyncFirst) {
  store.first = 5;
  store.last = 6;
  const auto sent = resume(2);
  ASSERT_EQ(sent.size(), 3U);
  EXPECT_TRUE(sent[0].starts_with(R"({"type":"resync","reason":"alerts after 2 are no longer retained","after":2})"))
      << sent[0];
  EXPECT_EQ(sent[1], text(alert(5)));
  EXPECT_EQ(sent[2], text(alert(6)));
}

TEST_F(OutboxTest, AResumeLargerThanTheQueueReplaysWhatFitsThenAResync) {
  options.max_queue = 40;  // a quarter (10) stays free for live messages
  store.last = 1000;
  ASSERT_FALSE(box().push(msg("hello")));
  const auto sent = resume(0);
  ASSERT_EQ(sent.size(), 1U + 29U + 1U);
  EXPECT_EQ(sent[1], text(alert(1)));
  EXPECT_EQ(sent[29], text(alert(29)));
  EXPECT_EQ(
      sent[30],
      R"({"type":"resync","reason":"too many alerts to replay here: fetch GET /api/v1/alerts?after=29","after":29})");
  ASSERT_GE(store.asked.size(), 1U);
  EXPECT_EQ(store.asked.front(), std::make_pair(std::uint64_t{0}, std::size_t{29}));
  // Live alerts the replay did not reach still come, in order, after the resync.
  ASSERT_FALSE(box().offer(alert(1001)));
  EXPECT_EQ(drain(), std::vector<std::string>{text(alert(1001))});
}

TEST_F(OutboxTest, AResumeReplaysPageByPage) {
  options.max_queue = 4096;
  store.last = 1200;
  const auto sent = resume(0);
  ASSERT_EQ(sent.size(), 1200U);
  EXPECT_EQ(sent.back(), text(alert(1200)));
  ASSERT_EQ(store.asked.size(), 3U);  // 500 + 500 + 200
  EXPECT_EQ(store.asked[1].first, 500U);
  EXPECT_EQ(store.asked[2].first, 1000U);
}

TEST_F(OutboxTest, TheTokenBucketAllowsABurstThenRefillsWithClockTime) {
  for (int i = 0; i < 50; ++i) ASSERT_TRUE(box().admit_client_message()) << i;
  EXPECT_FALSE(box().admit_client_message());
  clock.advance(99ms);  // 0.99 of a token
  EXPECT_FALSE(box().admit_client_message());
  clock.advance(1ms);
  EXPECT_TRUE(box().admit_client_message());
  EXPECT_FALSE(box().admit_client_message());
  clock.advance(1h);  // refills up to the burst, no further
  for (int i = 0; i < 50; ++i) ASSERT_TRUE(box().admit_client_message()) << i;
  EXPECT_FALSE(box().admit_client_message());
}

TEST_F(OutboxTest, ClientMessagesPastTheRateCloseWith1008) {
  options.max_queue = 100;
  for (int i = 0; i < 50; ++i) ASSERT_FALSE(receive(R"({"type":"ping"})")) << i;
  EXPECT_EQ(drain().size(), 50U);  // 50 pongs
  const auto d = receive(R"({"type":"ping"})");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->code, 1008);
  EXPECT_EQ(d->why, ClientClose::RateLimited);
  // At the rate (10 a second) a client is never closed.
  for (int i = 0; i < 100; ++i) {
    clock.advance(100ms);
    ASSERT_FALSE(receive(R"({"type":"ping"})")) << i;
    ASSERT_EQ(drain().size(), 1U);
  }
}

TEST_F(OutboxTest, WhatIsNotTheProtocolClosesWith4002) {
  for (auto [text, is_text] :
       {std::pair{std::string_view("{not json"), true}, {R"({"type":"ping"})", false}, {R"({"type":"sell"})", true}}) {
    const auto d = receive(text, is_text);
    ASSERT_TRUE(d) << text;
    EXPECT_EQ(d->code, 4002);
    EXPECT_EQ(d->why, ClientClose::BadMessage);
  }
  ASSERT_FALSE(receive(R"({"type":"ping"})"));
  EXPECT_EQ(drain(), std::vector<std::string>{R"({"type":"pong"})"});
}

TEST_F(OutboxTest, AFullQueueClosesTheSlowConsumerWith4001AndDropsEverything) {
  for (std::size_t i = 0; i < options.max_queue; ++i) ASSERT_FALSE(box().offer(news(static_cast<int>(i))));
  EXPECT_EQ(box().depth(), options.max_queue);
  const auto d = box().offer(news(99));
  ASSERT_TRUE(d);
  EXPECT_EQ(d->code, 4001);
  EXPECT_EQ(d->why, ClientClose::SlowConsumer);
  EXPECT_TRUE(box().closed());
  EXPECT_EQ(box().depth(), 0U);
  EXPECT_FALSE(box().offer(news(100))) << "closed: ignored, not a second verdict";
  EXPECT_FALSE(box().claim_write());
}

TEST_F(OutboxTest, MessagesBeingWrittenDoNotCountAgainstTheQueue) {
  for (std::size_t i = 0; i < options.max_queue; ++i) ASSERT_FALSE(box().offer(news(static_cast<int>(i))));
  ASSERT_TRUE(box().claim_write());
  ASSERT_EQ(box().take(4, 1 << 20, 10).size(), 4U);
  EXPECT_EQ(box().depth(), options.max_queue);  // queued and in flight
  for (int i = 0; i < 4; ++i) ASSERT_FALSE(box().offer(news(100 + i)));
  EXPECT_TRUE(box().offer(news(200)));
}

TEST_F(OutboxTest, AWriteTakesWhatFitsItsBoundsAndAtLeastOne) {
  options.max_queue = 100;
  EXPECT_FALSE(box().claim_write()) << "nothing queued";
  ASSERT_FALSE(box().push(msg(std::string(300, 'x'))));
  ASSERT_FALSE(box().push(msg(std::string(40, 'y'))));
  ASSERT_FALSE(box().push(msg(std::string(40, 'z'))));
  ASSERT_FALSE(box().push(msg(std::string(10, 'w'))));
  ASSERT_TRUE(box().claim_write());
  EXPECT_FALSE(box().claim_write()) << "one write at a time";
  EXPECT_EQ(box().take(1024, 100, 10).size(), 1U) << "larger than the bound alone: still sent";
  EXPECT_EQ(box().written(), 1U);
  ASSERT_TRUE(box().claim_write());
  EXPECT_EQ(box().take(1024, 100, 10).size(), 2U) << "40+10 + 40+10 fits 100, the next does not";
  EXPECT_EQ(box().written(), 2U);
  ASSERT_TRUE(box().claim_write());
  EXPECT_EQ(box().take(1024, 100, 10).size(), 1U);
  EXPECT_EQ(box().written(), 1U);
  EXPECT_FALSE(box().claim_write());
  EXPECT_TRUE(box().take(1024, 100, 10).empty());

  for (int i = 0; i < 10; ++i) ASSERT_FALSE(box().push(news(i)));
  ASSERT_TRUE(box().claim_write());
  EXPECT_EQ(box().take(3, 1 << 20, 10).size(), 3U) << "the message bound";
}

TEST_F(OutboxTest, AHeartbeatIsDueOnlyAfterQuiet) {
  ASSERT_FALSE(box().push(msg("hello")));
  EXPECT_FALSE(box().quiet_for(15s)) << "something is queued";
  (void)drain();
  EXPECT_FALSE(box().quiet_for(15s));
  clock.advance(14s);
  EXPECT_FALSE(box().quiet_for(15s));
  clock.advance(1s);
  EXPECT_TRUE(box().quiet_for(15s));
}

TEST_F(OutboxTest, ClosingDropsTheQueueAndTheHold) {
  ASSERT_FALSE(box().offer(alert(1)));
  ASSERT_FALSE(box().offer(news(1)));
  box().close();
  EXPECT_EQ(box().depth(), 0U);
  EXPECT_FALSE(box().holding());
  EXPECT_FALSE(box().offer(news(2)));
  EXPECT_FALSE(box().push(news(3)));
  EXPECT_EQ(box().depth(), 0U);
  clock.advance(2s);
  EXPECT_FALSE(box().tick());
  quote("159713.SZ", 12340);
  box().quotes_changed();
  EXPECT_EQ(box().take_quotes(board), Step::idle);
}

// Issue #18: a message that comes alone to an idle client is written at once; a burst waits for
// the rest of the loop's turn and leaves in one write.
TEST_F(OutboxTest, ALoneMessageToAnIdleClientIsWrittenAtOnce) {
  (void)box();  // opened now
  ASSERT_FALSE(box().offer(news(0)));
  ASSERT_TRUE(box().claim_write());
  EXPECT_FALSE(box().lone()) << "just opened: as if just written";
  ASSERT_EQ(box().take(1024, 1 << 20, 10).size(), 1U);
  EXPECT_EQ(box().written(), 1U);
  clock.advance(5ms);
  ASSERT_FALSE(box().offer(news(1)));
  ASSERT_TRUE(box().claim_write());
  EXPECT_TRUE(box().lone());
  ASSERT_EQ(box().take(1024, 1 << 20, 10).size(), 1U);
  EXPECT_EQ(box().written(), 1U);
  // The next one, a gap later, is lone again.
  clock.advance(std::chrono::duration_cast<std::chrono::milliseconds>(Outbox::kLoneGap));
  ASSERT_FALSE(box().offer(news(2)));
  ASSERT_TRUE(box().claim_write());
  EXPECT_TRUE(box().lone());
}

TEST_F(OutboxTest, MessagesInABurstWaitToBeGathered) {
  (void)box();
  clock.advance(5ms);
  ASSERT_FALSE(box().offer(news(1)));
  ASSERT_FALSE(box().offer(news(2)));
  ASSERT_TRUE(box().claim_write());
  EXPECT_FALSE(box().lone()) << "two queued: the rest of the burst may still come";
  ASSERT_EQ(box().take(1024, 1 << 20, 10).size(), 2U);
  EXPECT_EQ(box().written(), 2U);
  // The client's last write carried a burst: the next message waits too, however late it comes,
  // so a client that is sent bursts keeps one write per burst.
  clock.advance(1s);
  ASSERT_FALSE(box().offer(news(3)));
  ASSERT_TRUE(box().claim_write());
  EXPECT_FALSE(box().lone());
  ASSERT_EQ(box().take(1024, 1 << 20, 10).size(), 1U);
  EXPECT_EQ(box().written(), 1U);
  // Soon after a write, a message waits (another may follow in the same turn).
  ASSERT_FALSE(box().offer(news(4)));
  ASSERT_TRUE(box().claim_write());
  EXPECT_FALSE(box().lone());
}

// Sending at once (WebSocketSession::send_now) is for a client with nothing queued, held or being
// written, and never for a stored alert: the resume hold and a replay decide about those.
TEST_F(OutboxTest, OnlyAnIdleClientIsSentAtOnceAndNeverAStoredAlert) {
  (void)box();
  EXPECT_TRUE(box().idle());
  EXPECT_TRUE(Outbox::sendable_now(news(1)));
  EXPECT_FALSE(Outbox::sendable_now(alert(7)));
  box().sent_now(2, clock.steady());
  EXPECT_TRUE(box().idle());
  EXPECT_EQ(box().depth(), 0U);
  ASSERT_FALSE(box().offer(news(2)));
  EXPECT_FALSE(box().idle()) << "something is queued: it goes first";
  EXPECT_EQ(drain(), std::vector<std::string>{text(news(2))});
  EXPECT_TRUE(box().idle());
  box().close();
  EXPECT_FALSE(box().idle());
}

// Part of a burst went at once; the rest is the write under way: it counts as queued, holds
// back the queue and quotes, and written() counts the whole burst.
TEST_F(OutboxTest, TheRestOfABurstSentAtOnceIsTheWriteUnderWay) {
  (void)box();
  box().sending_rest(3);
  EXPECT_FALSE(box().idle());
  EXPECT_EQ(box().depth(), 3U);
  ASSERT_FALSE(box().offer(news(1)));
  EXPECT_FALSE(box().claim_write()) << "one write at a time";
  EXPECT_EQ(box().written(), 3U);
  EXPECT_EQ(box().depth(), 1U);
  EXPECT_EQ(drain(), std::vector<std::string>{text(news(1))});
  EXPECT_TRUE(box().idle());
}

}  // namespace
}  // namespace lodestone::web
