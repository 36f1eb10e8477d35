// The read side of StateStore: the restore at start (position, quote hash, journal replay
// through the rule engine) and following the other instances' journal entries.
#include <spdlog/spdlog.h>

#include "lodestone/feeds/canonical.hpp"
#include "lodestone/redis/state_store.hpp"

namespace lodestone::redis {
namespace {

template <class... F>
struct overloaded : F... {
  using F::operator()...;
};
template <class... F>
overloaded(F...) -> overloaded<F...>;

}  // namespace

void StateStore::restore(std::chrono::milliseconds wait, std::function<void(bool)> done) {
  {
    std::lock_guard lock(mutex_);
    done_ = std::move(done);
    replay_ = true;
    if (stage_ == Stage::NotAsked) stage_ = Stage::Position;
  }
  net::post(channel_->reader_strand(), [w = weak_from_this(), wait] {
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
          self->channel_->where());
      if (done) done(false);
    });
  });
  channel_->resume_soon();
}

bool StateStore::read_step() {
  Stage stage;
  {
    std::lock_guard lock(mutex_);
    if (stopped_ || stage_ == Stage::NotAsked) return false;
    stage = stage_;
  }
  if (stage == Stage::Done) {
    follow();
  } else {
    restore_step();
  }
  return true;
}

std::vector<StateStore::Event> StateStore::parse(const std::string& ndjson) {
  std::vector<Event> out;
  std::string_view rest = ndjson;
  while (!rest.empty()) {
    const auto nl = rest.find('\n');
    const auto line = rest.substr(0, nl);
    rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    if (line.empty()) continue;
    auto event = parser_->parse(line);
    if (!event) {
      spdlog::warn("redis journal: a line does not parse ({}); skipped", event.error().message);
      continue;
    }
    out.push_back(std::move(*event));
  }
  return out;
}

void StateStore::restore_step() {
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
      s->channel_->read_later();
    }
  };
  if (stage == Stage::Position) {
    channel_->reverse_range("+", 1, [w = weak_from_this(), fail](Result<std::vector<StreamEntry>> entries) {
      auto s = w.lock();
      if (!s) return;
      if (!entries) return fail(entries.error().message);
      {
        std::lock_guard lock(s->mutex_);
        s->restore_until_ = entries->empty() ? "0-0" : entries->front().id;
        s->stage_ = Stage::Quotes;
      }
      s->channel_->set_position(entries->empty() ? "0-0" : entries->front().id);
      s->restore_step();
    });
  } else if (stage == Stage::Quotes) {
    channel_->reader_command({"HGETALL", keys_.quotes}, [w = weak_from_this(), fail](Result<Reply> r) {
      auto s = w.lock();
      if (!s) return;
      if (!r) return fail(r.error().message);
      std::vector<Quote> quotes;
      for (std::size_t i = 1; i < r->elements.size(); i += 2) {
        for (auto& e : s->parse(r->elements[i].str)) {
          if (auto* q = std::get_if<Quote>(&e)) quotes.push_back(std::move(*q));
        }
      }
      const std::uint64_t n = quotes.size();
      s->show(std::move(quotes));
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
    const std::size_t page = channel_->options().page;
    channel_->range(from, until, page, [w = weak_from_this(), fail, page](Result<std::vector<StreamEntry>> entries) {
      auto s = w.lock();
      if (!s) return;
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
      s->replay(std::move(events), entries->size() < page);
    });
  }
}

void StateStore::replay(std::vector<Replayed> events, bool last_page) {
  // The rule engine lives on the pipeline strand; so does the replay, page by page, so the
  // memory it takes stays one page.
  to_.rules.post([w = weak_from_this(), events = std::move(events), last_page]() mutable {
    auto s = w.lock();
    if (!s) return;
    std::vector<Alert> alerts;
    for (auto& r : events) {
      std::visit(overloaded{[&](Quote& q) {
                              s->to_.fanout.quote(q);
                              if (s->rules_) {
                                auto a = s->rules_->on_quote(q);
                                alerts.insert(alerts.end(), a.begin(), a.end());
                              }
                            },
                            [&](Headline& h) {
                              // A revision (edited or withdrawn at the source) replays like a new version.
                              if (s->to_.news.arrival(h) == bus::NewsLog::Arrival::Repeat) return;
                              if (r.evaluate && s->rules_) {
                                s->rules_->classify(h);
                                auto a = s->rules_->on_headline(h);
                                alerts.insert(alerts.end(), a.begin(), a.end());
                              }
                              s->to_.news.append(h);
                            }},
                 r.event);
    }
    {
      std::lock_guard lock(s->mutex_);
      s->stats_.replayed_events += events.size();
    }
    // Notifications the engine gives again are recognised by the alert store and not sent twice.
    s->to_.rules.raise(std::move(alerts));
    if (last_page) {
      s->restored();
    } else {
      net::post(s->channel_->reader_strand(), [w] {
        if (auto self = w.lock()) self->restore_step();
      });
    }
  });
}

void StateStore::restored() {
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
  follow();
}

void StateStore::follow() {
  channel_->follow([w = weak_from_this()](const std::vector<StreamEntry>& entries) {
    if (auto s = w.lock()) s->take_remote(entries);
  });
}

void StateStore::show(std::vector<Quote> quotes) {
  if (quotes.empty()) return;
  // Fanout is called on the pipeline strand, in order with the pipeline's own quotes.
  to_.rules.post([w = weak_from_this(), quotes = std::move(quotes)] {
    if (auto s = w.lock())
      for (const auto& q : quotes) s->to_.fanout.quote(q);
  });
}

void StateStore::take_remote(const std::vector<StreamEntry>& entries) {
  std::vector<Quote> quotes;
  std::uint64_t nq = 0;
  std::uint64_t nh = 0;
  for (const auto& entry : entries) {
    const auto* token = entry.field("token");
    const auto* lines = entry.field("events");
    if (!lines || !token || *token == token_) continue;  // this process's own entry
    for (auto& e : parse(*lines)) {
      if (auto* q = std::get_if<Quote>(&e)) {
        // Shown, not evaluated: the instance that received it evaluates it.
        quotes.push_back(std::move(*q));
        ++nq;
      } else {
        // Into this instance's pipeline like any feed's headline: its rules see it, its clients
        // get it, and the news log's dedup keeps it from echoing between instances.
        to_.sink.on_headline(std::get<Headline>(e));
        ++nh;
      }
    }
  }
  show(std::move(quotes));
  std::lock_guard lock(mutex_);
  stats_.remote_quotes += nq;
  stats_.remote_headlines += nh;
}

}  // namespace lodestone::redis
