#include "lodestone/app/rules_service.hpp"

#include <spdlog/spdlog.h>

#include "lodestone/rules/diagnostic.hpp"
#include "lodestone/rules/reload.hpp"

namespace lodestone::app {

RulesService::RulesService(const Clock& clock, const InstrumentRegistry& registry, std::string rules_path,
                           bool replay_clock)
    : clock_(clock),
      registry_(registry),
      rules_path_(std::move(rules_path)),
      replay_clock_(replay_clock),
      engine_(registry, TradingCalendar::shanghai()) {}

Status RulesService::load() {
  auto rs = swap_rules();
  if (!rs) return rs.error();
  return {};
}

Result<std::size_t> RulesService::reload() {
  auto resolved = swap_rules();
  if (!resolved) return resolved.error();
  if (publish_) publish_(std::move(*resolved));
  return rule_count();
}

Result<std::vector<Alert>> RulesService::swap_rules() {
  if (rules_path_.empty()) return std::vector<Alert>{};
  std::lock_guard lock(mutex_);
  // One parse: the file is checked and, only if clean, swapped in; on errors the running rules stay.
  auto outcome = rules::reload_rules_file(engine_, rules_path_, registry_);
  if (!outcome.applied) return make_error(ErrorCode::bad_config, rules::format(outcome.diagnostics));
  loaded_at_ms_ = clock_.now().ms;
  spdlog::info("rules: {} rules from {}", outcome.rules, rules_path_);
  return std::move(outcome.alerts);
}

std::vector<Alert> RulesService::on_quote(const Quote& quote) {
  std::lock_guard lock(mutex_);
  return engine_.on_quote(quote);
}

void RulesService::classify(Headline& headline) {
  std::lock_guard lock(mutex_);
  engine_.classify(headline);  // the board shows the tags and the names it mentions
}

std::vector<Alert> RulesService::on_headline(const Headline& headline) {
  std::lock_guard lock(mutex_);
  return engine_.on_headline(headline);
}

std::vector<Alert> RulesService::advance(Timestamp now) {
  std::lock_guard lock(mutex_);
  return engine_.advance(now);
}

Timestamp RulesService::now() const {
  if (!replay_clock_) return clock_.now();
  std::lock_guard lock(mutex_);
  return engine_.watermark();
}

std::size_t RulesService::rule_count() const {
  std::lock_guard lock(mutex_);
  return engine_.rules() ? engine_.rules()->rules.size() : 0;
}

std::vector<std::pair<std::string, rules::RuleCounters>> RulesService::rule_counters() const {
  std::lock_guard lock(mutex_);
  std::vector<std::pair<std::string, rules::RuleCounters>> out;
  if (const auto set = engine_.rules())
    for (const auto& r : set->rules) out.emplace_back(r.name, engine_.counters(r.name));
  return out;
}

web::RulesSummary RulesService::summary() const {
  std::lock_guard lock(mutex_);
  web::RulesSummary out{rules_path_, Timestamp{loaded_at_ms_}, {}};
  if (const auto& rs = engine_.rules())
    for (const auto& r : rs->rules) out.rules.push_back({r.name, r.severity, engine_.counters(r.name)});
  return out;
}

std::vector<rules::Silence> RulesService::silences(Timestamp now) const {
  std::lock_guard lock(mutex_);
  return engine_.silences().list(now, true);
}

Result<std::string> RulesService::add_silence(rules::Silence silence) {
  const Timestamp t = now();
  std::lock_guard lock(mutex_);
  return engine_.add_silence(std::move(silence), t);
}

Status RulesService::expire_silence(std::string_view id) {
  const Timestamp t = now();
  std::lock_guard lock(mutex_);
  return engine_.expire_silence(id, t);
}

web::Acknowledgement RulesService::acknowledge(web::Acknowledgement ack) {
  ack.at = clock_.now();
  std::lock_guard lock(mutex_);
  acks_[ack.alert_id] = ack;
  return ack;
}

std::vector<web::Acknowledgement> RulesService::acknowledgements() const {
  std::lock_guard lock(mutex_);
  std::vector<web::Acknowledgement> out;
  out.reserve(acks_.size());
  for (const auto& [id, a] : acks_) out.push_back(a);
  return out;
}

}  // namespace lodestone::app
