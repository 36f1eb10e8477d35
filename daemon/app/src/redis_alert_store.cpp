#include "lodestone/app/redis_alert_store.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <stdexcept>

#include "lodestone/app/redis_stream.hpp"
#include "lodestone/core/json_writer.hpp"

namespace lodestone::app {
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

constexpr std::size_t kPage = 1000;

std::string identity(const Alert& a) { return a.id + "|" + std::string(to_string(a.state)); }

}  // namespace

std::shared_ptr<RedisAlertStore> RedisAlertStore::create(net::any_io_executor executor,
                                                         RedisAlertStoreOptions options) {
  std::shared_ptr<RedisAlertStore> store(new RedisAlertStore(std::move(executor), std::move(options)));
  std::weak_ptr<RedisAlertStore> weak = store;
  for (const bool writer : {true, false}) {
    auto& client = writer ? store->writer_client_ : store->reader_client_;
    client->on_connected([weak, writer] {
      if (auto s = weak.lock()) s->link(writer, true, "");
    });
    auto down = [weak, writer](const std::string& why) {
      if (auto s = weak.lock()) s->link(writer, false, why);
    };
    client->on_disconnected(down);
    client->on_connect_failed(down);
  }
  return store;
}

RedisAlertStore::RedisAlertStore(net::any_io_executor executor, RedisAlertStoreOptions options)
    : options_(std::move(options)),
      keys_(options_.prefix),
      writer_client_([&] {
        auto o = options_.client;
        o.name = "lodestone-" + options_.instance + "-alerts-writer";
        o.check_persistence = true;
        return RedisClient::create(executor, o);
      }()),
      reader_client_([&] {
        auto o = options_.client;
        o.name = "lodestone-" + options_.instance + "-alerts-reader";
        o.check_persistence = false;
        return RedisClient::create(executor, o);
      }()),
      retry_timer_(writer_client_->strand()),
      read_timer_(reader_client_->strand()),
      drain_timer_(writer_client_->strand()),
      journal_timer_(writer_client_->strand()) {}

RedisAlertStore::~RedisAlertStore() = default;

void RedisAlertStore::set_delivery(Delivery delivery) { delivery_ = std::move(delivery); }

void RedisAlertStore::wait_for_journal(std::function<std::uint64_t()> recorded, std::function<std::uint64_t()> settled,
                                       std::function<void()> flush) {
  journal_recorded_ = std::move(recorded);
  journal_settled_ = std::move(settled);
  journal_flush_ = std::move(flush);
}

void RedisAlertStore::journal_settled() { pump(); }

void RedisAlertStore::link(bool writer, bool up, const std::string& why) {
  {
    std::lock_guard lock(mutex_);
    (writer ? writer_ : reader_) = up ? Link::Up : Link::Down;
    if (!up) redis_error_ = why;
  }
  if (!up) {
    degrade(why);
  } else if (writer) {
    pump();
  } else {
    resume_reading();
  }
}

void RedisAlertStore::start() {
  writer_client_->start();
  reader_client_->start();
}

void RedisAlertStore::stop(std::chrono::milliseconds drain, std::function<void()> halted) {
  {
    std::lock_guard lock(mutex_);
    on_halted_ = std::move(halted);
  }
  pump();
  drain_until(std::chrono::steady_clock::now() + drain);
}

void RedisAlertStore::drain_until(std::chrono::steady_clock::time_point deadline) {
  bool drained = false;
  {
    std::lock_guard lock(mutex_);
    // A writer still connecting for the first time (Unknown) is waited for, up to the deadline:
    // alerts appended right after start must not be given up before it had a chance.
    drained = stopped_ || writer_ == Link::Down ||
              std::none_of(waiting_.begin(), waiting_.end(), [](const Waiting& w) { return !w.written; });
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

void RedisAlertStore::halt() {
  std::function<void()> halted;
  {
    std::lock_guard lock(mutex_);
    if (stopped_) return;
    stopped_ = true;
    halted = std::move(on_halted_);
    // Never a silent loss: say how many alerts Redis never got, and which.
    std::size_t unstored = 0;
    std::string some;
    for (const auto& w : waiting_) {
      if (w.written) continue;
      if (++unstored <= 5) some += (some.empty() ? "" : ", ") + w.key;
    }
    if (unstored > 0)
      spdlog::error(
          "redis {}: stopping with {} alerts not stored ({}{}): clients saw them without a seq; they are not in "
          "the history and a resume will not bring them back",
          describe(options_.client.endpoint), unstored, some, unstored > 5 ? ", ..." : "");
  }
  net::post(writer_client_->strand(), [w = weak_from_this()] {
    if (auto s = w.lock()) {
      s->retry_timer_.cancel();
      s->journal_timer_.cancel();
    }
  });
  net::post(reader_client_->strand(), [w = weak_from_this()] {
    if (auto s = w.lock()) s->read_timer_.cancel();
  });
  writer_client_->stop();
  reader_client_->stop();
  if (halted) halted();
}

void RedisAlertStore::when_loaded(std::function<void()> fn) {
  {
    std::lock_guard lock(mutex_);
    if (!loaded_) {
      on_loaded_.push_back(std::move(fn));
      return;
    }
  }
  fn();
}

std::optional<bus::StoredAlert> RedisAlertStore::append(Alert alert) {
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
      w.since = std::chrono::steady_clock::now();
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

void RedisAlertStore::pump() {
  std::vector<std::string> args;
  std::vector<std::string> keys;
  bool wait_journal = false;
  {
    std::lock_guard lock(mutex_);
    if (stopped_ || sending_ || retry_pending_ || writer_ != Link::Up) return;
    auto it = std::find_if(waiting_.begin(), waiting_.end(), [](const Waiting& w) { return !w.written; });
    if (it == waiting_.end()) return;
    // Write-ahead: only alerts whose journal events are stored (or that waited long enough).
    const std::uint64_t settled = journal_settled_ ? journal_settled_() : UINT64_MAX;
    const auto overdue = std::chrono::steady_clock::now() - options_.journal_wait;
    std::size_t n = 0;
    for (auto x = it; x != waiting_.end() && n < options_.batch; ++x, ++n) {
      if (x->journal_mark > settled && x->since > overdue) break;
    }
    if (n == 0) {
      wait_journal = true;
    } else {
      args.reserve(5 + n * 4);
      args.insert(args.end(),
                  {"EVAL", std::string(kAppendScript), std::to_string(n + 2), keys_.alert_seq, keys_.alerts});
      for (std::size_t i = 0; i < n; ++i) args.push_back(keys_.dedup + it[static_cast<std::ptrdiff_t>(i)].key);
      const std::size_t maxlen = options_.stream_maxlen ? options_.stream_maxlen : options_.retention;
      args.insert(args.end(), {std::to_string(options_.dedup_ttl.count()), std::to_string(maxlen), options_.instance,
                               std::to_string(last_seq_)});
      for (std::size_t i = 0; i < n; ++i) {
        const auto& w = it[static_cast<std::ptrdiff_t>(i)];
        args.insert(args.end(), {w.key, w.head, w.tail});
        keys.push_back(w.key);
      }
      sending_ = true;
    }
  }
  if (wait_journal) {
    if (journal_flush_) journal_flush_();
    // journal_settled() wakes the writer; this timer only guarantees progress when the journal
    // cannot write (the alert goes anyway after journal_wait).
    net::post(writer_client_->strand(), [w = weak_from_this()] {
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
  writer_client_->command(std::move(args), [w = weak_from_this(), keys = std::move(keys)](Result<RedisReply> r) {
    if (auto s = w.lock()) s->written(keys, r);
  });
}

void RedisAlertStore::written(const std::vector<std::string>& keys, const Result<RedisReply>& reply) {
  std::vector<bus::StoredAlert> now;
  // Any failure, an unexpected reply included, waits for the retry timer: it alone clears
  // retry_pending_ (pumping at once would find it set and nothing would ever retry).
  const bool failed = !reply || reply->type != RedisReply::Type::Array || reply->elements.size() != keys.size();
  {
    std::lock_guard lock(mutex_);
    sending_ = false;
    if (failed) {
      write_error_ = reply ? "unexpected reply to the alert script" : reply.error().message;
      now = provisional_locked();
      retry_pending_ = true;
    } else {
      if (!write_error_.empty()) spdlog::info("redis takes alert writes again");
      write_error_.clear();
      for (std::size_t i = 0; i < keys.size(); ++i) {
        const bool stored = reply->elements[i].integer > 0;
        if (stored) ++stats_.written;
        auto it = std::find_if(waiting_.begin(), waiting_.end(), [&](const Waiting& x) { return x.key == keys[i]; });
        if (it == waiting_.end()) continue;  // the stream brought it back already
        if (stored) {
          it->written = true;
        } else {
          // Stored before: by another instance, or by this one in a write whose reply was lost.
          ++stats_.duplicates;
          waiting_keys_.erase(it->key);
          waiting_.erase(it);
        }
      }
    }
  }
  deliver(now);
  if (failed) {
    retry_later();
  } else {
    pump();
  }
}

void RedisAlertStore::retry_later() {
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

void RedisAlertStore::resume_reading() {
  bool load = false;
  {
    std::lock_guard lock(mutex_);
    if (stopped_ || reading_ || reader_ != Link::Up) return;
    reading_ = true;
    load = !loaded_;
  }
  if (load) {
    load_page({}, "+", "");
  } else {
    read_next();
  }
}

void RedisAlertStore::read_later() {
  {
    std::lock_guard lock(mutex_);
    reading_ = false;
  }
  read_timer_.expires_after(options_.retry);
  read_timer_.async_wait([w = weak_from_this()](const boost::system::error_code& ec) {
    if (auto s = w.lock(); s && !ec) s->resume_reading();
  });
}

namespace {

bool to_entry(const StreamEntry& se, std::uint64_t& seq, std::string& key, std::string& json) {
  const auto* s = se.field("seq");
  const auto* k = se.field("key");
  const auto* a = se.field("alert");
  if (!s || !k || !a) return false;
  auto [p, ec] = std::from_chars(s->data(), s->data() + s->size(), seq);
  if (ec != std::errc() || p != s->data() + s->size() || seq == 0) return false;
  key = *k;
  json = *a;
  return true;
}

}  // namespace

void RedisAlertStore::load_page(std::vector<Entry> newest_first, std::string before, std::string newest) {
  const std::size_t want = std::min(kPage, options_.retention - std::min(options_.retention, newest_first.size()));
  reader_client_->command(
      {"XREVRANGE", keys_.alerts, before, "-", "COUNT", std::to_string(std::max<std::size_t>(want, 1))},
      [w = weak_from_this(), acc = std::move(newest_first), want, first = before == "+",
       newest = std::move(newest)](Result<RedisReply> r) mutable {
        auto s = w.lock();
        if (!s) return;
        auto entries = r ? parse_stream_entries(*r) : Result<std::vector<StreamEntry>>(r.error());
        if (!entries) {
          spdlog::warn("redis: loading alert history: {}", entries.error().message);
          s->read_later();
          return;
        }
        if (first) newest = entries->empty() ? "0-0" : entries->front().id;
        for (const auto& se : *entries) {
          Entry e;
          if (!to_entry(se, e.seq, e.key, e.json)) {
            spdlog::warn("redis: alert entry {} has no seq, key or alert; skipped", se.id);
            continue;
          }
          acc.push_back(std::move(e));
        }
        if (entries->size() >= want && want > 0 && acc.size() < s->options_.retention) {
          s->load_page(std::move(acc), "(" + entries->back().id, std::move(newest));
          return;
        }
        s->loaded_history(std::move(acc), newest);
      });
}

void RedisAlertStore::loaded_history(std::vector<Entry> newest_first, const std::string& last_id) {
  std::vector<bus::StoredAlert> now;
  std::vector<std::function<void()>> callbacks;
  {
    std::lock_guard lock(mutex_);
    for (auto it = newest_first.rbegin(); it != newest_first.rend(); ++it) {
      mirror_locked(*it);
      // This instance's own alert, stored while the history was loading: nobody saw it yet.
      if (waiting_keys_.erase(it->key)) {
        std::erase_if(waiting_, [&](const Waiting& w) { return w.key == it->key; });
        if (mirror_.back().seq == it->seq) now.push_back(mirror_.back());
      }
    }
    last_id_ = last_id;
    loaded_ = true;
    callbacks.swap(on_loaded_);
    spdlog::info("redis: {} alerts of history loaded, last seq {}", mirror_.size(), last_seq_);
  }
  deliver(now);
  for (auto& fn : callbacks) fn();
  read_next();
}

void RedisAlertStore::read_next() {
  std::string from;
  {
    std::lock_guard lock(mutex_);
    if (stopped_) {
      reading_ = false;
      return;
    }
    from = last_id_;
  }
  reader_client_->command(
      {"XREAD", "COUNT", std::to_string(kPage), "BLOCK", std::to_string(options_.block.count()), "STREAMS",
       keys_.alerts, from},
      [w = weak_from_this()](Result<RedisReply> r) {
        auto s = w.lock();
        if (!s) return;
        auto entries = r ? parse_xread(*r, s->keys_.alerts) : Result<std::vector<StreamEntry>>(r.error());
        if (!entries) {
          spdlog::debug("redis: following the alert stream: {}", entries.error().message);
          s->read_later();
          return;
        }
        std::vector<Entry> batch;
        std::string last;
        for (const auto& se : *entries) {
          last = se.id;
          Entry e;
          if (to_entry(se, e.seq, e.key, e.json)) {
            batch.push_back(std::move(e));
          } else {
            spdlog::warn("redis: alert entry {} has no seq, key or alert; skipped", se.id);
          }
        }
        if (!last.empty()) {
          std::lock_guard lock(s->mutex_);
          s->last_id_ = last;
        }
        s->take(std::move(batch));
        s->read_next();
      },
      options_.block);
}

void RedisAlertStore::take(std::vector<Entry> entries) {
  std::vector<bus::StoredAlert> now;
  {
    std::lock_guard lock(mutex_);
    for (auto& e : entries) {
      if (waiting_keys_.erase(e.key)) std::erase_if(waiting_, [&](const Waiting& w) { return w.key == e.key; });
      if (e.seq <= last_seq_) continue;  // read again after a reconnect
      mirror_locked(e);
      ++stats_.delivered;
      now.push_back(mirror_.back());
    }
  }
  deliver(now);
}

void RedisAlertStore::mirror_locked(const Entry& e) {
  if (e.seq <= last_seq_ && !mirror_.empty()) return;
  mirror_.push_back(bus::StoredAlert{e.seq, std::make_shared<const std::string>(e.json)});
  mirror_keys_.push_back(e.key);
  known_.insert(e.key);
  last_seq_ = e.seq;
  while (mirror_.size() > options_.retention) {
    known_.erase(mirror_keys_.front());
    mirror_keys_.pop_front();
    mirror_.pop_front();
  }
}

void RedisAlertStore::degrade(const std::string& why) {
  std::vector<bus::StoredAlert> now;
  {
    std::lock_guard lock(mutex_);
    if (!why.empty()) redis_error_ = why;
    now = provisional_locked();
  }
  deliver(now);
}

std::vector<bus::StoredAlert> RedisAlertStore::provisional_locked() {
  std::vector<bus::StoredAlert> out;
  for (auto& w : waiting_) {
    if (w.delivered) continue;
    w.delivered = true;
    ++stats_.provisional;
    out.push_back(bus::StoredAlert{0, w.provisional});
  }
  return out;
}

void RedisAlertStore::deliver(const std::vector<bus::StoredAlert>& alerts) {
  if (!delivery_) return;
  for (const auto& a : alerts) delivery_(a);
}

bus::AlertRange RedisAlertStore::after(std::uint64_t seq, std::size_t limit) const {
  bus::AlertRange range;
  std::lock_guard lock(mutex_);
  if (!mirror_.empty() && mirror_.front().seq > seq + 1) range.gap = true;
  auto it = std::upper_bound(mirror_.begin(), mirror_.end(), seq,
                             [](std::uint64_t s, const bus::StoredAlert& a) { return s < a.seq; });
  for (; it != mirror_.end() && range.alerts.size() < limit; ++it) {
    range.alerts.push_back(it->json);
    range.last_seq = it->seq;
  }
  return range;
}

std::uint64_t RedisAlertStore::last_seq() const {
  std::lock_guard lock(mutex_);
  return last_seq_;
}

bool RedisAlertStore::loaded() const {
  std::lock_guard lock(mutex_);
  return loaded_;
}

std::string RedisAlertStore::degraded_reason() const {
  std::lock_guard lock(mutex_);
  if (healthy_locked()) return {};
  std::string why;
  const auto where = describe(options_.client.endpoint);
  if (writer_ != Link::Up || reader_ != Link::Up) {
    why = "redis " + where + " unreachable";
    if (!redis_error_.empty()) why += " (" + redis_error_ + ")";
  } else if (!loaded_) {
    why = "loading alert history from redis " + where;
  } else {
    why = "redis " + where + " refuses alert writes (" + write_error_ + ")";
  }
  why +=
      "; " + std::to_string(waiting_.size()) + " alerts buffered of at most " + std::to_string(options_.max_buffered);
  if (stats_.dropped) why += ", " + std::to_string(stats_.dropped) + " dropped";
  why += "; new alerts reach this instance's clients without a seq until Redis stores them";
  return why;
}

RedisAlertStoreStats RedisAlertStore::stats() const {
  RedisAlertStoreStats s;
  {
    std::lock_guard lock(mutex_);
    s = stats_;
    s.buffered = waiting_.size();
    s.max_buffered = options_.max_buffered;
    s.mirrored = mirror_.size();
    s.loaded = loaded_;
  }
  s.writer = writer_client_->stats();
  s.reader = reader_client_->stats();
  return s;
}

}  // namespace lodestone::app
