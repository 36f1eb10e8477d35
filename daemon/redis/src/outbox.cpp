#include "lodestone/redis/outbox.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdlib>
#include <iterator>
#include <tuple>

#include "outbox_wire.hpp"

namespace lodestone::redis {
namespace {

namespace wire = outbox_wire;
using notify::DeliveryRecord;
using notify::OutboxEntry;

bool mentions(const Error& e, std::string_view what) { return e.message.find(what) != std::string::npos; }

// The group is gone (Redis restarted without its data, or someone deleted it): it is created
// again on the next claim, so to the notifier this is Redis being unavailable for a moment.
Error group_error(const Error& e) {
  if (!mentions(e, "NOGROUP")) return e;
  return make_error(ErrorCode::unavailable, e.message + " (the consumer group is created again on the next claim)");
}

std::string eval_keys(std::size_t n) { return std::to_string(n); }

}  // namespace

// One claim() in progress: its steps run one after another on the strand.
struct Outbox::ClaimRun {
  std::size_t max = 0;
  Done<std::vector<OutboxEntry>> done;
  std::vector<OutboxEntry> out;
  std::vector<std::string> acknowledge;  // pending but unusable (deleted, unreadable)
  std::uint64_t reclaimed = 0;
  [[nodiscard]] std::size_t room() const { return max - out.size(); }

  // Hands an item to the caller unless this process holds it already.
  void take(const wire::Item& item, std::unordered_set<std::string>& held, bool taken_over) {
    if (item.deleted) {
      acknowledge.push_back(item.id);
      return;
    }
    if (held.contains(item.id)) return;
    auto entry = wire::to_entry(item);
    if (!entry) {
      // Nothing can ever deliver it: acknowledged, so it does not come back to every claim.
      spdlog::error("redis outbox: dropping unreadable entry: {}", entry.error().message);
      acknowledge.push_back(item.id);
      return;
    }
    held.insert(item.id);
    out.push_back(std::move(*entry));
    if (taken_over) ++reclaimed;
  }
};

std::shared_ptr<Outbox> Outbox::create(net::any_io_executor executor, OutboxOptions options, const Clock& clock) {
  return std::shared_ptr<Outbox>(new Outbox(std::move(executor), std::move(options), clock));
}

Outbox::Outbox(net::any_io_executor executor, OutboxOptions options, const Clock& clock)
    : options_(std::move(options)), keys_(options_.prefix) {
  options_.batch = std::max<std::size_t>(options_.batch, 1);
  options_.max_length = std::max<std::size_t>(options_.max_length, 1);
  options_.claim_timeout = std::max(options_.claim_timeout, std::chrono::milliseconds(1));
  auto client = options_.client;
  client.name = "lodestone-" + options_.consumer + "-outbox";
  client_ = Client::create(std::move(executor), std::move(client), clock);
  stats_.durable = true;
}

Outbox::~Outbox() = default;

void Outbox::start() {
  // Every (re)connect may reach a Redis that restarted without its data: the group is made sure
  // of again before the next claim.
  client_->on_connected([w = weak_from_this()] {
    if (auto self = w.lock()) self->group_ready_ = false;
  });
  client_->start();
}

void Outbox::stop() { client_->stop(); }

// ---- enqueue ----

void Outbox::enqueue(std::vector<OutboxEntry> entries, Done<std::size_t> done) {
  for (auto& e : entries) {
    if (auto st = notify::identify(e); !st) {
      net::post(client_->strand(), [done = std::move(done), error = st.error()] { done(error); });
      return;
    }
  }
  auto shared = std::make_shared<std::vector<OutboxEntry>>(std::move(entries));
  net::post(client_->strand(), [self = shared_from_this(), shared, done = std::move(done)]() mutable {
    self->enqueue_batch(std::move(shared), 0, 0, std::move(done));
  });
}

void Outbox::enqueue_batch(std::shared_ptr<std::vector<OutboxEntry>> entries, std::size_t from, std::size_t added,
                           Done<std::size_t> done) {
  const std::size_t n = std::min(options_.batch, entries->size() - from);
  if (n == 0) {
    done(added);
    return;
  }
  std::vector<std::string> args{"EVAL", std::string(wire::kEnqueueScript), eval_keys(1 + 2 * n), keys_.outbox};
  args.reserve(6 + n * (2 + wire::kEnqueueArgs));
  for (std::size_t i = from; i < from + n; ++i) {
    const auto& e = (*entries)[i];
    args.push_back(keys_.outbox_seen + e.id);
    args.push_back(keys_.deliveries + e.alert_key);
  }
  args.push_back(std::to_string(options_.ledger_ttl.count()));
  args.push_back(std::to_string(options_.max_length));
  for (std::size_t i = from; i < from + n; ++i) {
    auto more = wire::enqueue_args((*entries)[i]);
    std::move(more.begin(), more.end(), std::back_inserter(args));
  }
  client_->command(std::move(args), [self = shared_from_this(), entries = std::move(entries), from, n, added,
                                     done = std::move(done)](Result<Reply> r) mutable {
    // A failed batch fails the call; the batches before it are in, and sending them all again
    // adds nothing twice.
    if (!r) return done(r.error());
    if (r->type != Reply::Type::Integer || r->integer < 0 || static_cast<std::size_t>(r->integer) > n)
      return done(make_error(ErrorCode::bad_field, "redis outbox: unexpected reply to the enqueue script"));
    const auto fresh = static_cast<std::size_t>(r->integer);
    {
      std::lock_guard lock(self->stats_mutex_);
      self->stats_.duplicates += n - fresh;
    }
    self->enqueue_batch(std::move(entries), from + n, added + fresh, std::move(done));
  });
}

// ---- claim ----

void Outbox::claim(std::size_t max, Done<std::vector<OutboxEntry>> done) {
  auto run = std::make_shared<ClaimRun>();
  run->max = max;
  run->done = std::move(done);
  net::post(client_->strand(), [self = shared_from_this(), run] {
    if (run->max == 0) return run->done(std::vector<OutboxEntry>{});
    self->claim_group(run);
  });
}

void Outbox::claim_group(const std::shared_ptr<ClaimRun>& run) {
  if (group_ready_) return claim_own(run);
  // From the stream's start, not "$": entries enqueued before any daemon made the group are
  // waiting for it (settled ones are deleted, so all there is still wants delivering).
  client_->command({"XGROUP", "CREATE", keys_.outbox, std::string(wire::kGroup), "0", "MKSTREAM"},
                   [self = shared_from_this(), run](const Result<Reply>& r) {
                     if (!r && !mentions(r.error(), "BUSYGROUP")) return self->claim_done(run, &r.error());
                     self->group_ready_ = true;
                     self->claim_own(run);
                   });
}

void Outbox::claim_own(const std::shared_ptr<ClaimRun>& run) {
  if (!recovering_) return claim_new(run);
  const std::size_t count = run->room();
  client_->command({"XREADGROUP", "GROUP", std::string(wire::kGroup), options_.consumer, "COUNT", std::to_string(count),
                    "STREAMS", keys_.outbox, own_cursor_},
                   [self = shared_from_this(), run, count](Result<Reply> r) {
                     if (!r) return self->claim_done(run, &r.error());
                     auto items = wire::parse_group_read(*r, self->keys_.outbox);
                     if (!items) return self->claim_done(run, &items.error());
                     for (const auto& item : *items) {
                       self->own_cursor_ = item.id;
                       run->take(item, self->held_, false);
                     }
                     if (items->size() < count) {  // read to the end of this consumer's pending list
                       self->recovering_ = false;
                       self->own_cursor_ = "0";
                     }
                     if (run->room() == 0) return self->claim_done(run, nullptr);
                     self->claim_own(run);
                   });
}

void Outbox::claim_new(const std::shared_ptr<ClaimRun>& run) {
  client_->command({"XREADGROUP", "GROUP", std::string(wire::kGroup), options_.consumer, "COUNT",
                    std::to_string(run->room()), "STREAMS", keys_.outbox, ">"},
                   [self = shared_from_this(), run](Result<Reply> r) {
                     if (!r) return self->claim_done(run, &r.error());
                     auto items = wire::parse_group_read(*r, self->keys_.outbox);
                     if (!items) return self->claim_done(run, &items.error());
                     for (const auto& item : *items) run->take(item, self->held_, false);
                     if (run->room() == 0) return self->claim_done(run, nullptr);
                     self->claim_reclaim(run);
                   });
}

void Outbox::claim_reclaim(const std::shared_ptr<ClaimRun>& run) {
  client_->command(
      {"XAUTOCLAIM", keys_.outbox, std::string(wire::kGroup), options_.consumer,
       std::to_string(options_.claim_timeout.count()), reclaim_cursor_, "COUNT", std::to_string(run->room())},
      [self = shared_from_this(), run](Result<Reply> r) {
        if (!r) return self->claim_done(run, &r.error());
        auto takeover = wire::parse_autoclaim(*r);
        if (!takeover) return self->claim_done(run, &takeover.error());
        self->reclaim_cursor_ = takeover->cursor;
        for (const auto& item : takeover->items) run->take(item, self->held_, true);
        self->claim_done(run, nullptr);
      });
}

void Outbox::claim_done(const std::shared_ptr<ClaimRun>& run, const Error* error) {
  if (error != nullptr) {
    // A read whose answer was lost may have given this consumer entries it never saw: they are
    // in its pending list, which the next claim reads again (skipping what it holds).
    recovering_ = true;
    own_cursor_ = "0";
    if (mentions(*error, "NOGROUP")) group_ready_ = false;
  }
  acknowledge(run->acknowledge);
  if (run->reclaimed > 0) {
    spdlog::info("redis outbox: took over {} entries another daemon held past {} ms", run->reclaimed,
                 options_.claim_timeout.count());
    std::lock_guard lock(stats_mutex_);
    stats_.reclaimed += run->reclaimed;
  }
  // What was taken before a step failed is handed out: those entries are held now.
  if (error != nullptr && run->out.empty()) return run->done(group_error(*error));
  run->done(std::move(run->out));
}

void Outbox::acknowledge(const std::vector<std::string>& stream_ids) {
  if (stream_ids.empty()) return;
  std::vector<std::string> ack{"XACK", keys_.outbox, std::string(wire::kGroup)};
  std::vector<std::string> del{"XDEL", keys_.outbox};
  for (const auto& id : stream_ids) {
    ack.push_back(id);
    del.push_back(id);
  }
  // Best effort: an id left pending comes back to a later claim and is acknowledged then.
  auto log = [](const Result<Reply>& r) {
    if (!r) spdlog::warn("redis outbox: acknowledging unusable entries: {}", r.error().message);
  };
  client_->command(std::move(ack), log);
  client_->command(std::move(del), log);
}

// ---- keep, settle ----

void Outbox::keep(const std::vector<OutboxEntry>& entries, Done<bool> done) {
  std::vector<std::string> args{"EVAL",       std::string(wire::kKeepScript), "1",
                                keys_.outbox, std::string(wire::kGroup),      options_.consumer};
  for (const auto& e : entries)
    if (!e.stream_id.empty()) args.push_back(e.stream_id);
  net::post(client_->strand(), [self = shared_from_this(), args = std::move(args), done = std::move(done)]() mutable {
    if (args.size() == 6) return done(true);  // nothing of this store's
    self->client_->command(std::move(args), [self, done = std::move(done)](Result<Reply> r) {
      if (!r) return done(group_error(r.error()));
      if (r->type != Reply::Type::Array)
        return done(make_error(ErrorCode::bad_field, "redis outbox: unexpected reply to the keep script"));
      for (const auto& lost : r->elements) {
        self->held_.erase(lost.str);
        spdlog::warn("redis outbox: entry {} is no longer held by {} (taken over or settled)", lost.str,
                     self->options_.consumer);
      }
      done(r->elements.empty());
    });
  });
}

void Outbox::settle(const OutboxEntry& entry, DeliveryRecord record, Done<bool> done) {
  OutboxEntry known = entry;
  if (record.alert_key.empty() || record.notification.empty()) {
    if (auto st = notify::identify(known); !st) {
      net::post(client_->strand(), [done = std::move(done), error = st.error()] { done(error); });
      return;
    }
  }
  record = notify::with_entry(std::move(record), known);
  const bool final = record.state != notify::DeliveryState::Pending;
  std::vector<std::string> args{"EVAL",
                                std::string(wire::kSettleScript),
                                "2",
                                keys_.outbox,
                                keys_.deliveries + record.alert_key,
                                std::string(wire::kGroup),
                                entry.stream_id,
                                notify::ledger_slot(record),
                                notify::to_json(record),
                                std::string(notify::to_string(record.state)),
                                std::to_string(options_.ledger_ttl.count())};
  client_->command(std::move(args), [self = shared_from_this(), stream_id = entry.stream_id, final,
                                     done = std::move(done)](Result<Reply> r) {
    if (!r) return done(r.error());
    if (r->type != Reply::Type::Integer)
      return done(make_error(ErrorCode::bad_field, "redis outbox: unexpected reply to the settle script"));
    if (final) self->held_.erase(stream_id);
    done(r->integer == 1);
  });
}

// ---- the ledger, stats ----

void Outbox::deliveries(const std::string& alert_key, Done<std::vector<DeliveryRecord>> done) {
  // `self` keeps the connection alive until the answer: every done runs.
  client_->command({"HGETALL", keys_.deliveries + alert_key}, [self = shared_from_this(), alert_key,
                                                               done = std::move(done)](Result<Reply> r) {
    if (!r) return done(r.error());
    if (r->type != Reply::Type::Array || r->elements.size() % 2 != 0)
      return done(make_error(ErrorCode::bad_field, "redis outbox: unexpected reply to HGETALL"));
    std::vector<DeliveryRecord> out;
    for (std::size_t i = 0; i + 1 < r->elements.size(); i += 2) {
      auto record = notify::delivery_from_json(r->elements[i + 1].str);
      if (!record) {
        spdlog::warn("redis outbox: skipping unreadable delivery record {} of {}: {}", r->elements[i].str, alert_key,
                     record.error().message);
        continue;
      }
      out.push_back(std::move(*record));
    }
    std::sort(out.begin(), out.end(), [](const DeliveryRecord& a, const DeliveryRecord& b) {
      return std::tie(a.enqueued_at, a.receiver, a.notification) < std::tie(b.enqueued_at, b.receiver, b.notification);
    });
    done(std::move(out));
  });
}

Outbox::Stats Outbox::stats() const {
  std::lock_guard lock(stats_mutex_);
  return stats_;
}

void Outbox::refresh_stats(Done<Stats> done) {
  client_->command(
      {"EVAL", std::string(wire::kStatsScript), "1", keys_.outbox},
      [self = shared_from_this(), done = std::move(done)](Result<Reply> r) {
        if (!r) return done(r.error());
        if (r->type != Reply::Type::Array || r->elements.size() != 2 || r->elements[0].type != Reply::Type::Integer)
          return done(make_error(ErrorCode::bad_field, "redis outbox: unexpected reply to the stats script"));
        // Its enqueue time; the entry id's (Redis' clock) if the entry cannot be read.
        Timestamp oldest;
        if (auto items = wire::parse_items(r->elements[1]); items && !items->empty()) {
          if (auto entry = wire::to_entry(items->front())) {
            oldest = entry->enqueued_at;
          } else {
            oldest.ms = std::strtoll(items->front().id.c_str(), nullptr, 10);
          }
        }
        Stats s;
        {
          std::lock_guard lock(self->stats_mutex_);
          self->stats_.depth = static_cast<std::size_t>(std::max<long long>(r->elements[0].integer, 0));
          self->stats_.oldest_pending = oldest;
          s = self->stats_;
        }
        done(s);
      });
}

}  // namespace lodestone::redis
