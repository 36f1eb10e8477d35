// Holding an alert back before anyone is told: inhibited by another rule's alert, silenced, or
// grouped with the burst it belongs to (group_wait), and letting it go when that ends.
#include <algorithm>

#include "engine_state.hpp"
#include "lodestone/rules/alert_identity.hpp"

namespace lodestone::rules {

using detail::Hold;
using detail::LiveAlert;

bool Engine::State::inhibited(const LiveAlert& a) const {
  for (std::uint32_t source : inhibitors[a.rule]) {
    const Rule& src = rules->rules[source];
    for (const auto& track : rule_states[source].tracks) {
      for (const auto& fp : track.live) {
        const auto it = live.find(fp);
        if (it == live.end() || it->second.hold == Hold::AwaitingExplanation) continue;
        const LiveAlert& l = it->second;
        // A sector-level alert (no symbol) covers its rule's symbols; a per-symbol one, its own.
        const bool covers = !a.alert.symbol  ? true
                            : l.alert.symbol ? *l.alert.symbol == *a.alert.symbol
                                             : src.symbols.empty() || std::find(src.symbols.begin(), src.symbols.end(),
                                                                                *a.alert.symbol) != src.symbols.end();
        if (covers) return true;
      }
    }
  }
  return false;
}

void Engine::State::deliver(LiveAlert& a, Timestamp now) {
  const Rule& r = rules->rules[a.rule];
  RuleCounters& c = counters_of(a.rule);
  if (inhibited(a)) {
    if (a.hold != Hold::Inhibited) ++c.inhibited;
    a.hold = Hold::Inhibited;
    return;
  }
  set_labels(a);
  if (const Silence* s = silences.silencing(a.alert.labels, now)) {
    if (a.hold != Hold::Silenced) ++c.silenced;
    a.hold = Hold::Silenced;
    schedule(s->ends_at, a.fingerprint);
    return;
  }
  if (r.group_wait_ms > 0 && a.members.empty()) {
    detail::RuleState& rs = rule_states[a.rule];
    auto g = live.find(rs.open_group);
    if (g == live.end() || !g->second.flush_at || *g->second.flush_at <= now) {
      LiveAlert group;
      group.fingerprint = alert_fingerprint(r.name, "group", "", a.alert.ts.ms);
      group.rule = a.rule;
      group.alert = a.alert;
      group.alert.symbol.reset();
      group.flush_at = Timestamp{now.ms + r.group_wait_ms};
      schedule(*group.flush_at, group.fingerprint);
      rs.open_group = group.fingerprint;
      g = live.emplace(group.fingerprint, std::move(group)).first;
    }
    g->second.members.push_back(a.fingerprint);
    a.group = g->first;
    a.hold = Hold::Grouped;
    ++c.grouped;
    return;
  }
  a.hold = Hold::None;
  a.alert.ts = now;
  notify(a, NotificationKind::Firing, now);
}

void Engine::State::release_holds(Timestamp now) {
  std::vector<std::string> held;
  for (std::uint32_t r = 0; r < rule_states.size(); ++r) {
    if (inhibitors[r].empty()) continue;
    for (const auto& track : rule_states[r].tracks)
      for (const auto& fp : track.live)
        if (auto it = live.find(fp); it != live.end() && it->second.hold == Hold::Inhibited) held.push_back(fp);
  }
  for (const auto& fp : held) {
    auto it = live.find(fp);
    if (it != live.end() && !inhibited(it->second)) deliver(it->second, now);
  }
}

void Engine::State::flush_group(const std::string& fp, Timestamp now) {
  auto it = live.find(fp);
  if (it == live.end()) return;
  LiveAlert& g = it->second;
  g.flush_at.reset();
  detail::RuleState& rs = rule_states[g.rule];
  if (rs.open_group == fp) rs.open_group.clear();
  // group_wait also gives a sector-level alert time to arrive and mute the burst it explains.
  std::vector<std::string> alive;
  for (const auto& m : g.members) {
    auto mi = live.find(m);
    if (mi == live.end()) continue;
    if (inhibited(mi->second)) {
      mi->second.group.clear();
      mi->second.hold = Hold::Inhibited;
      ++counters_of(mi->second.rule).inhibited;
      continue;
    }
    alive.push_back(m);
  }
  if (alive.empty()) {  // a burst that was over before anyone was told: nothing to say
    discard(fp);
    return;
  }
  if (alive.size() == 1) {
    LiveAlert& only = live.at(alive.front());
    only.group.clear();
    only.hold = Hold::None;
    discard(fp);
    notify(live.at(alive.front()), NotificationKind::Firing, now);
    return;
  }
  g.members = alive;
  g.alert.headlines.clear();
  g.headline_keys.clear();
  g.facts = detail::AlertFacts{};
  bool all_explained = true;
  for (const auto& m : alive) {
    const LiveAlert& member = live.at(m);
    if (member.alert.symbol) g.facts.symbols.push_back(*member.alert.symbol);
    for (std::size_t i = 0; i < member.headline_keys.size(); ++i) {
      if (std::find(g.headline_keys.begin(), g.headline_keys.end(), member.headline_keys[i]) != g.headline_keys.end())
        continue;
      g.headline_keys.push_back(member.headline_keys[i]);
      g.alert.headlines.push_back(member.alert.headlines[i]);
    }
    all_explained = all_explained && member.alert.explained.value_or(true);
  }
  LiveAlert& first = live.at(alive.front());
  render(first);
  g.alert.message = first.alert.message + " (+" + std::to_string(alive.size() - 1) + " more: ";
  for (std::size_t i = 1; i < alive.size(); ++i) {
    const auto& sym = live.at(alive[i]).alert.symbol;
    g.alert.message += (i > 1 ? ", " : "") + (sym ? sym->str() : std::string("-"));
  }
  g.alert.message += ")";
  g.alert.move = first.alert.move;
  g.match = first.match;
  if (first.alert.explained) g.alert.explained = all_explained;
  g.alert.ts = now;
  g.hold = Hold::None;
  notify(g, NotificationKind::Firing, now);
}

}  // namespace lodestone::rules
