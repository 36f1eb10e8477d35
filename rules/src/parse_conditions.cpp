// One entry of `rules:`: its trigger, headline filter and lifecycle settings.
#include <algorithm>

#include "hash.hpp"
#include "lodestone/core/calendar.hpp"
#include "parse_context.hpp"

namespace lodestone::rules::detail {
namespace {

// Windows are trading time; five trading days bounds the history kept per symbol.
constexpr std::int64_t kMaxWindowMs = 5 * TradingCalendar::kTradingMsPerDay;
constexpr std::int64_t kMaxWithinMs = 2 * kMsPerDay;
constexpr std::int64_t kMaxLifecycleMs = 30 * kMsPerDay;

const std::initializer_list<std::string_view> kRuleKeys = {
    "name",     "severity", "description",      "labels",       "move",
    "speed",    "price",    "volume",           "breadth",      "headline",
    "within",   "explain",  "unexplained_only", "cooldown",     "frequency",
    "interval", "expires",  "session",          "message",      "group_wait",
    "inhibits", "repeat",   "keep_firing_for",  "resolve_after"};

const std::initializer_list<std::string_view> kReservedLabels = {
    "rule",    "severity",   "symbol", "fingerprint", "explanation", "keywords", "tags",     "direction",
    "symbols", "group_size", "reason", "retracted",   "repeat",      "revision", "alertname"};

const std::initializer_list<std::string_view> kMoveKeys = {"symbols", "change_pct", "abnormal_pct",
                                                           "window",  "from",       "benchmark"};
const std::initializer_list<std::string_view> kSpeedKeys = {"symbols", "change_pct", "window"};
const std::initializer_list<std::string_view> kPriceKeys = {"symbols", "limit", "stage",     "seal_for", "above",
                                                            "below",   "cross", "direction", "band",     "on"};
const std::initializer_list<std::string_view> kVolumeKeys = {"symbols", "ratio", "window", "baseline"};
const std::initializer_list<std::string_view> kBreadthKeys = {"symbols", "min_count", "change_pct", "window", "from"};

const std::initializer_list<std::string_view>& trigger_keys(std::string_view key) {
  if (key == "move") return kMoveKeys;
  if (key == "speed") return kSpeedKeys;
  if (key == "price") return kPriceKeys;
  if (key == "volume") return kVolumeKeys;
  return kBreadthKeys;
}

// window / from: exactly one says what the change is measured against.
bool parse_reference(ParseContext& ctx, const Node& node, const std::string& what, MoveCondition& m,
                     std::int64_t default_window_ms) {
  const Node* window = node.find("window");
  const Node* from = node.find("from");
  if (window && from) {
    ctx.error(*from, what + ": give either window (a sliding window) or from (prev_close or open), not both");
    return false;
  }
  if (window) {
    auto ms = ctx.duration(*window, what + " window", 1000, kMaxWindowMs);
    if (!ms) return false;
    m.reference = Reference::Window;
    m.window_ms = *ms;
    return true;
  }
  if (from) {
    auto c = ctx.choice(*from, what + " from", {"prev_close", "open"});
    if (!c) return false;
    m.reference = *c == 0 ? Reference::PrevClose : Reference::Open;
    return true;
  }
  if (default_window_ms > 0) {
    m.reference = Reference::Window;
    m.window_ms = default_window_ms;
    return true;
  }
  ctx.error(node, what + ": needs window (such as 15m) or from (prev_close or open)");
  return false;
}

// move / speed / the move inside breadth.
std::optional<MoveCondition> parse_move(ParseContext& ctx, const Node& node, const std::string& what, bool speed,
                                        const std::vector<Symbol>& symbols) {
  MoveCondition m;
  m.speed = speed;
  bool ok = parse_reference(ctx, node, what, m, speed ? 5 * kMsPerMinute : 0);
  if (const Node* n = node.find("change_pct")) {
    if (auto t = ctx.threshold(*n, what + " change_pct"))
      m.change = *t;
    else
      ok = false;
  }
  if (const Node* n = node.find("abnormal_pct")) {
    if (auto t = ctx.threshold(*n, what + " abnormal_pct"))
      m.abnormal = *t;
    else
      ok = false;
  }
  if (const Node* n = node.find("benchmark")) {
    if (!m.abnormal) ctx.error(*n, what + ": benchmark only applies with abnormal_pct");
    if (auto s = ctx.symbol(*n, what + " benchmark"))
      m.benchmark = *s;
    else
      ok = false;
  }
  if (!node.find("change_pct") && !node.find("abnormal_pct")) {
    ctx.error(node, what + ": needs change_pct (such as \">= 2.0\")" + (speed ? "" : " or abnormal_pct"));
    ok = false;
  }
  if (m.abnormal && !m.benchmark) {
    for (const auto& s : symbols) {
      const auto* inst = ctx.registry().find(s);
      if (inst && !inst->benchmark) {
        ctx.error(*node.find("abnormal_pct"), what + ": " + s.str() +
                                                  " has no benchmark in the instrument list; name one with "
                                                  "benchmark: (such as 000300.SH)");
        ok = false;
        break;
      }
      if (inst && !ctx.registry().find(*inst->benchmark)) {
        ctx.error(*node.find("abnormal_pct"), what + ": the benchmark of " + s.str() + " (" + inst->benchmark->str() +
                                                  ") is not in the instrument list");
        ok = false;
        break;
      }
    }
  }
  if (!ok) return std::nullopt;
  return m;
}

std::optional<LimitCondition> parse_limit(ParseContext& ctx, const Node& node, const std::string& what) {
  LimitCondition l;
  bool ok = true;
  if (auto side = ctx.choice(*node.find("limit"), what + " limit", {"up", "down", "either"}))
    l.side = static_cast<LimitSide>(*side);
  else
    ok = false;
  if (const Node* n = node.find("stage")) {
    if (auto st = ctx.choice(*n, what + " stage", {"touched", "sealed", "opened"}))
      l.stage = static_cast<LimitStage>(*st);
    else
      ok = false;
  }
  if (const Node* n = node.find("seal_for")) {
    if (auto ms = ctx.duration(*n, what + " seal_for", 0, 60 * kMsPerMinute))
      l.seal_ms = *ms;
    else
      ok = false;
  }
  for (const char* k : {"above", "below", "cross", "band", "direction", "on"})
    if (const Node* n = node.find(k)) ctx.error(*n, what + ": " + k + " does not combine with limit"), ok = false;
  if (!ok) return std::nullopt;
  return l;
}

std::optional<LevelCondition> parse_level(ParseContext& ctx, const Node& node, const std::string& what) {
  LevelCondition l;
  const Node* above = node.find("above");
  const Node* below = node.find("below");
  const Node* cross = node.find("cross");
  const Node* band = node.find("band");
  const int count = (above != nullptr) + (below != nullptr) + (cross != nullptr) + (band != nullptr);
  if (count != 1) {
    ctx.error(node, what + ": needs exactly one of limit, above, below, cross or band");
    return std::nullopt;
  }
  bool ok = true;
  if (above || below || cross) {
    const Node& n = above ? *above : below ? *below : *cross;
    auto p = ctx.price(n, what + (above ? " above" : below ? " below" : " cross"));
    if (!p) return std::nullopt;
    l.level = *p;
    l.kind = above ? LevelKind::Above : below ? LevelKind::Below : LevelKind::Cross;
  } else {
    if (!band->is_sequence() || band->items.size() != 2) {
      ctx.error(*band, what + " band: expected two prices [low, high]");
      return std::nullopt;
    }
    auto lo = ctx.price(band->items[0], what + " band");
    auto hi = ctx.price(band->items[1], what + " band");
    if (!lo || !hi) return std::nullopt;
    if (!(*lo < *hi)) {
      ctx.error(*band, what + " band: the low price must be below the high price");
      return std::nullopt;
    }
    l.low = *lo;
    l.high = *hi;
    l.kind = LevelKind::BandEither;
    if (const Node* on = node.find("on")) {
      if (auto c = ctx.choice(*on, what + " on", {"enter", "exit", "either"}))
        l.kind = *c == 0 ? LevelKind::BandEnter : *c == 1 ? LevelKind::BandExit : LevelKind::BandEither;
      else
        ok = false;
    }
  }
  if (const Node* d = node.find("direction")) {
    if (!cross) {
      ctx.error(*d, what + ": direction only applies to cross");
      ok = false;
    } else if (auto c = ctx.choice(*d, what + " direction", {"up", "down", "either"})) {
      l.direction = static_cast<CrossDirection>(*c);
    } else {
      ok = false;
    }
  }
  if (const Node* on = node.find("on"); on && !band) ctx.error(*on, what + ": on only applies to band"), ok = false;
  for (const char* k : {"stage", "seal_for"})
    if (const Node* n = node.find(k)) ctx.error(*n, what + ": " + k + " only applies to limit"), ok = false;
  if (!ok) return std::nullopt;
  return l;
}

std::optional<HeadlineFilter> parse_filter(ParseContext& ctx, const Node& node, const std::string& what,
                                           bool symbols_allowed) {
  if (!ctx.check_map(node, what,
                     {"keywords", "all_keywords", "exclude_keywords", "tags", "direction", "sources", "exclude_sources",
                      "symbols", "mentions"}))
    return std::nullopt;
  HeadlineFilter f;
  const auto before = ctx.error_count();
  if (const Node* n = node.find("keywords"))
    if (auto v = ctx.keyword_sets(*n, what + " keywords")) f.any_keywords = std::move(*v);
  if (const Node* n = node.find("all_keywords"))
    if (auto v = ctx.keyword_sets(*n, what + " all_keywords")) f.all_keywords = std::move(*v);
  if (const Node* n = node.find("exclude_keywords"))
    if (auto v = ctx.keyword_sets(*n, what + " exclude_keywords")) f.exclude_keywords = std::move(*v);
  if (const Node* n = node.find("tags"))
    if (auto v = ctx.tags(*n, what + " tags")) f.any_tags = std::move(*v);
  if (const Node* n = node.find("direction"))
    if (auto d = ctx.choice(*n, what + " direction", {"supportive", "adverse"}))
      f.direction = *d == 0 ? Direction::Supportive : Direction::Adverse;
  if (const Node* n = node.find("sources"))
    if (auto v = ctx.text_list(*n, what + " sources")) f.sources = std::move(*v);
  if (const Node* n = node.find("exclude_sources"))
    if (auto v = ctx.text_list(*n, what + " exclude_sources")) f.exclude_sources = std::move(*v);
  if (const Node* n = node.find("mentions"))
    if (auto b = ctx.boolean(*n, what + " mentions")) f.mentions = *b;
  if (const Node* n = node.find("symbols")) {
    if (!symbols_allowed)
      ctx.error(*n, what +
                        ": symbols belong in the rule's trigger (move, price, ...); use mentions: true to "
                        "require the headline to name the symbol");
    else if (auto v = ctx.symbols(*n, what + " symbols"))
      f.symbols = std::move(*v);
  }
  if (ctx.error_count() != before) return std::nullopt;
  return f;
}

std::optional<Timestamp> parse_expiry(ParseContext& ctx, const Node& node) {
  auto t = ctx.text(node, "expires");
  if (!t) return std::nullopt;
  if (auto d = parse_date(*t); d && t->size() <= 10) return exchange_time(d->next(), 0, 0);  // the end of that day
  if (auto ts = parse_timestamp(*t)) return *ts;
  ctx.error(node, "expires: expected a date (2026-03-31) or a time (2026-03-31T15:00:00+08:00), found '" + *t + "'");
  return std::nullopt;
}

std::string default_message(const Rule& r) {
  std::string m;
  std::visit(
      [&](const auto& c) {
        using T = std::decay_t<decltype(c)>;
        if constexpr (std::is_same_v<T, MoveCondition>) {
          m = c.speed ? "{symbol} {name} moved {change_pct}% in {window}" : "{symbol} {name} {change_pct}% ({window})";
          if (c.abnormal) m += ", {abnormal_pct}% beyond {benchmark}";
        } else if constexpr (std::is_same_v<T, LimitCondition>) {
          const char* side = c.side == LimitSide::Up ? "limit-up" : c.side == LimitSide::Down ? "limit-down" : "limit";
          if (c.stage == LimitStage::Touched) m = std::string("{symbol} {name} touched ") + side + " {limit}";
          if (c.stage == LimitStage::Sealed) m = std::string("{symbol} {name} sealed at ") + side + " {limit}";
          if (c.stage == LimitStage::Opened)
            m = std::string("{symbol} {name} opened from ") + side + " {limit}, now {to}";
        } else if constexpr (std::is_same_v<T, LevelCondition>) {
          switch (c.kind) {
            case LevelKind::Above:
              m = "{symbol} {name} at {to}, at or above {level}";
              break;
            case LevelKind::Below:
              m = "{symbol} {name} at {to}, at or below {level}";
              break;
            case LevelKind::Cross:
              m = "{symbol} {name} crossed {level}, now {to}";
              break;
            case LevelKind::BandEnter:
              m = "{symbol} {name} entered {level} at {to}";
              break;
            case LevelKind::BandExit:
              m = "{symbol} {name} left {level} at {to}";
              break;
            case LevelKind::BandEither:
              m = "{symbol} {name} crossed the edge of {level} at {to}";
              break;
          }
        } else if constexpr (std::is_same_v<T, VolumeCondition>) {
          m = "{symbol} {name} volume {volume_ratio}x its trailing average in {window}";
        } else if constexpr (std::is_same_v<T, BreadthCondition>) {
          m = "{count} of {total} in {symbol} moved ({window}): {symbols}";
        } else {
          m = "{source}: {headline}";
        }
      },
      r.trigger);
  if (r.correlates()) m += " near: {headline} ({source})";
  return m;
}

void hash_rule(const Node& node, const Rule& r, const RuleSet& rs, Fnv64& h) {
  std::string text;
  serialize(node, text);
  h.field(text);
  for (const auto& s : r.symbols) h.field(s.str());
  auto sets = [&](const std::vector<std::size_t>& v) {
    for (auto i : v) {
      h.field(rs.keyword_sets[i].name);
      for (const auto& t : rs.keyword_sets[i].terms) h.field(t);
    }
  };
  auto filter = [&](const std::optional<HeadlineFilter>& f) {
    if (!f) return;
    sets(f->any_keywords);
    sets(f->all_keywords);
    sets(f->exclude_keywords);
    for (auto t : f->any_tags) {
      const Tag& tag = rs.taxonomy[t];
      h.field(tag.name);
      h.field(to_string(tag.direction));
      sets(tag.keyword_sets);
      for (const auto& term : tag.terms) h.field(term);
    }
  };
  filter(r.headline);
  filter(r.explain);
  h.field(std::to_string(rs.settings.allowed_lateness_ms) + "/" + std::to_string(rs.settings.explain_within_ms) + "/" +
          std::to_string(rs.settings.resolve_after_ms) + "/" + std::to_string(static_cast<int>(rs.settings.session)));
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
  const Node* trigger_node = nullptr;
  std::string trigger_key;
  for (const char* k : {"move", "speed", "price", "volume", "breadth"}) {
    const Node* n = node.find(k);
    if (!n) continue;
    if (trigger_node) {
      ctx.error(*n, what + ": one rule has one trigger; '" + trigger_key + "' is already given (write a second rule)");
      continue;
    }
    trigger_node = n;
    trigger_key = k;
  }
  if (trigger_node) {
    const std::string tw = what + " " + trigger_key;
    if (ctx.check_map(*trigger_node, tw, trigger_keys(trigger_key))) {
      const Node& t = *trigger_node;
      if (const Node* s = t.find("symbols")) {
        if (auto syms = ctx.symbols(*s, tw + " symbols", &r.symbols_name)) r.symbols = std::move(*syms);
      } else {
        ctx.error(t, tw + ": needs symbols (a list, a group name, or all)");
      }
      if (trigger_key == "move" || trigger_key == "speed") {
        if (auto m = parse_move(ctx, t, tw, trigger_key == "speed", r.symbols)) r.trigger = *m;
      } else if (trigger_key == "price") {
        if (t.find("limit")) {
          if (auto l = parse_limit(ctx, t, tw)) r.trigger = *l;
        } else if (auto l = parse_level(ctx, t, tw)) {
          r.trigger = *l;
        }
      } else if (trigger_key == "volume") {
        VolumeCondition v;
        bool ok = true;
        if (const Node* n = t.find("ratio")) {
          if (auto th = ctx.threshold(*n, tw + " ratio"))
            v.ratio = *th;
          else
            ok = false;
        } else {
          ctx.error(t, tw + ": needs ratio (such as \">= 3\")");
          ok = false;
        }
        if (const Node* n = t.find("window")) {
          if (auto ms = ctx.duration(*n, tw + " window", 1000, kMaxWindowMs))
            v.window_ms = *ms;
          else
            ok = false;
        }
        if (const Node* n = t.find("baseline")) {
          if (auto ms = ctx.duration(*n, tw + " baseline", 1000, kMaxWindowMs))
            v.baseline_ms = *ms;
          else
            ok = false;
        }
        if (ok) r.trigger = v;
      } else if (trigger_key == "breadth") {
        BreadthCondition b;
        bool ok = true;
        if (!t.find("change_pct")) {
          ctx.error(t, tw + ": needs change_pct (such as \">= 3.0\")");
          ok = false;
        }
        if (auto m = parse_move(ctx, t, tw, false, r.symbols))
          b.move = *m;
        else
          ok = false;
        if (const Node* n = t.find("min_count")) {
          const auto max = static_cast<std::int64_t>(std::max<std::size_t>(r.symbols.size(), 1));
          if (auto c = ctx.integer(*n, tw + " min_count", 1, max))
            b.min_count = static_cast<std::size_t>(*c);
          else
            ok = false;
        } else {
          ctx.error(t, tw + ": needs min_count (how many symbols must move)");
          ok = false;
        }
        if (ok) r.trigger = b;
      }
    }
  }

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
    if (auto s = ctx.choice(*n, what + " session", {"any", "trading_hours", "continuous"}))
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
