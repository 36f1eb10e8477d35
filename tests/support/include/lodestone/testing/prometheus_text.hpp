#pragma once
// Reading one sample back from a Prometheus text exposition (GET /metrics).
#include <optional>
#include <string>

namespace lodestone::testing {

// The value of `series` ("lodestone_redis_buffered{kind=\"alerts\"}", or a name without labels)
// in `text`, if a line holds it.
inline std::optional<double> metric_value(const std::string& text, const std::string& series) {
  std::size_t at = 0;
  while ((at = text.find(series, at)) != std::string::npos) {
    const bool line_start = at == 0 || text[at - 1] == '\n';
    const auto end = at + series.size();
    if (line_start && end < text.size() && text[end] == ' ') return std::stod(text.substr(end + 1));
    at = end;
  }
  return std::nullopt;
}

}  // namespace lodestone::testing
