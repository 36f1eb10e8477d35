#include "lodestone/app/feed_health.hpp"

namespace lodestone::app {
namespace {

bool unhealthy(feeds::FeedState s) { return s == feeds::FeedState::Stale || s == feeds::FeedState::Down; }

Alert make(const feeds::FeedStatus::View& f, feeds::FeedState state, std::uint64_t occurrence, AlertState alert_state,
           Timestamp now) {
  const std::string rule = state == feeds::FeedState::Down ? "feed-down" : "feed-stale";
  Alert a;
  a.rule = rule;
  a.severity = state == feeds::FeedState::Down ? Severity::Critical : Severity::Warning;
  a.state = alert_state;
  a.ts = now;
  // One incident's firing and resolution share a fingerprint: the board shows them as one alert
  // and a receiver hears of its end under the same key (and stops repeating it).
  const std::string fingerprint = "system:" + rule + ":" + f.name + ":" + std::to_string(occurrence);
  a.id = fingerprint + (alert_state == AlertState::Firing ? ":firing" : ":resolved");
  const std::string age =
      f.last_message_ms > 0 ? std::to_string((now.ms - f.last_message_ms) / 1000) + " s ago" : std::string("never");
  a.message =
      alert_state == AlertState::Firing
          ? "feed " + f.name + " (" + f.kind + ") is " + std::string(feeds::to_string(state)) + "; last message " + age
          : "feed " + f.name + " (" + f.kind + ") is " + std::string(feeds::to_string(f.state)) + " again";
  a.labels = {{"rule", rule},
              {"severity", std::string(to_string(a.severity))},
              {"fingerprint", fingerprint},
              {"feed", f.name},
              {"kind", f.kind}};
  return a;
}

}  // namespace

std::vector<Alert> FeedHealth::check(const std::vector<feeds::FeedStatus::View>& feeds, Timestamp now) {
  std::vector<Alert> out;
  for (const auto& f : feeds) {
    auto& track = tracks_[f.name];
    const auto before = track.state;
    if (f.state == before) continue;
    if (unhealthy(before)) out.push_back(make(f, before, track.occurrence, AlertState::Resolved, now));
    if (unhealthy(f.state)) out.push_back(make(f, f.state, ++track.occurrence, AlertState::Firing, now));
    track.state = f.state;
  }
  return out;
}

}  // namespace lodestone::app
