#pragma once
// What the bundled tape encodes: the instruments with a plausible price level on 2026-02-02,
// the seven trading days, and the intraday moves the seeds report. The moves are real
// (feeds/tapes/README.md#sources); every price in between is synthetic.
#include <cstdint>
#include <string_view>
#include <vector>

namespace lodestone::tapegen {

struct InstrumentSpec {
  std::string_view symbol;
  std::string_view base_close;         // the close of 2026-02-02, the first day's prev_close: "47.85"
  std::int64_t turnover_cny;           // an ordinary day's turnover
  std::int64_t step_ppm;               // bound of one minute's random step, millionths of prev_close
  std::string_view index_share_price;  // indexes only: CNY turnover per share of volume ("22.00")
  std::int64_t max_move_centipct;      // a calm benchmark never strays further from prev_close (0: no bound)
};

enum class AnchorKind : std::uint8_t {
  Change,   // a change from prev_close, hundredths of a percent
  Price,    // an absolute price, `price` below
  LimitUp,  // the limit-up price, held from here to the close (the stock is sealed)
};

struct Anchor {
  std::string_view time;  // "HH:MM" on the grid
  AnchorKind kind = AnchorKind::Change;
  std::int64_t value = 0;
  std::string_view price;  // AnchorKind::Price: "1.441"
  bool exact = false;      // the seed quotes this figure: the tick price must show exactly this change
};

// A scripted instrument-day. The path passes through every anchor; between anchors it is a
// random bridge. Unscripted instrument-days are quiet random walks.
struct Script {
  std::string_view day;
  std::string_view symbol;
  std::vector<Anchor> anchors;
  bool high_at_anchor = false;  // no price above the highest anchor (the day's high is a quoted figure)
};

struct DaySpec {
  std::string_view date;
  bool quiet = true;                // no limit touches, every change within ±kQuietBandCentipct
  std::int64_t drift_centipct = 0;  // quiet days: the market's tilt, the centre of the closes
  std::int64_t volume_pct = 100;    // activity against an ordinary day
  std::int64_t noise_pct = 100;     // random-step size against the instrument's own
};

inline constexpr std::int64_t kQuietBandCentipct = 140;

const std::vector<InstrumentSpec>& instrument_specs();
const std::vector<DaySpec>& day_specs();
const std::vector<Script>& scripts();

}  // namespace lodestone::tapegen
