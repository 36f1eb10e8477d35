#pragma once
// What the web target asks of the running rule engine for /api/v1/rules, /api/v1/silences and
// the acknowledgements: data in, data out. The HTTP and the JSON are web's
// (web/src/rules_endpoints.cpp); the daemon's RulesService implements this. Any thread.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "lodestone/core/events.hpp"
#include "lodestone/core/result.hpp"
#include "lodestone/rules/engine.hpp"
#include "lodestone/rules/silence.hpp"

namespace lodestone::web {

struct Acknowledgement {
  std::string alert_id;
  std::string by;
  std::string comment;
  Timestamp at;
};

struct RuleSummary {
  std::string name;
  Severity severity = Severity::Warning;
  rules::RuleCounters counters;
};

struct RulesSummary {
  std::string file;
  Timestamp loaded_at;
  std::vector<RuleSummary> rules;
};

class RulesControl {
 public:
  virtual ~RulesControl() = default;
  // The engine's now: event time when it replays a tape, else the clock's.
  [[nodiscard]] virtual Timestamp now() const = 0;
  [[nodiscard]] virtual RulesSummary summary() const = 0;
  // Reloads the rules file (the alerts the swap resolves are published); the number of rules, or
  // every diagnostic as file:line:column: message (the running rules stay).
  virtual Result<std::size_t> reload() = 0;
  // Silences that have not ended by `now`, and those that have.
  [[nodiscard]] virtual std::vector<rules::Silence> silences(Timestamp now) const = 0;
  // Validates and stores; the silence's id.
  virtual Result<std::string> add_silence(rules::Silence silence) = 0;
  virtual Status expire_silence(std::string_view id) = 0;
  // Records the acknowledgement, dated now by the wall clock (not the replay's event time).
  virtual Acknowledgement acknowledge(Acknowledgement ack) = 0;
  [[nodiscard]] virtual std::vector<Acknowledgement> acknowledgements() const = 0;
};

}  // namespace lodestone::web
