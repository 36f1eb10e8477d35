// An alert's notifications (firing, update, repeat, resolved) and its end.
#include <algorithm>

#include "engine_state.hpp"
#include "lodestone/rules/alert_identity.hpp"

namespace lodestone::rules {

using detail::kNone;
using detail::LiveAlert;

namespace {

// Points in an alert's price path: enough to draw the window, small enough for every alert.
constexpr std::size_t kPathPoints = 64;

}  // namespace

void Engine::State::notify(LiveAlert& a, NotificationKind kind, Timestamp now) {
  RuleCounters& c = counters_of(a.rule);
  int sequence = 0;
  switch (kind) {
    case NotificationKind::Firing:
      a.notified = true;
      a.started = a.alert.ts;
      ++c.notified;
      break;
    case NotificationKind::Update:
      sequence = ++a.updates;
      ++c.updated;
      break;
    case NotificationKind::Repeat:
      sequence = ++a.repeats;
      ++c.repeated;
      break;
    case NotificationKind::Resolved:
      a.alert.state = AlertState::Resolved;
      ++c.resolved;
      break;
  }
  if (kind != NotificationKind::Firing) a.alert.ts = now;
  set_labels(a);
  render(a);
  a.alert.id = notification_id(a.fingerprint, kind, sequence);
  if (a.alert.move && a.path.slot != kNone) {
    const detail::SymbolState& st = symbols[a.path.slot];
    if (a.path.day) {
      a.alert.move->path.clear();
      detail::for_each_sample(st.day_path.size(), kPathPoints,
                              [&](std::uint64_t i) { a.alert.move->path.push_back(st.day_path[i]); });
    } else {
      a.alert.move->path = st.series.path(a.path.from_clock, kPathPoints);
    }
  }
  a.last_notified = now;
  // The repeat interval runs from the last notification, an update included (without this an
  // update would push the due repeat past its timer, and no repeat would come again).
  if (kind != NotificationKind::Resolved)
    if (const auto repeat = rules->rules[a.rule].repeat_ms; repeat > 0)
      schedule(Timestamp{now.ms + repeat}, a.fingerprint);
  if (out) out->push_back(a.alert);
}

void Engine::State::discard(const std::string& fp) {
  auto it = live.find(fp);
  if (it == live.end()) return;
  if (it->second.track != kNone && it->second.rule < rule_states.size()) {
    auto& tracks = rule_states[it->second.rule].tracks;
    if (it->second.track < tracks.size()) {
      auto& l = tracks[it->second.track].live;
      l.erase(std::remove(l.begin(), l.end(), fp), l.end());
    }
  }
  live.erase(it);
}

void Engine::State::resolve(const std::string& fp, std::string_view reason, Timestamp now) {
  auto it = live.find(fp);
  if (it == live.end()) return;
  LiveAlert& a = it->second;
  a.reason = std::string(reason);
  if (a.notified) notify(a, NotificationKind::Resolved, std::max(now, a.alert.ts));
  const std::string group = a.group;
  const std::vector<std::string> members = a.members;
  const bool inhibits = !rules->rules[a.rule].inhibits.empty();
  discard(fp);
  for (const auto& m : members) {
    auto mi = live.find(m);
    if (mi != live.end()) mi->second.group.clear();
  }
  if (!group.empty()) {
    auto gi = live.find(group);
    if (gi != live.end() && !gi->second.flush_at) {
      const auto& ms = gi->second.members;
      if (std::none_of(ms.begin(), ms.end(), [&](const std::string& m) { return live.count(m) > 0; }))
        resolve(group, reason, now);
    }
  }
  // Muted alerts are reconsidered once the whole event has been evaluated, so an alert whose
  // condition ends on the same quote as its inhibitor's is not notified only to resolve.
  if (inhibits) release_due = true;
}

}  // namespace lodestone::rules
