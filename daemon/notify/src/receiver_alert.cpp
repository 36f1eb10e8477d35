#include "receiver_alert.hpp"

namespace lodestone::notify::detail {

Alert receiver_broken_alert(const ReceiverConfig& receiver, const std::string& why, std::uint64_t incident,
                            AlertState state, Timestamp now) {
  constexpr std::string_view kRule = "notify-receiver-broken";
  Alert a;
  a.rule = std::string(kRule);
  a.severity = Severity::Critical;
  a.state = state;
  a.ts = now;
  const std::string fingerprint = "system:" + std::string(kRule) + ":" + receiver.name + ":" + std::to_string(incident);
  a.id = fingerprint + (state == AlertState::Firing ? ":firing" : ":resolved");
  // The service's words only: a receiver's URL carries its token and never appears here.
  a.message = state == AlertState::Firing
                  ? "通知渠道 " + receiver.name + " (" + std::string(to_string(receiver.kind)) +
                        ") 无法投递 / receiver broken: " + why + "; fix its configuration, then it is tried again"
                  : "通知渠道 " + receiver.name + " 恢复 / receiver takes messages again";
  a.labels = {{"rule", a.rule},
              {"severity", std::string(to_string(a.severity))},
              {"fingerprint", fingerprint},
              {"receiver", receiver.name},
              {"kind", std::string(to_string(receiver.kind))}};
  if (state == AlertState::Resolved) a.labels["reason"] = "receiver_recovered";
  return a;
}

}  // namespace lodestone::notify::detail
