// Rule engine throughput and per-event latency: 200 rules over 500 symbols.
//
// Everything here is synthetic and generated from fixed seeds (raw mt19937_64 output, no
// std:: distributions, so every standard library makes the same data): 500 main-board
// instruments 600000.SH-600499.SH measured against one synthetic sector index, a rules file of
// 200 rules mixing every trigger type, and a tape of quotes in which each instrument prints
// every 3 seconds of trading time (the pace of a snapshot feed), with a headline now and then.
//
//   rules_bench --benchmark_counters_tabular=true
// reports quotes/s (items_per_second) for the engine alone, and p50/p99/p999 nanoseconds per
// on_quote call measured one call at a time. BM_ParseAndEvaluate runs the same tape written out
// as canonical NDJSON lines (by the daemon's own writer, lodestone::to_json) through the feeds'
// CanonicalParser and into the engine, one line at a time on one core: the issue #7 figure
// "quotes parsed and evaluated per second".
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "lodestone/core/json_writer.hpp"
#include "lodestone/feeds/canonical.hpp"
#include "lodestone/rules/engine.hpp"
#include "lodestone/rules/parser.hpp"

namespace lodestone::rules {
namespace {

constexpr int kSymbols = 500;
constexpr int kRules = 200;
constexpr std::int64_t kQuoteEveryMs = 3000;  // per instrument

Symbol synthetic_symbol(int i) {
  char code[7];
  std::snprintf(code, sizeof code, "%06d", 600000 + i);
  return *Symbol::make(code, Exchange::SH);
}
const Symbol kSector = *Symbol::parse("930598.CSI");

InstrumentRegistry universe() {
  InstrumentRegistry r;
  for (int i = 0; i < kSymbols; ++i) {
    Instrument inst = instrument_from_code(synthetic_symbol(i), "合成" + std::to_string(i));  // synthetic
    inst.benchmark = kSector;
    r.add(std::move(inst));
  }
  r.add(instrument_from_code(kSector, "合成指数"));
  return r;
}

// Each rule watches 8-32 instruments: on average a quote touches about eight rules.
std::string rules_yaml() {
  std::mt19937_64 rng(20260209);
  auto pick = [&](std::uint64_t n) { return static_cast<int>(rng() % n); };
  std::string y =
      "keywords:\n  policy: [\"出口管制\", \"配额\", \"export control\"]\n  supply: [\"南鸟岛\", \"Lynas\"]\n"
      "taxonomy:\n  policy: { keywords: [policy], direction: supportive }\n"
      "  supply: { keywords: [supply], direction: adverse }\nrules:\n";
  for (int r = 0; r < kRules; ++r) {
    std::string syms = "[";
    const int n = 8 + pick(25);
    for (int k = 0; k < n; ++k) syms += (k ? ", \"" : "\"") + synthetic_symbol(pick(kSymbols)).str() + "\"";
    syms += "]";
    y += "  - name: r" + std::to_string(r) + "\n";
    switch (r % 10) {
      case 0:
        y += "    move: { symbols: " + syms + ", change_pct: \"abs >= 2.0\", window: 15m }\n";
        break;
      case 1:
        y += "    move: { symbols: " + syms + ", change_pct: \"<= -3.0\", from: prev_close }\n";
        break;
      case 2:
        y += "    speed: { symbols: " + syms + ", change_pct: \"abs >= 1.0\" }\n";
        break;
      case 3:
        y += "    move: { symbols: " + syms + ", window: 30m, abnormal_pct: \"abs >= 2.0\" }\n";
        break;
      case 4:
        y += "    price: { symbols: " + syms + ", limit: either, stage: sealed }\n";
        break;
      case 5:
        y += "    price: { symbols: " + syms + ", cross: \"10.50\" }\n";
        break;
      case 6:
        y += "    volume: { symbols: " + syms + ", ratio: \">= 3\", window: 5m, baseline: 30m }\n";
        break;
      case 7:
        y += "    breadth: { symbols: " + syms + ", min_count: 5, change_pct: \">= 2.5\", from: prev_close }\n";
        break;
      case 8:
        y += "    headline: { tags: [policy] }\n    move: { symbols: " + syms +
             ", change_pct: \"abs >= 1.5\", window: 10m }\n    within: 30m\n    cooldown: 10m\n";
        break;
      case 9:
        y += "    price: { symbols: " + syms + ", band: [\"9.80\", \"10.20\"], on: exit }\n";
        break;
    }
  }
  return y;
}

// The instant `trading_ms` into the trading of 2026-02-09 onwards (09:30-11:30, 13:00-15:00).
Timestamp trading_instant(std::int64_t trading_ms) {
  const std::int64_t day = trading_ms / (240 * kMsPerMinute);
  const std::int64_t into = trading_ms % (240 * kMsPerMinute);
  Date d = make_date(2026, 2, 9);
  for (std::int64_t k = 0; k < day; ++k) d = TradingCalendar::shanghai().next_trading_day(d);
  const Timestamp open = exchange_time(d, 9, 30);
  return Timestamp{open.ms + into + (into >= 120 * kMsPerMinute ? 90 * kMsPerMinute : 0)};
}

struct Tape {
  std::vector<Quote> quotes;
  std::vector<std::pair<std::size_t, Headline>> headlines;  // before quote i
};

// Walks of one tick that drift back towards 10.00 (a quiet market), with a 3% jolt about once
// in 50 000 quotes so that rules do fire now and then.
Tape make_tape(std::size_t count) {
  std::mt19937_64 rng(7);
  Tape t;
  t.quotes.reserve(count);
  std::vector<std::int64_t> price(kSymbols, 100'000);  // 10.0000
  std::vector<std::int64_t> volume(kSymbols, 0);
  std::int64_t index_units = 20'000'000;
  for (std::size_t i = 0; i < count; ++i) {
    const int s = static_cast<int>(i % kSymbols);
    const std::int64_t trading_ms =
        static_cast<std::int64_t>(i / kSymbols) * kQuoteEveryMs + s * kQuoteEveryMs / kSymbols;
    const std::uint64_t roll = rng() % 8;
    std::int64_t step = roll == 0 ? -1 : roll == 1 ? 1 : 0;
    if (price[s] > 101'500 && roll < 4) step = -1;
    if (price[s] < 98'500 && roll < 4) step = 1;
    if (rng() % 50'000 == 0) step = (rng() % 2) ? 30 : -30;
    price[s] = std::clamp<std::int64_t>(price[s] + step * 100, 91'000, 109'000);
    volume[s] += 100 * static_cast<std::int64_t>(1 + rng() % 50);
    Quote q;
    q.symbol = synthetic_symbol(s);
    q.ts = trading_instant(trading_ms);
    q.last = Price::from_units(price[s]);
    q.prev_close = Price::from_units(100'000);
    q.volume = volume[s];
    q.bid = Price::from_units(price[s] - 100);
    q.ask = Price::from_units(price[s]);
    t.quotes.push_back(q);
    if (s == kSymbols - 1) {  // the index once per round
      index_units += (static_cast<std::int64_t>(rng() % 21) - 10) * 100;
      Quote idx;
      idx.symbol = kSector;
      idx.ts = q.ts;
      idx.last = Price::from_units(index_units);
      idx.prev_close = Price::from_units(20'000'000);
      t.quotes.push_back(idx);
    }
    if (i % 20'000 == 10'000) {
      Headline h;
      h.id = std::to_string(i);
      h.ts = q.ts;
      h.source = "合成";  // synthetic
      h.title = (rng() % 2) ? "商务部:稀土相关物项出口管制措施" : "Lynas expands output at 南鸟岛";
      h.body = "synthetic headline for the benchmark";
      t.headlines.emplace_back(t.quotes.size(), std::move(h));
    }
  }
  return t;
}

// LODESTONE_BENCH_SMOKE=1 (make test's smoke run): a tape of 20 000 quotes and no minimum time,
// so the binary is exercised in a second or two even under the sanitizers.
bool smoke() {
  static const bool on = [] {
    const char* v = std::getenv("LODESTONE_BENCH_SMOKE");
    return v != nullptr && *v != '\0' && *v != '0';
  }();
  return on;
}

struct Fixture {
  InstrumentRegistry registry = universe();
  std::shared_ptr<const RuleSet> rules;
  Tape tape = make_tape(smoke() ? 20'000 : 1'000'000);
  Fixture() {
    auto rs = parse_rules(rules_yaml(), "synthetic.yaml", registry);
    if (!rs.ok()) {
      std::fprintf(stderr, "%s\n", rs.error().message.c_str());
      std::abort();
    }
    rules = *rs;
  }
};

Fixture& fixture() {
  static Fixture f;
  return f;
}

bool same_quote(const Quote& a, const Quote& b) {
  return a.symbol == b.symbol && a.ts == b.ts && a.last == b.last && a.prev_close == b.prev_close && a.open == b.open &&
         a.high == b.high && a.low == b.low && a.bid == b.bid && a.ask == b.ask && a.volume == b.volume &&
         a.turnover == b.turnover;
}

// The fixture's tape as a synthetic NDJSON feed: one canonical line per event, headlines where
// the replay puts them, all in one buffer the way a tape file or an ingest body arrives. Each
// line is parsed back once here and must give the tape's quote, so the timed loop below
// evaluates exactly what BM_Quotes does.
struct NdjsonTape {
  std::string text;
  std::vector<std::string_view> lines;
  std::size_t quotes = 0;
  explicit NdjsonTape(const Fixture& f) {
    std::vector<std::size_t> ends;
    std::size_t next_headline = 0;
    auto add = [&](const std::string& line) {
      text += line;
      text += '\n';
      ends.push_back(text.size() - 1);
    };
    for (std::size_t i = 0; i < f.tape.quotes.size(); ++i) {
      while (next_headline < f.tape.headlines.size() && f.tape.headlines[next_headline].first == i)
        add(to_json(f.tape.headlines[next_headline++].second));
      const Quote& q = f.tape.quotes[i];
      const Instrument* inst = f.registry.find(q.symbol);
      add(to_json(q, inst ? inst->price_decimals() : 2));
    }
    std::size_t begin = 0;
    for (std::size_t end : ends) {
      lines.emplace_back(text.data() + begin, end - begin);
      begin = end + 1;
    }
    feeds::CanonicalParser parser;
    std::size_t qi = 0;
    for (std::string_view line : lines) {
      auto e = parser.parse(line);
      if (!e) {
        std::fprintf(stderr, "synthetic line does not parse (%s): %.*s\n", e.error().message.c_str(),
                     static_cast<int>(line.size()), line.data());
        std::abort();
      }
      if (const Quote* q = std::get_if<Quote>(&*e)) {
        if (!same_quote(*q, f.tape.quotes[qi++])) {
          std::fprintf(stderr, "synthetic line parses to another quote: %.*s\n", static_cast<int>(line.size()),
                       line.data());
          std::abort();
        }
      }
    }
    quotes = qi;
  }
};

NdjsonTape& ndjson_tape() {
  static NdjsonTape t(fixture());
  return t;
}

// Replays the tape through a fresh engine; returns the number of notifications.
std::size_t replay(Engine& engine, const Tape& tape) {
  std::size_t alerts = 0;
  std::size_t next_headline = 0;
  for (std::size_t i = 0; i < tape.quotes.size(); ++i) {
    while (next_headline < tape.headlines.size() && tape.headlines[next_headline].first == i)
      alerts += engine.on_headline(tape.headlines[next_headline++].second).size();
    alerts += engine.on_quote(tape.quotes[i]).size();
  }
  return alerts;
}

void BM_Quotes(benchmark::State& state) {
  Fixture& f = fixture();
  std::size_t alerts = 0;
  for (auto _ : state) {
    state.PauseTiming();
    Engine engine(f.registry, TradingCalendar::shanghai());
    engine.set_rules(f.rules);
    state.ResumeTiming();
    alerts = replay(engine, f.tape);
    benchmark::DoNotOptimize(alerts);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * f.tape.quotes.size()));
  state.counters["rules"] = static_cast<double>(f.rules->rules.size());
  state.counters["symbols"] = kSymbols;
  state.counters["alerts_per_replay"] = static_cast<double>(alerts);
}
BENCHMARK(BM_Quotes)->Unit(benchmark::kMillisecond)->MinTime(smoke() ? 0.01 : 3.0);

// Parse and evaluate on one core: each NDJSON line through the canonical parser (the one the
// replay feed and the ingest endpoint use), each quote into the engine with the 200 rules.
// items_per_second counts quotes (the few headlines on the tape are parsed and fed too, as in
// BM_Quotes, but not counted).
void BM_ParseAndEvaluate(benchmark::State& state) {
  Fixture& f = fixture();
  NdjsonTape& t = ndjson_tape();
  feeds::CanonicalParser parser;
  std::size_t alerts = 0;
  bool ok = true;
  for (auto _ : state) {
    state.PauseTiming();
    Engine engine(f.registry, TradingCalendar::shanghai());
    engine.set_rules(f.rules);
    state.ResumeTiming();
    alerts = 0;
    for (std::string_view line : t.lines) {
      auto e = parser.parse(line);
      if (!e) {
        ok = false;
        continue;
      }
      if (const Quote* q = std::get_if<Quote>(&*e))
        alerts += engine.on_quote(*q).size();
      else
        alerts += engine.on_headline(std::get<Headline>(*e)).size();
    }
    benchmark::DoNotOptimize(alerts);
  }
  if (!ok) state.SkipWithError("a line did not parse");
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * t.quotes));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * t.text.size()));
  state.counters["rules"] = static_cast<double>(f.rules->rules.size());
  state.counters["symbols"] = kSymbols;
  state.counters["alerts_per_replay"] = static_cast<double>(alerts);
  state.counters["bytes_per_line"] = static_cast<double>(t.text.size()) / static_cast<double>(t.lines.size());
  state.SetLabel("synthetic tape");
}
BENCHMARK(BM_ParseAndEvaluate)->Unit(benchmark::kMillisecond)->MinTime(smoke() ? 0.01 : 3.0);

void BM_QuoteLatency(benchmark::State& state) {
  Fixture& f = fixture();
  std::vector<std::int64_t> ns;
  ns.reserve(f.tape.quotes.size());
  for (auto _ : state) {
    Engine engine(f.registry, TradingCalendar::shanghai());
    engine.set_rules(f.rules);
    ns.clear();
    std::size_t next_headline = 0;
    for (std::size_t i = 0; i < f.tape.quotes.size(); ++i) {
      while (next_headline < f.tape.headlines.size() && f.tape.headlines[next_headline].first == i)
        benchmark::DoNotOptimize(engine.on_headline(f.tape.headlines[next_headline++].second));
      const auto t0 = std::chrono::steady_clock::now();
      auto out = engine.on_quote(f.tape.quotes[i]);
      const auto t1 = std::chrono::steady_clock::now();
      benchmark::DoNotOptimize(out);
      ns.push_back(std::chrono::duration_cast<std::chrono::nanoseconds>(t1 - t0).count());
    }
  }
  std::sort(ns.begin(), ns.end());
  auto pct = [&](double p) {
    return static_cast<double>(ns[static_cast<std::size_t>(p * static_cast<double>(ns.size() - 1))]);
  };
  state.counters["p50_ns"] = pct(0.50);
  state.counters["p99_ns"] = pct(0.99);
  state.counters["p999_ns"] = pct(0.999);
  state.counters["max_ns"] = static_cast<double>(ns.back());
}
BENCHMARK(BM_QuoteLatency)->Unit(benchmark::kMillisecond)->Iterations(3);

void BM_Classify(benchmark::State& state) {
  Fixture& f = fixture();
  Headline h;
  h.title = "商务部公告:对稀土相关物项实施出口管制,Lynas 与南鸟岛开发受关注";
  h.body = std::string(2000, 'x') + "配额";
  for (auto _ : state) benchmark::DoNotOptimize(f.rules->classify(h));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * (h.title.size() + h.body.size())));
}
BENCHMARK(BM_Classify);

void BM_ParseRules(benchmark::State& state) {
  Fixture& f = fixture();
  const std::string text = rules_yaml();
  for (auto _ : state) benchmark::DoNotOptimize(parse_rules(text, "synthetic.yaml", f.registry));
}
BENCHMARK(BM_ParseRules)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace lodestone::rules

BENCHMARK_MAIN();
