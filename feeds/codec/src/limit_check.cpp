#include "lodestone/feeds/limit_check.hpp"

namespace lodestone::feeds {
namespace {

std::string_view skip_spaces(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  return s;
}

// "ST…" or "*ST…", a space allowed after the star.
bool st_prefix(std::string_view s) {
  if (s.starts_with('*')) s = skip_spaces(s.substr(1));
  return s.starts_with("ST");
}

}  // namespace

std::optional<bool> special_treatment_in_name(std::string_view name) {
  const std::string_view s = skip_spaces(name);
  if (s.empty()) return std::nullopt;
  // "S" before it marks a company that has not finished the share reform: S*ST, SST.
  return st_prefix(s) || (s.starts_with('S') && st_prefix(s.substr(1)));
}

std::optional<bool> LimitCheck::special_treatment(const Symbol& symbol) const {
  const auto it = special_treatment_.find(symbol);
  if (it == special_treatment_.end()) return std::nullopt;
  return it->second;
}

LimitFindings LimitCheck::observe(const Quote& quote, const Instrument& inst, std::optional<Price> prev_close,
                                  Date day) {
  LimitFindings found;
  if (const auto st = special_treatment_in_name(quote.name)) {
    const auto known = special_treatment(quote.symbol);
    if (*st != known.value_or(inst.special_treatment)) found.special_treatment = *st;
    special_treatment_[quote.symbol] = *st;
  }
  if (!prev_close) return found;
  if (prev_close->units() > kMaxBandPrevCloseUnits) {
    found.prev_close_out_of_range = true;
    return found;
  }
  found.ours = price_limits(inst, *prev_close, day, special_treatment(quote.symbol).value_or(inst.special_treatment));
  if (!found.ours) return found;
  const bool up_differs = quote.source_limit_up && *quote.source_limit_up != found.ours->up;
  const bool down_differs = quote.source_limit_down && *quote.source_limit_down != found.ours->down;
  if (!up_differs && !down_differs) return found;
  LimitMismatch m{*prev_close, *found.ours, quote.source_limit_up, quote.source_limit_down, false};
  auto [it, inserted] = mismatch_logged_.try_emplace(quote.symbol, day);
  m.first_today = inserted || it->second != day;
  it->second = day;
  found.mismatch = m;
  return found;
}

std::vector<std::string> account(const LimitFindings& found, const Quote& quote, FeedStatus& status) {
  std::vector<std::string> lines;
  const std::string symbol = quote.symbol.str();
  if (found.special_treatment) {
    lines.push_back(
        symbol + (*found.special_treatment ? " is under special treatment" : " is no longer under special treatment") +
        ", by its name '" + quote.name + "': its price band follows");
  }
  if (const auto& m = found.mismatch) {
    status.on_limit_mismatch(symbol);
    if (m->first_today) {
      const auto shown = [](const std::optional<Price>& p) { return p ? p->format() : std::string("-"); };
      lines.push_back(symbol + ": the source's limits " + shown(m->source_up) + " / " + shown(m->source_down) +
                      " differ from ours " + m->ours.up.format() + " / " + m->ours.down.format() + " (previous close " +
                      m->prev_close.format() +
                      "): the previous close (an ex-rights day adjusts it) or the band is wrong; "
                      "counted on every quote, logged once a day");
    }
  }
  return lines;
}

}  // namespace lodestone::feeds
