#include "lodestone/redis/alert_store.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <stdexcept>

#include "lodestone/core/json_writer.hpp"

namespace lodestone::redis {
namespace {

// Stores a batch of alerts. For each: skip it when its identity is already stored, else take the
// next seq and append it with the seq written into its JSON. One script, so identity, seq and
// stream position are decided together even with several daemons writing at once.
// KEYS: seq counter, stream, then one identity key per alert.
// ARGV: identity ttl (s), MAXLEN, origin, seq floor, then per alert: identity, JSON head, JSON tail.
// The floor keeps the counter above every seq this daemon has seen: after Redis lost its data
// (no persistence) the counter would start again at 1 and hand out seqs clients already hold.
constexpr std::string_view kAppendScript = R"lua(
local floor = tonumber(ARGV[4])
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if current < floor then redis.call('SET', KEYS[1], floor) end
local out = {}
for i = 1, #KEYS - 2 do
  local arg = 4 + (i - 1) * 3
  if redis.call('SET', KEYS[2 + i], '1', 'NX', 'EX', ARGV[1]) then
    local seq = redis.call('INCR', KEYS[1])
    redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], '*', 'seq', seq, 'key', ARGV[arg + 1],
               'origin', ARGV[3], 'alert', ARGV[arg + 2] .. seq .. ARGV[arg + 3])
    out[i] = seq
  else
    out[i] = 0
  end
end
return out
)lua";

std::string identity(const Alert& a) { return a.id + "|" + std::string(to_string(a.state)); }

}  // namespace

std::shared_ptr<AlertStore> AlertStore::create(net::any_io_executor executor, AlertStoreOptions options,
                                               const Clock& clock) {
  return std::shared_ptr<AlertStore>(new AlertStore(std::move(executor), std::move(options), clock));
}

AlertStore::AlertStore(net::any_io_executor executor, AlertStoreOptions options, const Clock& clock)
    : options_(std::move(options)),
      keys_(options_.prefix),
      clock_(clock),
      channel_(
          StreamChannel::create(std::move(executor),
                                StreamChannelOptions::store(keys_.alerts, options_.instance, "alerts", options_.client,
                                                            options_.block, options_.retry, /*check_persistence=*/true),
                                clock)),
      retry_timer_(channel_->writer_strand()),
      journal_timer_(channel_->writer_strand()),
      recheck_timer_(channel_->writer_strand()) {}

AlertStore::~AlertStore() = default;

void AlertStore::set_delivery(Delivery delivery) { delivery_ = std::move(delivery); }

void AlertStore::wait_for_journal(std::function<std::uint64_t()> recorded, std::function<std::uint64_t()> settled,
                                  std::function<void()> flush) {
  journal_recorded_ = std::move(recorded);
  journal_settled_ = std::move(settled);
  journal_flush_ = std::move(flush);
}

void AlertStore::journal_settled() { pump(); }

void AlertStore::writer_up() {
  {
    std::lock_guard lock(mutex_);
    // Maybe a new master (a failover): what the old one had unconfirmed is appended here now.
    recheck_due_ = std::any_of(waiting_.begin(), waiting_.end(), [](const Waiting& x) { return x.sent && !x.written; });
  }
  pump();
}

void AlertStore::start() { channel_->start(weak_from_this()); }

void AlertStore::stop(std::chrono::milliseconds drain, std::function<void()> halted) {
  pump();
  channel_->drain(weak_from_this(), drain, std::move(halted));
}

bool AlertStore::drained() const {
  std::lock_guard lock(mutex_);
  return stopped_ || std::none_of(waiting_.begin(), waiting_.end(), [](const Waiting& w) { return !w.written; });
}

void AlertStore::halt() {
  {
    std::lock_guard lock(mutex_);
    if (stopped_) return;
    stopped_ = true;
    // Never a silent loss: say how many alerts Redis never got, and which.
    std::size_t unstored = 0;
    std::size_t unreplicated = 0;
    std::string some;
    for (const auto& w : waiting_) {
      if (w.written) continue;
      if (w.sent) {
        ++unreplicated;
        continue;
      }
      if (++unstored <= 5) some += (some.empty() ? "" : ", ") + w.key;
    }
    if (unstored > 0)
      spdlog::error(
          "redis {}: stopping with {} alerts not stored ({}{}): clients saw them without a seq; they are not in "
          "the history and a resume will not bring them back",
          channel_->where(), unstored, some, unstored > 5 ? ", ..." : "");
    if (unreplicated > 0)
      spdlog::warn(
          "redis {}: stopping with {} alerts on the master that WAIT never confirmed on {} replicas: a failover "
          "before the replicas catch up loses them",
          channel_->where(), unreplicated, options_.wait_replicas);
  }
  net::post(channel_->writer_strand(), [w = weak_from_this()] {
    if (auto s = w.lock()) {
      s->retry_timer_.cancel();
      s->journal_timer_.cancel();
      s->recheck_timer_.cancel();
    }
  });
  channel_->halt();
}

std::optional<bus::StoredAlert> AlertStore::append(Alert alert) {
  std::string key = identity(alert);
  std::vector<bus::StoredAlert> now;
  {
    std::lock_guard lock(mutex_);
    if (known_.contains(key) || waiting_keys_.contains(key)) {
      ++stats_.duplicates;
      return std::nullopt;
    }
    ++stats_.appended;
    alert.seq = 0;
    auto provisional = std::make_shared<const std::string>(to_json(alert));
    if (waiting_.size() >= options_.max_buffered) {
      ++stats_.dropped;
      ++stats_.provisional;
      if (stats_.dropped == 1 || stats_.dropped % 1000 == 0)
        spdlog::error(
            "redis alert buffer full ({} alerts): alert {} is delivered here but not stored ({} dropped so far)",
            waiting_.size(), alert.id, stats_.dropped);
      now.push_back(bus::StoredAlert{0, std::move(provisional)});
    } else {
      // The script writes the seq between head and tail: render once with a stand-in seq and split there.
      alert.seq = 1;
      const std::string json = to_json(alert);
      const auto at = json.find(R"("seq":1)");
      if (at == std::string::npos) throw std::logic_error("alert JSON without its seq field");
      Waiting w;
      w.key = key;
      w.journal_mark = journal_recorded_ ? journal_recorded_() : 0;
      w.since = clock_.steady();
      w.head = json.substr(0, at + 6);
      w.tail = json.substr(at + 7);
      w.provisional = provisional;
      if (!available_locked()) {
        w.delivered = true;
        ++stats_.provisional;
        now.push_back(bus::StoredAlert{0, std::move(provisional)});
      }
      waiting_.push_back(std::move(w));
      waiting_keys_.insert(std::move(key));
    }
  }
  deliver(now);
  pump();
  return std::nullopt;
}

void AlertStore::pump() {
  std::vector<std::string> args;
  std::vector<std::string> keys;
  bool wait_journal = false;
  bool fresh = true;
  {
    std::lock_guard lock(mutex_);
    if (stopped_ || sending_ || retry_pending_ || channel_->writer_link() != Link::Up) return;
    // Fresh alerts first, in order. Write-ahead: only alerts whose journal events are stored (or
    // that waited long enough).
    const std::uint64_t settled = journal_settled_ ? journal_settled_() : UINT64_MAX;
    const auto overdue = clock_.steady() - options_.journal_wait;
    std::vector<const Waiting*> pick;
    for (const auto& w : waiting_) {
      if (w.written || w.sent) continue;
      if (w.journal_mark > settled && w.since > overdue) {
        wait_journal = pick.empty();
        break;
      }
      pick.push_back(&w);
      if (pick.size() == options_.batch) break;
    }
    // Then, when a re-check is due, the alerts the master took but WAIT has not confirmed:
    // appended again (a no-op where they are stored; on a new master, they are stored there).
    if (pick.empty() && !wait_journal && recheck_due_) {
      recheck_due_ = false;
      fresh = false;
      for (const auto& w : waiting_) {
        if (!w.sent || w.written) continue;
        pick.push_back(&w);
        if (pick.size() == options_.batch) break;
      }
    }
    if (pick.empty() && !wait_journal) return;
    if (!pick.empty()) {
      const std::size_t n = pick.size();
      args.reserve(5 + n * 4);
      args.insert(args.end(),
                  {"EVAL", std::string(kAppendScript), std::to_string(n + 2), keys_.alert_seq, keys_.alerts});
      for (const auto* w : pick) args.push_back(keys_.dedup + w->key);
      const std::size_t maxlen = options_.stream_maxlen ? options_.stream_maxlen : options_.retention;
      args.insert(args.end(), {std::to_string(options_.dedup_ttl.count()), std::to_string(maxlen), options_.instance,
                               std::to_string(last_seq_)});
      for (const auto* w : pick) {
        args.insert(args.end(), {w->key, w->head, w->tail});
        keys.push_back(w->key);
      }
      sending_ = true;
    }
  }
  if (wait_journal) {
    if (journal_flush_) journal_flush_();
    // journal_settled() wakes the writer; this timer only guarantees progress when the journal
    // cannot write (the alert goes anyway after journal_wait).
    net::post(channel_->writer_strand(), [w = weak_from_this()] {
      auto s = w.lock();
      if (!s || s->journal_timer_armed_) return;
      s->journal_timer_armed_ = true;
      s->journal_timer_.expires_after(std::chrono::milliseconds(100));
      s->journal_timer_.async_wait([w](const boost::system::error_code& ec) {
        auto self = w.lock();
        if (!self) return;
        self->journal_timer_armed_ = false;
        if (!ec) self->pump();
      });
    });
    return;
  }
  channel_->write(std::move(args), [w = weak_from_this(), keys = std::move(keys), fresh](const Result<Reply>& r) {
    if (auto s = w.lock()) s->written(keys, r, fresh);
  });
}

void AlertStore::written(const std::vector<std::string>& keys, const Result<Reply>& reply, bool fresh) {
  // Any failure, an unexpected reply included, waits for the retry timer: it alone clears
  // retry_pending_ (pumping at once would find it set and nothing would ever retry).
  const bool failed = !reply || reply->type != Reply::Type::Array || reply->elements.size() != keys.size();
  if (failed) {
    std::vector<bus::StoredAlert> now;
    {
      std::lock_guard lock(mutex_);
      sending_ = false;
      write_error_ = reply ? "unexpected reply to the alert script" : reply.error().message;
      now = provisional_locked();
      retry_pending_ = true;
    }
    deliver(now);
    channel_->progress();
    retry_later();
    return;
  }
  if (options_.wait_replicas == 0) {
    stored(keys, *reply);
    return;
  }
  bool short_already = false;
  {
    std::lock_guard lock(mutex_);
    short_already = fresh && !replica_error_.empty();
  }
  if (short_already) {
    // The replicas are known to be missing: new alerts go to the master (and so to every
    // client, with their seq) without waiting; the re-check confirms them once replicas are back.
    unconfirmed(keys, *reply);
    return;
  }
  // Acknowledged means replicated: the batch counts as stored once WAIT says enough replicas
  // have it (WAIT covers every write this connection made, the script's among them).
  channel_->write(
      {"WAIT", std::to_string(options_.wait_replicas), std::to_string(options_.wait_timeout.count())},
      [w = weak_from_this(), keys, appended = *reply](const Result<Reply>& r) {
        if (auto s = w.lock()) s->replicated(keys, appended, r);
      },
      options_.wait_timeout);
}

void AlertStore::replicated(const std::vector<std::string>& keys, const Reply& appended, const Result<Reply>& wait) {
  const bool enough =
      wait && wait->type == Reply::Type::Integer && wait->integer >= static_cast<long long>(options_.wait_replicas);
  if (enough) {
    {
      std::lock_guard lock(mutex_);
      if (!replica_error_.empty()) spdlog::info("redis: alerts reach {} replicas again", options_.wait_replicas);
      replica_error_.clear();
      // Replicas are there: what waits for their confirmation is checked now, not at the timer.
      recheck_due_ =
          std::any_of(waiting_.begin(), waiting_.end(), [](const Waiting& x) { return x.sent && !x.written; });
    }
    stored(keys, appended);
    return;
  }
  {
    std::lock_guard lock(mutex_);
    ++stats_.unreplicated;
    const std::string why = wait ? "WAIT " + std::to_string(options_.wait_replicas) + " " +
                                       std::to_string(options_.wait_timeout.count()) + " answered " +
                                       std::to_string(wait->integer) + " replicas"
                                 : wait.error().message;
    if (replica_error_.empty())
      spdlog::warn("redis: alerts not yet on {} replicas ({}); they stay buffered and are checked again",
                   options_.wait_replicas, why);
    replica_error_ = why;
  }
  unconfirmed(keys, appended);
}

void AlertStore::unconfirmed(const std::vector<std::string>& keys, const Reply& appended) {
  std::vector<bus::StoredAlert> now;
  {
    std::lock_guard lock(mutex_);
    sending_ = false;
    write_error_.clear();  // the master took the append; its replicas are what is missing
    for (std::size_t i = 0; i < keys.size(); ++i) {
      auto it = std::find_if(waiting_.begin(), waiting_.end(), [&](const Waiting& x) { return x.key == keys[i]; });
      if (it == waiting_.end()) continue;
      if (appended.elements[i].integer > 0) {
        it->sent = true;  // stored by this append: appending it again answers "stored already"
        if (it->in_history) {
          // The history load took it in silently; the stream will not bring it back.
          if (auto m = mirrored_locked(it->key)) now.push_back(*m);
          it->in_history = false;
          it->seen = true;
        }
      } else if (!it->sent) {
        // Another instance stored it: that instance waits for its replicas.
        ++stats_.duplicates;
        waiting_keys_.erase(it->key);
        waiting_.erase(it);
      }
    }
  }
  deliver(now);
  channel_->progress();
  recheck_later();
  pump();
}

void AlertStore::recheck_later() {
  net::post(channel_->writer_strand(), [w = weak_from_this()] {
    auto s = w.lock();
    if (!s || s->recheck_armed_) return;
    s->recheck_armed_ = true;
    s->recheck_timer_.expires_after(s->options_.retry);
    s->recheck_timer_.async_wait([w](const boost::system::error_code& ec) {
      auto self = w.lock();
      if (!self) return;
      self->recheck_armed_ = false;
      if (ec) return;
      {
        std::lock_guard lock(self->mutex_);
        self->recheck_due_ = true;
      }
      self->pump();
    });
  });
}

void AlertStore::stored(const std::vector<std::string>& keys, const Reply& appended) {
  std::vector<bus::StoredAlert> now;
  {
    std::lock_guard lock(mutex_);
    sending_ = false;
    if (!write_error_.empty()) spdlog::info("redis takes alert writes again");
    write_error_.clear();
    for (std::size_t i = 0; i < keys.size(); ++i) {
      const bool stored = appended.elements[i].integer > 0;
      auto it = std::find_if(waiting_.begin(), waiting_.end(), [&](const Waiting& x) { return x.key == keys[i]; });
      if (it == waiting_.end()) {  // the stream brought it back already
        if (stored) ++stats_.written;
        continue;
      }
      if (stored || it->sent) {
        ++stats_.written;
      } else {
        // Stored before: by another instance, or by this one in a write whose reply was lost.
        ++stats_.duplicates;
      }
      // Stored by this append after the history load took it in: nobody saw it yet, and the
      // stream will not bring it back.
      if (stored && it->in_history)
        if (auto m = mirrored_locked(it->key)) now.push_back(*m);
      if (!stored || it->seen || it->in_history) {
        waiting_keys_.erase(it->key);
        waiting_.erase(it);
      } else {
        it->written = true;
      }
    }
  }
  deliver(now);
  channel_->progress();
  pump();
}

void AlertStore::brought_back_locked(const std::string& key) {
  auto it = std::find_if(waiting_.begin(), waiting_.end(), [&](const Waiting& x) { return x.key == key; });
  if (it == waiting_.end()) return;
  if (options_.wait_replicas > 0 && !it->written) {
    it->seen = true;  // on the master, maybe not yet on a replica: still ours to append again
    return;
  }
  waiting_keys_.erase(key);
  waiting_.erase(it);
}

void AlertStore::retry_later() {
  retry_timer_.expires_after(options_.retry);
  retry_timer_.async_wait([w = weak_from_this()](const boost::system::error_code& ec) {
    auto s = w.lock();
    if (!s || ec) return;
    {
      std::lock_guard lock(s->mutex_);
      s->retry_pending_ = false;
    }
    s->pump();
  });
}

void AlertStore::link_down(const std::string& why) {
  (void)why;  // the channel keeps it for degraded_reason()
  std::vector<bus::StoredAlert> now;
  {
    std::lock_guard lock(mutex_);
    now = provisional_locked();
  }
  deliver(now);
}

std::vector<bus::StoredAlert> AlertStore::provisional_locked() {
  std::vector<bus::StoredAlert> out;
  for (auto& w : waiting_) {
    if (w.delivered) continue;
    w.delivered = true;
    ++stats_.provisional;
    out.push_back(bus::StoredAlert{0, w.provisional});
  }
  return out;
}

void AlertStore::deliver(const std::vector<bus::StoredAlert>& alerts) {
  if (!delivery_) return;
  for (const auto& a : alerts) delivery_(a);
}

std::string AlertStore::degraded_reason() const {
  std::lock_guard lock(mutex_);
  if (healthy_locked()) return {};
  std::string why;
  const auto where = channel_->where();
  if (channel_->writer_link() != Link::Up || channel_->reader_link() != Link::Up) {
    why = "redis " + where + " unreachable";
    if (const auto error = channel_->last_error(); !error.empty()) why += " (" + error + ")";
  } else if (!loaded_) {
    why = "loading alert history from redis " + where;
  } else if (write_error_.empty()) {
    why = "redis " + where + ": alerts not yet on " + std::to_string(options_.wait_replicas) + " replicas (" +
          replica_error_ + ")";
  } else {
    why = "redis " + where + " refuses alert writes (" + write_error_ + ")";
  }
  return why + backlog(waiting_.size(), "alerts", options_.max_buffered, stats_.dropped,
                       "new alerts reach this instance's clients without a seq until Redis stores them");
}

AlertStoreStats AlertStore::stats() const {
  auto [writer, reader] = channel_->stats();
  std::lock_guard lock(mutex_);
  AlertStoreStats s = stats_;
  s.writer = std::move(writer);
  s.reader = std::move(reader);
  s.buffered = waiting_.size();
  s.max_buffered = options_.max_buffered;
  s.mirrored = mirror_.size();
  s.loaded = loaded_;
  return s;
}

}  // namespace lodestone::redis
