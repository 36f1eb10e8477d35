#pragma once
// The alert ledger: fault tests inject a feed whose alerts are exactly predictable, compute the
// notification ids it must produce with the rule engine's own identity function, and check that
// every one of them reached the Redis stream and every client exactly once (no loss, no
// duplicate), not merely that "something arrived".
//
// The feed: quotes for a few symbols, each with one price level (the rules file rules_yaml()
// gives). Every quote of a burst crosses its symbol's level, alternately up (a firing, named
// "<fingerprint(rule, symbol, quote ts)>:firing") and down (that alert's ":resolved"), so n
// quotes are exactly n notifications. Event times increase by 1 s per quote and the rules run
// in any session, so nothing depends on the wall clock.
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "lodestone/testing/redis_server.hpp"

namespace lodestone::testing {

struct LedgerVerdict {
  std::size_t expected = 0;
  std::size_t received = 0;
  std::vector<std::string> missing;     // expected, never received
  std::vector<std::string> duplicated;  // received more than once (listed once per extra copy)
  std::vector<std::string> unexpected;  // received, never expected
  [[nodiscard]] bool ok() const { return missing.empty() && duplicated.empty() && unexpected.empty(); }
  // "expected 1000, received 999: 1 missing (abc:firing), 0 duplicated, 0 unexpected"
  [[nodiscard]] std::string summary() const;
};

class AlertLedger {
 public:
  AlertLedger();

  // The rules file this feed is written for (level rules "ledger-<code>", session any).
  static std::string rules_yaml();
  // A one-quote tape that fires nothing: keeps the daemon's rules on event time (no wall-clock
  // ticks) while the test's events come through POST /api/v1/ingest.
  static std::string tape_ndjson();

  // Each symbol's price under its level: fires nothing. Send it before the first burst.
  std::string prime();
  // NDJSON of `n` quotes, each crossing its symbol's level: exactly `n` notifications, whose
  // ids are appended to expected().
  std::string burst(std::size_t n);
  // The same quotes again (a feed that redelivers after a reconnect): no new notification.
  [[nodiscard]] const std::string& all_events() const { return all_; }

  // Every notification id the events so far must produce, in the order they must be stored.
  [[nodiscard]] const std::vector<std::string>& expected() const { return expected_; }
  // The event time (ms) of the quote that produces each expected() id, index for index.
  [[nodiscard]] const std::vector<std::int64_t>& expected_ts() const { return expected_ts_; }
  // The expected() ids whose triggering quote has one of these event times (journaled_quote_ts).
  [[nodiscard]] std::vector<std::string> expected_for(const std::set<std::string>& quote_ts) const;
  // Event times (ISO 8601, as the journal writes them) of the quotes in the daemon's journal
  // stream ({lodestone}:events): what a restart replays through the rules.
  static std::set<std::string> journaled_quote_ts(const RedisServer& redis,
                                                  const std::string& stream = "{lodestone}:events");
  // The ids produced by the quotes of bursts [from, to) (counted in quotes since the first burst).
  [[nodiscard]] std::vector<std::string> expected_range(std::size_t from, std::size_t to) const;

  // Exactly-once check of `received` against expected() (or against `expected`).
  [[nodiscard]] LedgerVerdict check(const std::vector<std::string>& received) const;
  static LedgerVerdict check(const std::vector<std::string>& received, const std::vector<std::string>& expected);
  // The ids in `received` that belong to this ledger's rules (system alerts, e.g. feed health,
  // are not the ledger's business).
  static std::vector<std::string> own(const std::vector<std::string>& received);

  // Notification ids in the alert stream, in stream order (XRANGE, paged).
  static std::vector<std::string> stream_ids(const RedisServer& redis,
                                             const std::string& stream = "{lodestone}:alerts");
  // seq of each stream entry, in stream order.
  static std::vector<std::uint64_t> stream_seqs(const RedisServer& redis,
                                                const std::string& stream = "{lodestone}:alerts");

  // Fields of one alert message ("type":"alert"): its id, and its seq (0 when provisional).
  static std::optional<std::pair<std::string, std::uint64_t>> parse_alert(const std::string& message);

 private:
  struct Instrument {
    std::string symbol;
    std::string rule;
    std::string low;
    std::string high;
    bool above = false;     // last quote at or over the level
    std::string firing_fp;  // fingerprint of the alert firing now
  };
  std::string quote(const Instrument& in, const std::string& last);
  std::vector<Instrument> instruments_;
  std::size_t next_ = 0;  // round robin over instruments
  std::int64_t ts_ = 0;   // event time of the next quote (ms)
  std::vector<std::string> expected_;
  std::vector<std::int64_t> expected_ts_;
  std::string all_;
};

// A WebSocket client that records every message from a background thread, so a test can wait
// on conditions without a read timeout ending the connection. Optional `resume` is sent first.
class LedgerClient {
 public:
  explicit LedgerClient(std::uint16_t port, std::optional<std::uint64_t> resume = std::nullopt);
  ~LedgerClient();
  LedgerClient(const LedgerClient&) = delete;
  LedgerClient& operator=(const LedgerClient&) = delete;

  [[nodiscard]] std::uint64_t hello_last_seq() const { return hello_last_seq_; }
  [[nodiscard]] const std::string& hello() const { return hello_; }
  // The daemon that serves it: hello's "instance" (empty if it has none).
  [[nodiscard]] std::string instance() const;
  [[nodiscard]] std::optional<std::uint64_t> resumed_after() const { return resume_; }
  // For a failure message: the daemon, hello's last_seq, the resume, the stored seqs' range and
  // every hole in it ("instance lodestone-3, hello last_seq 120, resumed after 118: 282 stored,
  // seq 119..400, holes 233-235").
  [[nodiscard]] std::string describe() const;
  // Alert ids that came with a seq (stored), in arrival order; their seqs alongside.
  [[nodiscard]] std::vector<std::string> stored_ids() const;
  [[nodiscard]] std::vector<std::uint64_t> stored_seqs() const;
  // Alert ids that came without a seq (Redis away: delivered provisionally).
  [[nodiscard]] std::vector<std::string> provisional_ids() const;
  [[nodiscard]] std::vector<std::string> messages(const std::string& type) const;  // by "type"
  [[nodiscard]] std::vector<std::string> all_messages() const;                     // after hello, in order
  [[nodiscard]] std::uint64_t max_seq() const;
  [[nodiscard]] bool closed() const;
  [[nodiscard]] int close_code() const;  // 0 while open or when the close had no code
  // Waits until `n` stored alerts of the ledger's rules arrived (or the connection closed).
  bool wait_stored(std::size_t n, std::chrono::milliseconds timeout);
  bool wait(const std::function<bool(const LedgerClient&)>& condition, std::chrono::milliseconds timeout);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::uint64_t hello_last_seq_ = 0;
  std::optional<std::uint64_t> resume_;
  std::string hello_;
  std::thread reader_;
  mutable std::mutex mutex_;
  std::vector<std::string> messages_;
  bool closed_ = false;
  int close_code_ = 0;
};

}  // namespace lodestone::testing
