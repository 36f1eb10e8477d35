#pragma once
// The bus: feeds hand events to the pipeline from their own strands and return at once; the
// pipeline validates them, hands quotes to the board, runs the rules and fans alerts and headlines out,
// all on one strand, so the rule engine sees events in one order and needs no locks.
//
// Accepted events wait in one queue, drained on the strand in turns. A turn first sends out the
// headlines it holds (checked against the news log, tagged, logged and broadcast), then runs
// everything in the order it was accepted: quotes to the board and the rules, headlines to the
// rules, alerts out. So a headline never waits for the quotes accepted before it to be evaluated
// (at 50,000 quotes a second, up to a millisecond's worth; issue #18), and the rules, the journal
// and every alert still see one order, the order of acceptance.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <variant>
#include <vector>

#include "lodestone/bus/alert_store.hpp"
#include "lodestone/bus/fanout.hpp"
#include "lodestone/bus/news_log.hpp"
#include "lodestone/core/clock.hpp"
#include "lodestone/core/event_sink.hpp"
#include "lodestone/core/instrument.hpp"
#include "lodestone/net/net.hpp"

namespace lodestone::bus {

// What turns events into alerts (the rule engine). Called on the pipeline strand only.
class Evaluator {
 public:
  virtual ~Evaluator() = default;
  virtual std::vector<Alert> on_quote(const Quote& quote) = 0;
  // Tags a headline with what the rules see in it (kinds, the names it mentions) before it goes
  // out; called ahead of the quotes accepted before it, in the order headlines were accepted.
  virtual void classify(Headline& headline) { (void)headline; }
  virtual std::vector<Alert> on_headline(const Headline& headline) = 0;  // after classify
  virtual std::vector<Alert> advance(Timestamp now) = 0;
};

// What the pipeline reports as it works, for /metrics; called on the pipeline strand.
class PipelineObserver {
 public:
  enum class Evaluation : std::uint8_t { Quote, Headline, Tick };
  virtual ~PipelineObserver() = default;
  // How long the rule engine took over one event (or one timer tick).
  virtual void evaluated(Evaluation what, std::chrono::nanoseconds took) = 0;
  // An alert handed to the store for notification (rules and system alerts).
  virtual void published(const Alert& alert) = 0;
};

struct PipelineCounters {
  std::uint64_t quotes = 0;
  std::uint64_t headlines = 0;                    // stories first seen
  std::uint64_t headline_revisions = 0;           // a story again, edited or withdrawn (NewsLog)
  std::uint64_t duplicate_headlines = 0;          // a story again, the same version: dropped
  std::uint64_t shed_quotes = 0;                  // dropped under overload (a newer quote supersedes them)
  std::map<std::string, std::uint64_t> rejected;  // by ErrorCode label
};

class Pipeline final : public EventSink {
 public:
  // `clock` dates the checks (an event from the future is refused against its now()) and times
  // each evaluation for the observer (steady()).
  Pipeline(net::any_io_executor executor, const Clock& clock, const InstrumentRegistry& registry, Fanout& fanout,
           AlertStore& alerts, NewsLog& news, std::size_t max_pending);

  void set_evaluator(std::shared_ptr<Evaluator> evaluator);                // before start, or on the strand
  void set_observer(PipelineObserver* observer) { observer_ = observer; }  // before start
  // Validates on the caller's thread (so ingest can answer with the reason) and queues.
  Status accept(const Quote& quote) { return accept(quote, clock_.now()); }
  Status accept(Headline headline) { return accept(std::move(headline), clock_.now()); }
  // The same, checked against `now` (the caller's reading of the same clock: ingest reads it once
  // per line for its own checks, the bus's and the lag).
  Status accept(const Quote& quote, Timestamp now);
  Status accept(Headline headline, Timestamp now);
  void on_quote(const Quote& quote) override { (void)accept(quote); }
  void on_headline(const Headline& headline) override { (void)accept(headline); }
  // Alerts from outside the rule engine (system alerts such as a stale feed).
  void raise(Alert alert);
  void raise(std::vector<Alert> alerts);
  // Time-driven rule transitions (resolution, unexplained moves) for live feeds.
  void tick(Timestamp now);

  [[nodiscard]] PipelineCounters counters() const;
  [[nodiscard]] std::size_t pending() const { return pending_.load(); }
  // Runs `fn` on the pipeline strand (for reloads and tests).
  void post(std::function<void()> fn);

 private:
  // One accepted thing: a quote, a headline, or work that keeps its place among them (an alert
  // raised, a timer tick, a reload).
  struct Pending {
    std::variant<Quote, Headline, std::function<void()>> what;
    bool evaluate = true;  // false: a headline the news log turned away in the first pass
  };
  void enqueue(Pending pending);
  void drain();
  // The first pass: the headline is logged and goes out with the turn's others; false when the
  // news log turns it away.
  bool announce(Headline& headline);
  void process(const Quote& quote);
  void evaluate_headline(const Headline& headline);
  void publish(std::vector<Alert> alerts);
  // Broadcasts the alerts publish gathered (`jsons`) together, a lone one on its own, then empties it.
  void send_together(std::vector<std::shared_ptr<const std::string>>& jsons);
  template <class Call>
  std::vector<Alert> evaluate(PipelineObserver::Evaluation what, Call&& call);
  void reject(ErrorCode reason);

  net::strand<net::any_io_executor> strand_;
  const Clock& clock_;
  const InstrumentRegistry& registry_;
  Fanout& fanout_;
  AlertStore& alerts_;
  NewsLog& news_;
  std::size_t max_pending_;
  std::shared_ptr<Evaluator> evaluator_;
  PipelineObserver* observer_ = nullptr;
  std::atomic<std::size_t> pending_{0};
  std::mutex queue_mutex_;
  std::vector<Pending> queue_;  // accepted, not yet taken by a turn
  bool turn_posted_ = false;    // a drain is posted and has not taken the queue yet
  std::vector<Pending> turn_;   // what the last turn took (queue_'s other half: both keep their memory)
  std::vector<std::shared_ptr<const std::string>> announced_;  // this turn's headlines, to go out together
  std::vector<std::shared_ptr<const std::string>> outgoing_;   // alerts its events fired, likewise
  bool gather_alerts_ = false;                                 // publish() gathers into outgoing_
  std::atomic<std::uint64_t> quotes_{0};
  mutable std::mutex counters_mutex_;
  PipelineCounters counters_;
};

}  // namespace lodestone::bus
