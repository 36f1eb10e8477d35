// ParseContext's readers: each YAML value as the type a rule needs (text, names, durations,
// thresholds, prices, choices, lists), every mistake a diagnostic at the value's position.
#include "parse_context.hpp"

#include <algorithm>
#include <cctype>

namespace lodestone::rules::detail {
namespace {

std::string joined(std::initializer_list<std::string_view> items) {
  std::string out;
  for (auto s : items) {
    if (!out.empty()) out += ", ";
    out += s;
  }
  return out;
}

// `node`'s text read by `parse` (a value parser that returns a Result), its error reported
// after `what`.
template <class Parse>
auto parsed(ParseContext& ctx, const Node& node, std::string_view what, Parse parse)
    -> std::optional<std::decay_t<decltype(*parse(std::string_view()))>> {
  auto t = ctx.text(node, what);
  if (!t) return std::nullopt;
  auto v = parse(*t);
  if (!v) {
    ctx.error(node, std::string(what) + ": " + v.error().message);
    return std::nullopt;
  }
  return *v;
}

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
}

}  // namespace

void ParseContext::error(yaml::Position at, std::string message) {
  diagnostics_.push_back({std::string(file_), at.line, at.column, std::move(message)});
}

bool ParseContext::check_map(const Node& node, std::string_view what, std::initializer_list<std::string_view> allowed) {
  if (!node.is_map()) {
    error(node, std::string(what) + ": expected a mapping with keys " + joined(allowed) + ", found " +
                    std::string(yaml::describe(node.kind)));
    return false;
  }
  for (std::size_t i = 0; i < node.map_size(); ++i) {
    const Node& k = node.key(i);
    if (!k.is_scalar()) continue;  // reported by the document reader
    if (std::find(allowed.begin(), allowed.end(), k.text) == allowed.end()) {
      error(k, "unknown key " + quoted(k.text) + " in " + std::string(what) + " (expected one of: " + joined(allowed) +
                   ")");
    }
    for (std::size_t j = 0; j < i; ++j) {
      if (node.key(j).is_scalar() && node.key(j).text == k.text) {
        error(k, "key " + quoted(k.text) + " repeated in " + std::string(what) + " (first at line " +
                     std::to_string(node.key(j).pos.line) + ")");
        break;
      }
    }
  }
  return true;
}

bool ParseContext::check_named_map(const Node& node, std::string_view what) {
  if (!node.is_map()) {
    error(node, std::string(what) + ": expected a mapping of names, found " + std::string(yaml::describe(node.kind)));
    return false;
  }
  for (std::size_t i = 0; i < node.map_size(); ++i) {
    const Node& k = node.key(i);
    if (!k.is_scalar()) continue;
    name(k, what);
    for (std::size_t j = 0; j < i; ++j) {
      if (node.key(j).is_scalar() && node.key(j).text == k.text) {
        error(k, std::string(what) + " " + quoted(k.text) + " defined twice (first at line " +
                     std::to_string(node.key(j).pos.line) + ")");
        break;
      }
    }
  }
  return true;
}

bool ParseContext::check_sequence(const Node& node, std::string_view what) {
  if (node.is_sequence()) return true;
  error(node, std::string(what) + ": expected a list, found " + std::string(yaml::describe(node.kind)));
  return false;
}

std::optional<std::string> ParseContext::text(const Node& node, std::string_view what) {
  if (node.is_scalar()) return node.text;
  error(node, std::string(what) + ": expected text, found " + std::string(yaml::describe(node.kind)));
  return std::nullopt;
}

std::optional<std::string> ParseContext::name(const Node& node, std::string_view what) {
  auto t = text(node, what);
  if (!t) return std::nullopt;
  if (t->empty() || t->size() > 64 || !std::all_of(t->begin(), t->end(), is_name_char)) {
    error(node, std::string(what) + ": bad name " + quoted(*t) + " (expected 1-64 letters, digits, '_', '-' or '.')");
    return std::nullopt;
  }
  return t;
}

std::optional<std::int64_t> ParseContext::duration(const Node& node, std::string_view what, std::int64_t min_ms,
                                                   std::int64_t max_ms) {
  auto ms = parsed(*this, node, what, [](std::string_view t) { return parse_duration_ms(t); });
  if (!ms) return std::nullopt;
  if (*ms < min_ms || *ms > max_ms) {
    error(node, std::string(what) + ": " + quoted(node.text) + " is out of range (expected " + format_duration(min_ms) +
                    " to " + format_duration(max_ms) + ")");
    return std::nullopt;
  }
  return *ms;
}

std::optional<Threshold> ParseContext::threshold(const Node& node, std::string_view what) {
  if (node.is_scalar() && !node.quoted && !node.text.empty() &&
      (std::isdigit(static_cast<unsigned char>(node.text[0])) || node.text[0] == '-')) {
    error(node, std::string(what) + ": bad threshold " + quoted(node.text) +
                    ": expected a comparison in quotes, such as \">= " + node.text + "\"");
    return std::nullopt;
  }
  return parsed(*this, node, what, [](std::string_view t) { return parse_threshold(t); });
}

std::optional<Price> ParseContext::price(const Node& node, std::string_view what) {
  auto t = text(node, what);
  if (!t) return std::nullopt;
  auto p = Price::parse(*t);
  if (!p || !p->positive()) {
    error(node, std::string(what) + ": bad price " + quoted(*t) + " (expected a positive decimal such as 1.250)");
    return std::nullopt;
  }
  return *p;
}

std::optional<bool> ParseContext::boolean(const Node& node, std::string_view what) {
  auto t = text(node, what);
  if (!t) return std::nullopt;
  if (*t == "true" || *t == "yes") return true;
  if (*t == "false" || *t == "no") return false;
  error(node, std::string(what) + ": expected true or false, found " + quoted(*t));
  return std::nullopt;
}

std::optional<std::int64_t> ParseContext::integer(const Node& node, std::string_view what, std::int64_t min,
                                                  std::int64_t max) {
  auto t = text(node, what);
  if (!t) return std::nullopt;
  std::int64_t v = 0;
  bool ok = !t->empty() && t->size() <= 9;
  for (char c : *t) {
    if (c < '0' || c > '9') ok = false;
    if (ok) v = v * 10 + (c - '0');
  }
  if (!ok || v < min || v > max) {
    error(node, std::string(what) + ": expected a whole number from " + std::to_string(min) + " to " +
                    std::to_string(max) + ", found " + quoted(*t));
    return std::nullopt;
  }
  return v;
}

std::optional<std::size_t> ParseContext::choice(const Node& node, std::string_view what,
                                                std::initializer_list<std::string_view> choices) {
  auto t = text(node, what);
  if (!t) return std::nullopt;
  std::size_t i = 0;
  for (auto c : choices) {
    if (*t == c) return i;
    ++i;
  }
  error(node, std::string(what) + ": unknown value " + quoted(*t) + " (expected one of: " + joined(choices) + ")");
  return std::nullopt;
}

std::optional<std::vector<std::string>> ParseContext::text_list(const Node& node, std::string_view what) {
  if (!check_sequence(node, what)) return std::nullopt;
  std::vector<std::string> out;
  bool ok = true;
  for (const Node& item : node.items) {
    auto t = text(item, what);
    if (!t) {
      ok = false;
      continue;
    }
    if (t->empty()) {
      error(item, std::string(what) + ": empty text would match everything");
      ok = false;
      continue;
    }
    out.push_back(std::move(*t));
  }
  if (!ok) return std::nullopt;
  return out;
}

}  // namespace lodestone::rules::detail
