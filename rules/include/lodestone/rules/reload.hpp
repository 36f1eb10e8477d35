#pragma once
// Hot reload as SIGHUP and POST /api/v1/rules/reload need it: a file that does not check is
// rejected with its diagnostics and the running rules stay; a good one is swapped in at once.
#include <string>
#include <string_view>
#include <vector>

#include "lodestone/rules/diagnostic.hpp"
#include "lodestone/rules/engine.hpp"

namespace lodestone::rules {

struct ReloadOutcome {
  bool applied = false;
  std::vector<Diagnostic> diagnostics;  // why not, when not applied
  std::vector<Alert> alerts;            // resolutions of removed or changed rules' alerts
  std::size_t rules = 0;                // rules running afterwards
};

ReloadOutcome reload_rules(Engine& engine, std::string_view yaml_text, std::string_view file_name,
                           const InstrumentRegistry& registry);
ReloadOutcome reload_rules_file(Engine& engine, const std::string& path, const InstrumentRegistry& registry);

}  // namespace lodestone::rules
