#include "envelope.hpp"

#include <string>

#include "parse_util.hpp"

namespace lodestone::feeds::detail {

bool read_envelope(std::string_view stmt, const EnvelopeFormat& format, Envelope& env, QuoteBatch& out) {
  if (stmt.substr(0, format.prefix.size()) != format.prefix) {
    out.problems.push_back(make_problem(ErrorCode::bad_line, "not a " + std::string(format.name) + " statement", stmt));
    return false;
  }
  const std::size_t eq = stmt.find('=');
  if (eq == std::string_view::npos || eq + 1 >= stmt.size() || stmt[eq + 1] != '"') {
    out.problems.push_back(make_problem(ErrorCode::bad_line, "no quoted value", stmt));
    return false;
  }
  const std::string_view code = stmt.substr(format.prefix.size(), eq - format.prefix.size());
  const std::string_view rest = stmt.substr(eq + 2);
  const std::size_t close = rest.find('"');
  if (close == std::string_view::npos) {
    out.problems.push_back(
        make_problem(ErrorCode::truncated, "value of " + std::string(code) + " is not closed", stmt));
    return false;
  }
  env = Envelope{code, rest.substr(0, close), stmt};
  return true;
}

}  // namespace lodestone::feeds::detail
