#pragma once
// The statement envelope Sina and Tencent wrap each quote in: `var hq_str_sz159713="…";` and
// `v_sz159713="…";`. One reader for both: it finds the statements, checks the prefix and the
// quotes, and hands each code with its value to the format's field parser.
#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "lodestone/feeds/batch.hpp"
#include "parse_util.hpp"
#include "quote_fields.hpp"

namespace lodestone::feeds::detail {

struct EnvelopeFormat {
  std::string_view prefix;     // "var hq_str_" / "v_"
  std::string_view name;       // how problems name a statement that lacks it ("hq_str_" / "v_")
  std::string_view none_code;  // the code a source answers "no such instrument" with ("pv_none_match")
};

// One statement's contents: `code` between the prefix and `=`, `value` between the quotes.
struct Envelope {
  std::string_view code;
  std::string_view value;
  std::string_view statement;  // the whole statement, the sample for a problem
};

// Reads one statement; what is not `<prefix><code>="<value>"` becomes a Problem in `out`
// (bad_line: no prefix, no quoted value; truncated: the value is not closed) and false.
bool read_envelope(std::string_view stmt, const EnvelopeFormat& format, Envelope& env, QuoteBatch& out);

// The instrument an envelope quotes. None when the source answered without data (an empty value
// or the format's none_code: the code goes to out.unknown) or when the code names no instrument
// (a bad_code problem in `out`).
std::optional<Symbol> quoted_symbol(const Envelope& env, const EnvelopeFormat& format, QuoteBatch& out);

// Splits the value on `sep` into `fields` and returns how many there were; fewer than
// `min_fields` is a short_line problem in `out` and 0.
template <std::size_t N>
std::size_t split_fields(const Envelope& env, char sep, std::size_t min_fields, std::array<std::string_view, N>& fields,
                         QuoteBatch& out) {
  const std::size_t n = split(env.value, sep, fields);
  if (n >= min_fields) return n;
  out.problems.push_back(make_problem(
      ErrorCode::short_line,
      std::string(env.code) + " has " + std::to_string(n) + " fields, expected " + std::to_string(min_fields) + "+",
      env.statement));
  return 0;
}

// Calls fn for each `name="value"` statement of an answer (up to the closing quote; a statement
// cut short runs to the end of the text, so read_envelope reports it).
template <class Fn>
void for_each_statement(std::string_view text, Fn&& fn) {
  std::size_t p = 0;
  while (p < text.size()) {
    while (p < text.size() &&
           (text[p] == ' ' || text[p] == '\t' || text[p] == '\r' || text[p] == '\n' || text[p] == ';'))
      ++p;
    if (p >= text.size()) return;
    const std::size_t eq = text.find("=\"", p);
    const std::size_t nl = text.find('\n', p);
    if (eq == std::string_view::npos || (nl != std::string_view::npos && nl < eq)) {
      fn(text.substr(p, nl == std::string_view::npos ? std::string_view::npos : nl - p));
      if (nl == std::string_view::npos) return;
      p = nl + 1;
      continue;
    }
    const std::size_t close = text.find('"', eq + 2);
    if (close == std::string_view::npos) {
      fn(text.substr(p));
      return;
    }
    fn(text.substr(p, close + 1 - p));
    p = close + 1;
  }
}

// Every well-formed envelope of `text`, in order, to fn(const Envelope&); the others are
// problems in `out`.
template <class Fn>
void for_each_envelope(std::string_view text, const EnvelopeFormat& format, QuoteBatch& out, Fn&& fn) {
  for_each_statement(text, [&](std::string_view stmt) {
    Envelope env;
    if (read_envelope(stmt, format, env, out)) fn(env);
  });
}

}  // namespace lodestone::feeds::detail
