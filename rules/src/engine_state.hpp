#pragma once
// The engine's state, shared by the files that implement it:
//   engine.cpp             construction, reloads, quotes, the watermark and timers
//   engine_conditions.cpp  evaluating triggers on a quote
//   engine_headlines.cpp   classification, correlation, explanation
//   engine_corrections.cpp news edited, withdrawn or corrected at its source, and the alerts it caused
//   engine_firing.cpp      whether an alert may fire, firing it, the end of the explanation wait
//   engine_holds.cpp       holding an alert back: inhibited, silenced, grouped; letting it go
//   engine_alert_text.cpp  an alert's labels and message
//   engine_lifecycle.cpp   notifying alerts and ending them
#include <cstdint>
#include <deque>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "lodestone/core/limits.hpp"
#include "lodestone/rules/alert_identity.hpp"
#include "lodestone/rules/engine.hpp"
#include "lodestone/rules/trading_clock.hpp"
#include "price_series.hpp"
#include "symbol_index.hpp"

namespace lodestone::rules {
namespace detail {

inline constexpr std::int64_t kOngoing = std::numeric_limits<std::int64_t>::max();
inline constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();

// A rule watching a symbol: which track holds its state and which window cursors it reads.
struct Watch {
  std::uint32_t rule = 0;
  std::uint32_t track = 0;
  std::uint32_t cursor = kNone;        // the window's start (move, volume)
  std::uint32_t cursor2 = kNone;       // the volume baseline's start
  std::uint32_t bench = kNone;         // benchmark symbol (abnormal moves)
  std::uint32_t bench_cursor = kNone;  // the same window on the benchmark
};

struct Cursor {
  std::int64_t lookback_ms = 0;
  std::uint64_t position = 0;
};

struct SymbolState {
  Symbol symbol;
  const Instrument* instrument = nullptr;
  PriceSeries series;
  std::vector<Cursor> cursors;
  std::vector<Watch> watches;
  bool is_benchmark = false;
  bool has_quote = false;
  Timestamp last_ts;
  std::int64_t last_clock = 0;
  Price last;
  Date day{-1};                     // trading day of the last quote
  std::int64_t day_open_clock = 0;  // the trading clock at that day's first session
  std::optional<Price> prev_close;
  std::optional<Price> open;
  std::optional<Price> bid;
  std::optional<Price> ask;
  std::optional<PriceLimits> limits;
  // ST status as the quotes' source names give it (none until a name says): the universe's flag
  // is only the starting point, and the shared registry is never written.
  std::optional<bool> special_treatment;
  std::int64_t volume_before_today = 0;  // the series' volume is cumulative across days
  std::int64_t volume_today = 0;
  // The day so far, for day-long evidence: its first price, then each minute's last. The series
  // keeps only what the rules' windows need; this stays small (one point a minute).
  PricePath day_path;

  std::uint32_t cursor_for(std::int64_t lookback_ms);
};

// Where an alert's price path is read from when it is notified: a symbol's series, from the
// window's start. Kept as a reference, not a copy, so a move that goes on costs nothing per quote.
struct PathSource {
  std::uint32_t slot = kNone;  // Engine::State::symbols
  std::int64_t from_clock = 0;
  bool day = false;  // the day's path (changes from the previous close or the open, levels, limits)
};

// What an alert's message and labels are made of, beyond the Alert itself.
struct AlertFacts {
  std::optional<Price> last;  // the price when it fired (level and limit alerts)
  std::optional<Price> limit;
  std::optional<Price> level;
  std::optional<Price> level_high;           // bands
  std::optional<std::int64_t> volume_ratio;  // hundredths
  std::optional<Symbol> benchmark;
  std::size_t count = 0;  // breadth
  std::size_t total = 0;
  std::vector<Symbol> symbols;  // breadth members beyond the threshold, a group's symbols
};

// A stretch of time during which a trigger held (correlation looks for headlines near it).
struct Episode {
  std::int64_t start_clock = 0;
  std::int64_t end_clock = kOngoing;
  Timestamp start_ts;
  std::optional<MoveEvidence> evidence;
  AlertFacts facts;
  PathSource path;
};

// One rule watching one symbol (breadth: one member; headline rules: one named symbol, or a
// single track without a symbol).
struct Track {
  std::optional<Symbol> symbol;
  bool active = false;
  Timestamp since;
  std::int64_t since_clock = 0;
  std::optional<MoveEvidence> evidence;  // while active: the latest
  PathSource path;
  AlertFacts facts;
  std::deque<Episode> episodes;  // correlation rules
  std::optional<Timestamp> last_fired;
  Date last_fired_day{-1};
  std::int64_t last_fired_block = std::numeric_limits<std::int64_t>::min();  // once_per_interval
  bool fired_ever = false;
  std::optional<Price> prev_price;  // crossings
  // Limit stages.
  bool at_limit = false;
  bool limit_up_side = true;
  bool sealed = false;
  std::int64_t limit_since_clock = 0;
  std::vector<std::string> live;  // fingerprints of this track's live alerts
};

struct RuleState {
  // One per symbol of the rule; breadth rules add one more, without a symbol, for the group.
  std::vector<Track> tracks;
  std::size_t breadth_count = 0;     // members whose move holds
  std::string open_group;            // fingerprint of the group still collecting (group_wait)
  RuleCounters* counters = nullptr;  // Engine::State::counters[name]: kept across reloads
};

struct StoredHeadline {
  Headline headline;
  HeadlineMatch match;
  std::int64_t clock = 0;
  std::string key;
  bool retracted = false;  // withdrawn: its `retracted` tag, or a 撤回 notice naming it
  bool notice = false;     // a source's notice correcting an earlier item: news about news
  // What may explain a move, fire a rule or correlate with one.
  [[nodiscard]] bool evidence() const { return !retracted && !notice; }
};

// What became of a headline that alerts rest on.
enum class Change : std::uint8_t {
  Edited,     // the same id again with another title, body, link or time
  Withdrawn,  // the `retracted` tag, or a 撤回 notice naming it
  Corrected,  // a 更正 notice naming it: the notice takes its place in the evidence
};

// An earlier item a new headline corrects or withdraws (its headline key).
struct Correction {
  std::string key;
  bool retracts = false;
};

enum class Hold : std::uint8_t { None, Silenced, Inhibited, Grouped, AwaitingExplanation };

struct LiveAlert {
  std::string fingerprint;
  std::uint32_t rule = 0;
  std::uint32_t track = kNone;  // kNone: rule-level (breadth, group alerts)
  Alert alert;
  AlertFacts facts;
  PathSource path;
  std::vector<std::string> headline_keys;
  HeadlineMatch match;  // of the headline(s) it rests on: keywords, tags, direction
  Hold hold = Hold::None;
  bool notified = false;
  Timestamp started;  // when its firing notification went out (the started_at label)
  int updates = 0;
  int repeats = 0;
  Timestamp last_notified;
  // Resolution.
  bool condition_bound = false;                 // resolves when its trigger stops holding
  std::optional<Timestamp> resolve_pending_at;  // keep_firing_for running
  std::optional<Timestamp> resolve_at;          // headline-only and one-off alerts
  std::optional<Timestamp> close_at;            // price alerts end with their trading day
  // Explanation (trigger-only rules). The window is kept also for a move explained when it
  // fired: if that news is withdrawn, the wait for another begins again within it.
  bool explanation_pending = false;
  std::int64_t move_clock = 0;
  std::int64_t explain_deadline_clock = 0;
  Timestamp explain_due;  // earliest instant the deadline can have passed
  // Grouping.
  std::string group;                  // members: the group alert holding them
  std::vector<std::string> members;   // group alerts: member fingerprints
  std::optional<Timestamp> flush_at;  // group alerts still collecting
  // Why it resolved; during an update notification, why it changed (retracted, corrected).
  std::string reason;
};

// What a trigger reports when it starts to hold, or happens (one-off triggers).
struct Firing {
  Timestamp ts;
  std::int64_t clock = 0;
  std::optional<MoveEvidence> evidence;
  AlertFacts facts;
  PathSource path;
  bool one_off = false;   // a crossing or opening: resolves by time, not by condition
  bool day_bound = true;  // price alerts resolve at the close
};

}  // namespace detail

struct Engine::State {
  State(const InstrumentRegistry& registry, const TradingCalendar& calendar);

  // engine.cpp
  std::vector<Alert> set_rules(std::shared_ptr<const RuleSet> next);
  void on_quote(const Quote& q);
  void advance_to(Timestamp t);
  void run_timer(const std::string& fingerprint, Timestamp now);
  std::uint32_t symbol_slot(const Symbol& s);
  void rebuild_watches();
  void new_day(detail::SymbolState& st, Date day, const Quote& q);
  bool indicative(Timestamp t) const;
  void on_indicative_quote(detail::SymbolState& st, const Quote& q, std::int64_t now_clock);
  void prefetch(const detail::SymbolState& st) const;

  // engine_conditions.cpp
  void evaluate(detail::SymbolState& st, const detail::Watch& w);
  std::optional<std::int64_t> change_of(detail::SymbolState& st, const MoveCondition& m, std::uint32_t cursor,
                                        Price* from);
  void eval_move(detail::SymbolState& st, const detail::Watch& w, const MoveCondition& m);
  void eval_level(detail::SymbolState& st, const detail::Watch& w, const LevelCondition& c);
  void eval_limit(detail::SymbolState& st, const detail::Watch& w, const LimitCondition& c);
  void eval_volume(detail::SymbolState& st, const detail::Watch& w, const VolumeCondition& c);
  void eval_breadth(detail::SymbolState& st, const detail::Watch& w, const BreadthCondition& c);
  void set_member(std::uint32_t rule, std::uint32_t track, bool holds, Timestamp ts, std::int64_t now_clock);
  std::optional<MoveEvidence> day_evidence(const detail::SymbolState& st) const;
  // Where the price path of evidence about `st` comes from (st is an element of `symbols`):
  // its series from `from_clock` on, or its day path.
  detail::PathSource path_of(const detail::SymbolState& st, std::int64_t from_clock) const;
  detail::PathSource day_path_of(const detail::SymbolState& st) const;
  detail::PathSource path_of(const detail::SymbolState& st, const MoveCondition& m) const;
  // A state-like trigger's truth on this quote.
  void set_condition(std::uint32_t rule, std::uint32_t track, bool holds, detail::Firing f);
  void trigger_event(std::uint32_t rule, std::uint32_t track, detail::Firing f);
  void condition_started(std::uint32_t rule, std::uint32_t track, const detail::Firing& f);
  void condition_ended(std::uint32_t rule, std::uint32_t track, Timestamp ts, std::int64_t clock);

  // engine_headlines.cpp
  void on_headline(const Headline& h);
  detail::StoredHeadline& hold(const Headline& h, std::string key);
  bool explains(const Rule& r, const detail::StoredHeadline& h, const std::optional<Symbol>& symbol) const;
  void correlate_onset(std::uint32_t rule, std::uint32_t track, const detail::Firing& f);
  void correlate_headline(std::uint32_t rule, const detail::StoredHeadline& h);
  void explain_pending(const detail::StoredHeadline& h);
  void fire_headline_rule(std::uint32_t rule, const detail::StoredHeadline& h);
  void prune_headlines();

  // engine_corrections.cpp
  // The key and the keys of the 更正 notices that took its place in alerts, in turn.
  std::vector<std::string> with_notices(const std::string& key) const;
  // Whether a live alert rests on the headline with this key (or on a notice correcting it).
  bool cited(const std::string& key) const;
  // The earlier item `h` corrects or withdraws: by its `corrects` field, or by its title
  // (correction.hpp) among the held headlines and the live alerts' evidence.
  std::optional<detail::Correction> correction_of(const detail::StoredHeadline& h);
  // A held headline came again changed (edited or withdrawn): its alerts follow.
  void revised(detail::StoredHeadline& h);
  // A notice corrects or withdraws the earlier item `target`.
  void apply_correction(const detail::StoredHeadline& notice, const detail::Correction& target);
  // Every live alert citing `key` learns the change: resolved (reason retracted or corrected)
  // where the headline was what it rested on and nothing else still does, otherwise an update
  // with the evidence edited, dropped or replaced by the notice. `current` is the headline's
  // latest version where the engine holds it.
  void headline_changed(const std::string& key, const detail::StoredHeadline* current, detail::Change change,
                        const detail::StoredHeadline* notice);
  // The alert's keywords, tags and direction again, from the headlines it still cites.
  void rematch(detail::LiveAlert& a);
  // A move alert whose explaining headlines are gone: other news in its window, else unexplained
  // (pending again while its window is open).
  void lose_explanation(detail::LiveAlert& a);

  // engine_firing.cpp
  detail::LiveAlert* fire(std::uint32_t rule, std::uint32_t track, const std::string& headline_key,
                          std::int64_t occurrence_ms, const detail::Firing& f,
                          const std::vector<const detail::StoredHeadline*>& headlines);
  void finalize_explanation(detail::LiveAlert& a, Timestamp now);
  void attach_headline(detail::LiveAlert& a, const detail::StoredHeadline& h);
  bool in_session(Session s, Timestamp t) const;

  // engine_holds.cpp
  void deliver(detail::LiveAlert& a, Timestamp now);
  void release_holds(Timestamp now);
  void flush_group(const std::string& fingerprint, Timestamp now);
  bool inhibited(const detail::LiveAlert& a) const;

  // engine_alert_text.cpp
  void render(detail::LiveAlert& a);
  void set_labels(detail::LiveAlert& a);

  // engine_lifecycle.cpp
  void notify(detail::LiveAlert& a, NotificationKind kind, Timestamp now);
  void resolve(const std::string& fingerprint, std::string_view reason, Timestamp now);
  void discard(const std::string& fingerprint);
  // Look at the alert again at `due` (its deadlines are re-checked then; extra entries are
  // harmless). An empty fingerprint is the housekeeping timer.
  void schedule(Timestamp due, const std::string& fingerprint) { timers.emplace(due, fingerprint); }
  void schedule_housekeeping(Timestamp due) {
    if (housekeeping_scheduled) return;
    housekeeping_scheduled = true;
    timers.emplace(due, std::string());
  }
  RuleCounters& counters_of(std::uint32_t rule) { return *rule_states[rule].counters; }

  const InstrumentRegistry& registry;
  TradingClock clock;
  std::shared_ptr<const RuleSet> rules;
  SilenceBook silences;
  EngineStats stats;
  std::map<std::string, RuleCounters> counters;  // by rule name, across reloads

  Timestamp watermark{std::numeric_limits<std::int64_t>::min()};
  std::multimap<Timestamp, std::string> timers;  // due time -> alert fingerprint
  bool housekeeping_scheduled = false;

  std::vector<detail::SymbolState> symbols;
  detail::SymbolIndex symbol_index;  // symbol -> index into `symbols`

  std::vector<detail::RuleState> rule_states;          // parallel to rules->rules
  std::vector<std::vector<std::uint32_t>> inhibitors;  // per rule: the rules that inhibit it
  std::int64_t max_within_ms = 0;

  std::deque<detail::StoredHeadline> headlines;  // arrival order; references stay valid
  std::unordered_map<std::string, detail::StoredHeadline*> headline_by_key;
  // Item key -> the 更正 notice that took its place in its alerts, oldest first (bounded).
  std::deque<std::pair<std::string, std::string>> corrected;

  std::map<std::string, detail::LiveAlert> live;  // by fingerprint
  std::vector<Alert>* out = nullptr;              // where notifications go during a call
  bool release_due = false;                       // an inhibitor resolved during this call
  // One call from outside (a quote, a headline, time passing): `step` runs with the
  // notifications going to the list returned.
  template <class Step>
  std::vector<Alert> collect(Step step) {
    std::vector<Alert> notes;
    out = &notes;
    step();
    finish_call();
    out = nullptr;
    return notes;
  }
  void finish_call() {
    if (release_due) {
      release_due = false;
      release_holds(watermark);
    }
  }
};

}  // namespace lodestone::rules
