#pragma once
// Drives an Engine with hand-built events and keeps every notification it returns.
#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "lodestone/rules/engine.hpp"
#include "lodestone/rules/parser.hpp"
#include "universe.hpp"

namespace lodestone::rules::testing {

class Harness {
 public:
  explicit Harness(std::string_view yaml) : engine_(registry_, TradingCalendar::shanghai()) {
    auto rs = parse_rules(yaml, "test.yaml", registry_);
    if (!rs.ok()) ADD_FAILURE() << rs.error().message;
    if (rs.ok()) engine_.set_rules(*rs);
  }

  std::vector<Alert> q(std::string_view symbol, Timestamp ts, std::string_view last,
                       std::optional<std::string_view> prev_close = std::nullopt) {
    return keep(engine_.on_quote(quote(symbol, ts, last, prev_close)));
  }
  std::vector<Alert> q(const Quote& quote) { return keep(engine_.on_quote(quote)); }
  std::vector<Alert> h(std::string id, Timestamp ts, std::string title, std::string source = "财联社") {
    return keep(engine_.on_headline(headline(std::move(id), ts, std::move(title), std::move(source))));
  }
  std::vector<Alert> h(const Headline& headline) { return keep(engine_.on_headline(headline)); }
  std::vector<Alert> advance(Timestamp ts) { return keep(engine_.advance(ts)); }
  std::vector<Alert> reload(std::string_view yaml) {
    auto rs = parse_rules(yaml, "test.yaml", registry_);
    if (!rs.ok()) ADD_FAILURE() << rs.error().message;
    return rs.ok() ? keep(engine_.set_rules(*rs)) : std::vector<Alert>{};
  }

  Engine& engine() { return engine_; }
  const InstrumentRegistry& registry() const { return registry_; }
  const std::vector<Alert>& all() const { return all_; }

  // "rule symbol state" lines, to compare whole sequences at a glance.
  std::vector<std::string> summary() const {
    std::vector<std::string> out;
    for (const auto& a : all_)
      out.push_back(a.rule + " " + (a.symbol ? a.symbol->str() : "-") + " " + std::string(to_string(a.state)) + " " +
                    format_timestamp(a.ts).substr(5, 14));
    return out;
  }

 private:
  std::vector<Alert> keep(std::vector<Alert> alerts) {
    all_.insert(all_.end(), alerts.begin(), alerts.end());
    return alerts;
  }

  InstrumentRegistry registry_ = universe();
  Engine engine_;
  std::vector<Alert> all_;
};

}  // namespace lodestone::rules::testing
