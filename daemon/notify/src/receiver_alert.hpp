#pragma once
// The system alert a broken receiver raises: an operator must fix a token, a secret or a
// robot's keyword before traders miss more messages.
#include <cstdint>
#include <string>

#include "lodestone/core/events.hpp"
#include "lodestone/notify/receiver.hpp"

namespace lodestone::notify::detail {

// `incident` numbers the receiver's breakdowns, so each one's firing and resolved notifications
// share a fingerprint and a later breakdown is a new alert.
Alert receiver_broken_alert(const ReceiverConfig& receiver, const std::string& why, std::uint64_t incident,
                            AlertState state, Timestamp now);

}  // namespace lodestone::notify::detail
