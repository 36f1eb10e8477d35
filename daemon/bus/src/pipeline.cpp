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

Status Pipeline::accept(const Quote& quote, Timestamp now) {
  if (auto st = validate(quote, registry_, now); !st) {
    reject(st.error().code);
    return st;
  }
  if (pending_.load(std::memory_order_relaxed) >= max_pending_) {
    std::lock_guard lock(counters_mutex_);
    ++counters_.shed_quotes;
    return make_error(ErrorCode::shed, "overloaded: quote shed");
  }
  pending_.fetch_add(1, std::memory_order_relaxed);
  enqueue({quote});
  return {};
}

Status Pipeline::accept(Headline headline, Timestamp now) {
  if (auto st = validate(headline, now); !st) {
    reject(st.error().code);
    return st;
  }
  // Headlines are never shed: each one may be the evidence an alert needs.
  pending_.fetch_add(1, std::memory_order_relaxed);
  enqueue({std::move(headline)});
  return {};
}

void Pipeline::raise(Alert alert) {
  enqueue({std::function<void()>([this, a = std::move(alert)]() mutable {
    std::vector<Alert> v;
    v.push_back(std::move(a));
    publish(std::move(v));
  })});
}

void Pipeline::raise(std::vector<Alert> alerts) {
  if (alerts.empty()) return;
  enqueue({std::function<void()>([this, a = std::move(alerts)]() mutable { publish(std::move(a)); })});
}

void Pipeline::tick(Timestamp now) {
  enqueue({std::function<void()>([this, now] {
    if (evaluator_) publish(evaluate(PipelineObserver::Evaluation::Tick, [&] { return evaluator_->advance(now); }));
  })});
}

void Pipeline::post(std::function<void()> fn) { enqueue({std::move(fn)}); }

void Pipeline::enqueue(Pending pending) {
  {
    std::lock_guard lock(queue_mutex_);
    queue_.push_back(std::move(pending));
    if (turn_posted_) return;
    turn_posted_ = true;
  }
  // One posted handler per turn, not one per event.
  net::post(strand_, [this] { drain(); });
}

void Pipeline::drain() {
  // The last turn's events are cleared now, not at its end: a task posted to the pipeline may be
  // the last thing its owner waits for before destroying it, so a turn touches nothing of the
  // pipeline after its last event (as when each event was a handler of its own).
  turn_.clear();  // keeps its memory
  {
    std::lock_guard lock(queue_mutex_);
    turn_.swap(queue_);
    turn_posted_ = false;
  }
  for (auto& p : turn_)
    if (auto* h = std::get_if<Headline>(&p.what)) p.evaluate = announce(*h);
  // The turn's headlines leave together: under load a turn holds many, and each client then gets
  // them in one write instead of one send each (what keeps 5,000 clients fed: issue #18). Even a
  // lone one goes as a burst: the burst is whole, so a client with room is sent it at once,
  // straight from the shared frame (WebSocketSession::send_now).
  if (!announced_.empty()) fanout_.broadcast(announced_);
  announced_.clear();
  // The alerts the turn's events fire leave together at its end too (an alert storm costs each
  // client one write); a task's (raise, tick, a reload) as it makes them, and those gathered
  // before it go out first. After a task nothing of the pipeline is touched unless more follows.
  bool alerts_owed = false;
  for (auto& p : turn_) {
    if (auto* task = std::get_if<std::function<void()>>(&p.what)) {
      if (alerts_owed) send_together(outgoing_);
      alerts_owed = false;
      gather_alerts_ = false;
      (*task)();
      continue;
    }
    gather_alerts_ = true;
    alerts_owed = true;
    pending_.fetch_sub(1, std::memory_order_relaxed);
    if (auto* q = std::get_if<Quote>(&p.what)) {
      process(*q);
    } else if (p.evaluate) {
      evaluate_headline(std::get<Headline>(p.what));
    }
  }
  if (alerts_owed) {
    send_together(outgoing_);
    gather_alerts_ = false;
  }
}

void Pipeline::send_together(std::vector<std::shared_ptr<const std::string>>& jsons) {
  if (jsons.size() == 1) {
    fanout_.broadcast(std::move(jsons.front()));
  } else if (!jsons.empty()) {
    fanout_.broadcast(jsons);
  }
  jsons.clear();
}

void Pipeline::process(const Quote& quote) {
  quotes_.fetch_add(1, std::memory_order_relaxed);
  fanout_.quote(quote);
  if (evaluator_) publish(evaluate(PipelineObserver::Evaluation::Quote, [&] { return evaluator_->on_quote(quote); }));
}

bool Pipeline::announce(Headline& headline) {
  // Told apart as received, before the rules add their tags and symbols.
  const NewsLog::Arrival arrival = news_.arrival(headline);
  if (arrival == NewsLog::Arrival::Repeat) {
    std::lock_guard lock(counters_mutex_);
    ++counters_.duplicate_headlines;
    return false;
  }
  if (evaluator_) evaluator_->classify(headline);  // the board shows the tags and the names it mentions
  auto json = news_.append(headline);
  if (!json) return false;  // the log is the authority on duplicates
  // The headline goes out before the alerts that cite it: those come in the second pass.
  announced_.push_back(std::move(json));
  std::lock_guard lock(counters_mutex_);
  ++(arrival == NewsLog::Arrival::New ? counters_.headlines : counters_.headline_revisions);
  return true;
}

void Pipeline::evaluate_headline(const Headline& headline) {
  // A revision goes to the rules too: the alerts the story caused are updated, or end, with it.
  if (evaluator_)
    publish(evaluate(PipelineObserver::Evaluation::Headline, [&] { return evaluator_->on_headline(headline); }));
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
    if (gather_alerts_) {
      outgoing_.push_back(stored->json);
    } else {
      fanout_.broadcast(stored->json);
    }
  }
}

PipelineCounters Pipeline::counters() const {
  std::lock_guard lock(counters_mutex_);
  PipelineCounters out = counters_;
  out.quotes = quotes_.load(std::memory_order_relaxed);
  return out;
}

}  // namespace lodestone::bus
