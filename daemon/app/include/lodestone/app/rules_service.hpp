#pragma once
// The rule engine inside the daemon: evaluates on the pipeline strand, reloads atomically (a bad
// file keeps the running rules), and answers the rules, silences and acknowledgement endpoints.
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lodestone/bus/pipeline.hpp"
#include "lodestone/core/calendar.hpp"
#include "lodestone/core/clock.hpp"
#include "lodestone/rules/engine.hpp"
#include "lodestone/web/api.hpp"

namespace lodestone::app {

struct Acknowledgement {
  std::string alert_id;
  std::string by;
  std::string comment;
  Timestamp at;
};

class RulesService final : public bus::Evaluator {
 public:
  // `replay_clock`: time is the events' time (a tape), not `clock`'s (which still dates reloads
  // and acknowledgements).
  RulesService(const Clock& clock, const InstrumentRegistry& registry, std::string rules_path, bool replay_clock);

  // Loads the rules file; the error lists every diagnostic as file:line:column: message.
  Status load();
  // Reloads; on success the alerts the swap resolves are returned for publishing.
  Result<std::vector<Alert>> reload();

  // Evaluator (pipeline strand).
  std::vector<Alert> on_quote(const Quote& quote) override;
  std::vector<Alert> on_headline(Headline& headline) override;
  std::vector<Alert> advance(Timestamp now) override;

  // HTTP endpoints under /api/v1 (rules, silences, acks); nullopt when the path is not ours.
  // `publish` hands alerts (from a reload) and messages (acks) to the pipeline and the hub.
  std::optional<web::HttpAnswer> handle(std::string_view method, std::string_view target, std::string_view body,
                                        const std::function<void(std::vector<Alert>)>& publish_alerts,
                                        const std::function<void(std::string)>& broadcast);
  [[nodiscard]] Timestamp now() const;
  [[nodiscard]] std::size_t rule_count() const;
  // What each rule of the running set did so far (for /metrics).
  [[nodiscard]] std::vector<std::pair<std::string, rules::RuleCounters>> rule_counters() const;

 private:
  web::HttpAnswer rules_json() const;
  web::HttpAnswer silences_json() const;
  web::HttpAnswer add_silence(std::string_view body);
  web::HttpAnswer ack(std::string_view alert_id, std::string_view body,
                      const std::function<void(std::string)>& broadcast);

  const Clock& clock_;
  const InstrumentRegistry& registry_;
  std::string rules_path_;
  bool replay_clock_;
  mutable std::mutex mutex_;  // the engine is used by the pipeline strand and by API threads
  rules::Engine engine_;
  std::int64_t loaded_at_ms_ = 0;
  std::map<std::string, Acknowledgement> acks_;
};

}  // namespace lodestone::app
