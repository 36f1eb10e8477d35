// One entry of `rules:`: its name, severity and labels, its trigger and headline filter, and its
// lifecycle settings (cooldown, frequency, grouping, repeats, resolution, inhibition, message).
#include <algorithm>

#include "hash.hpp"
#include "parse_context.hpp"

namespace lodestone::rules::detail {
namespace {

constexpr std::int64_t kMaxWithinMs = 2 * kMsPerDay;
constexpr std::int64_t kMaxLifecycleMs = 30 * kMsPerDay;

const std::initializer_list<std::string_view> kRuleKeys = {
    "name",     "severity", "description",      "labels",       "move",
    "speed",    "price",    "volume",           "breadth",      "headline",
    "within",   "explain",  "unexplained_only", "cooldown",     "frequency",
    "interval", "expires",  "session",          "message",      "group_wait",
    "inhibits", "repeat",   "keep_firing_for",  "resolve_after"};

const std::initializer_list<std::string_view> kReservedLabels = {
    "rule",       "severity", "symbol",    "fingerprint", "explanation", "keywords",  "tags", "direction", "symbols",
    "group_size", "reason",   "retracted", "repeat",      "revision",    "alertname", "name", "started_at"};

std::optional<Timestamp> parse_expiry(ParseContext& ctx, const Node& node) {
  auto t = ctx.text(node, "expires");
  if (!t) return std::nullopt;
  if (auto d = parse_date(*t); d && t->size() <= 10) return exchange_time(d->next(), 0, 0);  // the end of that day
  if (auto ts = parse_timestamp(*t)) return *ts;
  ctx.error(node, "expires: expected a date (2026-03-31) or a time (2026-03-31T15:00:00+08:00), found '" + *t + "'");
  return std::nullopt;
}

}  // namespace

std::optional<Rule> parse_rule(ParseContext& ctx, const Node& node) {
  const auto errors_before = ctx.error_count();
  Rule r;
  r.line = node.pos.line;
  std::string what = "rule";
  if (!node.is_map()) {
    ctx.error(node, "rules: each rule is a mapping with name, severity and conditions, found " +
                        std::string(yaml::describe(node.kind)));
    return std::nullopt;
  }
  if (const Node* n = node.find("name")) {
    if (auto name = ctx.name(*n, "rule name")) {
      r.name = *name;
      what = "rule '" + r.name + "'";
    }
  } else {
    ctx.error(node, "rule: needs a name");
  }
  ctx.check_map(node, what, kRuleKeys);

  if (const Node* n = node.find("severity"))
    if (auto s = ctx.choice(*n, what + " severity", {"info", "warning", "critical"}))
      r.severity = static_cast<Severity>(*s);
  if (const Node* n = node.find("description"))
    if (auto t = ctx.text(*n, what + " description")) r.description = *t;
  if (const Node* n = node.find("labels")) {
    if (ctx.check_named_map(*n, what + " label")) {
      for (std::size_t i = 0; i < n->map_size(); ++i) {
        const Node& k = n->key(i);
        if (std::find(kReservedLabels.begin(), kReservedLabels.end(), k.text) != kReservedLabels.end()) {
          ctx.error(k, what + " labels: '" + k.text + "' is set by the engine");
          continue;
        }
        if (auto v = ctx.text(n->value(i), what + " label " + k.text)) r.labels[k.text] = *v;
      }
    }
  }

  // The trigger: at most one of the condition blocks.
  const auto [trigger_node, trigger_key] = parse_trigger(ctx, node, what, r);

  if (const Node* n = node.find("headline")) {
    if (trigger_key == "breadth")
      ctx.error(*n, what + ": a breadth rule takes no headline filter (use explain to say which headlines explain it)");
    else if (auto f = parse_filter(ctx, *n, what + " headline", trigger_node == nullptr))
      r.headline = std::move(*f);
  }
  if (!trigger_node && !node.find("headline"))
    ctx.error(node, what + ": needs a trigger (move, speed, price, volume or breadth) or a headline filter");

  const Settings& settings = ctx.out().settings;
  r.within_ms = settings.explain_within_ms;
  if (const Node* n = node.find("within")) {
    if (!trigger_node) ctx.error(*n, what + ": within relates a headline to a trigger; this rule has no trigger");
    if (auto ms = ctx.duration(*n, what + " within", 1000, kMaxWithinMs)) r.within_ms = *ms;
  }
  if (const Node* n = node.find("explain")) {
    if (!trigger_node || node.find("headline"))
      ctx.error(*n, what + ": explain applies to rules with a trigger and no headline filter");
    else if (auto f = parse_filter(ctx, *n, what + " explain", false))
      r.explain = std::move(*f);
  }
  if (const Node* n = node.find("unexplained_only")) {
    if (auto b = ctx.boolean(*n, what + " unexplained_only")) r.unexplained_only = *b;
    if (r.unexplained_only && (!trigger_node || node.find("headline")))
      ctx.error(*n, what + ": unexplained_only applies to rules with a trigger and no headline filter");
  }
  if (const Node* n = node.find("cooldown"))
    if (auto ms = ctx.duration(*n, what + " cooldown", 0, kMaxLifecycleMs)) r.cooldown_ms = *ms;
  if (const Node* n = node.find("frequency"))
    if (auto f = ctx.choice(*n, what + " frequency", {"every_time", "once", "once_per_day", "once_per_interval"}))
      r.frequency = static_cast<Frequency>(*f);
  if (const Node* n = node.find("interval")) {
    if (r.frequency != Frequency::OncePerInterval)
      ctx.error(*n, what + ": interval goes with frequency: once_per_interval");
    else if (auto ms = ctx.duration(*n, what + " interval", 1000, kMsPerDay))
      r.interval_ms = *ms;
  } else if (r.frequency == Frequency::OncePerInterval) {
    ctx.error(*node.find("frequency"), what + ": once_per_interval needs interval (such as 30m)");
  }
  if (const Node* n = node.find("expires")) r.expires = parse_expiry(ctx, *n);
  r.session = settings.session;
  if (const Node* n = node.find("session"))
    if (auto s = ctx.choice(*n, what + " session", {"any", "trading_hours", "continuous", "opening_call"}))
      r.session = static_cast<Session>(*s);
  if (const Node* n = node.find("group_wait"))
    if (auto ms = ctx.duration(*n, what + " group_wait", 0, 60 * kMsPerMinute)) r.group_wait_ms = *ms;
  if (const Node* n = node.find("repeat"))
    if (auto ms = ctx.duration(*n, what + " repeat", kMsPerMinute, kMaxLifecycleMs)) r.repeat_ms = *ms;
  if (const Node* n = node.find("keep_firing_for"))
    if (auto ms = ctx.duration(*n, what + " keep_firing_for", 0, kMaxLifecycleMs)) r.keep_firing_ms = *ms;
  r.resolve_after_ms = settings.resolve_after_ms;
  if (const Node* n = node.find("resolve_after"))
    if (auto ms = ctx.duration(*n, what + " resolve_after", 1000, kMaxLifecycleMs)) r.resolve_after_ms = *ms;
  if (const Node* n = node.find("inhibits")) {
    if (auto names = ctx.text_list(*n, what + " inhibits")) {
      for (std::size_t i = 0; i < names->size(); ++i) {
        if ((*names)[i] == r.name)
          ctx.error(n->items[i], what + " inhibits: a rule cannot inhibit itself");
        else
          r.inhibits.push_back((*names)[i]);
      }
    }
  }

  const Node* message = node.find("message");
  auto text = message ? ctx.text(*message, what + " message") : std::optional<std::string>(default_message(r));
  if (text) {
    auto tmpl = MessageTemplate::parse(*text);
    if (tmpl)
      r.message = std::move(*tmpl);
    else
      ctx.error(message ? message->pos : node.pos, what + " message: " + tmpl.error().message);
  }

  if (ctx.error_count() != errors_before) return std::nullopt;
  Fnv64 h;
  hash_rule(node, r, ctx.out(), h);
  r.config_hash = h.value();
  return r;
}

}  // namespace lodestone::rules::detail
