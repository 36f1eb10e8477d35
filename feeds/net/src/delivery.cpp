#include "delivery.hpp"

#include <spdlog/spdlog.h>

namespace lodestone::feeds::detail {
namespace {

constexpr auto kLogEvery = std::chrono::seconds(10);

const InstrumentRegistry& empty_registry() {
  static const InstrumentRegistry registry;
  return registry;
}

}  // namespace

Delivery::Delivery(std::string feed, EventSink& sink, std::shared_ptr<FeedStatus> status, FeedContext context)
    : feed_(std::move(feed)),
      sink_(sink),
      status_(std::move(status)),
      context_(std::move(context)),
      sanity_(context_.registry) {
  if (!context_.news) {
    own_desk_ = std::make_shared<NewsDesk>(context_.registry != nullptr ? *context_.registry : empty_registry());
  }
}

void Delivery::log(std::string_view label, std::string_view detail, std::string_view sample) {
  auto& gate = gates_[std::string(label)];
  const auto t = clock().steady();
  if (gate.last != Clock::Steady{} && t - gate.last < kLogEvery) {
    ++gate.suppressed;
    return;
  }
  if (gate.suppressed > 0) {
    spdlog::warn("feed {}: {}: {} (sample: {}; {} more like it since the last report)", feed_, label, detail,
                 bounded_sample(sample), gate.suppressed);
  } else {
    spdlog::warn("feed {}: {}: {} (sample: {})", feed_, label, detail, bounded_sample(sample));
  }
  gate.last = t;
  gate.suppressed = 0;
}

void Delivery::problem(ErrorCode code, std::string_view detail, std::string_view sample) {
  status_->on_error(code);
  log(to_string(code), detail, sample);
}

void Delivery::http_status(unsigned status, std::string_view detail, std::string_view sample) {
  status_->on_http_status(status);
  log("http_" + std::to_string(status), detail, sample);
}

void Delivery::quotes(const QuoteBatch& batch) {
  for (const auto& p : batch.problems) problem(p.code, p.detail, p.sample);
  if (batch.seq) {
    const SequenceVerdict v = sequence_.next(*batch.seq);
    switch (v.kind) {
      case SequenceKind::First:
      case SequenceKind::Next:
        break;
      case SequenceKind::Gap:
        problem(ErrorCode::sequence_gap,
                std::to_string(v.missing) + " messages missing before " + std::to_string(*batch.seq));
        break;
      case SequenceKind::Duplicate:
        status_->on_error(ErrorCode::sequence_duplicate);  // resends are normal after a hiccup: counted, not logged
        return;
      case SequenceKind::Old:
        problem(ErrorCode::sequence_old, "message " + std::to_string(*batch.seq) + " is older than the last one");
        return;
      case SequenceKind::Reset:
        problem(ErrorCode::sequence_reset,
                "the source numbers its messages from " + std::to_string(*batch.seq) + " again");
        sanity_.rebase();
        break;
    }
  }
  // Answers without data (unknown codes) and instruments without a trade today are normal
  // but worth seeing: counted, not logged.
  for (std::size_t i = 0; i < batch.unknown.size(); ++i) status_->on_error(ErrorCode::unknown_code);
  for (std::size_t i = 0; i < batch.no_trade.size(); ++i) status_->on_error(ErrorCode::no_trade);
  const Timestamp t = now();
  for (const auto& q : batch.quotes) {
    const SanityResult r = sanity_.check(q, t);
    for (const auto& line : account(r.limits, q, *status_)) spdlog::warn("feed {}: {}", feed_, line);
    if (r.verdict != Verdict::Accept) {
      status_->on_error(r.code);
      // Unchanged snapshots are what polling a quiet market looks like: counted, not logged.
      if (r.code != ErrorCode::duplicate) log(to_string(r.code), q.symbol.str() + ": " + r.detail, {});
    }
    if (r.verdict == Verdict::Reject) continue;
    sink_.on_quote(q);
  }
}

void Delivery::headlines(HeadlineBatch& batch) {
  for (const auto& p : batch.problems) problem(p.code, p.detail, p.sample);
  NewsDesk& desk = context_.news ? *context_.news : *own_desk_;
  const Timestamp t = now();
  for (auto& h : batch.headlines) {
    if (h.ts.ms > t.ms + std::int64_t{5} * 60'000) {
      problem(ErrorCode::future_timestamp, "headline " + h.id + " dated " + format_timestamp(h.ts), h.title);
      continue;
    }
    if (!desk.accept(h)) continue;  // seen before: every poll returns the latest page again
    sink_.on_headline(h);
  }
}

}  // namespace lodestone::feeds::detail
