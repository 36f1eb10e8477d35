// The trigger of a rule: which condition block it has (move, speed, price, volume or breadth) and
// what that block asks of the quotes.
#include <algorithm>

#include "lodestone/core/calendar.hpp"
#include "parse_context.hpp"

namespace lodestone::rules::detail {
namespace {

// Windows are trading time; five trading days bounds the history kept per symbol.
constexpr std::int64_t kMaxWindowMs = 5 * TradingCalendar::kTradingMsPerDay;

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

std::optional<VolumeCondition> parse_volume(ParseContext& ctx, const Node& node, const std::string& what) {
  VolumeCondition v;
  bool ok = true;
  if (const Node* n = node.find("ratio")) {
    if (auto th = ctx.threshold(*n, what + " ratio"))
      v.ratio = *th;
    else
      ok = false;
  } else {
    ctx.error(node, what + ": needs ratio (such as \">= 3\")");
    ok = false;
  }
  if (const Node* n = node.find("window")) {
    if (auto ms = ctx.duration(*n, what + " window", 1000, kMaxWindowMs))
      v.window_ms = *ms;
    else
      ok = false;
  }
  if (const Node* n = node.find("baseline")) {
    if (auto ms = ctx.duration(*n, what + " baseline", 1000, kMaxWindowMs))
      v.baseline_ms = *ms;
    else
      ok = false;
  }
  if (!ok) return std::nullopt;
  return v;
}

std::optional<BreadthCondition> parse_breadth(ParseContext& ctx, const Node& node, const std::string& what,
                                              const std::vector<Symbol>& symbols) {
  BreadthCondition b;
  bool ok = true;
  if (!node.find("change_pct")) {
    ctx.error(node, what + ": needs change_pct (such as \">= 3.0\")");
    ok = false;
  }
  if (auto m = parse_move(ctx, node, what, false, symbols))
    b.move = *m;
  else
    ok = false;
  if (const Node* n = node.find("min_count")) {
    const auto max = static_cast<std::int64_t>(std::max<std::size_t>(symbols.size(), 1));
    if (auto c = ctx.integer(*n, what + " min_count", 1, max))
      b.min_count = static_cast<std::size_t>(*c);
    else
      ok = false;
  } else {
    ctx.error(node, what + ": needs min_count (how many symbols must move)");
    ok = false;
  }
  if (!ok) return std::nullopt;
  return b;
}

}  // namespace

TriggerBlock parse_trigger(ParseContext& ctx, const Node& node, const std::string& what, Rule& r) {
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
        if (auto v = parse_volume(ctx, t, tw)) r.trigger = *v;
      } else if (trigger_key == "breadth") {
        if (auto b = parse_breadth(ctx, t, tw, r.symbols)) r.trigger = *b;
      }
    }
  }
  return {trigger_node, trigger_key};
}

}  // namespace lodestone::rules::detail
