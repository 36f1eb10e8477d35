#pragma once
// The notification outbox several daemons share through Redis (notify::Outbox's contract, with
// claims that survive a restart and pass to another daemon when one dies).
//
// Entries. The stream {prefix}:outbox holds every (notification, receiver) entry not yet
// settled, read through the consumer group "notify"; each daemon is one consumer, named after its
// instance. One Lua script per enqueue batch marks each entry's id as seen (SET NX with an
// expiry, {prefix}:outbox:seen:<id>), and only for an id not seen before appends the entry
// (XADD MAXLEN ~ max_length) and files its pending record in the ledger, so an enqueue sent again
// after a lost answer, or by a second daemon that raised the same alert, adds nothing.
//
// Claims. claim() first reads this consumer's own pending entries (a restart under the same name
// finds what it held when it stopped), then new ones (XREADGROUP >), then takes over entries
// another consumer has held longer than claim_timeout (XAUTOCLAIM): a daemon that died mid-
// delivery loses its entries to the living ones. keep() resets the idle time of entries this
// daemon still holds on purpose (grouping, pacing, a paused receiver) so they are not taken over.
// claim_timeout must exceed one delivery attempt (the longest receiver timeout) and the
// notifier's keep() period. Entries deleted or trimmed while pending are acknowledged and skipped.
//
// Ledger. {prefix}:deliveries:<alert key> is a hash of one delivery record per receiver and
// notification (notify::to_json(DeliveryRecord)). settle() writes the record and, when its state
// is final, acknowledges and deletes the entry, in one script; the ledger never goes back
// (notify::supersedes). The hash and the seen keys expire `ledger_ttl` after their last write.
//
// Threading. One connection (no blocking commands: the notifier calls claim() on its own timer
// or when woken). Every call posts to the connection's strand and returns at once; each `done`
// runs exactly once, later, on that strand. Redis away: every call is done with unavailable (not
// connected, the connection ended) or timeout (no answer within the command timeout; the call may
// or may not have taken effect): the notifier tries again later, which every call allows.
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_set>
#include <vector>

#include "lodestone/core/clock.hpp"
#include "lodestone/net/net.hpp"
#include "lodestone/notify/outbox.hpp"
#include "lodestone/redis/client.hpp"
#include "lodestone/redis/keys.hpp"

namespace lodestone::redis {

struct OutboxOptions {
  std::string prefix = "{lodestone}";
  // The consumer's name in the group: the daemon's instance name, the same across its restarts,
  // so that it finds its own unsettled entries again. Different daemons need different names.
  std::string consumer = "lodestone";
  // How long an entry may sit claimed and idle before another daemon takes it over.
  std::chrono::milliseconds claim_timeout{60'000};
  // The dedup of entry ids and the ledger's records last this long after their last write.
  std::chrono::seconds ledger_ttl{std::chrono::hours(24 * 8)};
  // The stream's bound (XADD MAXLEN ~): past it the oldest entries are trimmed, delivered or not.
  std::size_t max_length = 100'000;
  std::size_t batch = 100;  // entries per enqueue script
  ClientOptions client;     // endpoint, timeouts, backoff (the connection's name is set here)
};

class Outbox final : public notify::Outbox, public std::enable_shared_from_this<Outbox> {
 public:
  using Stats = notify::OutboxStats;

  // `clock` (command deadlines) must outlive the outbox.
  static std::shared_ptr<Outbox> create(net::any_io_executor executor, OutboxOptions options, const Clock& clock);
  ~Outbox() override;
  Outbox(const Outbox&) = delete;
  Outbox& operator=(const Outbox&) = delete;

  // Connects (and reconnects with backoff). Calls made before the connection is up are done
  // with unavailable.
  void start();
  // Closes the connection: calls waiting for Redis are done with an error, later calls with
  // unavailable. What this daemon held stays pending in Redis under its consumer name.
  void stop();

  void enqueue(std::vector<notify::OutboxEntry> entries, Done<std::size_t> done) override;
  void claim(std::size_t max, Done<std::vector<notify::OutboxEntry>> done) override;
  void keep(const std::vector<notify::OutboxEntry>& entries, Done<bool> done) override;
  void settle(const notify::OutboxEntry& entry, notify::DeliveryRecord record, Done<bool> done) override;
  void deliveries(const std::string& alert_key, Done<std::vector<notify::DeliveryRecord>> done) override;
  // depth and oldest_pending are the whole outbox's (every daemon's), as of the last
  // refresh_stats(); duplicates and reclaimed count this daemon's enqueues and claims.
  [[nodiscard]] Stats stats() const override;
  // XLEN and the stream's first entry, in one script: the depth and the oldest entry's enqueue time.
  void refresh_stats(Done<Stats> done) override;

  [[nodiscard]] ClientStats client_stats() const { return client_->stats(); }
  [[nodiscard]] bool connected() const { return client_->connected(); }
  [[nodiscard]] const OutboxOptions& options() const { return options_; }

 private:
  struct ClaimRun;

  Outbox(net::any_io_executor executor, OutboxOptions options, const Clock& clock);
  // Strand only, from here on.
  void enqueue_batch(std::shared_ptr<std::vector<notify::OutboxEntry>> entries, std::size_t from, std::size_t added,
                     Done<std::size_t> done);
  void claim_group(const std::shared_ptr<ClaimRun>& run);
  void claim_own(const std::shared_ptr<ClaimRun>& run);
  void claim_new(const std::shared_ptr<ClaimRun>& run);
  void claim_reclaim(const std::shared_ptr<ClaimRun>& run);
  void claim_done(const std::shared_ptr<ClaimRun>& run, const Error* error);
  void acknowledge(const std::vector<std::string>& stream_ids);

  OutboxOptions options_;
  Keys keys_;
  std::shared_ptr<Client> client_;
  // Strand only: what this process has handed out and not settled, and where claims resume.
  std::unordered_set<std::string> held_;  // stream ids
  bool group_ready_ = false;              // the group exists on this connection's Redis
  bool recovering_ = true;                // this consumer's own pending entries are still to be read
  std::string own_cursor_ = "0";          // the last own pending entry read
  std::string reclaim_cursor_ = "0-0";    // where XAUTOCLAIM's scan goes on

  mutable std::mutex stats_mutex_;
  Stats stats_;
};

}  // namespace lodestone::redis
