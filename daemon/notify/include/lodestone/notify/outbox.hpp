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
};

struct OutboxStats {
  std::size_t depth = 0;         // entries enqueued and not yet settled (pending or claimed)
  Timestamp oldest_pending;      // enqueue time of the oldest of them (0 when none)
  std::uint64_t duplicates = 0;  // enqueues skipped: already enqueued (here or by another daemon)
  std::uint64_t reclaimed = 0;   // entries taken over from a consumer that stopped answering
  bool durable = false;          // survives a restart (Redis)
};

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
  // claim timeout.
  virtual void keep(const std::vector<OutboxEntry>& entries, Done<bool> done) = 0;
  // Updates the ledger; when the record's state is final (not Pending) also acknowledges the
  // entry, atomically with the ledger write.
  virtual void settle(const OutboxEntry& entry, DeliveryRecord record, Done<bool> done) = 0;
  // Every receiver's record for one alert (its fingerprint), oldest first.
  virtual void deliveries(const std::string& alert_key, Done<std::vector<DeliveryRecord>> done) = 0;
  [[nodiscard]] virtual OutboxStats stats() const = 0;
};

// In memory: for `make run` and a daemon without Redis. Claims never time out (one consumer).
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
