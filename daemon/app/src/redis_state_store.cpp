#include "lodestone/app/redis_state_store.hpp"

#include <spdlog/spdlog.h>

#include <random>

#include "lodestone/app/redis_stream.hpp"
#include "lodestone/core/json_writer.hpp"

namespace lodestone::app {
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

constexpr std::size_t kPage = 500;

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
  Recorder(std::shared_ptr<bus::Evaluator> rules, std::weak_ptr<RedisStateStore> store)
      : rules_(std::move(rules)), store_(std::move(store)) {}
  std::vector<Alert> on_quote(const Quote& quote) override {
    if (auto s = store_.lock()) s->record(quote);
    return rules_ ? rules_->on_quote(quote) : std::vector<Alert>{};
  }
  std::vector<Alert> on_headline(Headline& headline) override {
    auto alerts = rules_ ? rules_->on_headline(headline) : std::vector<Alert>{};
    if (auto s = store_.lock()) s->record(headline);  // with the tags the rules gave it
    return alerts;
  }
  std::vector<Alert> advance(Timestamp now) override { return rules_ ? rules_->advance(now) : std::vector<Alert>{}; }

 private:
  std::shared_ptr<bus::Evaluator> rules_;
  std::weak_ptr<RedisStateStore> store_;
};

template <class... F>
struct overloaded : F... {
  using F::operator()...;
};
template <class... F>
overloaded(F...) -> overloaded<F...>;

}  // namespace

std::shared_ptr<RedisStateStore> RedisStateStore::create(net::any_io_executor executor, RedisStateOptions options,
                                                         web::Board& board, web::Hub& hub, bus::NewsLog& news,
                                                         bus::Pipeline& pipeline) {
  std::shared_ptr<RedisStateStore> store(
      new RedisStateStore(std::move(executor), std::move(options), board, hub, news, pipeline));
  std::weak_ptr<RedisStateStore> weak = store;
  store->writer_->on_connected([weak] {
    if (auto s = weak.lock()) {
      {
        std::lock_guard lock(s->mutex_);
        s->writer_up_ = true;
      }
      s->flush();
    }
  });
  store->writer_->on_disconnected([weak](const std::string& why) {
    if (auto s = weak.lock()) {
      std::lock_guard lock(s->mutex_);
      s->writer_up_ = false;
      s->redis_error_ = why;
    }
  });
  store->reader_->on_connected([weak] {
    if (auto s = weak.lock()) {
      {
        std::lock_guard lock(s->mutex_);
        s->reader_up_ = true;
      }
      s->resume_reading();
    }
  });
  store->reader_->on_disconnected([weak](const std::string& why) {
    if (auto s = weak.lock()) {
      std::lock_guard lock(s->mutex_);
      s->reader_up_ = false;
      s->redis_error_ = why;
    }
  });
  return store;
}

RedisStateStore::RedisStateStore(net::any_io_executor executor, RedisStateOptions options, web::Board& board,
                                 web::Hub& hub, bus::NewsLog& news, bus::Pipeline& pipeline)
    : options_(std::move(options)),
      keys_(options_.prefix),
      token_(random_token()),
      board_(board),
      hub_(hub),
      news_(news),
      pipeline_(pipeline),
      writer_([&] {
        auto o = options_.client;
        o.name = "lodestone-" + options_.instance + "-state-writer";
        o.check_persistence = false;
        return RedisClient::create(executor, o);
      }()),
      reader_([&] {
        auto o = options_.client;
        o.name = "lodestone-" + options_.instance + "-state-reader";
        o.check_persistence = false;
        return RedisClient::create(executor, o);
      }()),
      flush_timer_(writer_->strand()),
      read_timer_(reader_->strand()),
      restore_timer_(reader_->strand()),
      drain_timer_(writer_->strand()) {}

RedisStateStore::~RedisStateStore() = default;

std::shared_ptr<bus::Evaluator> RedisStateStore::recorder(std::shared_ptr<bus::Evaluator> rules) {
  rules_ = rules;
  return std::make_shared<Recorder>(std::move(rules), weak_from_this());
}

void RedisStateStore::start() {
  writer_->start();
  reader_->start();
  net::post(writer_->strand(), [w = weak_from_this()] {
    if (auto s = w.lock()) s->schedule_flush(s->options_.flush_interval);
  });
}

void RedisStateStore::stop(std::chrono::milliseconds drain, std::function<void()> halted) {
  {
    std::lock_guard lock(mutex_);
    on_halted_ = std::move(halted);
  }
  flush();
  drain_until(std::chrono::steady_clock::now() + drain);
}

void RedisStateStore::drain_until(std::chrono::steady_clock::time_point deadline) {
  bool drained = false;
  {
    std::lock_guard lock(mutex_);
    drained = stopped_ || !writer_up_ || (!sending_ && !inflight_ && lines_.empty() && latest_.empty());
  }
  if (drained || std::chrono::steady_clock::now() >= deadline) {
    halt();
    return;
  }
  drain_timer_.expires_after(std::chrono::milliseconds(10));
  drain_timer_.async_wait([w = weak_from_this(), deadline](const boost::system::error_code& ec) {
    if (auto s = w.lock(); s && !ec) s->drain_until(deadline);
  });
}

void RedisStateStore::halt() {
  std::function<void()> halted;
  {
    std::lock_guard lock(mutex_);
    if (stopped_) return;
    stopped_ = true;
    halted = std::move(on_halted_);
    const std::size_t unjournaled = lines_.size() + (inflight_ ? inflight_->count : 0);
    if (unjournaled > 0)
      spdlog::error("redis {}: stopping with {} events not journaled: a restart will not replay them through the rules",
                    describe(options_.client.endpoint), unjournaled);
  }
  net::post(writer_->strand(), [w = weak_from_this()] {
    if (auto s = w.lock()) s->flush_timer_.cancel();
  });
  net::post(reader_->strand(), [w = weak_from_this()] {
    if (auto s = w.lock()) {
      s->read_timer_.cancel();
      s->restore_timer_.cancel();
    }
  });
  writer_->stop();
  reader_->stop();
  if (halted) halted();
}

int RedisStateStore::decimals(const Symbol& symbol) const {
  const auto* instrument = board_.registry().find(symbol);
  return instrument ? instrument->price_decimals() : 2;
}

void RedisStateStore::record(const Quote& quote) {
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

void RedisStateStore::record(const Headline& headline) {
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

void RedisStateStore::schedule_flush(std::chrono::milliseconds after) {
  flush_timer_.expires_after(after);
  flush_timer_.async_wait([w = weak_from_this()](const boost::system::error_code& ec) {
    auto s = w.lock();
    if (!s || ec) return;
    s->flush();
    s->schedule_flush(s->options_.flush_interval);
  });
}

void RedisStateStore::flush() {
  std::vector<std::string> args;
  {
    std::lock_guard lock(mutex_);
    if (stopped_ || sending_ || !writer_up_) return;
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
  writer_->command(std::move(args), [w = weak_from_this()](Result<RedisReply> r) {
    if (auto s = w.lock()) s->flushed(r);
  });
}

void RedisStateStore::flushed(const Result<RedisReply>& reply) {
  bool more = false;
  {
    std::lock_guard lock(mutex_);
    sending_ = false;
    if (!reply) {
      // Kept for the next flush; the batch id lets a replay skip it if it was written after all.
      redis_error_ = reply.error().message;
      return;
    }
    ++stats_.written_batches;
    inflight_.reset();
    more = lines_.size() >= options_.max_batch_events;
  }
  if (on_settled_) on_settled_();
  if (more) flush();
}

std::uint64_t RedisStateStore::recorded() const {
  std::lock_guard lock(mutex_);
  return recorded_;
}

std::uint64_t RedisStateStore::settled() const {
  std::lock_guard lock(mutex_);
  // The buffer is first in, first out, and batches leave from its front: what is neither
  // waiting nor in flight is stored or was dropped.
  return recorded_ - lines_.size() - (inflight_ ? inflight_->count : 0);
}

void RedisStateStore::flush_soon() {
  net::post(writer_->strand(), [w = weak_from_this()] {
    if (auto s = w.lock()) s->flush();
  });
}

void RedisStateStore::restore(std::chrono::milliseconds wait, std::function<void(bool)> done) {
  {
    std::lock_guard lock(mutex_);
    done_ = std::move(done);
    replay_ = true;
    if (stage_ == Stage::NotAsked) stage_ = Stage::Position;
  }
  net::post(reader_->strand(), [w = weak_from_this(), wait] {
    auto s = w.lock();
    if (!s) return;
    s->restore_timer_.expires_after(wait);
    s->restore_timer_.async_wait([w](const boost::system::error_code& ec) {
      auto self = w.lock();
      if (!self || ec) return;
      std::function<void(bool)> done;
      {
        std::lock_guard lock(self->mutex_);
        // Once the journal is being replayed it is finished: stopping halfway would leave the
        // engine with half a day. Before that, the daemon must not wait for Redis forever.
        if (self->stage_ != Stage::Position) return;
        self->replay_ = false;
        done = std::move(self->done_);
      }
      spdlog::warn(
          "redis {}: not reachable at start; serving without the saved state (board and news come back "
          "with Redis, the rules' state does not)",
          describe(self->options_.client.endpoint));
      if (done) done(false);
    });
  });
  resume_reading();
}

void RedisStateStore::resume_reading() {
  Stage stage;
  {
    std::lock_guard lock(mutex_);
    if (stopped_ || reading_ || !reader_up_ || stage_ == Stage::NotAsked) return;
    reading_ = true;
    stage = stage_;
  }
  if (stage == Stage::Done) {
    follow();
  } else {
    restore_step();
  }
}

void RedisStateStore::read_later() {
  {
    std::lock_guard lock(mutex_);
    reading_ = false;
  }
  read_timer_.expires_after(options_.retry);
  read_timer_.async_wait([w = weak_from_this()](const boost::system::error_code& ec) {
    if (auto s = w.lock(); s && !ec) s->resume_reading();
  });
}

std::vector<feeds::CanonicalEvent> RedisStateStore::parse(const std::string& ndjson) {
  std::vector<feeds::CanonicalEvent> out;
  std::string_view rest = ndjson;
  while (!rest.empty()) {
    const auto nl = rest.find('\n');
    const auto line = rest.substr(0, nl);
    rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    if (line.empty()) continue;
    auto event = parser_.parse(line);
    if (!event) {
      spdlog::warn("redis journal: a line does not parse ({}); skipped", event.error().message);
      continue;
    }
    out.push_back(std::move(*event));
  }
  return out;
}

void RedisStateStore::restore_step() {
  Stage stage;
  std::string until;
  std::string from;
  {
    std::lock_guard lock(mutex_);
    stage = stage_;
    until = restore_until_;
    from = restore_from_;
  }
  auto fail = [w = weak_from_this()](const std::string& what) {
    if (auto s = w.lock()) {
      spdlog::warn("redis: restoring state: {}", what);
      s->read_later();
    }
  };
  if (stage == Stage::Position) {
    reader_->command({"XREVRANGE", keys_.events, "+", "-", "COUNT", "1"},
                     [w = weak_from_this(), fail](Result<RedisReply> r) {
                       auto s = w.lock();
                       if (!s) return;
                       auto entries = r ? parse_stream_entries(*r) : Result<std::vector<StreamEntry>>(r.error());
                       if (!entries) return fail(entries.error().message);
                       {
                         std::lock_guard lock(s->mutex_);
                         s->restore_until_ = entries->empty() ? "0-0" : entries->front().id;
                         s->position_ = s->restore_until_;
                         s->stage_ = Stage::Quotes;
                       }
                       s->restore_step();
                     });
  } else if (stage == Stage::Quotes) {
    reader_->command({"HGETALL", keys_.quotes}, [w = weak_from_this(), fail](Result<RedisReply> r) {
      auto s = w.lock();
      if (!s) return;
      if (!r) return fail(r.error().message);
      std::uint64_t n = 0;
      for (std::size_t i = 1; i < r->elements.size(); i += 2) {
        for (auto& e : s->parse(r->elements[i].str)) {
          if (const auto* q = std::get_if<Quote>(&e); q && s->board_.update(*q)) ++n;
        }
      }
      if (n) s->hub_.quotes_changed();
      bool empty_journal = false;
      {
        std::lock_guard lock(s->mutex_);
        s->stats_.restored_quotes += n;
        empty_journal = s->restore_until_ == "0-0";
        s->stage_ = empty_journal ? Stage::Done : Stage::Journal;
      }
      if (empty_journal) {
        s->restored();
      } else {
        s->restore_step();
      }
    });
  } else if (stage == Stage::Journal) {
    reader_->command({"XRANGE", keys_.events, from, until, "COUNT", std::to_string(kPage)},
                     [w = weak_from_this(), fail](Result<RedisReply> r) {
                       auto s = w.lock();
                       if (!s) return;
                       auto entries = r ? parse_stream_entries(*r) : Result<std::vector<StreamEntry>>(r.error());
                       if (!entries) return fail(entries.error().message);
                       bool replay = false;
                       {
                         std::lock_guard lock(s->mutex_);
                         replay = s->replay_;
                         if (!entries->empty()) s->restore_from_ = "(" + entries->back().id;
                       }
                       std::vector<Replayed> events;
                       for (const auto& e : *entries) {
                         const auto* origin = e.field("origin");
                         const auto* batch = e.field("batch");
                         const auto* lines = e.field("events");
                         if (!lines) continue;
                         if (batch && !s->replayed_batches_.insert(*batch).second) continue;  // written twice
                         const bool own = replay && origin && *origin == s->options_.instance;
                         for (auto& ev : s->parse(*lines)) {
                           // Other instances' quotes are on the board already (the hash).
                           if (!own && std::holds_alternative<Quote>(ev)) continue;
                           events.push_back(Replayed{std::move(ev), own});
                         }
                       }
                       s->replay(std::move(events), entries->size() < kPage);
                     });
  }
}

void RedisStateStore::replay(std::vector<Replayed> events, bool last_page) {
  // The rule engine lives on the pipeline strand; so does the replay, page by page, so the
  // memory it takes stays one page.
  pipeline_.post([w = weak_from_this(), events = std::move(events), last_page]() mutable {
    auto s = w.lock();
    if (!s) return;
    std::vector<Alert> alerts;
    bool quotes = false;
    for (auto& r : events) {
      std::visit(overloaded{[&](Quote& q) {
                              quotes |= s->board_.update(q);
                              if (s->rules_) {
                                auto a = s->rules_->on_quote(q);
                                alerts.insert(alerts.end(), a.begin(), a.end());
                              }
                            },
                            [&](Headline& h) {
                              if (s->news_.contains(h.id)) return;
                              if (r.evaluate && s->rules_) {
                                auto a = s->rules_->on_headline(h);
                                alerts.insert(alerts.end(), a.begin(), a.end());
                              }
                              s->news_.append(h);
                            }},
                 r.event);
    }
    if (quotes) s->hub_.quotes_changed();
    {
      std::lock_guard lock(s->mutex_);
      s->stats_.replayed_events += events.size();
    }
    // Notifications the engine gives again are recognised by the alert store and not sent twice.
    s->pipeline_.raise(std::move(alerts));
    if (last_page) {
      s->restored();
    } else {
      net::post(s->reader_->strand(), [w] {
        if (auto self = w.lock()) self->restore_step();
      });
    }
  });
}

void RedisStateStore::restored() {
  std::function<void(bool)> done;
  bool with_rules = false;
  {
    std::lock_guard lock(mutex_);
    stage_ = Stage::Done;
    with_rules = replay_;
    stats_.restored = true;
    stats_.rules_restored = with_rules;
    done = std::move(done_);
    spdlog::info("redis: state restored ({} quotes on the board, {} journal events replayed{})", stats_.restored_quotes,
                 stats_.replayed_events, with_rules ? "" : ", rules not restored");
  }
  if (done) done(with_rules);
  net::post(reader_->strand(), [w = weak_from_this()] {
    if (auto s = w.lock()) s->follow();
  });
}

void RedisStateStore::follow() {
  std::string from;
  {
    std::lock_guard lock(mutex_);
    if (stopped_) {
      reading_ = false;
      return;
    }
    from = position_;
  }
  reader_->command(
      {"XREAD", "COUNT", std::to_string(kPage), "BLOCK", std::to_string(options_.block.count()), "STREAMS",
       keys_.events, from},
      [w = weak_from_this()](Result<RedisReply> r) {
        auto s = w.lock();
        if (!s) return;
        auto entries = r ? parse_xread(*r, s->keys_.events) : Result<std::vector<StreamEntry>>(r.error());
        if (!entries) {
          spdlog::debug("redis: following the journal: {}", entries.error().message);
          s->read_later();
          return;
        }
        for (const auto& e : *entries) {
          {
            std::lock_guard lock(s->mutex_);
            s->position_ = e.id;
          }
          const auto* token = e.field("token");
          const auto* lines = e.field("events");
          if (lines && token && *token != s->token_) s->take_remote(*lines);
        }
        s->follow();
      },
      options_.block);
}

void RedisStateStore::take_remote(const std::string& events) {
  bool quotes = false;
  std::uint64_t nq = 0;
  std::uint64_t nh = 0;
  for (auto& e : parse(events)) {
    if (auto* q = std::get_if<Quote>(&e)) {
      // Shown, not evaluated: the instance that received it evaluates it.
      quotes |= board_.update(*q);
      ++nq;
    } else {
      // Into this instance's pipeline like any feed's headline: its rules see it, its clients
      // get it, and the news log's dedup keeps it from echoing between instances.
      (void)pipeline_.accept(std::move(std::get<Headline>(e)));
      ++nh;
    }
  }
  if (quotes) hub_.quotes_changed();
  std::lock_guard lock(mutex_);
  stats_.remote_quotes += nq;
  stats_.remote_headlines += nh;
}

std::string RedisStateStore::degraded_reason() const {
  std::lock_guard lock(mutex_);
  // Not ready while the journal is replayed: events ingested meanwhile would interleave with the
  // replay and the rules would see them out of order.
  if (replay_ && stage_ != Stage::NotAsked && stage_ != Stage::Done)
    return "restoring the rules' state from the journal in redis " + describe(options_.client.endpoint) + " (" +
           std::to_string(stats_.replayed_events) + " events replayed so far)";
  if (writer_up_ && (reader_up_ || stage_ == Stage::NotAsked)) return {};
  std::string why = "redis " + describe(options_.client.endpoint) + " unreachable";
  if (!redis_error_.empty()) why += " (" + redis_error_ + ")";
  why += "; " + std::to_string(lines_.size() + (inflight_ ? inflight_->count : 0)) +
         " journal events buffered of at most " + std::to_string(options_.max_buffered_events);
  if (stats_.dropped_events) why += ", " + std::to_string(stats_.dropped_events) + " dropped";
  why += "; quotes from other instances are not shown";
  return why;
}

RedisStateStats RedisStateStore::stats() const {
  RedisStateStats s;
  {
    std::lock_guard lock(mutex_);
    s = stats_;
    s.buffered = lines_.size() + (inflight_ ? inflight_->count : 0);
    s.max_buffered = options_.max_buffered_events;
  }
  s.writer = writer_->stats();
  s.reader = reader_->stats();
  return s;
}

}  // namespace lodestone::app
