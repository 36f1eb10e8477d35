#pragma once
// An alert's message, written in the rules file with {placeholders}:
//   "{symbol} {change_pct}% in {window} near: {headline}"
// Placeholders are checked when the file is loaded, so a typo is a diagnostic, not a blank.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "lodestone/core/result.hpp"

namespace lodestone::rules {

enum class Placeholder : std::uint8_t {
  Symbol,        // 159713.SZ (or the group's name for group-wide alerts)
  Name,          // the instrument's short name, 稀土ETF
  ChangePct,     // 2.10 (no % sign)
  Window,        // 15m, prev_close, open
  From,          // the reference price, at the instrument's precision
  To,            // the last price
  AbnormalPct,   // change beyond the benchmark
  Benchmark,     // 000300.SH
  Headline,      // the first headline's title
  Source,        // the first headline's source
  HeadlineTime,  // 14:23 (exchange time)
  Keywords,      // matched keywords, comma separated
  Tags,          // taxonomy tags of the headline
  Direction,     // supportive / adverse / mixed
  Level,         // the price level or band of a level rule
  Limit,         // the limit price touched
  VolumeRatio,   // 3.20
  Count,         // how many of a group moved (breadth)
  Total,         // the group's size (breadth)
  Symbols,       // the group members that moved (breadth), or a grouped burst's symbols
  Rule,
  Severity,
  Time,       // the alert's time, 10:15:03
  Explained,  // explained / unexplained / pending
};

class MessageTemplate {
 public:
  // The error names the unknown placeholder and lists the known ones.
  static Result<MessageTemplate> parse(std::string_view text);

  struct Segment {
    bool is_placeholder = false;
    Placeholder placeholder = Placeholder::Symbol;
    std::string literal;
  };
  [[nodiscard]] const std::vector<Segment>& segments() const { return segments_; }
  [[nodiscard]] const std::string& text() const { return text_; }
  [[nodiscard]] bool uses(Placeholder p) const;
  [[nodiscard]] bool empty() const { return segments_.empty(); }

  // Fills each placeholder from `value` (a callable Placeholder -> std::string).
  template <class Lookup>
  [[nodiscard]] std::string render(Lookup&& value) const {
    std::string out;
    for (const auto& s : segments_) {
      if (s.is_placeholder)
        out += value(s.placeholder);
      else
        out += s.literal;
    }
    return out;
  }

 private:
  std::vector<Segment> segments_;
  std::string text_;
};

std::string_view to_string(Placeholder p);

}  // namespace lodestone::rules
