#include "lodestone/notify/notifier.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <deque>
#include <mutex>
#include <set>
#include <unordered_map>

#include "lodestone/core/json_writer.hpp"
#include "lodestone/feeds/canonical_alert.hpp"
#include "notifier_metrics.hpp"
#include "receiver_alert.hpp"

namespace lodestone::notify {

std::string_view to_string(ReceiverHealth health) {
  switch (health) {
    case ReceiverHealth::Ok:
      return "ok";
    case ReceiverHealth::Paused:
      return "paused";
    case ReceiverHealth::Broken:
      return "broken";
  }
  return "unknown";
}

namespace {

constexpr std::chrono::seconds kDefaultPause{60};  // a rate-limit answer that names no wait
constexpr std::size_t kReplyRefs = 10'000;         // remembered message ids, for threading updates

double seconds_between(Timestamp from, Timestamp to) { return static_cast<double>(to.ms - from.ms) / 1000.0; }

}  // namespace

struct Notifier::State {
  State(net::any_io_executor executor, const NotifyConfig& c, Outbox& o, Sender& s, const Clock& clk,
        prometheus::Registry& registry, NotifierHooks h, NotifierOptions opts)
      : strand(net::make_strand(executor)),
        config(c),
        outbox(o),
        sender(s),
        clock(clk),
        metrics(registry),
        hooks(std::move(h)),
        options(std::move(opts)),
        router(c),
        dispatcher(c, static_cast<std::uint64_t>(clk.now().ms)),
        claim_timer(strand),
        due_timer(strand),
        keep_timer(strand),
        enqueue_timer(strand) {
    for (const auto& r : config.receivers) {
      ReceiverStatus status;
      status.name = r.name;
      status.kind = r.kind;
      statuses.emplace(r.name, status);
      metrics.health(r.name, r.kind, true, false);
    }
  }

  net::strand<net::any_io_executor> strand;
  const NotifyConfig& config;
  Outbox& outbox;
  Sender& sender;
  const Clock& clock;
  detail::NotifierMetrics metrics;
  NotifierHooks hooks;
  NotifierOptions options;
  Router router;
  Dispatcher dispatcher;
  net::steady_timer claim_timer;
  net::steady_timer due_timer;
  net::steady_timer keep_timer;
  net::steady_timer enqueue_timer;
  bool stopped = false;
  bool claiming = false;
  bool claim_again = false;
  bool enqueue_retry_armed = false;
  std::optional<Timestamp> due_armed_for;
  // Entries this daemon holds (in the dispatcher or in flight), by id, with their alert:
  // claim() hands back a daemon's own unsettled entries, which must not be added twice.
  std::unordered_map<std::string, Alert> held;
  std::unordered_map<std::string, Batch> in_flight;  // by notification id
  std::deque<OutboxEntry> unenqueued;                // the outbox refused them; tried again
  // The service's id of the last message about an alert, per receiver: updates reply to it.
  std::unordered_map<std::string, std::string> reply_refs;
  std::deque<std::string> reply_ref_order;
  std::map<std::string, std::uint64_t> broken_incidents;  // numbers each receiver's breakdowns
  // Alerts still firing that a receiver was sent, for the route's repeat_interval: by
  // receiver and alert key. Forgotten when the alert resolves.
  struct Firing {
    Alert alert;
    std::size_t route = 0;
    Timestamp sent_at;
    std::uint32_t repeats = 0;
  };
  std::map<std::string, Firing> firing;
  std::function<void()> drained;  // stop()'s: once nothing is in flight
  mutable std::mutex status_mutex;
  std::map<std::string, ReceiverStatus> statuses;

  // --- enqueue --------------------------------------------------------------------------
  void enqueue(std::vector<OutboxEntry> entries, const std::shared_ptr<Notifier>& self);
  void keep_for_later(std::vector<OutboxEntry> entries);
  // --- claim ----------------------------------------------------------------------------
  void claim(const std::shared_ptr<Notifier>& self);
  void take(std::vector<OutboxEntry> entries);
  // --- dispatch and send ----------------------------------------------------------------
  void arm_due(const std::shared_ptr<Notifier>& self);
  void send_due(const std::shared_ptr<Notifier>& self);
  void send(Batch batch, const std::shared_ptr<Notifier>& self);
  void answered(const std::string& batch_id, const ServiceAnswer& answer);
  // --- settle ---------------------------------------------------------------------------
  void settle(const Batch& batch, DeliveryState state, const std::string& detail, const Verdict* verdict);
  void settle_entry(const OutboxEntry& entry, DeliveryState state, const std::string& detail, std::uint32_t attempts,
                    bool digest, const std::string& message_ref);
  void set_health(const ReceiverConfig& receiver, ReceiverHealth health, const std::string& why,
                  Timestamp paused_until = {});
  void remember_reply(const std::string& receiver, const std::string& key, const std::string& ref);
  [[nodiscard]] std::string reply_for(const std::string& receiver, const Batch& batch) const;
  // Render, sign and hand the batch to the sender.
  void transmit(Batch batch, const std::shared_ptr<Notifier>& self);
  void keep_held(const std::shared_ptr<Notifier>& self);
  void poll(const std::shared_ptr<Notifier>& self);
  void track_firing(const std::string& receiver, const Batch& batch, Timestamp now);
  void repeat_firing(const std::shared_ptr<Notifier>& self);
};

namespace {
constexpr std::size_t kTrackedFiring = 10'000;  // the oldest are forgotten past it (never re-sent)
}  // namespace

void Notifier::State::track_firing(const std::string& receiver, const Batch& batch, Timestamp now) {
  for (const auto& a : batch.notification.alerts) {
    const std::string key = receiver + '\x1f' + alert_key(a);
    if (a.state != AlertState::Firing) {
      firing.erase(key);
      continue;
    }
    std::size_t route = 0;
    for (const auto& e : batch.entries)
      if (auto it = held.find(e.id); it != held.end() && it->second.id == a.id) route = e.route;
    auto [it, added] = firing.try_emplace(key);
    if (!added && it->second.sent_at.ms > now.ms) continue;
    it->second.alert = a;
    it->second.route = route;
    it->second.sent_at = now;
    if (firing.size() > kTrackedFiring) firing.erase(firing.begin());
  }
}

// Alertmanager's repeat_interval: a receiver hears again of an alert still firing after it.
void Notifier::State::repeat_firing(const std::shared_ptr<Notifier>& self) {
  const Timestamp now = clock.now();
  std::vector<OutboxEntry> due;
  for (auto& [key, f] : firing) {
    if (f.route >= config.routes.size()) continue;
    const auto every = config.routes[f.route].repeat_interval.count();
    if (every <= 0 || now.ms - f.sent_at.ms < every) continue;
    const std::string receiver = key.substr(0, key.find('\x1f'));
    Alert again = f.alert;
    // Its own notification id: every daemon names the n-th repeat alike, so it is enqueued once.
    again.id = alert_key(f.alert) + ":repeat-r" + std::to_string(++f.repeats);
    f.sent_at = now;
    OutboxEntry e;
    e.id = entry_id(again.id, receiver);
    e.receiver = receiver;
    e.alert_json = to_json(again);
    e.route = f.route;
    e.enqueued_at = now;
    e.alert_key = alert_key(again);
    e.notification = again.id;
    if (const auto* r = config.receiver(receiver)) e.kind = r->kind;
    due.push_back(std::move(e));
  }
  if (!due.empty()) enqueue(std::move(due), self);
}

// The outbox is asked on a steady beat as well as when this daemon enqueued: entries other
// daemons enqueued, or left behind, are found within one poll.
void Notifier::State::poll(const std::shared_ptr<Notifier>& self) {
  if (stopped) return;
  claim(self);
  repeat_firing(self);
  // Depth and age across every daemon sharing the outbox, for /metrics.
  outbox.refresh_stats([](const Result<OutboxStats>&) {});
  claim_timer.expires_after(options.poll);
  claim_timer.async_wait([weak = std::weak_ptr<Notifier>(self)](beast::error_code ec) {
    if (ec) return;
    if (auto me = weak.lock()) me->state_->poll(me);
  });
}

namespace {

std::string status_key(const std::string& receiver, const std::string& alert) { return receiver + '\x1f' + alert; }

// Services whose messages can answer an earlier one (Telegram's reply_parameters), for a
// message about one alert that was notified before (an update, a repeat, its resolution).
bool threads_replies(const ReceiverConfig& receiver, const Batch& batch) {
  return receiver.kind == ReceiverKind::Telegram && batch.notification.kind == NotificationKind::Alerts &&
         batch.notification.alerts.size() == 1 && !batch.notification.alerts.front().id.ends_with(":firing");
}

}  // namespace

void Notifier::State::enqueue(std::vector<OutboxEntry> entries, const std::shared_ptr<Notifier>& self) {
  if (entries.empty()) return;
  std::weak_ptr<Notifier> weak = self;
  auto copy = entries;
  outbox.enqueue(std::move(entries), [weak, copy = std::move(copy)](Result<std::size_t> added) mutable {
    auto me = weak.lock();
    if (!me) return;
    net::post(me->state_->strand, [me, copy = std::move(copy), added = std::move(added)]() mutable {
      auto& s = *me->state_;
      if (s.stopped) return;
      if (!added) {
        spdlog::warn("notify: the outbox refused {} notification(s) ({}); trying again", copy.size(),
                     added.error().message);
        s.keep_for_later(std::move(copy));
        if (!s.enqueue_retry_armed) {
          s.enqueue_retry_armed = true;
          s.enqueue_timer.expires_after(s.options.enqueue_retry);
          s.enqueue_timer.async_wait([me](beast::error_code ec) {
            auto& st = *me->state_;
            st.enqueue_retry_armed = false;
            if (ec || st.stopped) return;
            std::vector<OutboxEntry> again(st.unenqueued.begin(), st.unenqueued.end());
            st.unenqueued.clear();
            st.enqueue(std::move(again), me);
          });
        }
        return;
      }
      if (*added > 0) s.claim(me);
    });
  });
}

void Notifier::State::keep_for_later(std::vector<OutboxEntry> entries) {
  for (auto& e : entries) {
    if (unenqueued.size() >= options.max_unenqueued) {
      metrics.enqueue_dropped();
      spdlog::error("notify: notification {} for {} dropped: the outbox is away and {} wait already", e.id, e.receiver,
                    unenqueued.size());
      continue;
    }
    unenqueued.push_back(std::move(e));
  }
}

void Notifier::State::claim(const std::shared_ptr<Notifier>& self) {
  if (stopped) return;
  if (claiming) {
    claim_again = true;
    return;
  }
  claiming = true;
  claim_again = false;
  std::weak_ptr<Notifier> weak = self;
  outbox.claim(options.claim_batch, [weak](Result<std::vector<OutboxEntry>> claimed) mutable {
    auto me = weak.lock();
    if (!me) return;
    net::post(me->state_->strand, [me, claimed = std::move(claimed)]() mutable {
      auto& s = *me->state_;
      s.claiming = false;
      if (s.stopped) return;
      bool more = s.claim_again;
      if (!claimed) {
        spdlog::warn("notify: claiming from the outbox failed: {}", claimed.error().message);
        more = false;
      } else {
        more = more || claimed->size() >= s.options.claim_batch;
        s.take(std::move(*claimed));
      }
      s.send_due(me);
      if (more) s.claim(me);
    });
  });
}

void Notifier::State::take(std::vector<OutboxEntry> entries) {
  const Timestamp now = clock.now();
  for (auto& entry : entries) {
    if (held.contains(entry.id)) continue;  // ours already: held for its group, its pace or in flight
    const ReceiverConfig* receiver = config.receiver(entry.receiver);
    auto alert = feeds::parse_alert_json(entry.alert_json);
    if (!alert) {
      spdlog::error("notify: outbox entry {} holds an unreadable alert: {}", entry.id, alert.error().message);
      settle_entry(entry, DeliveryState::Failed, "unreadable alert: " + alert.error().message, 0, false, {});
      continue;
    }
    if (!receiver) {
      settle_entry(entry, DeliveryState::Skipped, "receiver " + entry.receiver + " is no longer configured", 0, false,
                   {});
      continue;
    }
    // The route decides grouping and quiet hours: recomputed here, as every daemon would.
    std::optional<RouteHit> hit;
    for (auto& h : router.route(*alert))
      if (h.receiver == entry.receiver) {
        hit = std::move(h);
        break;
      }
    if (!hit) {
      hit.emplace();
      hit->route = std::min(entry.route, config.routes.empty() ? std::size_t{0} : config.routes.size() - 1);
      hit->receiver = entry.receiver;
      hit->group_key = alert_key(*alert);
    }
    held.emplace(entry.id, *alert);
    dispatcher.add(std::move(entry), std::move(*alert), *hit, now);
  }
}

void Notifier::State::arm_due(const std::shared_ptr<Notifier>& self) {
  if (stopped) return;
  const auto next = dispatcher.next_due();
  if (!next) return;
  if (due_armed_for && *due_armed_for <= *next) return;  // an earlier wake-up is already set
  due_armed_for = *next;
  const auto wait = std::chrono::milliseconds(std::max<std::int64_t>(0, next->ms - clock.now().ms));
  due_timer.expires_after(wait);
  due_timer.async_wait([self](beast::error_code ec) {
    if (ec) return;
    auto& s = *self->state_;
    s.due_armed_for.reset();
    s.send_due(self);
  });
}

void Notifier::State::send_due(const std::shared_ptr<Notifier>& self) {
  if (stopped) return;
  for (auto& batch : dispatcher.due(clock.now())) send(std::move(batch), self);
  {
    std::lock_guard lock(status_mutex);
    for (auto& [name, status] : statuses) status.waiting = 0;
    for (const auto& e : dispatcher.held())
      if (auto it = statuses.find(e.receiver); it != statuses.end()) ++it->second.waiting;
  }
  due_timer.cancel();
  due_armed_for.reset();
  arm_due(self);
}

void Notifier::State::send(Batch batch, const std::shared_ptr<Notifier>& self) {
  const ReceiverConfig* receiver = config.receiver(batch.notification.receiver);
  if (!receiver) {
    settle(batch, DeliveryState::Skipped, "receiver is no longer configured", nullptr);
    return;
  }
  // A silence created after the alert fired still mutes what has not gone out.
  if (hooks.silenced) {
    std::vector<OutboxEntry> kept;
    for (auto& e : batch.entries) {
      auto it = held.find(e.id);
      if (it != held.end() && it->second.state == AlertState::Firing && hooks.silenced(it->second)) {
        settle_entry(e, DeliveryState::Silenced, "a silence matched when it was due", batch.attempt, false, {});
        metrics.notification(receiver->name, receiver->kind, "silenced");
        continue;
      }
      kept.push_back(std::move(e));
    }
    if (kept.empty()) return;
    const bool muted = kept.size() != batch.entries.size();
    batch.entries = std::move(kept);
    if (muted) {
      std::set<std::string> ids;
      for (const auto& e : batch.entries)
        if (auto it = held.find(e.id); it != held.end()) ids.insert(it->second.id);
      auto& alerts = batch.notification.alerts;
      alerts.erase(std::remove_if(alerts.begin(), alerts.end(), [&](const Alert& a) { return !ids.contains(a.id); }),
                   alerts.end());
      if (batch.notification.alerts.empty()) {
        settle(batch, DeliveryState::Silenced, "a silence matched when it was due", nullptr);
        return;
      }
    }
  }
  if (batch.notification.kind == NotificationKind::Digest) metrics.digest(receiver->name);
  if (batch.notification.reply_to.empty()) batch.notification.reply_to = reply_for(receiver->name, batch);
  if (batch.notification.reply_to.empty() && threads_replies(*receiver, batch)) {
    // Not remembered here (another daemon sent the original, or this one restarted since): the
    // ledger keeps the service's id of every message it took.
    const std::string key = alert_key(batch.notification.alerts.front());
    std::weak_ptr<Notifier> weak = self;
    outbox.deliveries(key, [weak, batch = std::move(batch)](Result<std::vector<DeliveryRecord>> records) mutable {
      auto me = weak.lock();
      if (!me) return;
      net::post(me->state_->strand, [me, batch = std::move(batch), records = std::move(records)]() mutable {
        if (me->state_->stopped) return;  // unsent: the outbox gives it back at the next start
        if (records)
          for (const auto& r : *records)  // oldest first: the last one the service took wins
            if (r.receiver == batch.notification.receiver && r.state == DeliveryState::Sent && !r.message_ref.empty())
              batch.notification.reply_to = r.message_ref;
        me->state_->transmit(std::move(batch), me);
      });
    });
    return;
  }
  transmit(std::move(batch), self);
}

void Notifier::State::transmit(Batch batch, const std::shared_ptr<Notifier>& self) {
  const ReceiverConfig* receiver = config.receiver(batch.notification.receiver);
  if (!receiver) {
    settle(batch, DeliveryState::Skipped, "receiver is no longer configured", nullptr);
    return;
  }
  auto request = render(*receiver, batch.notification, clock.now());
  if (!request) {
    // Our own message cannot be made for this receiver (its secret is malformed): no retry helps.
    set_health(*receiver, ReceiverHealth::Broken, request.error().message);
    metrics.notification(receiver->name, receiver->kind, "broken", static_cast<double>(batch.entries.size()));
    settle(batch, DeliveryState::Failed, request.error().message, nullptr);
    return;
  }
  const std::string id = batch.notification.id;
  in_flight.insert_or_assign(id, std::move(batch));
  std::weak_ptr<Notifier> weak = self;
  sender.send(std::move(*request), [weak, id](ServiceAnswer answer) {
    auto me = weak.lock();
    if (!me) return;
    net::post(me->state_->strand, [me, id, answer = std::move(answer)] {
      me->state_->answered(id, answer);
      me->state_->arm_due(me);
    });
  });
}

void Notifier::State::answered(const std::string& batch_id, const ServiceAnswer& answer) {
  auto it = in_flight.find(batch_id);
  if (it == in_flight.end()) return;
  Batch batch = std::move(it->second);
  in_flight.erase(it);
  // Stopping: the answer is still settled (so a restart does not send it again).
  struct DrainCheck {
    State& s;
    explicit DrainCheck(State& state) : s(state) {}
    DrainCheck(const DrainCheck&) = delete;
    DrainCheck& operator=(const DrainCheck&) = delete;
    ~DrainCheck() {
      if (s.stopped && s.in_flight.empty() && s.drained) std::exchange(s.drained, nullptr)();
    }
  } drain_check{*this};
  const ReceiverConfig* receiver = config.receiver(batch.notification.receiver);
  if (!receiver) return;
  const Verdict verdict = classify(receiver->kind, answer);
  const Timestamp now = clock.now();
  const auto count = static_cast<double>(batch.entries.size());
  switch (verdict.outcome) {
    case Outcome::Sent: {
      metrics.notification(receiver->name, receiver->kind, "sent", count);
      for (const auto& e : batch.entries) metrics.delivered_after(receiver->name, seconds_between(e.enqueued_at, now));
      dispatcher.sent(batch, now);
      track_firing(receiver->name, batch, now);
      if (!verdict.message_ref.empty())
        for (const auto& a : batch.notification.alerts)
          remember_reply(receiver->name, alert_key(a), verdict.message_ref);
      set_health(*receiver, ReceiverHealth::Ok, {});
      settle(batch, DeliveryState::Sent, verdict.detail.empty() ? "ok" : verdict.detail, &verdict);
      return;
    }
    case Outcome::Broken: {
      metrics.notification(receiver->name, receiver->kind, "broken", count);
      spdlog::error("notify: receiver {} ({}) refused a message and retrying cannot fix it: {}", receiver->name,
                    to_string(receiver->kind), verdict.detail);
      set_health(*receiver, ReceiverHealth::Broken, verdict.detail);
      settle(batch, DeliveryState::Failed, verdict.detail, &verdict);
      return;
    }
    case Outcome::RateLimited:
    case Outcome::Retry:
      break;
  }
  Timestamp oldest = now;
  for (const auto& e : batch.entries) oldest = std::min(oldest, e.enqueued_at);
  if (now.ms - oldest.ms >= receiver->give_up_after.count()) {
    metrics.notification(receiver->name, receiver->kind, "dead", count);
    spdlog::error("notify: gave up on a message to {} after {} attempts over {} s: {}", receiver->name,
                  batch.attempt + 1, (now.ms - oldest.ms) / 1000, verdict.detail);
    settle(batch, DeliveryState::Failed,
           "gave up after " + std::to_string((now.ms - oldest.ms) / 1000) + " s: " + verdict.detail, &verdict);
    return;
  }
  std::optional<Timestamp> not_before;
  if (verdict.outcome == Outcome::RateLimited) {
    const auto pause = verdict.pause.value_or(kDefaultPause);
    const Timestamp until{now.ms + std::chrono::duration_cast<std::chrono::milliseconds>(pause).count()};
    metrics.notification(receiver->name, receiver->kind, "rate_limited", count);
    metrics.pause(receiver->name);
    spdlog::warn("notify: {} answered with its rate limit ({}); paused for {} s, what waits goes out as one digest",
                 receiver->name, verdict.detail, pause.count());
    dispatcher.pause(receiver->name, until);
    set_health(*receiver, ReceiverHealth::Paused, verdict.detail, until);
    not_before = until;
  } else {
    metrics.notification(receiver->name, receiver->kind, "retry", count);
    if (answer.retry_after)
      not_before =
          Timestamp{now.ms + std::chrono::duration_cast<std::chrono::milliseconds>(*answer.retry_after).count()};
  }
  // Still pending: the ledger shows the attempt and why it did not go through yet.
  for (const auto& e : batch.entries)
    settle_entry(e, DeliveryState::Pending, verdict.detail, batch.attempt + 1,
                 batch.notification.kind == NotificationKind::Digest, {});
  dispatcher.retry(std::move(batch), now, not_before);
}

void Notifier::State::settle(const Batch& batch, DeliveryState state, const std::string& detail,
                             const Verdict* verdict) {
  const bool digest = batch.notification.kind == NotificationKind::Digest;
  for (const auto& e : batch.entries)
    settle_entry(e, state, detail, batch.attempt + (verdict ? 1 : 0), digest, verdict ? verdict->message_ref : "");
}

void Notifier::State::settle_entry(const OutboxEntry& entry, DeliveryState state, const std::string& detail,
                                   std::uint32_t attempts, bool digest, const std::string& message_ref) {
  DeliveryRecord r;
  r.id = entry.id;
  r.receiver = entry.receiver;
  if (const auto* receiver = config.receiver(entry.receiver)) r.kind = receiver->kind;
  if (auto it = held.find(entry.id); it != held.end()) {
    r.alert_key = alert_key(it->second);
    r.notification = it->second.id;
  } else if (auto alert = feeds::parse_alert_json(entry.alert_json)) {
    r.alert_key = alert_key(*alert);
    r.notification = alert->id;
  }
  r.state = state;
  r.attempts = attempts;
  r.enqueued_at = entry.enqueued_at;
  r.updated_at = clock.now();
  r.detail = detail;
  r.digest = digest;
  r.message_ref = message_ref;
  r.instance = options.instance;
  if (state != DeliveryState::Pending) held.erase(entry.id);
  if (state == DeliveryState::Sent) {
    std::lock_guard lock(status_mutex);
    if (auto it = statuses.find(entry.receiver); it != statuses.end()) ++it->second.sent;
  } else if (state == DeliveryState::Failed) {
    std::lock_guard lock(status_mutex);
    if (auto it = statuses.find(entry.receiver); it != statuses.end()) ++it->second.failed;
  }
  // The page hears of the record once the ledger holds it (or failed to: it is still news).
  auto shown = hooks.delivery ? std::make_optional(r) : std::nullopt;
  outbox.settle(entry, std::move(r),
                [id = entry.id, shown = std::move(shown), hook = hooks.delivery](const Result<bool>& done) {
                  if (!done) spdlog::warn("notify: the ledger did not take entry {}: {}", id, done.error().message);
                  if (shown) hook(*shown);
                });
}

void Notifier::State::set_health(const ReceiverConfig& receiver, ReceiverHealth health, const std::string& why,
                                 Timestamp paused_until) {
  ReceiverHealth before = ReceiverHealth::Ok;
  {
    std::lock_guard lock(status_mutex);
    auto& s = statuses[receiver.name];
    before = s.health;
    s.health = health;
    s.detail = why;
    s.paused_until = paused_until;
  }
  metrics.health(receiver.name, receiver.kind, health != ReceiverHealth::Broken, health == ReceiverHealth::Paused);
  if (!hooks.raise) return;
  // Broken raises the system alert once per breakdown; the next message it takes resolves it.
  if (health == ReceiverHealth::Broken && before != ReceiverHealth::Broken) {
    hooks.raise(detail::receiver_broken_alert(receiver, why, ++broken_incidents[receiver.name], AlertState::Firing,
                                              clock.now()));
  } else if (before == ReceiverHealth::Broken && health == ReceiverHealth::Ok) {
    hooks.raise(detail::receiver_broken_alert(receiver, "takes messages again", broken_incidents[receiver.name],
                                              AlertState::Resolved, clock.now()));
  }
}

void Notifier::State::remember_reply(const std::string& receiver, const std::string& key, const std::string& ref) {
  auto k = status_key(receiver, key);
  if (reply_refs.insert_or_assign(k, ref).second) reply_ref_order.push_back(std::move(k));
  while (reply_ref_order.size() > kReplyRefs) {
    reply_refs.erase(reply_ref_order.front());
    reply_ref_order.pop_front();
  }
}

std::string Notifier::State::reply_for(const std::string& receiver, const Batch& batch) const {
  // Only a message about one alert that was already notified replies to the earlier one.
  if (batch.notification.kind != NotificationKind::Alerts || batch.notification.alerts.size() != 1) return {};
  const Alert& a = batch.notification.alerts.front();
  if (a.id.ends_with(":firing")) return {};
  auto it = reply_refs.find(status_key(receiver, alert_key(a)));
  return it == reply_refs.end() ? std::string() : it->second;
}

void Notifier::State::keep_held(const std::shared_ptr<Notifier>& self) {
  if (stopped) return;
  std::vector<OutboxEntry> mine = dispatcher.held();
  for (const auto& [id, batch] : in_flight) mine.insert(mine.end(), batch.entries.begin(), batch.entries.end());
  if (!mine.empty())
    outbox.keep(mine, [](const Result<bool>& kept) {
      if (!kept) spdlog::warn("notify: could not renew the claim on held entries: {}", kept.error().message);
    });
  keep_timer.expires_after(std::max(std::chrono::milliseconds(100), config.claim_timeout / 3));
  keep_timer.async_wait([self](beast::error_code ec) {
    if (!ec) self->state_->keep_held(self);
  });
}

// --- Notifier ----------------------------------------------------------------------------

Notifier::Notifier(net::any_io_executor executor, const NotifyConfig& config, Outbox& outbox, Sender& sender,
                   const Clock& clock, prometheus::Registry& metrics, NotifierHooks hooks, NotifierOptions options)
    : state_(std::make_unique<State>(std::move(executor), config, outbox, sender, clock, metrics, std::move(hooks),
                                     std::move(options))) {}

Notifier::~Notifier() = default;

std::shared_ptr<Notifier> Notifier::create(net::any_io_executor executor, const NotifyConfig& config, Outbox& outbox,
                                           Sender& sender, const Clock& clock, prometheus::Registry& metrics,
                                           NotifierHooks hooks, NotifierOptions options) {
  return std::shared_ptr<Notifier>(
      new Notifier(std::move(executor), config, outbox, sender, clock, metrics, std::move(hooks), std::move(options)));
}

void Notifier::start() {
  auto self = shared_from_this();
  net::post(state_->strand, [self] {
    auto& s = *self->state_;
    s.poll(self);
    s.keep_held(self);
  });
}

void Notifier::stop(std::function<void()> drained) {
  auto self = shared_from_this();
  net::dispatch(state_->strand, [self, drained = std::move(drained)]() mutable {
    auto& s = *self->state_;
    s.stopped = true;
    s.claim_timer.cancel();
    s.due_timer.cancel();
    s.keep_timer.cancel();
    s.enqueue_timer.cancel();
    if (!drained) return;
    if (s.in_flight.empty()) {
      drained();
    } else {
      spdlog::info("notify: waiting for {} message(s) already sent to their services", s.in_flight.size());
      s.drained = std::move(drained);
    }
  });
}

void Notifier::publish(const Alert& alert) {
  auto self = shared_from_this();
  net::post(state_->strand, [self, alert] {
    auto& s = *self->state_;
    if (s.stopped) return;
    if (alert.state == AlertState::Resolved) {
      const std::string suffix = '\x1f' + alert_key(alert);
      std::erase_if(s.firing, [&](const auto& f) { return f.first.ends_with(suffix); });
    }
    const auto hits = s.router.route(alert);
    if (hits.empty()) return;
    const std::string json = to_json(alert);
    std::vector<OutboxEntry> entries;
    entries.reserve(hits.size());
    for (const auto& hit : hits) {
      OutboxEntry e;
      e.id = entry_id(alert.id, hit.receiver);
      e.receiver = hit.receiver;
      e.alert_json = json;
      e.route = hit.route;
      e.enqueued_at = s.clock.now();
      e.alert_key = alert_key(alert);
      e.notification = alert.id;
      if (const auto* r = s.config.receiver(hit.receiver)) e.kind = r->kind;
      entries.push_back(std::move(e));
    }
    s.enqueue(std::move(entries), self);
  });
}

void Notifier::wake() {
  auto self = shared_from_this();
  net::post(state_->strand, [self] {
    self->state_->claim(self);
    self->state_->send_due(self);
  });
}

std::vector<ReceiverStatus> Notifier::receivers() const {
  std::lock_guard lock(state_->status_mutex);
  std::vector<ReceiverStatus> out;
  for (const auto& r : state_->config.receivers)
    if (auto it = state_->statuses.find(r.name); it != state_->statuses.end()) out.push_back(it->second);
  return out;
}

void Notifier::deliveries(const std::string& alert_key, Outbox::Done<std::vector<DeliveryRecord>> done) {
  state_->outbox.deliveries(alert_key, std::move(done));
}

void Notifier::update_metrics() {
  const OutboxStats stats = state_->outbox.stats();
  const Timestamp now = state_->clock.now();
  const double oldest = stats.depth == 0 || stats.oldest_pending.ms == 0
                            ? 0.0
                            : std::max(0.0, seconds_between(stats.oldest_pending, now));
  state_->metrics.outbox(static_cast<double>(stats.depth), oldest);
}

}  // namespace lodestone::notify
