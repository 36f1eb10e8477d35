// The message a rule gets when its file gives none: what happened, in the trigger's words, and the
// headline near it when the rule correlates.
#include <type_traits>

#include "enum_words.hpp"
#include "parse_context.hpp"

namespace lodestone::rules::detail {
namespace {

// A price level's message, by LevelKind.
constexpr std::array<std::string_view, 6> kLevelMessages = {
    "{symbol} {name} at {to}, at or above {level}",         // Above
    "{symbol} {name} at {to}, at or below {level}",         // Below
    "{symbol} {name} crossed {level}, now {to}",            // Cross
    "{symbol} {name} entered {level} at {to}",              // BandEnter
    "{symbol} {name} left {level} at {to}",                 // BandExit
    "{symbol} {name} crossed the edge of {level} at {to}",  // BandEither
};
static_assert(kLevelMessages.size() == static_cast<std::size_t>(LevelKind::BandEither) + 1);

}  // namespace

std::string default_message(const Rule& r) {
  std::string m;
  std::visit(
      [&](const auto& c) {
        using T = std::decay_t<decltype(c)>;
        if constexpr (std::is_same_v<T, MoveCondition>) {
          m = c.speed ? "{symbol} {name} moved {change_pct}% in {window}" : "{symbol} {name} {change_pct}% ({window})";
          if (c.abnormal) m += ", {abnormal_pct}% beyond {benchmark}";
        } else if constexpr (std::is_same_v<T, LimitCondition>) {
          const char* side = c.side == LimitSide::Up ? "limit-up" : c.side == LimitSide::Down ? "limit-down" : "limit";
          if (c.stage == LimitStage::Touched) m = std::string("{symbol} {name} touched ") + side + " {limit}";
          if (c.stage == LimitStage::Sealed) m = std::string("{symbol} {name} sealed at ") + side + " {limit}";
          if (c.stage == LimitStage::Opened)
            m = std::string("{symbol} {name} opened from ") + side + " {limit}, now {to}";
        } else if constexpr (std::is_same_v<T, LevelCondition>) {
          m = word_of(c.kind, kLevelMessages, "");
        } else if constexpr (std::is_same_v<T, VolumeCondition>) {
          m = "{symbol} {name} volume {volume_ratio}x its trailing average in {window}";
        } else if constexpr (std::is_same_v<T, BreadthCondition>) {
          m = "{count} of {total} in {symbol} moved ({window}): {symbols}";
        } else {
          m = "{source}: {headline}";
        }
      },
      r.trigger);
  if (r.correlates()) m += " near: {headline} ({source})";
  return m;
}

}  // namespace lodestone::rules::detail
