#pragma once
// The rule engine inside the daemon: evaluates on the pipeline strand (bus::Evaluator), reloads
// atomically (a bad file keeps the running rules), and keeps silences and acknowledgements for
// the web target's endpoints (web::RulesControl).
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lodestone/bus/pipeline.hpp"
#include "lodestone/core/calendar.hpp"
#include "lodestone/core/clock.hpp"
#include "lodestone/rules/engine.hpp"
#include "lodestone/web/rules_control.hpp"

namespace lodestone::app {

class RulesService final : public bus::Evaluator, public web::RulesControl {
 public:
  // `replay_clock`: time is the events' time (a tape), not `clock`'s (which still dates reloads
  // and acknowledgements).
  RulesService(const Clock& clock, const InstrumentRegistry& registry, std::string rules_path, bool replay_clock);

  // Where the alerts a reload resolves go (the pipeline). Before the first reload.
  void set_publisher(std::function<void(std::vector<Alert>)> publish) { publish_ = std::move(publish); }
  // Loads the rules file; the error lists every diagnostic as file:line:column: message.
  Status load();

  // bus::Evaluator (pipeline strand).
  std::vector<Alert> on_quote(const Quote& quote) override;
  void classify(Headline& headline) override;
  std::vector<Alert> on_headline(const Headline& headline) override;
  std::vector<Alert> advance(Timestamp now) override;

  // web::RulesControl (any thread).
  [[nodiscard]] Timestamp now() const override;
  [[nodiscard]] web::RulesSummary summary() const override;
  Result<std::size_t> reload() override;
  [[nodiscard]] std::vector<rules::Silence> silences(Timestamp now) const override;
  Result<std::string> add_silence(rules::Silence silence) override;
  Status expire_silence(std::string_view id) override;
  web::Acknowledgement acknowledge(web::Acknowledgement ack) override;
  [[nodiscard]] std::vector<web::Acknowledgement> acknowledgements() const override;

  [[nodiscard]] std::size_t rule_count() const;
  // What each rule of the running set did so far (for /metrics).
  [[nodiscard]] std::vector<std::pair<std::string, rules::RuleCounters>> rule_counters() const;

 private:
  // Parses the file and, only if clean, swaps it in; the alerts the swap resolves.
  Result<std::vector<Alert>> swap_rules();

  const Clock& clock_;
  const InstrumentRegistry& registry_;
  std::string rules_path_;
  bool replay_clock_;
  std::function<void(std::vector<Alert>)> publish_;
  mutable std::mutex mutex_;  // the engine is used by the pipeline strand and by API threads
  rules::Engine engine_;
  std::int64_t loaded_at_ms_ = 0;
  std::map<std::string, web::Acknowledgement> acks_;
};

}  // namespace lodestone::app
