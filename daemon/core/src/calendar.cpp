#include "lodestone/core/calendar.hpp"

#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <vector>

#include "builtin_calendar.hpp"

namespace lodestone {
namespace {

constexpr std::int64_t hm(int h, int m) { return (h * 60LL + m) * kMsPerMinute; }
constexpr std::int64_t kAuctionOpen = hm(9, 15);
constexpr std::int64_t kCancelsEnd = hm(9, 20);
constexpr std::int64_t kAuctionEnd = hm(9, 25);
constexpr std::int64_t kMorningOpen = hm(9, 30);
constexpr std::int64_t kMorningClose = hm(11, 30);
constexpr std::int64_t kAfternoonOpen = hm(13, 0);
constexpr std::int64_t kClosingAuction = hm(14, 57);
constexpr std::int64_t kClose = hm(15, 0);
constexpr std::int64_t kAfterHoursOpen = hm(15, 5);
constexpr std::int64_t kAfterHoursClose = hm(15, 30);
constexpr std::int64_t kMorningMs = kMorningClose - kMorningOpen;

bool weekend(Date d) {
  const unsigned wd = weekday(d);
  return wd == 0 || wd == 6;
}

// Every question of one call is asked of one table, even if install() swaps it meanwhile.
bool trading(const ClosureTable& t, Date d) { return !weekend(d) && !t.holiday(d); }

Date next_in(const ClosureTable& t, Date d) {
  do d = d.next();
  while (!trading(t, d));
  return d;
}

Date previous_in(const ClosureTable& t, Date d) {
  do d = d.prev();
  while (!trading(t, d));
  return d;
}

SessionPhase phase_in(const ClosureTable& t, Timestamp ts) {
  if (!trading(t, exchange_date(ts))) return SessionPhase::Closed;
  const std::int64_t ms = exchange_ms_of_day(ts);
  if (ms < kAuctionOpen) return SessionPhase::Closed;
  if (ms < kCancelsEnd) return SessionPhase::OpeningCall;
  if (ms < kAuctionEnd) return SessionPhase::OpeningAuction;
  if (ms < kMorningOpen) return SessionPhase::PreOpen;
  if (ms < kMorningClose) return SessionPhase::Morning;
  if (ms < kAfternoonOpen) return SessionPhase::LunchBreak;
  if (ms < kClosingAuction) return SessionPhase::Afternoon;
  if (ms < kClose) return SessionPhase::ClosingAuction;
  return SessionPhase::Closed;
}

// Trading time elapsed on a trading day by `ms_of_day`.
std::int64_t trading_into(std::int64_t ms) {
  if (ms <= kMorningOpen) return 0;
  if (ms <= kMorningClose) return ms - kMorningOpen;
  if (ms <= kAfternoonOpen) return kMorningMs;
  if (ms <= kClose) return kMorningMs + (ms - kAfternoonOpen);
  return TradingCalendar::kTradingMsPerDay;
}

// The instant on day d at which `into` of trading time has elapsed.
Timestamp instant_at(Date d, std::int64_t into) {
  const std::int64_t ms = into <= kMorningMs ? kMorningOpen + into : kAfternoonOpen + (into - kMorningMs);
  return Timestamp{static_cast<std::int64_t>(d.days) * kMsPerDay + ms - kExchangeUtcOffsetMs};
}

}  // namespace

std::string_view to_string(SessionPhase p) {
  switch (p) {
    case SessionPhase::Closed:
      return "closed";
    case SessionPhase::OpeningCall:
      return "opening_call";
    case SessionPhase::OpeningAuction:
      return "opening_auction";
    case SessionPhase::PreOpen:
      return "pre_open";
    case SessionPhase::Morning:
      return "morning";
    case SessionPhase::LunchBreak:
      return "lunch_break";
    case SessionPhase::Afternoon:
      return "afternoon";
    case SessionPhase::ClosingAuction:
      return "closing_auction";
    case SessionPhase::AfterHours:
      return "after_hours";
  }
  return "?";
}

const ClosureTable& TradingCalendar::built_in() {
  // Parsed once, on first use; the text is deploy/calendar.yaml as it was at build time.
  static const ClosureTable table = [] {
    auto parsed = parse_closure_table(builtin_calendar_yaml(), "deploy/calendar.yaml (built in)");
    if (!parsed) {
      // Cannot happen in a build whose tests passed (calendar_test parses it): fail loudly.
      std::fprintf(stderr, "lodestone: the built-in calendar does not parse: %s\n", parsed.error().message.c_str());
      std::abort();
    }
    return std::move(*parsed);
  }();
  return table;
}

namespace {
// Every table shanghai() ever held, kept for the life of the process (see table_ in the header).
// Reached through a pointer that is never freed, so leak checkers see the tables as reachable.
std::mutex& installed_mutex() {
  static std::mutex m;
  return m;
}
std::vector<std::unique_ptr<const ClosureTable>>& installed() {
  static auto* tables = new std::vector<std::unique_ptr<const ClosureTable>>();
  return *tables;
}
}  // namespace

const TradingCalendar& TradingCalendar::shanghai() {
  // Holds no table of its own: its first table is the built-in one (which lives for ever too).
  static TradingCalendar* calendar = new TradingCalendar(&built_in());
  return *calendar;
}

void TradingCalendar::install(ClosureTable table) {
  const auto& cal = shanghai();
  std::lock_guard lock(installed_mutex());
  const ClosureTable* fresh = installed().emplace_back(std::make_unique<const ClosureTable>(std::move(table))).get();
  // The const_cast is the one writer of a calendar readers hold as const: the swap is atomic.
  const_cast<TradingCalendar&>(cal).table_.store(fresh, std::memory_order_release);
}

TradingCalendar::TradingCalendar(ClosureTable table)
    : table_(nullptr), owned_(std::make_unique<const ClosureTable>(std::move(table))) {
  table_.store(owned_.get(), std::memory_order_release);
}

TradingCalendar::TradingCalendar(const ClosureTable* shared) : table_(shared) {}

TradingCalendar::~TradingCalendar() = default;

const std::array<Session, 6>& TradingCalendar::sessions() {
  static const std::array<Session, 6> kSessions{{
      {SessionPhase::OpeningCall, kAuctionOpen, kCancelsEnd, true, false},
      {SessionPhase::OpeningAuction, kCancelsEnd, kAuctionEnd, false, false},
      {SessionPhase::Morning, kMorningOpen, kMorningClose, false, false},
      {SessionPhase::Afternoon, kAfternoonOpen, kClosingAuction, false, false},
      {SessionPhase::ClosingAuction, kClosingAuction, kClose, false, false},
      {SessionPhase::AfterHours, kAfterHoursOpen, kAfterHoursClose, false, true},
  }};
  return kSessions;
}

bool TradingCalendar::is_trading_day(Date d) const { return trading(closures(), d); }

std::int64_t TradingCalendar::days_known_from(Date today) const {
  const auto last = last_known_day();
  if (!last) return -1;
  return static_cast<std::int64_t>(last->days) - today.days;
}

std::optional<std::string_view> TradingCalendar::closed_for(Date d) const {
  if (auto name = closures().holiday(d)) return name;
  if (weekend(d)) return std::string_view("weekend");
  return std::nullopt;
}

Date TradingCalendar::next_trading_day(Date d) const { return next_in(closures(), d); }

Date TradingCalendar::previous_trading_day(Date d) const { return previous_in(closures(), d); }

Date TradingCalendar::current_trading_day(Timestamp t) const {
  const ClosureTable& table = closures();
  const Date d = exchange_date(t);
  if (trading(table, d) && exchange_ms_of_day(t) >= kAuctionOpen) return d;
  return previous_in(table, d);
}

SessionPhase TradingCalendar::phase_at(Timestamp t) const { return phase_in(closures(), t); }

SessionPhase TradingCalendar::phase_at(Timestamp t, Board board) const {
  const ClosureTable& table = closures();
  const SessionPhase p = phase_in(table, t);
  if (p != SessionPhase::Closed || (board != Board::Star && board != Board::ChiNext)) return p;
  if (!trading(table, exchange_date(t))) return p;
  const std::int64_t ms = exchange_ms_of_day(t);
  return ms >= kAfterHoursOpen && ms < kAfterHoursClose ? SessionPhase::AfterHours : p;
}

bool TradingCalendar::is_open(Timestamp t) const {
  const auto p = phase_at(t);
  return p != SessionPhase::Closed && p != SessionPhase::LunchBreak;
}

bool TradingCalendar::is_continuous(Timestamp t) const {
  const auto p = phase_at(t);
  return p == SessionPhase::Morning || p == SessionPhase::Afternoon;
}

std::int64_t TradingCalendar::trading_ms_into_day(std::int64_t ms_of_day) { return trading_into(ms_of_day); }

std::int64_t TradingCalendar::trading_ms_between(Timestamp t1, Timestamp t2) const {
  if (t2 < t1) return -trading_ms_between(t2, t1);
  const ClosureTable& table = closures();
  auto is_trading_day = [&table](Date d) { return trading(table, d); };
  const Date d1 = exchange_date(t1);
  const Date d2 = exchange_date(t2);
  const std::int64_t into1 = is_trading_day(d1) ? trading_into(exchange_ms_of_day(t1)) : 0;
  const std::int64_t into2 = is_trading_day(d2) ? trading_into(exchange_ms_of_day(t2)) : 0;
  if (d1 == d2) return into2 - into1;
  std::int64_t total = (is_trading_day(d1) ? kTradingMsPerDay - into1 : 0) + into2;
  for (Date d = d1.next(); d < d2; d = d.next())
    if (is_trading_day(d)) total += kTradingMsPerDay;
  return total;
}

Timestamp TradingCalendar::minus_trading_ms(Timestamp t, std::int64_t trading_ms) const {
  if (trading_ms <= 0) return t;
  const ClosureTable& table = closures();
  auto is_trading_day = [&table](Date d) { return trading(table, d); };
  Date d = exchange_date(t);
  std::int64_t into = is_trading_day(d) ? trading_into(exchange_ms_of_day(t)) : 0;
  std::int64_t left = trading_ms;
  while (into < left) {
    left -= into;
    d = previous_in(table, d);
    into = kTradingMsPerDay;
  }
  return instant_at(d, into - left);
}

}  // namespace lodestone
