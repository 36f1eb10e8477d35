#pragma once
// The notifier: alerts in, messages out, every delivery in the ledger.
//
//   publish(alert)  route it (Router) and enqueue one outbox entry per receiver; an entry id
//                   every daemon computes alike, so a notification two daemons both raise is
//                   enqueued once
//   claim           take entries from the outbox (this daemon's own unsettled ones first, then
//                   new ones, then those of a daemon that stopped answering)
//   dispatch        group, hold for quiet hours, pace to each service's limit, fold what waits
//                   into digests (Dispatcher)
//   send            render and sign at the moment of sending (render), one request per batch
//                   (Sender, off the I/O threads), read the service's answer (classify)
//   settle          sent, or retried with backoff, or paused after the service's rate-limit
//                   answer, or failed: a receiver that answers "bad token" is broken (a system
//                   alert says so) and that batch is not retried; past give_up_after, dead
//
// Everything runs on one strand of the daemon's io_context; the only other thread is the
// sender's. Every "now" comes from the injected Clock.
#include <prometheus/registry.h>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "lodestone/core/clock.hpp"
#include "lodestone/core/events.hpp"
#include "lodestone/net/net.hpp"
#include "lodestone/notify/dispatcher.hpp"
#include "lodestone/notify/ledger.hpp"
#include "lodestone/notify/notify_config.hpp"
#include "lodestone/notify/outbox.hpp"
#include "lodestone/notify/router.hpp"
#include "lodestone/notify/sender.hpp"

namespace lodestone::notify {

struct NotifierHooks {
  // A ledger record changed (the page shows it live). Any thread of the notifier's.
  std::function<void(const DeliveryRecord&)> delivery;
  // A system alert about notifications themselves (a broken receiver), and its resolution.
  std::function<void(Alert)> raise;
  // Whether a silence matches the alert now: checked again when a notification is due, so a
  // silence created after the alert fired still mutes what has not gone out yet.
  std::function<bool(const Alert&)> silenced;
};

struct NotifierOptions {
  std::string instance = "lodestone";             // written into each ledger record
  std::chrono::milliseconds poll{1000};           // how often the outbox is asked for new entries
  std::size_t claim_batch = 100;                  // entries per claim
  std::size_t max_unenqueued = 10'000;            // entries waiting while the outbox is away
  std::chrono::milliseconds enqueue_retry{1000};  // after the outbox refused an enqueue
};

enum class ReceiverHealth : std::uint8_t { Ok, Paused, Broken };
std::string_view to_string(ReceiverHealth health);

struct ReceiverStatus {
  std::string name;
  ReceiverKind kind = ReceiverKind::Webhook;
  ReceiverHealth health = ReceiverHealth::Ok;
  std::string detail;      // the service's words when broken or paused
  Timestamp paused_until;  // when paused
  std::uint64_t sent = 0;
  std::uint64_t failed = 0;
  std::size_t waiting = 0;
};

class Notifier : public std::enable_shared_from_this<Notifier> {
 public:
  // `config`, `outbox`, `sender`, `clock` and `metrics` must outlive the notifier.
  static std::shared_ptr<Notifier> create(net::any_io_executor executor, const NotifyConfig& config, Outbox& outbox,
                                          Sender& sender, const Clock& clock, prometheus::Registry& metrics,
                                          NotifierHooks hooks, NotifierOptions options = {});
  ~Notifier();

  void start();
  // Claims and sends nothing more. Requests already with a service are waited for, and their
  // answers settled, so a restart does not send them again; `drained` runs (on the notifier's
  // strand) once none is in flight. What is claimed and unsent stays in the outbox for the next
  // start (the same instance name takes it back at once) or another daemon (after
  // claim_timeout). The caller bounds the wait: a service that never answers holds nothing up
  // for longer than the caller allows.
  void stop(std::function<void()> drained = {});

  // An alert notification this daemon published (rules and system alerts). Any thread.
  void publish(const Alert& alert);
  // Claims and checks what is due now, without waiting for the next poll or timer: after the
  // clock jumped (a test's ManualClock, NTP stepping the wall clock).
  void wake();

  // Every receiver's state (for GET /api/v1/notify and /readyz's detail). Any thread.
  [[nodiscard]] std::vector<ReceiverStatus> receivers() const;
  // The ledger for one alert (its fingerprint). Any thread; `done` on the outbox's thread.
  void deliveries(const std::string& alert_key, Outbox::Done<std::vector<DeliveryRecord>> done);
  // For /metrics: copies the outbox's depth and age into the gauges.
  void update_metrics();

 private:
  struct State;
  Notifier(net::any_io_executor executor, const NotifyConfig& config, Outbox& outbox, Sender& sender,
           const Clock& clock, prometheus::Registry& metrics, NotifierHooks hooks, NotifierOptions options);
  std::unique_ptr<State> state_;
};

}  // namespace lodestone::notify
