// The outbox of a daemon without Redis: the same contract as redis::Outbox in one process's
// memory, under one lock. Callbacks run after the lock is released, so a callback may call the
// outbox again.
#include <algorithm>
#include <deque>
#include <map>
#include <unordered_map>
#include <unordered_set>

#include "lodestone/notify/outbox.hpp"

namespace lodestone::notify {

struct MemoryOutbox::Impl {
  struct Open {
    OutboxEntry entry;
    bool claimed = false;
  };
  std::unordered_map<std::string, Open> open;  // enqueued, not settled with a final state
  std::deque<std::string> queue;               // ids not yet claimed, in enqueue order
  // Every id enqueued, the last `retention` of them, oldest first (the dedup).
  std::unordered_set<std::string> seen;
  std::deque<std::string> seen_order;
  // alert key -> slot (ledger_slot) -> record; alert keys in the order of their first record.
  std::unordered_map<std::string, std::map<std::string, DeliveryRecord>> ledger;
  std::deque<std::string> ledger_order;
  std::size_t records = 0;
  std::uint64_t duplicates = 0;

  [[nodiscard]] bool known(const std::string& id) const { return seen.contains(id) || open.contains(id); }

  void remember(const std::string& id, std::size_t retention) {
    seen.insert(id);
    seen_order.push_back(id);
    while (seen_order.size() > retention) {
      seen.erase(seen_order.front());
      seen_order.pop_front();
    }
  }

  // Files `record` unless its slot holds a later state. True when it did.
  bool file(DeliveryRecord record, std::size_t retention) {
    auto [alert, fresh] = ledger.try_emplace(record.alert_key);
    if (fresh) ledger_order.push_back(record.alert_key);
    auto& slots = alert->second;
    const std::string slot = ledger_slot(record);
    if (auto it = slots.find(slot); it != slots.end()) {
      if (!supersedes(record.state, it->second.state)) return false;
      it->second = std::move(record);
      return true;
    }
    const std::string key = record.alert_key;
    slots.emplace(slot, std::move(record));
    ++records;
    // Past the bound, forget the oldest alerts' records; the alert just filed is in use, so it
    // goes to the back instead.
    while (records > retention && ledger_order.size() > 1) {
      if (ledger_order.front() == key) {
        ledger_order.pop_front();
        ledger_order.push_back(key);
        continue;
      }
      auto oldest = ledger.find(ledger_order.front());
      records -= oldest->second.size();
      ledger.erase(oldest);
      ledger_order.pop_front();
    }
    return true;
  }
};

MemoryOutbox::MemoryOutbox(std::size_t ledger_retention)
    : retention_(std::max<std::size_t>(ledger_retention, 1)), impl_(std::make_unique<Impl>()) {}

MemoryOutbox::~MemoryOutbox() = default;

void MemoryOutbox::enqueue(std::vector<OutboxEntry> entries, Done<std::size_t> done) {
  // All or nothing: an entry that cannot be filed fails the call before anything is added.
  for (auto& e : entries) {
    if (auto st = identify(e); !st) {
      done(st.error());
      return;
    }
  }
  std::size_t added = 0;
  {
    std::lock_guard lock(mutex_);
    for (auto& e : entries) {
      if (impl_->known(e.id)) {
        ++impl_->duplicates;
        continue;
      }
      impl_->remember(e.id, retention_);
      impl_->file(pending_record(e), retention_);
      impl_->queue.push_back(e.id);
      std::string id = e.id;
      impl_->open.emplace(std::move(id), Impl::Open{std::move(e), false});
      ++added;
    }
  }
  done(added);
}

void MemoryOutbox::claim(std::size_t max, Done<std::vector<OutboxEntry>> done) {
  std::vector<OutboxEntry> out;
  {
    std::lock_guard lock(mutex_);
    while (out.size() < max && !impl_->queue.empty()) {
      const auto it = impl_->open.find(impl_->queue.front());
      impl_->queue.pop_front();
      if (it == impl_->open.end() || it->second.claimed) continue;  // settled before it was claimed
      it->second.claimed = true;
      out.push_back(it->second.entry);
    }
  }
  done(std::move(out));
}

void MemoryOutbox::keep(const std::vector<OutboxEntry>& entries, Done<bool> done) {
  (void)entries;  // one consumer: nothing can take a claim over
  done(true);
}

void MemoryOutbox::settle(const OutboxEntry& entry, DeliveryRecord record, Done<bool> done) {
  OutboxEntry known = entry;
  if (record.alert_key.empty() || record.notification.empty()) {
    if (auto st = identify(known); !st) {
      done(st.error());
      return;
    }
  }
  record = with_entry(std::move(record), known);
  const bool final = record.state != DeliveryState::Pending;
  bool filed = false;
  {
    std::lock_guard lock(mutex_);
    filed = impl_->file(std::move(record), retention_);
    if (final) impl_->open.erase(entry.id);  // acknowledged: a later state in the ledger or not
  }
  done(filed);
}

void MemoryOutbox::deliveries(const std::string& alert_key, Done<std::vector<DeliveryRecord>> done) {
  std::vector<DeliveryRecord> out;
  {
    std::lock_guard lock(mutex_);
    if (auto it = impl_->ledger.find(alert_key); it != impl_->ledger.end())
      for (const auto& [slot, record] : it->second) out.push_back(record);
  }
  // Oldest first; records enqueued together in a stable order (receiver, then notification).
  std::stable_sort(out.begin(), out.end(),
                   [](const DeliveryRecord& a, const DeliveryRecord& b) { return a.enqueued_at < b.enqueued_at; });
  done(std::move(out));
}

OutboxStats MemoryOutbox::stats() const {
  std::lock_guard lock(mutex_);
  OutboxStats s;
  s.depth = impl_->open.size();
  for (const auto& [id, o] : impl_->open)
    if (s.oldest_pending.ms == 0 || o.entry.enqueued_at < s.oldest_pending) s.oldest_pending = o.entry.enqueued_at;
  s.duplicates = impl_->duplicates;
  s.durable = false;
  return s;
}

}  // namespace lodestone::notify
