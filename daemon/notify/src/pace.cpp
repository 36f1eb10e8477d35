// Each service's documented sending limit (DingTalk's and WeCom's group-robot guides, Feishu's
// custom-bot guide, Telegram's bot FAQ, ServerChan's free tier) and Feishu's request to keep
// clear of :00 and :30.
#include "jitter.hpp"
#include "lodestone/notify/dispatcher.hpp"

namespace lodestone::notify {

Pace documented_pace(ReceiverKind kind) {
  switch (kind) {
    case ReceiverKind::DingTalk:  // 20/min per robot; beyond it the robot is blocked for 10 min
    case ReceiverKind::WeCom:     // 20/min per robot
      return Pace{20, std::nullopt, std::nullopt};
    case ReceiverKind::Feishu:  // 100/min and 5/s per tenant and bot
      return Pace{100, 5.0, std::nullopt};
    case ReceiverKind::Telegram:  // 20/min to a group, about 1/s to any chat
      return Pace{20, 1.0, std::nullopt};
    case ReceiverKind::ServerChan:  // free tier: 5 messages a day
      return Pace{5, std::nullopt, 5.0};
    case ReceiverKind::Webhook:
    case ReceiverKind::Email:
      return Pace{60, std::nullopt, std::nullopt};
  }
  return Pace{};
}

Pace receiver_pace(const ReceiverConfig& receiver) {
  Pace pace = documented_pace(receiver.kind);
  // The config reader rejects a non-positive rate; one that got here anyway is not a pace.
  if (receiver.rate_per_minute && *receiver.rate_per_minute > 0) pace.per_minute = *receiver.rate_per_minute;
  return pace;
}

Timestamp clear_of_peak(Timestamp t, std::uint64_t seed, std::string_view receiver) {
  constexpr std::int64_t kHalfHour = 30 * kMsPerMinute;
  const std::int64_t guard = kPeakGuard.count();
  // :00 and :30 fall on the same instants in exchange time and UTC (a whole-hour offset).
  std::int64_t into = t.ms % kHalfHour;
  if (into < 0) into += kHalfHour;
  std::int64_t mark = 0;
  if (into < guard)
    mark = t.ms - into;
  else if (into >= kHalfHour - guard)
    mark = t.ms - into + kHalfHour;
  else
    return t;
  const std::uint64_t draw =
      detail::mix64(seed ^ detail::mix64(detail::hash_name(receiver) ^ static_cast<std::uint64_t>(mark)));
  return Timestamp{mark + guard + detail::in_range(draw, 0, kPeakJitter.count() - 1)};
}

}  // namespace lodestone::notify
