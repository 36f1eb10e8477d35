// The bundled tape as a replay feed sees it: canonical lines in time order, one snapshot per
// instrument per grid minute, prices on the tick inside the daily limit band.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <unordered_set>

#include "lodestone/core/calendar.hpp"
#include "lodestone/core/json_writer.hpp"
#include "lodestone/core/limits.hpp"
#include "tape_queries.hpp"

namespace lodestone::tapes_test {
namespace {

class BundledTape : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(universe().ok()) << universe().error().message;
    ASSERT_TRUE(bundled_tape().ok()) << bundled_tape().error().message;
  }
  const Tape& tape() { return *bundled_tape(); }
  const InstrumentRegistry& registry() { return *universe(); }
};

TEST_F(BundledTape, FitsTheSizeBudget) {
  EXPECT_LT(tape().bytes, 12U * 1000 * 1000);
  EXPECT_EQ(tape().lines.size(), tape().quotes.size() + tape().news.size());
  EXPECT_EQ(tape().quotes.size(), 28U * 7 * 243);
}

TEST_F(BundledTape, IsSortedByTime) {
  const auto& times = tape().line_times;
  for (std::size_t i = 1; i < times.size(); ++i)
    ASSERT_LE(times[i - 1], times[i]) << "line " << i + 1 << " goes back in time";
}

// Each line is exactly what core's to_json writes for the event it holds: no extra fields,
// no other number formatting.
TEST_F(BundledTape, EveryLineIsCanonical) {
  for (const auto& tq : tape().quotes) {
    const Instrument* inst = registry().find(tq.quote.symbol);
    ASSERT_NE(inst, nullptr);
    ASSERT_EQ(to_json(tq.quote, inst->price_decimals()), tape().lines[tq.line]) << "line " << tq.line + 1;
  }
  ASSERT_EQ(tape().news.size(), tape().news_lines.size());
  for (std::size_t i = 0; i < tape().news.size(); ++i)
    EXPECT_EQ(to_json(tape().news[i]), tape().lines[tape().news_lines[i]]);
}

TEST_F(BundledTape, QuotesExactlyTheUniverse) {
  std::set<Symbol> quoted;
  for (const auto& tq : tape().quotes) quoted.insert(tq.quote.symbol);
  std::set<Symbol> listed;
  for (const Instrument& i : registry().all()) listed.insert(i.symbol);
  EXPECT_EQ(quoted, listed);
}

TEST_F(BundledTape, SnapshotsFallOnTheGridOfTheSevenTradingDays) {
  std::set<Date> days;
  for (auto d : kTradingDays) days.insert(day(d));
  std::map<std::pair<Symbol, Date>, int> per_day;
  const auto& calendar = TradingCalendar::shanghai();
  for (const auto& tq : tape().quotes) {
    const Quote& q = tq.quote;
    const Date d = exchange_date(q.ts);
    ASSERT_TRUE(days.count(d)) << format_timestamp(q.ts);
    const auto phase = calendar.phase_at(q.ts);
    const bool auction_print = exchange_ms_of_day(q.ts) / kMsPerMinute == 9 * 60 + 25;
    const bool session_end =
        exchange_ms_of_day(q.ts) / kMsPerMinute == 11 * 60 + 30 || exchange_ms_of_day(q.ts) / kMsPerMinute == 15 * 60;
    EXPECT_TRUE(auction_print || session_end || phase == SessionPhase::Morning || phase == SessionPhase::Afternoon ||
                phase == SessionPhase::ClosingAuction)
        << q.symbol.str() << " at " << format_timestamp(q.ts);
    ++per_day[{q.symbol, d}];
  }
  for (const auto& [key, count] : per_day) EXPECT_EQ(count, 243) << key.first.str() << " " << format_date(key.second);
}

TEST_F(BundledTape, PricesCarryTheTickPrecision) {
  for (const auto& tq : tape().quotes) {
    const Instrument* inst = registry().find(tq.quote.symbol);
    ASSERT_NE(inst, nullptr);
    EXPECT_EQ(tq.decimals, std::set<int>{inst->price_decimals()}) << format_timestamp(tq.quote.ts);
    for (const auto& p : {std::optional<Price>(tq.quote.last), tq.quote.prev_close, tq.quote.open, tq.quote.high,
                          tq.quote.low, tq.quote.bid, tq.quote.ask})
      if (p) ASSERT_EQ(p->units() % inst->tick_units(), 0) << tq.quote.symbol.str() << " " << p->format();
  }
}

TEST_F(BundledTape, DayFieldsAreConsistent) {
  std::map<Symbol, const Quote*> previous;
  for (const auto& tq : tape().quotes) {
    const Quote& q = tq.quote;
    SCOPED_TRACE(q.symbol.str() + " " + format_timestamp(q.ts));
    ASSERT_TRUE(q.prev_close && q.open && q.high && q.low && q.volume && q.turnover);
    EXPECT_LE(*q.low, q.last);
    EXPECT_LE(q.last, *q.high);
    EXPECT_LE(*q.low, *q.open);
    EXPECT_LE(*q.open, *q.high);
    const Quote*& before = previous[q.symbol];
    if (before && exchange_date(before->ts) == exchange_date(q.ts)) {
      EXPECT_EQ(*q.open, *before->open);
      EXPECT_EQ(*q.prev_close, *before->prev_close);
      EXPECT_GE(*q.high, *before->high);
      EXPECT_LE(*q.low, *before->low);
      EXPECT_GE(*q.volume, *before->volume);
      EXPECT_GE(*q.turnover, *before->turnover);
    }
    before = &q;
  }
}

TEST_F(BundledTape, BidAndAskAreOneTickAroundLast) {
  for (const auto& tq : tape().quotes) {
    const Quote& q = tq.quote;
    const Instrument* inst = registry().find(q.symbol);
    ASSERT_NE(inst, nullptr);
    if (inst->type == InstrumentType::Index) {
      EXPECT_FALSE(q.bid || q.ask) << q.symbol.str();
      continue;
    }
    ASSERT_TRUE(q.bid || q.ask) << q.symbol.str() << " " << format_timestamp(q.ts);
    if (q.bid && q.ask) {
      EXPECT_EQ(q.ask->units() - q.bid->units(), inst->tick_units());
      EXPECT_TRUE(q.last == *q.bid || q.last == *q.ask);
    }
  }
}

TEST_F(BundledTape, EveryQuoteRespectsItsLimitBand) {
  for (const auto& tq : tape().quotes) {
    const Quote& q = tq.quote;
    const Instrument* inst = registry().find(q.symbol);
    ASSERT_NE(inst, nullptr);
    const auto limits = price_limits(*inst, *q.prev_close, exchange_date(q.ts));
    if (inst->type == InstrumentType::Index) {
      EXPECT_FALSE(limits.has_value());
      continue;
    }
    ASSERT_TRUE(limits.has_value()) << q.symbol.str();
    for (const auto& p : {std::optional<Price>(q.last), q.open, q.high, q.low, q.bid, q.ask}) {
      if (!p) continue;
      EXPECT_GE(*p, limits->down) << q.symbol.str() << " " << format_timestamp(q.ts);
      EXPECT_LE(*p, limits->up) << q.symbol.str() << " " << format_timestamp(q.ts);
    }
  }
}

TEST_F(BundledTape, PrevCloseIsThePreviousDaysClose) {
  std::map<Symbol, std::pair<Date, Price>> last_seen;
  int chained = 0;
  for (const auto& tq : tape().quotes) {
    const Quote& q = tq.quote;
    const Date d = exchange_date(q.ts);
    auto it = last_seen.find(q.symbol);
    if (it != last_seen.end() && it->second.first != d) {
      EXPECT_EQ(TradingCalendar::shanghai().previous_trading_day(d), it->second.first);
      EXPECT_EQ(*q.prev_close, it->second.second) << q.symbol.str() << " on " << format_date(d);
      ++chained;
    }
    last_seen[q.symbol] = {d, q.last};
  }
  EXPECT_EQ(chained, 28 * 6);
}

TEST_F(BundledTape, QuietDaysStayWithinOneAndAHalfPercent) {
  for (auto d : kQuietDays) {
    for (const Instrument& inst : registry().all()) {
      const auto quotes = quotes_of(tape(), inst.symbol.str(), d);
      ASSERT_EQ(quotes.size(), 243U);
      for (const Quote* q : quotes) {
        EXPECT_LT(std::abs(change(*q)), 150) << inst.symbol.str() << " " << format_timestamp(q->ts);
        EXPECT_LT(std::abs(change_centipct(*q->prev_close, *q->high)), 150) << inst.symbol.str() << " " << d;
        EXPECT_LT(std::abs(change_centipct(*q->prev_close, *q->low)), 150) << inst.symbol.str() << " " << d;
      }
    }
  }
}

TEST(TinyTape, IsASliceOfTheBundledTape) {
  ASSERT_TRUE(tiny_tape().ok()) << tiny_tape().error().message;
  ASSERT_TRUE(bundled_tape().ok()) << bundled_tape().error().message;
  const Tape& tiny = *tiny_tape();
  const std::unordered_set<std::string> full(bundled_tape()->lines.begin(), bundled_tape()->lines.end());
  for (const auto& line : tiny.lines) EXPECT_TRUE(full.count(line)) << line.substr(0, 120);

  std::set<Symbol> symbols;
  for (const auto& tq : tiny.quotes) {
    symbols.insert(tq.quote.symbol);
    EXPECT_EQ(exchange_date(tq.quote.ts), day("2026-02-09"));
  }
  EXPECT_EQ(symbols, (std::set<Symbol>{sym("159713.SZ"), sym("600392.SH"), sym("600111.SH")}));
  ASSERT_EQ(tiny.news.size(), 1U);
  EXPECT_EQ(tiny.news[0].id, "nbd-20260209-1423");
  EXPECT_GE(tiny.lines.size(), 24U);
  EXPECT_LE(tiny.lines.size(), 60U);
  for (std::size_t i = 1; i < tiny.line_times.size(); ++i) EXPECT_LE(tiny.line_times[i - 1], tiny.line_times[i]);
}

}  // namespace
}  // namespace lodestone::tapes_test
