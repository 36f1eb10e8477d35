// What an alert says: its labels (what silences and inhibition match) and its message, the
// rule's template filled in with the move, the headline and the facts.
#include "engine_state.hpp"

namespace lodestone::rules {

using detail::LiveAlert;

namespace {

std::string joined(const std::vector<std::string>& items, std::string_view sep = ",") {
  std::string out;
  for (const auto& i : items) {
    if (!out.empty()) out += sep;
    out += i;
  }
  return out;
}

std::string joined(const std::vector<Symbol>& items, std::string_view sep = ",") {
  std::string out;
  for (const auto& i : items) {
    if (!out.empty()) out += sep;
    out += i.str();
  }
  return out;
}

std::string clock_text(Timestamp t, std::size_t length) { return format_timestamp(t).substr(11, length); }

}  // namespace

void Engine::State::set_labels(LiveAlert& a) {
  const Rule& r = rules->rules[a.rule];
  auto& l = a.alert.labels;
  l = r.labels;
  l["rule"] = r.name;
  l["severity"] = std::string(to_string(r.severity));
  l["fingerprint"] = a.fingerprint;
  if (a.alert.symbol) {
    l["symbol"] = a.alert.symbol->str();
    if (const Instrument* inst = registry.find(*a.alert.symbol); inst && !inst->name.empty()) l["name"] = inst->name;
  }
  // Receivers thread an alert's notifications and say how long it fired from this.
  if (a.notified) l["started_at"] = format_timestamp(a.started);
  if (a.alert.explained) {
    l["explanation"] = *a.alert.explained ? "headline" : a.explanation_pending ? "pending" : "none";
  }
  if (!a.match.keywords.empty()) l["keywords"] = joined(a.match.keywords);
  if (!a.match.tags.empty()) l["tags"] = joined(a.match.tags);
  if (a.match.direction != Direction::None) l["direction"] = std::string(to_string(a.match.direction));
  if (!a.facts.symbols.empty()) l["symbols"] = joined(a.facts.symbols);
  if (!a.members.empty()) l["group_size"] = std::to_string(a.members.size());
  if (!a.reason.empty()) l["reason"] = a.reason;
}

void Engine::State::render(LiveAlert& a) {
  const Rule& r = rules->rules[a.rule];
  if (!a.members.empty()) return;  // a group alert keeps the message it was notified with
  const Instrument* inst = a.alert.symbol ? registry.find(*a.alert.symbol) : nullptr;
  const int decimals = a.alert.move ? a.alert.move->price_decimals : inst ? inst->price_decimals() : 2;
  const auto& move = a.alert.move;
  const HeadlineRef* h = a.alert.headlines.empty() ? nullptr : &a.alert.headlines.front();
  a.alert.message = r.message.render([&](Placeholder p) -> std::string {
    switch (p) {
      case Placeholder::Symbol:
        return a.alert.symbol ? a.alert.symbol->str() : r.symbols_name.empty() ? r.name : r.symbols_name;
      case Placeholder::Name:
        return inst ? inst->name : std::string();
      case Placeholder::ChangePct:
        return move ? format_centipct(move->change_centipct) : std::string();
      case Placeholder::Window:
        return move ? move->window : std::string();
      case Placeholder::From:
        return move ? move->from.format(decimals) : std::string();
      case Placeholder::To:
        return move ? move->to.format(decimals) : a.facts.last ? a.facts.last->format(decimals) : std::string();
      case Placeholder::AbnormalPct:
        return move && move->abnormal_centipct ? format_centipct(*move->abnormal_centipct) : std::string();
      case Placeholder::Benchmark:
        return a.facts.benchmark ? a.facts.benchmark->str() : std::string();
      case Placeholder::Headline:
        return h ? h->title : std::string();
      case Placeholder::Source:
        return h ? h->source : std::string();
      case Placeholder::HeadlineTime:
        return h ? clock_text(h->ts, 5) : std::string();
      case Placeholder::Keywords:
        return joined(a.match.keywords, ", ");
      case Placeholder::Tags:
        return joined(a.match.tags, ", ");
      case Placeholder::Direction:
        return std::string(to_string(a.match.direction));
      case Placeholder::Level:
        if (a.facts.level && a.facts.level_high)
          return a.facts.level->format(decimals) + "-" + a.facts.level_high->format(decimals);
        return a.facts.level ? a.facts.level->format(decimals) : std::string();
      case Placeholder::Limit:
        return a.facts.limit ? a.facts.limit->format(decimals) : std::string();
      case Placeholder::VolumeRatio:
        return a.facts.volume_ratio ? format_centipct(*a.facts.volume_ratio) : std::string();
      case Placeholder::Count:
        return std::to_string(a.facts.count);
      case Placeholder::Total:
        return std::to_string(a.facts.total);
      case Placeholder::Symbols:
        return joined(a.facts.symbols, ", ");
      case Placeholder::Rule:
        return r.name;
      case Placeholder::Severity:
        return std::string(to_string(r.severity));
      case Placeholder::Time:
        return clock_text(a.alert.ts, 8);
      case Placeholder::Explained:
        if (!a.alert.explained) return std::string();
        return *a.alert.explained ? "explained" : a.explanation_pending ? "unexplained so far" : "unexplained";
    }
    return std::string();
  });
}

}  // namespace lodestone::rules
