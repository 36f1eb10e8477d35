#pragma once
// The rule engine: quotes and headlines in, alert notifications out. Pure and single-threaded
// (the daemon calls it from one strand); time is the events' own time, never the wall clock.
//
// What comes out is every notification the daemon should store and deliver, each an Alert
// with a unique id (see alert_identity.hpp):
//   firing    the alert began (with its evidence and rendered message)
//   update    its evidence changed: a headline explained the move after the fact, or the
//             headline it rests on was edited
//   repeat    still firing after the rule's `repeat` interval
//   resolved  it ended; every alert that was notified as firing gets exactly one
// Held back, never returned: alerts whose rule is outside its session, in cooldown, past its
// frequency or expiry, inhibited by a firing sector-level alert, silenced, or waiting in a
// group (a burst of one rule's alerts is notified once, as a group alert, after group_wait).
//
// Time. Windows and `within` count trading time (TradingCalendar): 15 minutes at 13:05
// reach back to 11:20, and 09:35 reaches into yesterday's close. Cooldown, repeat,
// group_wait, resolve_after and expiry count clock time. Each event moves the engine's
// watermark to its timestamp; a headline may arrive up to settings.allowed_lateness behind
// the watermark and still correlate. advance(now) moves the watermark without an event, for
// the time-driven transitions: a move becomes "unexplained" once `within` (plus the allowed
// lateness) has passed without a headline, alerts resolve at the close, groups flush.
//
// Alert labels: rule, severity, symbol, fingerprint, explanation (headline | pending | none),
// and where known name (the instrument's short name), started_at (the time of its firing
// notification, exchange time, on that and every later notification), keywords, tags,
// direction, symbols (group members), reason (why it resolved, or why an update changed it),
// plus the rule's own labels. Silence matchers see these labels.
//
// Headlines are identified by source + id. The same key again with other content (core's
// same_version) is the source's edit of the item, and with the tag "retracted" (the feeds'
// convention for withdrawn news) its withdrawal. So is a later item of the same source that
// names it: by its `corrects` field (with `retracts` for a withdrawal), or by a title that says
// 更正 or 撤回 and quotes its title (within three trading days; rules/src/correction.hpp); such
// a notice fires nothing itself. Every live alert citing the item follows, with reason
// "corrected" or "retracted": an alert resting only on it resolves; one that still stands gets
// an update notification, its evidence edited, replaced by the notice (更正) or dropped, and a
// move left without news is unexplained again ("pending" while its `within` window is open,
// else "none") unless other news in the window explains it.
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "lodestone/core/calendar.hpp"
#include "lodestone/core/events.hpp"
#include "lodestone/core/instrument.hpp"
#include "lodestone/rules/rule_set.hpp"
#include "lodestone/rules/silence.hpp"

namespace lodestone::rules {

// One event of a tape or a feed: the same variant as feeds::CanonicalEvent.
using Event = std::variant<Quote, Headline>;

struct RuleCounters {
  std::uint64_t fired = 0;     // alerts created (notified or held back)
  std::uint64_t notified = 0;  // firing notifications returned
  std::uint64_t updated = 0;
  std::uint64_t repeated = 0;
  std::uint64_t resolved = 0;  // resolved notifications returned
  std::uint64_t silenced = 0;
  std::uint64_t inhibited = 0;
  std::uint64_t grouped = 0;    // alerts folded into a group alert
  std::uint64_t cooldown = 0;   // firings skipped by cooldown
  std::uint64_t frequency = 0;  // skipped by frequency (once, once_per_day) or expiry
  std::uint64_t session = 0;    // skipped outside the rule's session
};

struct EngineStats {
  std::uint64_t quotes = 0;
  std::uint64_t quotes_stale = 0;  // older than the symbol's last quote: ignored
  std::uint64_t quotes_unwatched = 0;
  std::uint64_t quotes_opening_call = 0;  // 09:15-09:20, indicative: read only by `session: opening_call` rules
  std::uint64_t headlines = 0;
  std::uint64_t headlines_late = 0;  // behind the watermark by more than the allowed lateness
  std::uint64_t headline_updates = 0;
  std::uint64_t headline_retractions = 0;  // withdrawn: the tag, or a 撤回 notice
  std::uint64_t headline_corrections = 0;  // 更正 notices naming an earlier item
  std::uint64_t headlines_evicted = 0;     // the oldest held headline, dropped past the cap (5 000)
  std::uint64_t reloads = 0;
};

class Engine {
 public:
  Engine(const InstrumentRegistry& registry, const TradingCalendar& calendar);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Runs `rules` from now on (null: no rules). A rule with the same name and the same
  // behaviour (Rule::config_hash) keeps its state: its firing alerts, cooldowns, conditions
  // and remembered headlines. The alerts of rules that were removed or changed are resolved
  // (reason "rule_changed"); those notifications are returned. Market state (price windows)
  // always carries over.
  std::vector<Alert> set_rules(std::shared_ptr<const RuleSet> rules);
  [[nodiscard]] const std::shared_ptr<const RuleSet>& rules() const;

  // A quote touches only the rules watching its symbol (and those using it as a benchmark).
  // A quote older than its symbol's previous one is ignored.
  std::vector<Alert> on_quote(const Quote& quote);
  // Classifies the headline (keywords, tags, mentions), correlates it with the moves around
  // it, explains earlier moves, and fires headline rules.
  std::vector<Alert> on_headline(const Headline& headline);
  // Time-driven transitions up to `now` (call it from a timer; events call it themselves).
  std::vector<Alert> advance(Timestamp now);

  // Fills headline.tags from the taxonomy and adds the instruments it names to
  // headline.symbols, as the board shows it. Returns the full match.
  HeadlineMatch classify(Headline& headline) const;

  // Silences (the daemon's API). Changes take effect for alerts that fire from now on; alerts
  // held by a silence that ends or is expired are notified at the next event or advance().
  Result<std::string> add_silence(Silence silence, Timestamp now);
  Status expire_silence(std::string_view id, Timestamp now);
  [[nodiscard]] const SilenceBook& silences() const;

  // The last notification of every alert currently firing and notified, by fingerprint.
  [[nodiscard]] std::vector<Alert> firing() const;
  [[nodiscard]] RuleCounters counters(std::string_view rule) const;
  [[nodiscard]] const EngineStats& stats() const;
  [[nodiscard]] Timestamp watermark() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace lodestone::rules
