#pragma once
// What a rules file got wrong and where, in the form editors and CI understand:
// "rules.yaml:14:15: unknown key 'windw' in move (expected one of: ...)".
#include <string>
#include <vector>

namespace lodestone::rules {

struct Diagnostic {
  std::string file;
  int line = 0;    // 1-based; 0 when the problem has no position (an unreadable file)
  int column = 0;  // 1-based, in bytes (as compilers count)
  std::string message;

  bool operator==(const Diagnostic&) const = default;
};

// "file:line:column: message", or "file: message" without a position.
std::string format(const Diagnostic& d);
// One diagnostic per line, in file order.
std::string format(const std::vector<Diagnostic>& diagnostics);

}  // namespace lodestone::rules
