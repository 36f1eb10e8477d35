#include "lodestone/rules/reload.hpp"

#include <fstream>
#include <sstream>

#include "lodestone/rules/parser.hpp"

namespace lodestone::rules {
namespace {

std::size_t running(const Engine& engine) { return engine.rules() ? engine.rules()->rules.size() : 0; }

}  // namespace

ReloadOutcome reload_rules(Engine& engine, std::string_view yaml_text, std::string_view file_name,
                           const InstrumentRegistry& registry) {
  ReloadOutcome outcome;
  auto compiled = compile_rules(yaml_text, file_name, registry);
  if (!compiled.rules) {
    outcome.diagnostics = std::move(compiled.diagnostics);
    outcome.rules = running(engine);
    return outcome;
  }
  outcome.alerts = engine.set_rules(std::move(compiled.rules));
  outcome.applied = true;
  outcome.rules = running(engine);
  return outcome;
}

ReloadOutcome reload_rules_file(Engine& engine, const std::string& path, const InstrumentRegistry& registry) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    ReloadOutcome outcome;
    outcome.diagnostics.push_back({path, 0, 0, "cannot open the rules file"});
    outcome.rules = running(engine);
    return outcome;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return reload_rules(engine, ss.str(), path, registry);
}

}  // namespace lodestone::rules
