#include "lodestone/rules/diagnostic.hpp"

namespace lodestone::rules {

std::string format(const Diagnostic& d) {
  if (d.line <= 0) return d.file + ": " + d.message;
  return d.file + ":" + std::to_string(d.line) + ":" + std::to_string(d.column) + ": " + d.message;
}

std::string format(const std::vector<Diagnostic>& diagnostics) {
  std::string out;
  for (const auto& d : diagnostics) {
    if (!out.empty()) out.push_back('\n');
    out += format(d);
  }
  return out;
}

}  // namespace lodestone::rules
