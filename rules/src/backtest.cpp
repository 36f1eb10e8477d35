#include "lodestone/rules/backtest.hpp"

#include <algorithm>
#include <cstdio>

#include "lodestone/core/json_writer.hpp"
#include "lodestone/rules/trading_clock.hpp"

namespace lodestone::rules {
namespace {

Timestamp event_time(const Event& e) {
  return std::visit([](const auto& x) { return x.ts; }, e);
}

}  // namespace

BacktestResult backtest(std::span<const Event> events, std::shared_ptr<const RuleSet> rules,
                        const InstrumentRegistry& registry, const TradingCalendar& calendar,
                        const BacktestOptions& options) {
  BacktestResult result;
  Engine engine(registry, calendar);
  const std::int64_t lateness = rules ? rules->settings.allowed_lateness_ms : 0;
  std::vector<std::string> names;
  if (rules)
    for (const auto& r : rules->rules) names.push_back(r.name);
  engine.set_rules(std::move(rules));
  // A silence that does not validate is left out, as the API would refuse it.
  for (const auto& s : options.silences)
    if (auto added = engine.add_silence(s, s.starts_at); !added) continue;
  auto keep = [&](std::vector<Alert>&& alerts) {
    result.alerts.insert(result.alerts.end(), std::make_move_iterator(alerts.begin()),
                         std::make_move_iterator(alerts.end()));
  };
  const std::size_t every = std::max<std::size_t>(options.progress_every, 1);
  std::size_t done = 0;
  for (const auto& e : events) {
    if (options.progress && done % every == 0 && done != 0) options.progress(done);
    ++done;
    const Timestamp ts = event_time(e);
    if (!result.first_event) result.first_event = ts;
    if (!result.last_event || *result.last_event < ts) result.last_event = ts;
    if (const auto* q = std::get_if<Quote>(&e))
      keep(engine.on_quote(*q));
    else
      keep(engine.on_headline(std::get<Headline>(e)));
  }
  result.events = events.size();
  if (options.progress) options.progress(done);
  if (options.until) {
    result.until = *options.until;
  } else if (result.last_event) {
    TradingClock clock(calendar);
    const Timestamp close = clock.close_of(clock.trading_day(*result.last_event));
    result.until = Timestamp{std::max(*result.last_event, close).ms + lateness};
  }
  keep(engine.advance(result.until));
  for (const auto& n : names) result.per_rule[n] = engine.counters(n);
  result.stats = engine.stats();
  return result;
}

std::string to_json(const BacktestResult& r) {
  std::string out = "{\"events\":" + std::to_string(r.events) + ",\"quotes\":" + std::to_string(r.stats.quotes) +
                    ",\"headlines\":" + std::to_string(r.stats.headlines);
  if (r.first_event) out += ",\"from\":\"" + format_timestamp(*r.first_event) + "\"";
  out += ",\"until\":\"" + format_timestamp(r.until) + "\",\"alerts\":[";
  for (std::size_t i = 0; i < r.alerts.size(); ++i) {
    if (i) out.push_back(',');
    out += lodestone::to_json(r.alerts[i]);
  }
  out += "],\"rules\":[";
  bool first = true;
  for (const auto& [name, c] : r.per_rule) {
    if (!first) out.push_back(',');
    first = false;
    out += "{\"rule\":";
    append_json_string(out, name);
    const std::pair<const char*, std::uint64_t> fields[] = {
        {"fired", c.fired},       {"notified", c.notified},   {"updated", c.updated},     {"repeated", c.repeated},
        {"resolved", c.resolved}, {"silenced", c.silenced},   {"inhibited", c.inhibited}, {"grouped", c.grouped},
        {"cooldown", c.cooldown}, {"frequency", c.frequency}, {"session", c.session}};
    for (const auto& [k, v] : fields) out += std::string(",\"") + k + "\":" + std::to_string(v);
    out.push_back('}');
  }
  out += "]}";
  return out;
}

std::string format_summary(const BacktestResult& r) {
  std::size_t width = 4;
  for (const auto& [name, c] : r.per_rule) width = std::max(width, name.size());
  std::string out;
  char line[512];
  std::snprintf(line, sizeof line, "%-*s %8s %8s %8s %8s %8s %8s\n", static_cast<int>(width), "rule", "fired",
                "notified", "updated", "resolved", "held", "skipped");
  out += line;
  RuleCounters total;
  for (const auto& [name, c] : r.per_rule) {
    std::snprintf(line, sizeof line, "%-*s %8llu %8llu %8llu %8llu %8llu %8llu\n", static_cast<int>(width),
                  name.c_str(), static_cast<unsigned long long>(c.fired), static_cast<unsigned long long>(c.notified),
                  static_cast<unsigned long long>(c.updated), static_cast<unsigned long long>(c.resolved),
                  static_cast<unsigned long long>(c.silenced) + c.inhibited + c.grouped,
                  static_cast<unsigned long long>(c.cooldown) + c.frequency + c.session);
    out += line;
    total.fired += c.fired;
    total.notified += c.notified;
  }
  std::snprintf(line, sizeof line, "%zu events (%llu quotes, %llu headlines), %zu notifications, %llu alerts fired\n",
                r.events, static_cast<unsigned long long>(r.stats.quotes),
                static_cast<unsigned long long>(r.stats.headlines), r.alerts.size(),
                static_cast<unsigned long long>(total.fired));
  out += line;
  return out;
}

}  // namespace lodestone::rules
