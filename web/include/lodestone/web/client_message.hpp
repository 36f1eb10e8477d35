#pragma once
// Messages a browser sends over the WebSocket (web/PROTOCOL.md), parsed strictly: anything
// else is an error and the session closes with kCloseBadMessage.
#include <cstdint>
#include <string_view>
#include <variant>
#include <vector>

#include "lodestone/core/result.hpp"
#include "lodestone/core/symbol.hpp"

namespace lodestone::web {

struct Subscribe {
  bool all = false;
  std::vector<Symbol> symbols;
};
struct Resume {
  std::uint64_t after = 0;
};
struct Ping {};

using ClientMessage = std::variant<Subscribe, Resume, Ping>;

Result<ClientMessage> parse_client_message(std::string_view text);

}  // namespace lodestone::web
