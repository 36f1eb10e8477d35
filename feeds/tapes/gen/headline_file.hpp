#pragma once
// Reads the hand-written headline file (canonical "news" lines, one per line) so the tape
// re-emits them through core's to_json, in exactly the canonical form.
#include <string>
#include <vector>

#include "lodestone/core/events.hpp"
#include "lodestone/core/result.hpp"

namespace lodestone::tapegen {

Result<std::vector<Headline>> read_headlines(const std::string& path);

}  // namespace lodestone::tapegen
