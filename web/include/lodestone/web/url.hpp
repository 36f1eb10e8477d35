#pragma once
// Percent-decoding for request targets (paths and query values), shared with the daemon's
// own endpoints.
#include <optional>
#include <string>
#include <string_view>

namespace lodestone::web {

// nullopt for a malformed escape or an encoded NUL; '+' reads as a space.
std::optional<std::string> percent_decode(std::string_view s);

}  // namespace lodestone::web
