#pragma once
// The SSE/SZSE trading calendar and sessions, Asia/Shanghai.
#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>

#include "lodestone/core/closure_table.hpp"
#include "lodestone/core/symbol.hpp"
#include "lodestone/core/time.hpp"

namespace lodestone {

enum class SessionPhase : std::uint8_t {
  Closed,          // non-trading day, before 09:15, 11:30-13:00 is LunchBreak, after 15:00
  OpeningCall,     // 09:15-09:20 call auction, orders may still be cancelled: prices are indicative
  OpeningAuction,  // 09:20-09:25 call auction, no more cancels
  PreOpen,         // 09:25-09:30 open price published, no matching
  Morning,         // 09:30-11:30 continuous
  LunchBreak,      // 11:30-13:00
  Afternoon,       // 13:00-14:57 continuous
  ClosingAuction,  // 14:57-15:00 call auction
  AfterHours,      // 15:05-15:30 fixed-price trading at the close, STAR and ChiNext only
};
std::string_view to_string(SessionPhase p);
// 09:15-09:25: the opening call, whose prices are indicative until the open is published.
constexpr bool is_opening_call(SessionPhase p) {
  return p == SessionPhase::OpeningCall || p == SessionPhase::OpeningAuction;
}

// A session of a trading day, in exchange time (ms since midnight).
struct Session {
  SessionPhase phase;
  std::int64_t start_ms;
  std::int64_t end_ms;
  bool cancellable;        // orders may still be cancelled (09:15-09:20)
  bool star_chinext_only;  // the after-hours fixed-price session
};

// Fewer days than this left in the calendar: the daemon warns (log, /readyz, the page).
inline constexpr std::int64_t kCalendarWarnDays = 30;

class TradingCalendar {
 public:
  // The process-wide calendar: built from deploy/calendar.yaml at compile time, replaced by
  // install() when the daemon reads its configured file (at start and on SIGHUP). Weekends are
  // always closed; outside the known years every weekday counts as a trading day.
  static const TradingCalendar& shanghai();
  // Replaces shanghai()'s closures. Safe while other threads read the calendar: a reader sees
  // either the old table or the new one, never a mix within one call.
  static void install(ClosureTable table);
  // The closures compiled into the binary (deploy/calendar.yaml at build time).
  static const ClosureTable& built_in();

  // A calendar of its own (tools and tests); not affected by install().
  explicit TradingCalendar(ClosureTable table);
  TradingCalendar(const TradingCalendar&) = delete;
  TradingCalendar& operator=(const TradingCalendar&) = delete;
  ~TradingCalendar();

  // The closures this calendar uses now.
  [[nodiscard]] const ClosureTable& closures() const { return *table_.load(std::memory_order_acquire); }
  // Changes whenever install() replaces the table (never reused): caches built from the
  // calendar (rules::TradingClock) compare it to know when to start over.
  [[nodiscard]] const void* revision() const { return table_.load(std::memory_order_acquire); }

  [[nodiscard]] bool is_trading_day(Date d) const;
  // Whether the exchanges' closures for d's year are in the calendar. An unknown weekday is
  // taken as a trading day: the answer may be wrong.
  [[nodiscard]] bool known(Date d) const { return closures().known(d); }
  [[nodiscard]] bool knows_year(int year) const { return known(make_date(year, 6, 30)); }
  [[nodiscard]] std::optional<Date> last_known_day() const { return closures().last_known_day(); }
  // Days from `today` to the last known day: 0 on it, negative past it (and when nothing is known).
  [[nodiscard]] std::int64_t days_known_from(Date today) const;
  // Why d is closed: the holiday's name, "weekend", or nullopt on a trading day.
  [[nodiscard]] std::optional<std::string_view> closed_for(Date d) const;
  // The sessions of a trading day, in order (the opening call, the continuous sessions, the
  // closing auction and the STAR/ChiNext after-hours session).
  static const std::array<Session, 6>& sessions();

  [[nodiscard]] Date next_trading_day(Date d) const;      // strictly after d
  [[nodiscard]] Date previous_trading_day(Date d) const;  // strictly before d
  // The trading day whose prices are current at t: today once the market has opened
  // (09:15) on a trading day, otherwise the last trading day before.
  [[nodiscard]] Date current_trading_day(Timestamp t) const;

  [[nodiscard]] SessionPhase phase_at(Timestamp t) const;
  // As phase_at, and the STAR/ChiNext after-hours session 15:05-15:30 for those boards.
  [[nodiscard]] SessionPhase phase_at(Timestamp t, Board board) const;
  // Orders are accepted and prices can change: auctions and continuous sessions.
  [[nodiscard]] bool is_open(Timestamp t) const;
  [[nodiscard]] bool is_continuous(Timestamp t) const;

  // Trading time between two instants: only 09:30-11:30 and 13:00-15:00 of trading days
  // count (the closing auction is trading time; the lunch break and nights are not).
  // Negative when t2 < t1.
  [[nodiscard]] std::int64_t trading_ms_between(Timestamp t1, Timestamp t2) const;
  // The instant `trading_ms` of trading time before t (the start of a trailing window).
  [[nodiscard]] Timestamp minus_trading_ms(Timestamp t, std::int64_t trading_ms) const;

  static constexpr std::int64_t kTradingMsPerDay = 240 * kMsPerMinute;

 private:
  explicit TradingCalendar(const ClosureTable* shared);  // shanghai(): a table it does not own
  [[nodiscard]] static std::int64_t trading_ms_into_day(std::int64_t ms_of_day);

  // The current table. shanghai()'s tables are never freed (install keeps each old one alive):
  // a reader on another thread may still be inside a call on it, the tables are a few KiB and
  // replaced once or twice a year, so freeing them would need a lock or hazard pointers on
  // every hot-path read (the rules engine, the sanity checks) for no gain.
  std::atomic<const ClosureTable*> table_;
  std::unique_ptr<const ClosureTable> owned_;  // a calendar of its own holds its table
};

}  // namespace lodestone
