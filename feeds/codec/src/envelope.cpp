#include "envelope.hpp"

#include <string>

#include "parse_util.hpp"
#include "quote_fields.hpp"

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

std::optional<Symbol> quoted_symbol(const Envelope& env, const EnvelopeFormat& format, QuoteBatch& out) {
  if (env.value.empty() || (!format.none_code.empty() && env.code == format.none_code)) {
    out.unknown.emplace_back(env.code);
    return std::nullopt;
  }
  auto symbol = symbol_from_prefixed(env.code);
  if (!symbol) {
    out.problems.push_back(make_problem(ErrorCode::bad_code, symbol.error().message, env.statement));
    return std::nullopt;
  }
  return *symbol;
}

}  // namespace lodestone::feeds::detail
