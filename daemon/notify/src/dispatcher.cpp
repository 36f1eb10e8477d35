// The dispatcher: entries in, batches out when their group, quiet hours and their receiver's
// pace allow. Every receiver's earliest hand-out time is kept (never later than the truth),
// so due() on a timer costs nothing until something can go.
#include "lodestone/notify/dispatcher.hpp"

#include <algorithm>

#include "dispatcher_state.hpp"
#include "jitter.hpp"

namespace lodestone::notify {

using detail::Group;
using detail::Held;
using detail::Receiver;

struct Dispatcher::State {
  const NotifyConfig* config;
  std::uint64_t seed;
  Limits limits;
  std::map<std::string, Receiver, std::less<>> receivers;
  std::uint64_t serial = 0;  // groups, in the order their items started collecting
  std::uint64_t order = 0;   // entries, in arrival order
  Timestamp last_now;        // the latest time any call said (pause() says none)
  std::optional<Timestamp> next;

  // An index the config no longer has (an entry reclaimed after a config change) sends
  // through a route with no wait and no quiet hours.
  const RouteConfig& route(std::size_t index) const {
    static const RouteConfig fallback{};
    return index < config->routes.size() ? config->routes[index] : fallback;
  }

  Receiver& receiver(const std::string& name) {
    auto it = receivers.find(name);
    if (it != receivers.end()) return it->second;
    Receiver r;
    r.name = name;
    // Looked up here rather than through NotifyConfig::receiver(), which the config reader's
    // translation unit defines: the dispatcher stays usable (and testable) without it.
    const ReceiverConfig* rc = nullptr;
    for (const auto& candidate : config->receivers)
      if (candidate.name == name) rc = &candidate;
    if (rc) r.kind = rc->kind;
    const Pace pace = rc ? receiver_pace(*rc) : documented_pace(ReceiverKind::Webhook);
    r.buckets.emplace_back(pace.per_minute, std::chrono::minutes(1));
    if (pace.per_second) r.buckets.emplace_back(*pace.per_second, std::chrono::seconds(1));
    if (pace.per_day) r.buckets.emplace_back(*pace.per_day, std::chrono::hours(24));
    return receivers.emplace(name, std::move(r)).first->second;
  }

  void saw(Timestamp now) { last_now = std::max(last_now, now); }

  // --- pace -------------------------------------------------------------------------------

  static Timestamp token_at(const Receiver& r, Timestamp now) {
    Timestamp at = now;
    for (const auto& b : r.buckets) at = std::max(at, b.next_token(now));
    return at;
  }

  static bool take_token(Receiver& r, Timestamp now) {
    if (token_at(r, now) != now) return false;
    for (auto& b : r.buckets) b.take(now);
    return true;
  }

  // --- quiet hours ------------------------------------------------------------------------

  // The quiet hours that hold `g`, if any: none for a group the cap folded, nor for one with a
  // critical alert when critical passes.
  const QuietHours* quiet_for(const Group& g) const {
    const auto& q = route(g.route).quiet_hours;
    if (!q || g.forced) return nullptr;
    if (q->critical_passes && g.criticals > 0) return nullptr;
    return &*q;
  }

  static void count_quiet(Receiver& r, Group& g) {
    r.counters.quiet_held += g.items.size() - g.quiet_counted;
    g.quiet_counted = g.items.size();
  }

  // --- when -------------------------------------------------------------------------------

  // The earliest time at or after `t` at which something of `r` held by `quiet` (if any) can
  // be handed out: after the pause, outside quiet hours, clear of Feishu's peaks, with a token.
  // Each step only moves later, so stopping early still answers no later than the truth.
  Timestamp settle(const Receiver& r, Timestamp t, const QuietHours* quiet, Timestamp tokens) const {
    for (int step = 0; step < 8; ++step) {
      const Timestamp before = t;
      if (r.paused_until && t < *r.paused_until) t = *r.paused_until;
      if (quiet) t = quiet_hours_end(*quiet, t);
      if (r.kind == ReceiverKind::Feishu) t = clear_of_peak(t, seed, r.name);
      t = std::max(t, tokens);
      if (t == before) break;
    }
    return t;
  }

  Timestamp group_next(const Receiver& r, const Group& g, Timestamp now) const {
    return settle(r, g.due_at, quiet_for(g), token_at(r, now));
  }

  void recompute(Receiver& r, Timestamp now) {
    std::optional<Timestamp> best;
    const Timestamp tokens = token_at(r, now);
    auto consider = [&](Timestamp t) {
      if (!best || t < *best) best = t;
    };
    for (const auto& rb : r.retries) consider(settle(r, rb.at, nullptr, tokens));
    for (const auto& [key, g] : r.groups)
      if (!g.items.empty()) consider(settle(r, g.due_at, quiet_for(g), tokens));
    r.next = best;
    refresh_next();
  }

  void lower(Receiver& r, Timestamp t) {
    if (!r.next || t < *r.next) r.next = t;
    if (!next || t < *next) next = t;
  }

  void refresh_next() {
    next.reset();
    for (const auto& [name, r] : receivers)
      if (r.next && (!next || *r.next < *next)) next = r.next;
  }

  // --- grouping ---------------------------------------------------------------------------

  // When a group whose items started collecting at `first` is due (dispatcher.hpp, Grouping).
  Timestamp group_due(const Group& g, Timestamp first) const {
    const auto& rc = route(g.route);
    if (g.last_sent && first.ms < g.last_sent->ms + rc.group_interval.count())
      return Timestamp{g.last_sent->ms + rc.group_interval.count()};
    return Timestamp{first.ms + rc.group_wait.count()};
  }

  // Past the cap, the oldest groups stop waiting for their group wait and quiet hours.
  void fold_oldest(Receiver& r, Timestamp now) {
    while (r.unforced > limits.held_per_receiver && !r.unforced_by_age.empty()) {
      auto oldest = r.unforced_by_age.begin();
      Group& g = r.groups.at(oldest->second);
      r.unforced_by_age.erase(oldest);
      r.unforced -= g.items.size();
      g.forced = true;
      g.waiting = true;
      g.due_at = std::min(g.due_at, now);
      lower(r, group_next(r, g, now));
    }
  }

  // The group's items left in `batch`: it starts its interval and collects afresh.
  static void empty(Receiver& r, Group& g, Timestamp now) {
    for (const auto& h : g.items) r.ids.erase(h.entry.id);
    if (!g.forced) {
      r.unforced -= g.items.size();
      r.unforced_by_age.erase(g.serial);
    }
    g.items.clear();
    g.last_sent = now;
    g.waiting = false;
    g.forced = false;
    g.criticals = 0;
    g.quiet_counted = 0;
  }

  // Empty groups whose interval is over behave as new ones: forget them.
  void prune(Receiver& r, Timestamp now) {
    for (auto it = r.groups.begin(); it != r.groups.end();) {
      const Group& g = it->second;
      const bool idle =
          g.items.empty() && (!g.last_sent || g.last_sent->ms + route(g.route).group_interval.count() <= now.ms);
      it = idle ? r.groups.erase(it) : std::next(it);
    }
  }

  // --- handing out ------------------------------------------------------------------------

  void hand_out(Receiver& r, const std::vector<Group*>& groups, Timestamp now, std::vector<Batch>& out) {
    std::vector<const Group*> view(groups.begin(), groups.end());
    Batch batch = detail::fold(r.name, view, config->public_url, limits.digest_alerts);
    if (batch.notification.kind == NotificationKind::Digest) {
      ++r.counters.digests;
      r.counters.digested += batch.notification.digest_count;
    }
    for (Group* g : groups) empty(r, *g, now);
    out.push_back(std::move(batch));
  }

  // `since` is the receiver's earliest hand-out time as known before this call: a group due
  // before it could not go when it was due (no token, a pause, quiet hours, a Feishu peak), so
  // it waited, whether or not due() was called in between.
  void process(Receiver& r, Timestamp now, Timestamp since, std::vector<Batch>& out) {
    prune(r, now);
    if (r.paused_until && now < *r.paused_until) return;
    if (r.kind == ReceiverKind::Feishu && clear_of_peak(now, seed, r.name) != now) return;

    // Retries first: they are older, and they keep their own id.
    std::stable_sort(r.retries.begin(), r.retries.end(),
                     [](const detail::RetryBatch& a, const detail::RetryBatch& b) { return a.at < b.at; });
    bool starved = false;
    while (!r.retries.empty() && r.retries.front().at <= now) {
      if (!take_token(r, now)) {
        starved = true;
        break;
      }
      for (const auto& e : r.retries.front().batch.entries) r.ids.erase(e.id);
      out.push_back(std::move(r.retries.front().batch));
      r.retries.erase(r.retries.begin());
    }

    std::vector<Group*> ready;
    bool any_waiting = false;
    for (auto& [key, g] : r.groups) {
      if (g.items.empty() || now < g.due_at) continue;
      const QuietHours* quiet = quiet_for(g);
      if (quiet && in_quiet_hours(*quiet, now)) {
        g.waiting = true;
        count_quiet(r, g);
        continue;
      }
      // Due inside the window, or during a pause that has ended: it waited.
      if (quiet && in_quiet_hours(*quiet, g.due_at)) {
        g.waiting = true;
        count_quiet(r, g);
      }
      if (g.due_at < since || (r.paused_until && g.due_at < *r.paused_until)) g.waiting = true;
      any_waiting = any_waiting || g.waiting;
      ready.push_back(&g);
    }
    if (ready.empty()) return;
    std::sort(ready.begin(), ready.end(), [](const Group* a, const Group* b) {
      return a->due_at != b->due_at ? a->due_at < b->due_at : a->serial < b->serial;
    });

    if (starved) {
      for (Group* g : ready) g->waiting = true;
      return;
    }
    if (any_waiting) {
      // Something already waited for this receiver: everything due goes as one message.
      if (take_token(r, now))
        hand_out(r, ready, now, out);
      else
        for (Group* g : ready) g->waiting = true;
      return;
    }
    for (std::size_t i = 0; i < ready.size(); ++i) {
      if (!take_token(r, now)) {
        for (std::size_t j = i; j < ready.size(); ++j) ready[j]->waiting = true;
        return;
      }
      hand_out(r, {ready[i]}, now, out);
    }
  }
};

Dispatcher::Dispatcher(const NotifyConfig& config, std::uint64_t seed) : Dispatcher(config, seed, Limits{}) {}

Dispatcher::Dispatcher(const NotifyConfig& config, std::uint64_t seed, Limits limits)
    : state_(std::make_unique<State>(State{&config, seed, limits, {}, 0, 0, {}, std::nullopt})) {}

Dispatcher::~Dispatcher() = default;
Dispatcher::Dispatcher(Dispatcher&&) noexcept = default;
Dispatcher& Dispatcher::operator=(Dispatcher&&) noexcept = default;

void Dispatcher::add(OutboxEntry entry, Alert alert, const RouteHit& hit, Timestamp now) {
  State& s = *state_;
  s.saw(now);
  Receiver& r = s.receiver(hit.receiver);
  if (r.ids.contains(entry.id)) return;
  const RouteConfig& route = s.route(hit.route);
  std::string key = route.group_by.empty() ? hit.group_key + "/" + alert_key(alert) : hit.group_key;

  auto [it, fresh] = r.groups.try_emplace(key);
  Group& g = it->second;
  if (fresh) {
    g.key = std::move(key);
    g.route = hit.route;
    g.labels = hit.group_labels;
  }
  if (g.items.empty()) {
    g.first_add = now;
    g.due_at = s.group_due(g, now);
    g.serial = ++s.serial;
    r.unforced_by_age.emplace(g.serial, g.key);
  }
  if (alert.severity == Severity::Critical) ++g.criticals;
  r.ids.insert(entry.id);
  g.items.push_back(Held{std::move(entry), std::move(alert), ++s.order});
  if (!g.forced) ++r.unforced;
  // Due inside its route's quiet hours: it will be held (counted once per entry).
  if (const QuietHours* quiet = s.quiet_for(g); quiet && in_quiet_hours(*quiet, g.due_at)) State::count_quiet(r, g);
  // A new group, or a critical alert that lets a quiet-held group pass, may be due earlier.
  s.lower(r, s.group_next(r, g, now));
  s.fold_oldest(r, now);
}

std::vector<Batch> Dispatcher::due(Timestamp now) {
  State& s = *state_;
  s.saw(now);
  std::vector<Batch> out;
  if (!s.next || now < *s.next) return out;
  for (auto& [name, r] : s.receivers) {
    if (!r.next || now < *r.next) continue;
    s.process(r, now, *r.next, out);
    s.recompute(r, now);
  }
  s.refresh_next();
  return out;
}

std::optional<Timestamp> Dispatcher::next_due() const { return state_->next; }

void Dispatcher::sent(const Batch& batch, Timestamp now) {
  State& s = *state_;
  s.saw(now);
  auto it = s.receivers.find(batch.notification.receiver);
  if (it == s.receivers.end()) return;
  Receiver& r = it->second;
  r.failures = 0;
  for (const auto& ref : batch.groups) {
    auto g = r.groups.find(ref.key);
    if (g == r.groups.end()) continue;  // forgotten: its interval was over already
    g->second.last_sent = std::max(g->second.last_sent.value_or(now), now);
    // What arrived while the batch was out waits for the interval from the answer.
    if (!g->second.items.empty() && !g->second.waiting) g->second.due_at = s.group_due(g->second, g->second.first_add);
  }
  s.recompute(r, s.last_now);
}

void Dispatcher::retry(Batch batch, Timestamp now, std::optional<Timestamp> not_before) {
  State& s = *state_;
  s.saw(now);
  Receiver& r = s.receiver(batch.notification.receiver);
  ++r.failures;
  Timestamp at;
  if (not_before) {
    at = std::max(*not_before, now);
  } else {
    // 1 s, 2 s, 4 s ... 10 min; the delay drawn in [base/2, base] so receivers that failed
    // together do not all come back at the same instant.
    std::int64_t base = kRetryFirst.count();
    for (std::uint32_t i = 1; i < r.failures && base < kRetryMax.count(); ++i) base *= 2;
    base = std::min(base, kRetryMax.count());
    const std::uint64_t draw = detail::mix64(s.seed ^ detail::mix64(detail::hash_name(r.name) + ++r.draws));
    at = Timestamp{now.ms + detail::in_range(draw, base / 2, base)};
  }
  ++batch.attempt;
  for (const auto& e : batch.entries) r.ids.insert(e.id);
  r.retries.push_back(detail::RetryBatch{std::move(batch), at});
  s.lower(r, s.settle(r, at, nullptr, State::token_at(r, now)));
}

void Dispatcher::pause(const std::string& receiver, Timestamp until) {
  State& s = *state_;
  Receiver& r = s.receiver(receiver);
  ++r.counters.pauses;
  if (!r.paused_until || until > *r.paused_until) {
    r.paused_until = until;
    for (auto& b : r.buckets) b.restart(until, 1);
  }
  s.recompute(r, s.last_now);
}

std::optional<Timestamp> Dispatcher::paused_until(const std::string& receiver) const {
  auto it = state_->receivers.find(receiver);
  if (it == state_->receivers.end()) return std::nullopt;
  return it->second.paused_until;
}

std::vector<OutboxEntry> Dispatcher::held() const {
  std::vector<OutboxEntry> out;
  for (const auto& [name, r] : state_->receivers) {
    for (const auto& rb : r.retries) out.insert(out.end(), rb.batch.entries.begin(), rb.batch.entries.end());
    for (const auto& [key, g] : r.groups)
      for (const auto& h : g.items) out.push_back(h.entry);
  }
  return out;
}

std::size_t Dispatcher::waiting() const {
  std::size_t n = 0;
  for (const auto& [name, r] : state_->receivers) n += r.ids.size();
  return n;
}

std::size_t Dispatcher::waiting(const std::string& receiver) const {
  auto it = state_->receivers.find(receiver);
  return it == state_->receivers.end() ? 0 : it->second.ids.size();
}

Dispatcher::Counters Dispatcher::counters(const std::string& receiver) const {
  auto it = state_->receivers.find(receiver);
  return it == state_->receivers.end() ? Counters{} : it->second.counters;
}

}  // namespace lodestone::notify
