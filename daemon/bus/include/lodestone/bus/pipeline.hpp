#pragma once
// The bus: feeds hand events to the pipeline from their own strands and return at once; the
// pipeline validates them, hands quotes to the board, runs the rules and fans alerts and headlines out,
// all on one strand, so the rule engine sees events in one order and needs no locks.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
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
  virtual std::vector<Alert> on_headline(Headline& headline) = 0;  // may tag the headline
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
  Status accept(const Quote& quote);
  Status accept(Headline headline);
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
  void process(const Quote& quote);
  void process(Headline& headline);
  void publish(std::vector<Alert> alerts);
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
  mutable std::mutex counters_mutex_;
  PipelineCounters counters_;
};

}  // namespace lodestone::bus
