#pragma once
// The alert store several daemons share through Redis.
//
// Log. Every notification is one entry of the stream {prefix}:alerts. One Lua script checks the
// notification's identity ("<id>|<state>", SET NX with an expiry), takes the next seq from the
// shared counter (INCR) and appends the entry (XADD MAXLEN ~ retention), all atomically, so
// stream order and seq order are one order for every instance: two daemons never hand out the
// same seq, and a client resuming on any of them after seq N gets exactly what came later.
// A write whose reply was lost is simply sent again; the identity check makes it a no-op.
//
// Delivery. This instance's alerts are not broadcast when appended: a dedicated connection
// follows the stream (XREAD BLOCK) and delivers every entry, from every instance, in seq order,
// exactly once per instance. The same entries fill an in-memory mirror (the last `retention`),
// which answers after() and last_seq() without touching the network.
//
// Redis away (down, hung past the command timeout, or refusing writes): append keeps
// accepting. Alerts wait in a bounded buffer (counted) and are written, in order, once Redis
// is back. So that traders are not left in the dark meanwhile, each waiting alert is delivered
// to this instance's clients at once *provisionally*: the same JSON without a seq. When Redis
// has it, the stream delivers it again with its seq (the page keeps one row per alert id).
// A seq is never invented locally, so none is ever reused or reordered; resume positions stay
// valid. The buffer's bound is the promise: past it, alerts are delivered provisionally and
// counted as dropped, never stored. degraded_reason() explains all of this to /readyz.
//
// Replicas (wait_replicas > 0). Redis replicates asynchronously: an alert the master stored but
// had not yet sent to a replica is lost when Sentinel promotes that replica. With wait_replicas,
// each append is followed by WAIT n timeout, and an alert counts as stored only when WAIT says n
// replicas have it. Until then it stays in the buffer and is appended again (after `retry`,
// and on the new master after a failover); the identity check makes that a no-op where the alert
// is already stored.
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "lodestone/bus/alert_store.hpp"
#include "lodestone/core/clock.hpp"
#include "lodestone/redis/keys.hpp"
#include "lodestone/redis/stream_channel.hpp"

namespace lodestone::redis {

struct AlertStoreOptions {
  std::string prefix = "{lodestone}";
  std::string instance = "lodestone";  // written into each entry as its origin
  std::size_t retention = 100'000;     // the mirror's size: what resume and /api/v1/alerts reach back to
  std::size_t stream_maxlen = 0;       // stream MAXLEN ~ (0 = retention); never below retention
  std::size_t max_buffered = 10'000;   // alerts waiting for Redis before new ones are dropped
  std::size_t batch = 100;             // alerts per write (one script call)
  // Longer than any replay a restart does (the event journal), so a replayed alert is known.
  std::chrono::seconds dedup_ttl{std::chrono::hours(24 * 8)};
  std::chrono::milliseconds block{5000};         // XREAD BLOCK; a hung server is noticed after this plus the timeout
  std::chrono::milliseconds retry{500};          // after Redis refused a write
  std::chrono::milliseconds journal_wait{2000};  // longest an alert waits for the journal (wait_for_journal)
  std::size_t wait_replicas = 0;                 // WAIT for this many replicas after each append (0: no WAIT)
  std::chrono::milliseconds wait_timeout{500};   // WAIT's timeout
  ClientOptions client;                          // endpoint, timeouts, backoff (names are set per connection)
};

struct AlertStoreStats {
  std::uint64_t appended = 0;      // new notifications accepted by append
  std::uint64_t duplicates = 0;    // suppressed: already stored (here or by any instance)
  std::uint64_t written = 0;       // stored in Redis by this instance
  std::uint64_t delivered = 0;     // delivered from the stream (every instance's)
  std::uint64_t provisional = 0;   // delivered to this instance's clients before Redis held them
  std::uint64_t dropped = 0;       // the buffer was full: delivered here, never stored
  std::uint64_t unreplicated = 0;  // WAITs that came back with fewer replicas than wait_replicas
  std::size_t buffered = 0;        // waiting for Redis now
  std::size_t max_buffered = 0;    // the bound on buffered
  std::size_t mirrored = 0;
  bool loaded = false;
  ClientStats writer;
  ClientStats reader;
};

class AlertStore final : public bus::AlertStore,
                         public StreamChannel::User,
                         public std::enable_shared_from_this<AlertStore> {
 public:
  // `clock` (the journal wait, drain deadlines) must outlive the store.
  static std::shared_ptr<AlertStore> create(net::any_io_executor executor, AlertStoreOptions options,
                                            const Clock& clock);
  ~AlertStore() override;

  void set_delivery(Delivery delivery) override;
  // Connects, loads the last `retention` alerts into the mirror and follows the stream.
  void start();
  // Gives writes in flight and buffered ones up to `drain` to reach Redis, then disconnects.
  // `halted` runs once it has (from the store's thread).
  void stop(std::chrono::milliseconds drain = std::chrono::milliseconds(250), std::function<void()> halted = {});
  // True once stop() has drained (or given up) and disconnected.
  [[nodiscard]] bool stopped() const {
    std::lock_guard lock(mutex_);
    return stopped_;
  }
  // Runs once, from the reader's strand, when the history is loaded (at once if it already is).
  void when_loaded(std::function<void()> fn);

  // Write-ahead order with the event journal (StateStore): an alert is written only once
  // the journal holds every event recorded before it (its trigger among them), so a daemon
  // killed at any moment never leaves an alert in the stream that its restart's replay cannot
  // explain. `recorded`/`settled` count journal events handed over / stored (or given up);
  // `flush` asks the journal to write now. An alert waits at most `journal_wait` (liveness when
  // the journal cannot write). Set before start(); call journal_settled() after each journal write.
  void wait_for_journal(std::function<std::uint64_t()> recorded, std::function<std::uint64_t()> settled,
                        std::function<void()> flush);
  void journal_settled();

  std::optional<bus::StoredAlert> append(Alert alert) override;
  [[nodiscard]] bus::AlertRange after(std::uint64_t seq, std::size_t limit) const override;
  [[nodiscard]] std::uint64_t last_seq() const override;
  // From the mirror: what Redis holds and the stream has brought back (an alert still waiting for
  // Redis, delivered provisionally, is not found until it is stored).
  [[nodiscard]] std::vector<bus::StoredAlert> find(std::string_view alert_key) const override;
  [[nodiscard]] std::string degraded_reason() const override;
  [[nodiscard]] bool loaded() const;
  [[nodiscard]] AlertStoreStats stats() const;

 private:
  struct Waiting {
    std::string key;                                 // "<id>|<state>"
    std::string head;                                // alert JSON up to the seq's digits ...
    std::string tail;                                // ... and after them
    std::shared_ptr<const std::string> provisional;  // the JSON without a seq
    bool delivered = false;                          // provisionally, to this instance's clients
    bool written = false;  // Redis holds it (on wait_replicas replicas); waiting for the stream
    bool seen = false;     // the stream brought it back before WAIT confirmed it
    bool sent = false;     // appended before: a "stored already" answer is our own
    // The history load found it before its append's reply came: the reply says whether this
    // append stored it (new: delivered then) or it was stored before (a restart's replay: not again).
    bool in_history = false;
    std::uint64_t journal_mark = 0;  // journal events that must be stored first
    Clock::Steady since;             // appended at
  };
  struct Entry {
    std::uint64_t seq = 0;
    std::string key;
    std::string json;
  };

  AlertStore(net::any_io_executor executor, AlertStoreOptions options, const Clock& clock);
  // StreamChannel::User
  void writer_up() override;
  bool read_step() override;
  void link_down(const std::string& why) override;
  [[nodiscard]] bool drained() const override;
  void halt() override;

  void pump();
  // `fresh`: the batch's first append (else a re-check of alerts WAIT had not confirmed).
  void written(const std::vector<std::string>& keys, const Result<Reply>& reply, bool fresh);
  void replicated(const std::vector<std::string>& keys, const Reply& appended, const Result<Reply>& wait);
  // The master took the batch, WAIT has not confirmed it: kept, checked again after `retry`.
  void unconfirmed(const std::vector<std::string>& keys, const Reply& appended);
  void recheck_later();
  void stored(const std::vector<std::string>& keys, const Reply& appended);
  // The stream brought `key` back: done with it, unless it still waits for WAIT's confirmation.
  void brought_back_locked(const std::string& key);
  void retry_later();
  void follow();
  void load_page(std::vector<Entry> newest_first, const std::string& before, std::string newest);
  void loaded_history(std::vector<Entry> newest_first, const std::string& last_id);
  void take(const std::vector<StreamEntry>& entries);
  // Collects what must go out provisionally now; call with mutex_ held, deliver after unlocking.
  std::vector<bus::StoredAlert> provisional_locked();
  void deliver(const std::vector<bus::StoredAlert>& alerts);
  void mirror_locked(const Entry& e);
  // The mirrored notification with this identity, newest first.
  [[nodiscard]] std::optional<bus::StoredAlert> mirrored_locked(const std::string& key) const;
  // Alerts go out provisionally only once Redis is known to be away, not while the first
  // connection is still being made.
  [[nodiscard]] bool available_locked() const {
    return channel_->writer_link() != Link::Down && channel_->reader_link() != Link::Down && write_error_.empty();
  }
  [[nodiscard]] bool healthy_locked() const {
    return channel_->writer_link() == Link::Up && channel_->reader_link() == Link::Up && loaded_ &&
           write_error_.empty() && replica_error_.empty();
  }

  AlertStoreOptions options_;
  Keys keys_;
  const Clock& clock_;
  std::shared_ptr<StreamChannel> channel_;
  net::steady_timer retry_timer_;     // writer strand
  net::steady_timer journal_timer_;   // writer strand
  bool journal_timer_armed_ = false;  // writer strand
  net::steady_timer recheck_timer_;   // writer strand: alerts the master has, WAIT has not confirmed
  bool recheck_armed_ = false;        // writer strand
  std::function<std::uint64_t()> journal_recorded_;
  std::function<std::uint64_t()> journal_settled_;
  std::function<void()> journal_flush_;
  Delivery delivery_;

  mutable std::mutex mutex_;
  // Mirror of the stream's tail: seq order.
  std::deque<bus::StoredAlert> mirror_;
  std::deque<std::string> mirror_keys_;
  std::deque<std::string> mirror_alert_keys_;  // the alert each belongs to (bus::alert_key), same order
  bus::AlertIndex index_;                      // the mirror by alert
  std::unordered_set<std::string> known_;
  std::uint64_t last_seq_ = 0;
  // Waiting for Redis (or for the stream to bring them back), oldest first.
  std::deque<Waiting> waiting_;
  std::unordered_set<std::string> waiting_keys_;
  bool sending_ = false;  // one script call in flight at a time
  bool retry_pending_ = false;
  bool recheck_due_ = false;  // append again (and WAIT for) the alerts WAIT has not confirmed
  bool loaded_ = false;
  bool stopped_ = false;
  std::string write_error_;    // Redis answered a write with an error
  std::string replica_error_;  // WAIT found fewer replicas than wait_replicas
  std::vector<std::function<void()>> on_loaded_;
  AlertStoreStats stats_;
};

}  // namespace lodestone::redis
