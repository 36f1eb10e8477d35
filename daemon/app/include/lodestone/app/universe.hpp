#pragma once
// Loads the reference data (deploy/universe.yaml) into an InstrumentRegistry.
#include <string>

#include "lodestone/core/instrument.hpp"
#include "lodestone/core/result.hpp"

namespace lodestone::app {

Result<InstrumentRegistry> parse_universe(const std::string& text, const std::string& file_name);
Result<InstrumentRegistry> load_universe(const std::string& path);

}  // namespace lodestone::app
