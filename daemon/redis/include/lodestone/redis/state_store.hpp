#pragma once
// The market state several daemons share through Redis, and what a restart restores from it.
//
// Journal. Every quote and headline this instance's rule engine evaluates is appended, in
// evaluation order and in small batches, to the stream {prefix}:events (fields origin, token,
// batch, events = canonical NDJSON), trimmed by age (MINID ~ now - journal). The latest quote
// per symbol also goes to the hash {prefix}:quotes.
//
// Restart. The rule engine has no state export, but it is deterministic on event time and
// names alerts by what triggered them (rules/alert_identity.hpp). So restore() re-feeds this
// instance's own journal (entries whose origin is its instance name) to the engine, in order:
// windows, cooldowns and firing alerts come back as they were, and every notification the
// replay produces again is recognised by the alert store's identity check and not notified a
// second time. The board comes back from the hash, the news log (and so headline dedup) from
// every instance's journaled headlines.
//
// Fan-out. A dedicated connection follows the journal (XREAD BLOCK). Entries from other
// processes (another token) reach this instance: quotes go out through bus::Fanout (the board
// and the sessions; they are not evaluated here: their own instance evaluates them); headlines
// enter through the EventSink every feed uses (the pipeline), so its rules see them and its
// clients get them; the news log's dedup stops them from echoing back and forth. The store
// knows the bus only through these interfaces (StateTargets), never web or the pipeline itself.
//
// Redis away: events wait in a bounded buffer (oldest dropped first, counted) and the latest
// quote per symbol is always kept; both are written once Redis is back.
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_set>
#include <variant>
#include <vector>

#include "lodestone/bus/fanout.hpp"
#include "lodestone/bus/news_log.hpp"
#include "lodestone/bus/pipeline.hpp"
#include "lodestone/core/clock.hpp"
#include "lodestone/core/event_sink.hpp"
#include "lodestone/core/instrument.hpp"
#include "lodestone/redis/keys.hpp"
#include "lodestone/redis/stream_channel.hpp"

namespace lodestone::feeds {
class CanonicalParser;
}  // namespace lodestone::feeds

namespace lodestone::redis {

struct StateOptions {
  std::string prefix = "{lodestone}";
  // Stable across restarts: a restart replays the journal entries written under this name.
  // Every daemon sharing one Redis needs its own.
  std::string instance = "lodestone";
  std::chrono::hours journal{96};  // a Monday 09:35 window reaches back into Friday
  std::size_t max_buffered_events = 100'000;
  std::size_t max_batch_events = 2'000;
  std::chrono::milliseconds flush_interval{200};
  std::chrono::milliseconds block{5000};
  std::chrono::milliseconds retry{500};
  ClientOptions client;
};

// What the journal's replay needs from the bus: the rule engine's strand, and the way the alerts
// it gives are notified. RedisLink adapts bus::Pipeline (post, raise) to it.
class RuleHost {
 public:
  virtual ~RuleHost() = default;
  // Runs `fn` where the rule engine runs (the pipeline strand), after what was posted before.
  virtual void post(std::function<void()> fn) = 0;
  // Hands alerts to the alert store for notification, as the pipeline does with the engine's.
  virtual void raise(std::vector<Alert> alerts) = 0;
};

// Where restored and remote events go; everything outlives the store.
struct StateTargets {
  const InstrumentRegistry& registry;  // price decimals of journaled quotes
  bus::Fanout& fanout;                 // restored and remote quotes: the board, waking the sessions
  EventSink& sink;                     // remote headlines: in like any feed's
  bus::NewsLog& news;                  // replayed headlines (and so headline dedup)
  RuleHost& rules;                     // the replay through the rule engine; every fanout call is posted here
};

struct StateStats {
  std::uint64_t recorded = 0;  // events handed to the journal
  std::uint64_t written_batches = 0;
  std::uint64_t dropped_events = 0;  // the buffer was full: left out of the journal
  std::uint64_t remote_quotes = 0;   // from other instances
  std::uint64_t remote_headlines = 0;
  std::uint64_t restored_quotes = 0;
  std::uint64_t replayed_events = 0;
  std::size_t buffered = 0;
  std::size_t max_buffered = 0;
  bool restored = false;
  bool rules_restored = false;
  ClientStats writer;
  ClientStats reader;
};

class StateStore final : public StreamChannel::User, public std::enable_shared_from_this<StateStore> {
 public:
  // `clock` (drain deadlines) must outlive the store.
  static std::shared_ptr<StateStore> create(net::any_io_executor executor, StateOptions options, const Clock& clock,
                                            StateTargets targets);
  ~StateStore() override;

  // Wraps the rule engine (null when there are no rules) so that every event it evaluates is
  // journaled: give the result to Pipeline::set_evaluator.
  std::shared_ptr<bus::Evaluator> recorder(std::shared_ptr<bus::Evaluator> rules);

  void start();
  // Gives buffered journal writes up to `drain` to reach Redis, then disconnects.
  // `halted` runs once it has (from the store's thread).
  void stop(std::chrono::milliseconds drain = std::chrono::milliseconds(250), std::function<void()> halted = {});
  // True once stop() has drained (or given up) and disconnected.
  [[nodiscard]] bool stopped() const {
    std::lock_guard lock(mutex_);
    return stopped_;
  }
  // Restores the board, the news log and the rule engine, then follows the other instances.
  // Start feeds in `done`: replayed events must reach the engine before live ones. done(true)
  // once restored; done(false) when Redis did not make it within `wait`: the daemon goes on
  // empty, and when Redis comes back the board and news are restored, the rules are not.
  void restore(std::chrono::milliseconds wait, std::function<void(bool restored)> done);

  // Pipeline strand (through the recorder).
  void record(const Quote& quote);
  void record(const Headline& headline);

  // Write-ahead order for the alert store: events handed to the journal so far, and how many of
  // them are stored (or given up: dropped from a full buffer). Any thread.
  [[nodiscard]] std::uint64_t recorded() const;
  [[nodiscard]] std::uint64_t settled() const;
  // Writes the journal now rather than at the next flush interval. Any thread.
  void flush_soon();
  // Runs after each journal write Redis acknowledged (set before start()).
  void on_settled(std::function<void()> fn) { on_settled_ = std::move(fn); }

  [[nodiscard]] std::string degraded_reason() const;
  [[nodiscard]] StateStats stats() const;

 private:
  struct Batch {
    std::string id;  // "<token>:<n>": a batch written twice is replayed once
    std::string events;
    std::size_t count = 0;
    std::map<std::string, std::string> quotes;  // symbol -> JSON
  };
  using Event = std::variant<Quote, Headline>;  // a journal line (canonical NDJSON)
  struct Replayed {
    Event event;
    bool evaluate = false;  // this instance's own: goes to the rule engine
  };

  StateStore(net::any_io_executor executor, StateOptions options, const Clock& clock, StateTargets targets);
  // StreamChannel::User
  void writer_up() override { flush(); }
  bool read_step() override;
  [[nodiscard]] bool drained() const override;
  void halt() override;

  void flush();
  void flushed(const Result<Reply>& reply);
  void schedule_flush(std::chrono::milliseconds after);
  void restore_step();
  void replay(std::vector<Replayed> events, bool last_page);
  void restored();
  void follow();
  void take_remote(const std::vector<StreamEntry>& entries);
  // Restored and remote quotes to the fanout, on the rule engine's strand.
  void show(std::vector<Quote> quotes);
  std::vector<Event> parse(const std::string& ndjson);
  [[nodiscard]] int decimals(const Symbol& symbol) const;

  StateOptions options_;
  Keys keys_;
  std::string token_;  // this process: its own entries are not fanned back to it
  StateTargets to_;
  std::shared_ptr<StreamChannel> channel_;
  net::steady_timer flush_timer_;                   // writer strand
  net::steady_timer restore_timer_;                 // reader strand
  std::unique_ptr<feeds::CanonicalParser> parser_;  // reader strand only
  std::shared_ptr<bus::Evaluator> rules_;

  mutable std::mutex mutex_;
  std::deque<std::string> lines_;              // waiting to be journaled
  std::map<std::string, std::string> latest_;  // symbol -> JSON, waiting for the hash
  std::optional<Batch> inflight_;              // sent (or to be sent again), not yet acknowledged
  std::uint64_t next_batch_ = 1;
  bool sending_ = false;
  bool stopped_ = false;
  // Restoring: position (the journal's end now), quotes (the hash), journal (pages up to the end).
  enum class Stage : std::uint8_t { NotAsked, Position, Quotes, Journal, Done };
  Stage stage_ = Stage::NotAsked;
  bool replay_ = false;  // the rule engine is restored too: restore() asked, and not too late
  std::string restore_until_;
  std::string restore_from_ = "-";
  std::unordered_set<std::string> replayed_batches_;
  std::string write_error_;  // the last failed journal write
  std::function<void(bool)> done_;
  std::function<void()> on_settled_;
  std::uint64_t recorded_ = 0;  // every event handed to the journal
  StateStats stats_;
};

}  // namespace lodestone::redis
