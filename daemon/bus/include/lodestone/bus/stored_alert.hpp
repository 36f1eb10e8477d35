#pragma once
// A notification as an alert store keeps it: its seq and its canonical JSON, rendered once and
// shared by every reader (the WebSocket fan-out, resume, the REST answers).
#include <cstdint>
#include <memory>
#include <string>

namespace lodestone::bus {

struct StoredAlert {
  std::uint64_t seq = 0;
  std::shared_ptr<const std::string> json;
};

}  // namespace lodestone::bus
