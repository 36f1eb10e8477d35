// News that changes after it was told: the same item again edited or withdrawn (the
// `retracted` tag), or a later notice of the source's own (更正/撤回, by its `corrects` field or
// its title) naming it. Every live alert that rests on the item follows: an update saying why,
// or its end where nothing else holds it up.
#include <algorithm>
#include <cstdlib>

#include "correction.hpp"
#include "engine_state.hpp"
#include "lodestone/rules/alert_identity.hpp"

namespace lodestone::rules {

using detail::Change;
using detail::Correction;
using detail::LiveAlert;
using detail::StoredHeadline;

namespace {

HeadlineRef ref_of(const StoredHeadline& h) {
  return HeadlineRef{h.headline.id, h.headline.title, h.headline.source, h.headline.ts};
}

// Corrections remembered (an item's key -> the notice that took its place), for items
// corrected again or withdrawn later; corrections are rare, and older ones have no live alerts.
constexpr std::size_t kMaxCorrections = 1'000;

// Where the alert cites one of `keys`, or npos.
std::size_t position(const LiveAlert& a, const std::vector<std::string>& keys) {
  for (std::size_t i = 0; i < a.headline_keys.size(); ++i)
    if (std::find(keys.begin(), keys.end(), a.headline_keys[i]) != keys.end()) return i;
  return std::string::npos;
}

}  // namespace

std::vector<std::string> Engine::State::with_notices(const std::string& key) const {
  std::vector<std::string> keys{key};
  for (std::size_t i = 0; i < keys.size(); ++i)
    for (const auto& [item, notice] : corrected)
      if (item == keys[i] && std::find(keys.begin(), keys.end(), notice) == keys.end()) keys.push_back(notice);
  return keys;
}

bool Engine::State::cited(const std::string& key) const {
  const auto keys = with_notices(key);
  return std::any_of(live.begin(), live.end(),
                     [&](const auto& entry) { return position(entry.second, keys) != std::string::npos; });
}

std::optional<Correction> Engine::State::correction_of(const StoredHeadline& stored) {
  const Headline& h = stored.headline;
  if (!h.corrects.empty()) {
    Headline original;
    original.source = h.source;  // a source corrects its own items
    original.id = h.corrects;
    std::string key = headline_key(original);
    if (key == stored.key) return std::nullopt;
    // A correction of an item never seen (or long gone) is the only version there is: news. A
    // withdrawal of one is nothing.
    if (!h.retracts && !headline_by_key.count(key) && !cited(key)) return std::nullopt;
    return Correction{std::move(key), h.retracts};
  }
  const CorrectionNotice notice = read_notice(h.title);
  if (notice.kind == NoticeKind::None) return std::nullopt;
  const TradingCalendar& calendar = clock.calendar();
  Date earliest = clock.trading_day(h.ts);
  for (int i = 0; i < kCorrectionWindowTradingDays; ++i) earliest = calendar.previous_trading_day(earliest);
  // The best-named earlier item of the same source; the latest of equally named ones.
  const std::string* best_key = nullptr;
  Naming best = Naming::None;
  Timestamp best_ts;
  auto consider = [&](const std::string& key, const std::string& source, const std::string& title, Timestamp ts) {
    if (source != h.source || key == stored.key || ts > h.ts || clock.trading_day(ts) < earliest) return;
    const Naming n = names(notice, title);
    if (n == Naming::None || n < best || (n == best && ts <= best_ts)) return;
    best_key = &key;
    best = n;
    best_ts = ts;
  };
  for (const auto& held : headlines)
    if (!held.notice) consider(held.key, held.headline.source, held.headline.title, held.headline.ts);
  // Held headlines age out within minutes of trading time; the alerts they caused keep their
  // titles for as long as they fire.
  for (const auto& [fp, a] : live)
    for (std::size_t i = 0; i < a.headline_keys.size(); ++i) {
      const HeadlineRef& ref = a.alert.headlines[i];
      consider(a.headline_keys[i], ref.source, ref.title, ref.ts);
    }
  if (best_key == nullptr) return std::nullopt;
  return Correction{*best_key, notice.kind == NoticeKind::Retraction};
}

void Engine::State::revised(StoredHeadline& h) {
  ++stats.headline_updates;
  if (h.retracted) ++stats.headline_retractions;
  headline_changed(h.key, &h, h.retracted ? Change::Withdrawn : Change::Edited, nullptr);
}

void Engine::State::apply_correction(const StoredHeadline& notice, const Correction& target) {
  StoredHeadline* original = nullptr;
  if (auto it = headline_by_key.find(target.key); it != headline_by_key.end()) original = it->second;
  if (target.retracts) {
    ++stats.headline_retractions;
    if (original) original->retracted = true;  // it explains and correlates no more
    headline_changed(target.key, original, Change::Withdrawn, &notice);
  } else {
    ++stats.headline_corrections;
    headline_changed(target.key, original, Change::Corrected, &notice);
    corrected.emplace_back(target.key, notice.key);
    if (corrected.size() > kMaxCorrections) corrected.pop_front();
  }
}

void Engine::State::headline_changed(const std::string& key, const StoredHeadline* current, Change change,
                                     const StoredHeadline* notice) {
  // The alerts citing the item, or a notice that took its place in them.
  const std::vector<std::string> keys = with_notices(key);
  std::vector<std::string> fps;
  for (const auto& [fp, a] : live)
    if (position(a, keys) != std::string::npos) fps.push_back(fp);
  const StoredHeadline& news = notice ? *notice : *current;
  const Timestamp now = std::max(watermark, news.headline.ts);
  const std::string_view reason = change == Change::Withdrawn ? "retracted" : "corrected";
  for (const auto& fp : fps) {
    auto it = live.find(fp);
    if (it == live.end()) continue;  // ended by an earlier one (its group)
    LiveAlert& a = it->second;
    const Rule& r = rules->rules[a.rule];
    const std::size_t pos = position(a, keys);
    const auto at = static_cast<std::ptrdiff_t>(pos);
    const Symbol* symbol = a.alert.symbol ? &*a.alert.symbol : nullptr;
    bool stays = change == Change::Corrected;
    // An edited item stays if it still matches; an edited notice stands in for its item still.
    if (change == Change::Edited && current)
      stays = current->notice || (r.headline ? rules->accepts(*r.headline, current->headline, current->match, symbol)
                                             : explains(r, *current, a.alert.symbol));
    if (change == Change::Corrected) {
      // The notice takes the item's place: the alert now shows the corrected text, and what
      // happens to the notice later is what happens to it.
      a.headline_keys[pos] = notice->key;
      a.alert.headlines[pos] = ref_of(*notice);
    } else if (stays) {
      a.headline_keys[pos] = current->key;
      a.alert.headlines[pos] = ref_of(*current);
      rematch(a);
    } else {
      a.headline_keys.erase(a.headline_keys.begin() + at);
      a.alert.headlines.erase(a.alert.headlines.begin() + at);
      // A headline rule's alert rests on its headlines: it ends with the last of them.
      if (r.headline && a.headline_keys.empty()) {
        resolve(fp, reason, now);
        continue;
      }
      rematch(a);
      if (!r.headline && a.headline_keys.empty()) lose_explanation(a);
    }
    if (a.notified && a.hold == detail::Hold::None) {
      a.reason = std::string(reason);  // this notification's reason label, not a resolution
      notify(a, NotificationKind::Update, now);
      a.reason.clear();
    }
  }
}

void Engine::State::rematch(LiveAlert& a) {
  // Keywords, tags and direction come from the news the alert cites, as attach_headline merges
  // them; items no longer held keep their place in the evidence without adding to the match.
  auto keys = std::move(a.headline_keys);
  auto refs = std::move(a.alert.headlines);
  a.headline_keys.clear();
  a.alert.headlines.clear();
  a.match = {};
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (auto held = headline_by_key.find(keys[i]); held != headline_by_key.end()) {
      attach_headline(a, *held->second);
    } else {
      a.headline_keys.push_back(std::move(keys[i]));
      a.alert.headlines.push_back(std::move(refs[i]));
    }
  }
}

void Engine::State::lose_explanation(LiveAlert& a) {
  const Rule& r = rules->rules[a.rule];
  for (const auto& h : headlines)
    if (std::abs(h.clock - a.move_clock) <= r.within_ms && explains(r, h, a.alert.symbol)) attach_headline(a, h);
  if (!a.headline_keys.empty()) return;  // other news around the move explains it
  a.alert.explained = false;
  const std::int64_t seen = clock.at(Timestamp{watermark.ms - rules->settings.allowed_lateness_ms});
  if (seen < a.explain_deadline_clock) {
    a.explanation_pending = true;  // news may still come within the window
    schedule(a.explain_due, a.fingerprint);
  }
}

}  // namespace lodestone::rules
