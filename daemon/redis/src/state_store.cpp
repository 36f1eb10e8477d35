#include "lodestone/redis/state_store.hpp"

#include <spdlog/spdlog.h>

#include <random>

#include "lodestone/core/json_writer.hpp"
#include "lodestone/feeds/canonical.hpp"

namespace lodestone::redis {
namespace {

// One journal batch and the latest quotes, together. KEYS: journal stream, quote hash.
// ARGV: how far back the journal reaches (ms), origin, token, batch id, events (NDJSON, may be
// empty), then symbol/JSON pairs for the hash. The entry ids are Redis's clock, so the cutoff is
// taken on it too: a daemon whose clock runs days ahead of Redis's would otherwise trim away the
// entry it just wrote, and a restart would replay nothing.
constexpr std::string_view kFlushScript = R"lua(
if ARGV[5] ~= '' then
  local now = redis.call('TIME')
  local cutoff = math.max(tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000) - tonumber(ARGV[1]), 0)
  redis.call('XADD', KEYS[1], 'MINID', '~', string.format('%d', cutoff), '*', 'origin', ARGV[2], 'token', ARGV[3],
             'batch', ARGV[4], 'events', ARGV[5])
end
if #ARGV > 5 then redis.call('HSET', KEYS[2], unpack(ARGV, 6)) end
return 1
)lua";

std::string random_token() {
  std::random_device rd;
  std::uniform_int_distribution<unsigned> hex(0, 15);
  std::string t;
  for (int i = 0; i < 16; ++i) t.push_back("0123456789abcdef"[hex(rd)]);
  return t;
}

// Journals what it evaluates, then lets the rule engine (if any) evaluate it.
class Recorder final : public bus::Evaluator {
 public:
  Recorder(std::shared_ptr<bus::Evaluator> rules, std::weak_ptr<StateStore> store)
      : rules_(std::move(rules)), store_(std::move(store)) {}
  std::vector<Alert> on_quote(const Quote& quote) override {
    if (auto s = store_.lock()) s->record(quote);
    return rules_ ? rules_->on_quote(quote) : std::vector<Alert>{};
  }
  void classify(Headline& headline) override {
    if (rules_) rules_->classify(headline);
  }
  std::vector<Alert> on_headline(const Headline& headline) override {
    auto alerts = rules_ ? rules_->on_headline(headline) : std::vector<Alert>{};
    if (auto s = store_.lock()) s->record(headline);  // with the tags the rules gave it
    return alerts;
  }
  std::vector<Alert> advance(Timestamp now) override { return rules_ ? rules_->advance(now) : std::vector<Alert>{}; }

 private:
  std::shared_ptr<bus::Evaluator> rules_;
  std::weak_ptr<StateStore> store_;
};

}  // namespace

std::shared_ptr<StateStore> StateStore::create(net::any_io_executor executor, StateOptions options, const Clock& clock,
                                               StateTargets targets) {
  return std::shared_ptr<StateStore>(new StateStore(std::move(executor), std::move(options), clock, targets));
}

StateStore::StateStore(net::any_io_executor executor, StateOptions options, const Clock& clock, StateTargets targets)
    : options_(std::move(options)),
      keys_(options_.prefix),
      token_(random_token()),
      to_(targets),
      channel_(StreamChannel::create(
          std::move(executor),
          StreamChannelOptions::store(keys_.events, options_.instance, "state", options_.client, options_.block,
                                      options_.retry, /*check_persistence=*/false),
          clock)),
      flush_timer_(channel_->writer_strand()),
      restore_timer_(channel_->reader_strand()),
      parser_(std::make_unique<feeds::CanonicalParser>()) {}

StateStore::~StateStore() = default;

std::shared_ptr<bus::Evaluator> StateStore::recorder(std::shared_ptr<bus::Evaluator> rules) {
  rules_ = rules;
  return std::make_shared<Recorder>(std::move(rules), weak_from_this());
}

void StateStore::start() {
  channel_->start(weak_from_this());
  net::post(channel_->writer_strand(), [w = weak_from_this()] {
    if (auto s = w.lock()) s->schedule_flush(s->options_.flush_interval);
  });
}

void StateStore::stop(std::chrono::milliseconds drain, std::function<void()> halted) {
  flush();
  channel_->drain(weak_from_this(), drain, std::move(halted));
}

bool StateStore::drained() const {
  std::lock_guard lock(mutex_);
  return stopped_ || (!sending_ && !inflight_ && lines_.empty() && latest_.empty());
}

void StateStore::halt() {
  {
    std::lock_guard lock(mutex_);
    if (stopped_) return;
    stopped_ = true;
    const std::size_t unjournaled = lines_.size() + (inflight_ ? inflight_->count : 0);
    if (unjournaled > 0)
      spdlog::error("redis {}: stopping with {} events not journaled: a restart will not replay them through the rules",
                    channel_->where(), unjournaled);
  }
  net::post(channel_->writer_strand(), [w = weak_from_this()] {
    if (auto s = w.lock()) s->flush_timer_.cancel();
  });
  net::post(channel_->reader_strand(), [w = weak_from_this()] {
    if (auto s = w.lock()) s->restore_timer_.cancel();
  });
  channel_->halt();
}

int StateStore::decimals(const Symbol& symbol) const {
  const auto* instrument = to_.registry.find(symbol);
  return instrument ? instrument->price_decimals() : 2;
}

void StateStore::record(const Quote& quote) {
  std::string json = to_json(quote, decimals(quote.symbol));
  std::lock_guard lock(mutex_);
  ++stats_.recorded;
  ++recorded_;
  latest_[quote.symbol.str()] = json;
  lines_.push_back(std::move(json));
  while (lines_.size() > options_.max_buffered_events) {
    lines_.pop_front();
    if (++stats_.dropped_events == 1 || stats_.dropped_events % 10'000 == 0)
      spdlog::error("redis journal buffer full: {} events left out of the journal so far", stats_.dropped_events);
  }
}

void StateStore::record(const Headline& headline) {
  std::string json = to_json(headline);
  std::lock_guard lock(mutex_);
  ++stats_.recorded;
  ++recorded_;
  lines_.push_back(std::move(json));
  while (lines_.size() > options_.max_buffered_events) {
    lines_.pop_front();
    ++stats_.dropped_events;
  }
}

void StateStore::schedule_flush(std::chrono::milliseconds after) {
  flush_timer_.expires_after(after);
  flush_timer_.async_wait([w = weak_from_this()](const boost::system::error_code& ec) {
    auto s = w.lock();
    if (!s || ec) return;
    s->flush();
    s->schedule_flush(s->options_.flush_interval);
  });
}

void StateStore::flush() {
  std::vector<std::string> args;
  {
    std::lock_guard lock(mutex_);
    if (stopped_ || sending_ || channel_->writer_link() != Link::Up) return;
    if (!inflight_) {
      if (lines_.empty() && latest_.empty()) return;
      Batch b;
      b.id = token_ + ":" + std::to_string(next_batch_++);
      while (!lines_.empty() && b.count < options_.max_batch_events) {
        b.events += lines_.front();
        b.events.push_back('\n');
        lines_.pop_front();
        ++b.count;
      }
      b.quotes.swap(latest_);
      inflight_ = std::move(b);
    }
    args = {"EVAL",
            std::string(kFlushScript),
            "2",
            keys_.events,
            keys_.quotes,
            std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(options_.journal).count()),
            options_.instance,
            token_,
            inflight_->id,
            inflight_->events};
    for (const auto& [symbol, json] : inflight_->quotes) args.insert(args.end(), {symbol, json});
    sending_ = true;
  }
  channel_->write(std::move(args), [w = weak_from_this()](const Result<Reply>& r) {
    if (auto s = w.lock()) s->flushed(r);
  });
}

void StateStore::flushed(const Result<Reply>& reply) {
  bool more = false;
  {
    std::lock_guard lock(mutex_);
    sending_ = false;
    if (reply) {
      ++stats_.written_batches;
      write_error_.clear();
      inflight_.reset();
      more = lines_.size() >= options_.max_batch_events;
    } else {
      // Kept for the next flush; the batch id lets a replay skip it if it was written after all.
      write_error_ = reply.error().message;
    }
  }
  if (reply && on_settled_) on_settled_();
  channel_->progress();  // a drain in progress looks again
  if (more) flush();
}

std::uint64_t StateStore::recorded() const {
  std::lock_guard lock(mutex_);
  return recorded_;
}

std::uint64_t StateStore::settled() const {
  std::lock_guard lock(mutex_);
  // The buffer is first in, first out, and batches leave from its front: what is neither
  // waiting nor in flight is stored or was dropped.
  return recorded_ - lines_.size() - (inflight_ ? inflight_->count : 0);
}

void StateStore::flush_soon() {
  net::post(channel_->writer_strand(), [w = weak_from_this()] {
    if (auto s = w.lock()) s->flush();
  });
}

std::string StateStore::degraded_reason() const {
  std::lock_guard lock(mutex_);
  // Not ready while the journal is replayed: events ingested meanwhile would interleave with the
  // replay and the rules would see them out of order.
  if (replay_ && stage_ != Stage::NotAsked && stage_ != Stage::Done)
    return "restoring the rules' state from the journal in redis " + channel_->where() + " (" +
           std::to_string(stats_.replayed_events) + " events replayed so far)";
  const bool writer_up = channel_->writer_link() == Link::Up;
  const bool reader_up = channel_->reader_link() == Link::Up;
  if (writer_up && (reader_up || stage_ == Stage::NotAsked)) return {};
  std::string why = "redis " + channel_->where() + " unreachable";
  if (const auto error = channel_->last_error(); !error.empty()) {
    why += " (" + error + ")";
  } else if (!write_error_.empty()) {
    why += " (" + write_error_ + ")";
  }
  return why + backlog(lines_.size() + (inflight_ ? inflight_->count : 0), "journal events",
                       options_.max_buffered_events, stats_.dropped_events,
                       "quotes from other instances are not shown");
}

StateStats StateStore::stats() const {
  auto [writer, reader] = channel_->stats();
  std::lock_guard lock(mutex_);
  StateStats s = stats_;
  s.buffered = lines_.size() + (inflight_ ? inflight_->count : 0);
  s.max_buffered = options_.max_buffered_events;
  s.writer = std::move(writer);
  s.reader = std::move(reader);
  return s;
}

}  // namespace lodestone::redis
