#pragma once
// The outbox: every (alert notification, receiver) pair waiting to be delivered, claimed by one
// daemon at a time, settled once the service answered. With Redis it is a stream with a
// consumer group shared by every daemon (redis::Outbox); without, it is in memory (MemoryOutbox)
// and gone with the process, which /readyz and the README say.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "lodestone/core/result.hpp"
#include "lodestone/notify/ledger.hpp"

namespace lodestone::notify {

struct OutboxEntry {
  std::string id;  // sha-256 based, stable per (notification id, receiver): the webhook-id
  std::string receiver;
  std::string alert_json;  // the alert notification, canonical JSON (core's to_json)
  std::size_t route = 0;   // index of the route that sent it here (its grouping and quiet hours)
  Timestamp enqueued_at;
  std::string stream_id;  // where the backing store keeps it ("" for memory)
  // What the ledger files the entry under. Whoever enqueues may fill alert_key (the alert's
  // fingerprint, alert_key()) and notification (the alert's id); when empty, enqueue reads
  // them from alert_json (identify()). The receiver's kind is the enqueuer's to say.
  std::string alert_key;
  std::string notification;
  ReceiverKind kind = ReceiverKind::Webhook;
};

struct OutboxStats {
  std::size_t depth = 0;         // entries enqueued and not yet settled (pending or claimed)
  Timestamp oldest_pending;      // enqueue time of the oldest of them (0 when none)
  std::uint64_t duplicates = 0;  // enqueues skipped: already enqueued (here or by another daemon)
  std::uint64_t reclaimed = 0;   // entries taken over from a consumer that stopped answering
  bool durable = false;          // survives a restart (Redis)
};

// The contract every outbox keeps:
// - Each `done` runs exactly once, with a value or an Error. MemoryOutbox runs it before the
//   call returns (on the caller's thread); redis::Outbox runs it later on its connection's
//   strand, never inside the call. Either way `done` must not block, and must not assume a lock
//   the caller holds is free (MemoryOutbox calls it without holding its own).
// - Errors: unavailable (the store cannot be reached now) and timeout (no answer in time; the
//   call may or may not have taken effect): the caller tries again later, which is safe for
//   every call (enqueue is idempotent by entry id, settle and keep by entry). bad_field: an entry
//   whose alert_json does not parse and that does not name its alert_key and notification
//   (nothing of the batch was enqueued).
// - An entry is handed out once per process: claim() never returns an entry this outbox has
//   handed out and that is not yet settled with a final state.
// - The ledger never goes back: a Pending record does not replace a final one, and nothing
//   replaces Sent (a daemon that stalled past the claim timeout settles late, after the daemon
//   that reclaimed the entry delivered it).
class Outbox {
 public:
  template <class T>
  using Done = std::function<void(Result<T>)>;
  virtual ~Outbox() = default;

  // Adds each entry whose id was never enqueued before (by any daemon sharing the outbox) and
  // records it as pending in the ledger. Done with how many were new.
  virtual void enqueue(std::vector<OutboxEntry> entries, Done<std::size_t> done) = 0;
  // Up to `max` entries for this daemon: first its own still-unsettled ones (after a restart),
  // then new ones, then those another consumer has held longer than the claim timeout.
  virtual void claim(std::size_t max, Done<std::vector<OutboxEntry>> done) = 0;
  // Claimed entries this daemon still holds (grouping, pacing): not reclaimable for another
  // claim timeout. Done with false when some of them were already taken over by another daemon
  // (it stalled past the claim timeout): that daemon delivers them now.
  virtual void keep(const std::vector<OutboxEntry>& entries, Done<bool> done) = 0;
  // Updates the ledger; when the record's state is final (not Pending) also acknowledges the
  // entry, atomically with the ledger write. Done with whether the ledger took the record (false:
  // it already held a later state, see above).
  virtual void settle(const OutboxEntry& entry, DeliveryRecord record, Done<bool> done) = 0;
  // Every receiver's record for one alert (its fingerprint), oldest first.
  virtual void deliveries(const std::string& alert_key, Done<std::vector<DeliveryRecord>> done) = 0;
  // The last known stats, without waiting (metrics, /readyz).
  [[nodiscard]] virtual OutboxStats stats() const = 0;
  // Brings stats() up to date where they live elsewhere (Redis: the stream's depth and its
  // oldest entry, shared by every daemon); done with them. In memory they always are.
  // NOLINTNEXTLINE(performance-unnecessary-value-param): by value, as the overrides keep it
  virtual void refresh_stats(Done<OutboxStats> done) { done(stats()); }
};

// Fills an entry's alert_key and notification from its alert_json where they are empty.
// bad_field when they are needed and the JSON is not a canonical alert.
Status identify(OutboxEntry& entry);
// The ledger's first record of an entry: pending since it was enqueued.
DeliveryRecord pending_record(const OutboxEntry& entry);
// A record being settled, with what its entry knows filled in where the notifier left it empty
// (id, alert key, notification, receiver, enqueue time).
DeliveryRecord with_entry(DeliveryRecord record, const OutboxEntry& entry);
// Where the ledger keeps a record among its alert's: "<receiver>|<notification>".
std::string ledger_slot(const DeliveryRecord& record);
// Whether a record in state `next` may replace one in state `current` (the ledger never goes
// back: Pending < Failed, Silenced, Skipped < Sent).
bool supersedes(DeliveryState next, DeliveryState current);

// In memory: for `make run` and a daemon without Redis. Claims never time out (one consumer);
// nothing survives the process (stats().durable is false). Remembers the last
// `ledger_retention` entry ids (enqueueing one of them again is a duplicate) and the records of
// the alerts those entries belong to; older ones are forgotten, oldest alert first. Thread-safe;
// every `done` runs before the call returns, outside the outbox's lock.
class MemoryOutbox final : public Outbox {
 public:
  explicit MemoryOutbox(std::size_t ledger_retention = 100'000);
  ~MemoryOutbox() override;
  void enqueue(std::vector<OutboxEntry> entries, Done<std::size_t> done) override;
  void claim(std::size_t max, Done<std::vector<OutboxEntry>> done) override;
  void keep(const std::vector<OutboxEntry>& entries, Done<bool> done) override;
  void settle(const OutboxEntry& entry, DeliveryRecord record, Done<bool> done) override;
  void deliveries(const std::string& alert_key, Done<std::vector<DeliveryRecord>> done) override;
  [[nodiscard]] OutboxStats stats() const override;

 private:
  struct Impl;
  std::size_t retention_;
  mutable std::mutex mutex_;
  std::unique_ptr<Impl> impl_;
};

// The entry id: hex of SHA-256("<notification id>|<receiver>") cut to 32 characters. No '.',
// as Standard Webhooks requires of webhook-id.
std::string entry_id(std::string_view notification_id, std::string_view receiver);

}  // namespace lodestone::notify
