#include "lodestone/bus/pipeline.hpp"

#include <chrono>

#include "lodestone/core/json_writer.hpp"
#include "lodestone/core/validate.hpp"

namespace lodestone::bus {

Pipeline::Pipeline(net::any_io_executor executor, const Clock& clock, const InstrumentRegistry& registry,
                   Fanout& fanout, AlertStore& alerts, NewsLog& news, std::size_t max_pending)
    : strand_(net::make_strand(executor)),
      clock_(clock),
      registry_(registry),
      fanout_(fanout),
      alerts_(alerts),
      news_(news),
      max_pending_(max_pending) {}

void Pipeline::set_evaluator(std::shared_ptr<Evaluator> evaluator) { evaluator_ = std::move(evaluator); }

void Pipeline::reject(ErrorCode reason) {
  std::lock_guard lock(counters_mutex_);
  ++counters_.rejected[std::string(to_string(reason))];
}

Status Pipeline::accept(const Quote& quote) {
  if (auto st = validate(quote, registry_, clock_.now()); !st) {
    reject(st.error().code);
    return st;
  }
  if (pending_.load(std::memory_order_relaxed) >= max_pending_) {
    std::lock_guard lock(counters_mutex_);
    ++counters_.shed_quotes;
    return make_error(ErrorCode::shed, "overloaded: quote shed");
  }
  pending_.fetch_add(1, std::memory_order_relaxed);
  net::post(strand_, [this, quote] {
    pending_.fetch_sub(1, std::memory_order_relaxed);
    process(quote);
  });
  return {};
}

Status Pipeline::accept(Headline headline) {
  if (auto st = validate(headline, clock_.now()); !st) {
    reject(st.error().code);
    return st;
  }
  // Headlines are never shed: each one may be the evidence an alert needs.
  pending_.fetch_add(1, std::memory_order_relaxed);
  net::post(strand_, [this, h = std::move(headline)]() mutable {
    pending_.fetch_sub(1, std::memory_order_relaxed);
    process(h);
  });
  return {};
}

void Pipeline::raise(Alert alert) {
  net::post(strand_, [this, a = std::move(alert)]() mutable {
    std::vector<Alert> v;
    v.push_back(std::move(a));
    publish(std::move(v));
  });
}

void Pipeline::raise(std::vector<Alert> alerts) {
  if (alerts.empty()) return;
  net::post(strand_, [this, a = std::move(alerts)]() mutable { publish(std::move(a)); });
}

void Pipeline::tick(Timestamp now) {
  net::post(strand_, [this, now] {
    if (evaluator_) publish(evaluate(PipelineObserver::Evaluation::Tick, [&] { return evaluator_->advance(now); }));
  });
}

void Pipeline::post(std::function<void()> fn) { net::post(strand_, std::move(fn)); }

void Pipeline::process(const Quote& quote) {
  {
    std::lock_guard lock(counters_mutex_);
    ++counters_.quotes;
  }
  fanout_.quote(quote);
  if (evaluator_) publish(evaluate(PipelineObserver::Evaluation::Quote, [&] { return evaluator_->on_quote(quote); }));
}

void Pipeline::process(Headline& headline) {
  // Told apart as received, before the rules add their tags and symbols.
  const NewsLog::Arrival arrival = news_.arrival(headline);
  if (arrival == NewsLog::Arrival::Repeat) {
    std::lock_guard lock(counters_mutex_);
    ++counters_.duplicate_headlines;
    return;
  }
  // A revision goes to the rules too: the alerts the story caused are updated, or end, with it.
  std::vector<Alert> alerts;
  if (evaluator_)  // tags the headline too
    alerts = evaluate(PipelineObserver::Evaluation::Headline, [&] { return evaluator_->on_headline(headline); });
  auto json = news_.append(headline);
  if (!json) return;  // the log is the authority on duplicates
  // The headline goes out before the alerts that cite it.
  fanout_.broadcast(std::move(json));
  publish(std::move(alerts));
  std::lock_guard lock(counters_mutex_);
  ++(arrival == NewsLog::Arrival::New ? counters_.headlines : counters_.headline_revisions);
}

template <class Call>
std::vector<Alert> Pipeline::evaluate(PipelineObserver::Evaluation what, Call&& call) {
  if (!observer_) return call();
  const auto start = clock_.steady();
  auto alerts = call();
  observer_->evaluated(what, clock_.steady() - start);
  return alerts;
}

void Pipeline::publish(std::vector<Alert> alerts) {
  for (auto& alert : alerts) {
    if (observer_) observer_->published(alert);
    auto stored = alerts_.append(std::move(alert));
    if (!stored) continue;  // already notified, or the store delivers it itself (Redis)
    fanout_.broadcast(stored->json);
  }
}

PipelineCounters Pipeline::counters() const {
  std::lock_guard lock(counters_mutex_);
  return counters_;
}

}  // namespace lodestone::bus
