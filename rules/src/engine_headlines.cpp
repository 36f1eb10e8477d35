// Headlines: classification, correlation with moves (both orders), explaining moves after the
// fact, and headline rules. News edited, withdrawn or corrected later: engine_corrections.cpp.
#include <algorithm>

#include "engine_state.hpp"
#include "lodestone/rules/alert_identity.hpp"

namespace lodestone::rules {

using detail::Firing;
using detail::LiveAlert;
using detail::StoredHeadline;
using detail::Track;

namespace {

constexpr std::size_t kMaxHeldHeadlines = 5'000;

std::int64_t distance(std::int64_t clock, std::int64_t start, std::int64_t end) {
  if (clock < start) return start - clock;
  if (clock > end) return clock - end;
  return 0;
}

}  // namespace

void Engine::State::on_headline(const Headline& h) {
  ++stats.headlines;
  advance_to(h.ts);
  if (!rules) return;
  if (h.ts.ms < watermark.ms - rules->settings.allowed_lateness_ms - max_within_ms) {
    // Too late to be related to anything still remembered: counted, not evaluated.
    ++stats.headlines_late;
    return;
  }
  std::string key = headline_key(h);
  StoredHeadline* stored = nullptr;
  if (auto it = headline_by_key.find(key); it != headline_by_key.end()) {
    stored = it->second;
    // Tags and symbols are enrichment (Engine::classify adds to them), so a re-delivery of the
    // same item compares equal whether or not it was classified first.
    if (same_version(stored->headline, h)) return;  // a duplicate delivery
    stored->headline = h;
    stored->match = rules->classify(h);
    stored->clock = clock.at(h.ts);
    stored->retracted = is_retracted(h);
    // A notice edited or withdrawn reaches the alerts it took its place in (更正), like any item;
    // what it did to the item it named stands, and it still fires nothing of its own.
    revised(*stored);
    if (stored->notice) return;
  } else {
    stored = &hold(h, std::move(key));
    if (auto target = correction_of(*stored)) {
      // News about news: the item it names changes, and the notice fires nothing of its own.
      stored->notice = true;
      apply_correction(*stored, *target);
      return;
    }
    // A later version of an item no longer held (held headlines age out within minutes of
    // trading time) whose alerts are still live.
    if (cited(stored->key)) revised(*stored);
  }
  if (stored->retracted) return;
  for (std::uint32_t i = 0; i < rules->rules.size(); ++i) {
    const Rule& r = rules->rules[i];
    if (!r.headline || !rules->accepts(*r.headline, stored->headline, stored->match, nullptr)) continue;
    if (r.headline_only())
      fire_headline_rule(i, *stored);
    else
      correlate_headline(i, *stored);
  }
  explain_pending(*stored);
}

StoredHeadline& Engine::State::hold(const Headline& h, std::string key) {
  headlines.push_back({h, rules->classify(h), clock.at(h.ts), std::move(key), is_retracted(h)});
  StoredHeadline& stored = headlines.back();
  headline_by_key.emplace(stored.key, &stored);
  // Trading time stands still while the market is shut, so nothing ages out overnight or over a
  // holiday: however many headlines come meanwhile, at most this many wait for a move.
  while (headlines.size() > kMaxHeldHeadlines) {
    headline_by_key.erase(headlines.front().key);
    headlines.pop_front();
    ++stats.headlines_evicted;
  }
  schedule_housekeeping(Timestamp{watermark.ms + kMsPerMinute});  // it will be pruned when too old
  return stored;
}

bool Engine::State::explains(const Rule& r, const StoredHeadline& h, const std::optional<Symbol>& symbol) const {
  if (!h.evidence()) return false;
  if (r.explain) return rules->accepts(*r.explain, h.headline, h.match, symbol ? &*symbol : nullptr);
  // By default, news the rules file cares about (any keyword set or tag), or news naming the
  // symbol (for group alerts: any of the group's symbols).
  if (!h.match.keyword_sets.empty() || !h.match.tag_indexes.empty()) return true;
  if (symbol) return h.match.mentions(*symbol);
  return std::any_of(r.symbols.begin(), r.symbols.end(), [&](const Symbol& s) { return h.match.mentions(s); });
}

void Engine::State::correlate_onset(std::uint32_t rule, std::uint32_t track, const Firing& f) {
  const Rule& r = rules->rules[rule];
  const Track& t = rule_states[rule].tracks[track];
  std::vector<const StoredHeadline*> near;
  for (const auto& h : headlines) {
    if (!h.evidence() || distance(h.clock, f.clock, f.clock) > r.within_ms) continue;
    if (!rules->accepts(*r.headline, h.headline, h.match, t.symbol ? &*t.symbol : nullptr)) continue;
    near.push_back(&h);
  }
  if (near.empty()) return;  // a headline arriving within `within` will find this episode
  // The nearest headline names the alert; the others ride along as evidence.
  std::stable_sort(near.begin(), near.end(), [&](const StoredHeadline* a, const StoredHeadline* b) {
    const auto da = distance(a->clock, f.clock, f.clock);
    const auto db = distance(b->clock, f.clock, f.clock);
    if (da != db) return da < db;
    return a->headline.ts > b->headline.ts;
  });
  Firing g = f;
  g.ts = std::max(f.ts, near.front()->headline.ts);
  fire(rule, track, near.front()->key, f.ts.ms, g, near);
}

void Engine::State::correlate_headline(std::uint32_t rule, const StoredHeadline& h) {
  const Rule& r = rules->rules[rule];
  auto& tracks = rule_states[rule].tracks;
  for (std::uint32_t k = 0; k < tracks.size(); ++k) {
    Track& t = tracks[k];
    if (!t.symbol || !rules->accepts(*r.headline, h.headline, h.match, &*t.symbol)) continue;
    const detail::Episode* best = nullptr;
    std::int64_t best_distance = 0;
    for (const auto& e : t.episodes) {
      const std::int64_t d = distance(h.clock, e.start_clock, e.end_clock);
      if (d > r.within_ms) continue;
      if (!best || d < best_distance) {
        best = &e;
        best_distance = d;
      }
    }
    if (!best) continue;
    Firing f;
    f.ts = std::max(h.headline.ts, best->start_ts);
    f.clock = std::max(h.clock, best->start_clock);
    const bool ongoing = best->end_clock == detail::kOngoing;
    f.evidence = ongoing ? t.evidence : best->evidence;
    f.path = ongoing ? t.path : best->path;
    f.facts = ongoing ? t.facts : best->facts;
    // An episode that is over (or a one-off event) resolves by time, like a headline rule.
    f.one_off = !ongoing;
    fire(rule, k, h.key, best->start_ts.ms, f, {&h});
  }
}

void Engine::State::fire_headline_rule(std::uint32_t rule, const StoredHeadline& h) {
  auto& tracks = rule_states[rule].tracks;
  Firing f;
  f.ts = h.headline.ts;
  f.clock = h.clock;
  f.one_off = true;
  f.day_bound = false;
  for (std::uint32_t k = 0; k < tracks.size(); ++k) {
    if (tracks[k].symbol && !h.match.mentions(*tracks[k].symbol)) continue;
    fire(rule, k, h.key, 0, f, {&h});
  }
}

void Engine::State::explain_pending(const StoredHeadline& h) {
  std::vector<std::string> fps;
  for (const auto& [fp, a] : live)
    if (a.explanation_pending) fps.push_back(fp);
  for (const auto& fp : fps) {
    auto it = live.find(fp);
    if (it == live.end()) continue;
    LiveAlert& a = it->second;
    const Rule& r = rules->rules[a.rule];
    if (distance(h.clock, a.move_clock, a.move_clock) > r.within_ms || !explains(r, h, a.alert.symbol)) continue;
    a.explanation_pending = false;
    attach_headline(a, h);
    a.alert.explained = true;
    if (a.hold == detail::Hold::AwaitingExplanation) {
      discard(fp);  // explained after all: not an unexplained move
    } else if (a.notified && a.hold == detail::Hold::None) {
      notify(a, NotificationKind::Update, std::max(watermark, h.headline.ts));
    }
  }
}

void Engine::State::prune_headlines() {
  if (!rules) return;
  const std::int64_t horizon =
      clock.at(Timestamp{watermark.ms - rules->settings.allowed_lateness_ms}) - max_within_ms - kMsPerMinute;
  while (!headlines.empty() && headlines.front().clock < horizon &&
         headlines.front().headline.ts.ms < watermark.ms - rules->settings.allowed_lateness_ms - max_within_ms) {
    headline_by_key.erase(headlines.front().key);
    headlines.pop_front();
  }
}

}  // namespace lodestone::rules
