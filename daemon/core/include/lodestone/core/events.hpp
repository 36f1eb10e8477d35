#pragma once
// The three canonical events that flow feeds -> bus -> rules -> alerts -> store/web.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lodestone/core/price.hpp"
#include "lodestone/core/symbol.hpp"
#include "lodestone/core/time.hpp"

namespace lodestone {

struct Quote {
  Symbol symbol;
  Timestamp ts;
  Price last;
  std::optional<Price> prev_close;
  std::optional<Price> open;
  std::optional<Price> high;
  std::optional<Price> low;
  std::optional<Price> bid;
  std::optional<Price> ask;
  std::optional<std::int64_t> volume;  // cumulative shares today
  std::optional<Price> turnover;       // cumulative CNY today
  // The source's own limit prices for the day, where it prints them (Tencent 47/48, Eastmoney
  // f51/f52): a cross-check of ours, not a replacement.
  std::optional<Price> source_limit_up;
  std::optional<Price> source_limit_down;
  // The source's short name, where it gives one: ST status follows its "ST"/"*ST" prefix.
  std::string name;
};

struct Headline {
  std::string id;      // source's id, unique per source
  Timestamp ts;        // publication time
  std::string source;  // "每日经济新闻"
  std::string title;
  std::string body;
  std::string url;
  std::vector<Symbol> symbols;    // instruments the headline names
  std::string lang;               // "zh", "en"
  std::vector<std::string> tags;  // policy taxonomy tags, filled by the rules' classifier
  // The source's own correction of an earlier item of its own (更正/撤回 notices): the id of the
  // item it corrects, and whether it withdraws that item rather than correcting it.
  std::string corrects;
  bool retracts = false;
  // The board's count of this item's versions, set by the bus's news log and never read from
  // input: 0 as first received, then 1, 2 … for each changed version the source sent again.
  std::uint32_t revision = 0;
};

// The tag a source (or the ingest API) puts on an item it has withdrawn.
inline constexpr std::string_view kRetractedTag = "retracted";

inline bool is_retracted(const Headline& h) {
  for (const auto& t : h.tags)
    if (t == kRetractedTag) return true;
  return false;
}

// Whether two deliveries of one item (same source and id) are the same version of it: the same
// text, link, time, withdrawal and correction. Other tags and the symbols are enrichment (the
// rules' classifier and the symbol finder add to them), so an enriched copy is still the same
// version. The news log and the rule engine both tell a repeat from a revision by this.
inline bool same_version(const Headline& a, const Headline& b) {
  return a.title == b.title && a.body == b.body && a.url == b.url && a.ts == b.ts &&
         is_retracted(a) == is_retracted(b) && a.corrects == b.corrects && a.retracts == b.retracts;
}

enum class Severity : std::uint8_t { Info, Warning, Critical };
enum class AlertState : std::uint8_t { Firing, Resolved };
std::string_view to_string(Severity s);
std::string_view to_string(AlertState s);
Result<Severity> parse_severity(std::string_view text);

struct HeadlineRef {
  std::string id;
  std::string title;
  std::string source;
  Timestamp ts;
};

struct MoveEvidence {
  Price from;
  Price to;
  std::int64_t change_centipct = 0;               // 210 = 2.10%
  std::string window;                             // "15m", "prev_close"
  std::optional<std::int64_t> abnormal_centipct;  // beyond the benchmark's move
  int price_decimals = 2;                         // the instrument's tick precision
  // The prices through the window up to the notification, oldest first, sampled down to a few
  // dozen points (first and last always kept): what the trader sees drawn beside the alert.
  std::vector<std::pair<Timestamp, Price>> path;
};

struct Alert {
  std::string id;         // stable, unique per notification
  std::uint64_t seq = 0;  // strictly increasing per stream; assigned by the alert store
  std::string rule;
  Severity severity = Severity::Warning;
  AlertState state = AlertState::Firing;
  std::optional<Symbol> symbol;
  Timestamp ts;
  std::string message;
  std::vector<HeadlineRef> headlines;
  std::optional<MoveEvidence> move;
  std::optional<bool> explained;  // move alerts: was a matching headline within the window
  std::map<std::string, std::string> labels;
};

}  // namespace lodestone
