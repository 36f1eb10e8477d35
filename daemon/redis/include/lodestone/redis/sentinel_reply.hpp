#pragma once
// What the Sentinels say, read from their replies (pure; sentinel.hpp asks and listens):
// SENTINEL get-master-addr-by-name <name> answers [ip, port] (nil for a name it does not know),
// and a +switch-master message's payload is "<name> <old-ip> <old-port> <new-ip> <new-port>".
#include <optional>
#include <string>
#include <string_view>

#include "lodestone/core/result.hpp"
#include "lodestone/redis/reply.hpp"
#include "lodestone/redis/url.hpp"

namespace lodestone::redis {

// The master's address; bad_field for a reply of another shape, unavailable for nil (this
// Sentinel does not know the master: not configured, or it has just started).
Result<HostPort> parse_master_address(const Reply& reply, std::string_view master);

struct SwitchMaster {
  std::string master;  // the master's name
  HostPort from;
  HostPort to;
};
std::optional<SwitchMaster> parse_switch_master(std::string_view payload);

// A pub/sub message (["message", channel, payload]) on `channel`: its payload; nullopt for the
// subscription's confirmations and anything else.
std::optional<std::string> message_payload(const Reply& reply, std::string_view channel);

}  // namespace lodestone::redis
