#include <algorithm>
#include <fstream>
#include <sstream>

#include "hash.hpp"
#include "lodestone/rules/parser.hpp"
#include "parse_context.hpp"

namespace lodestone::rules {
namespace detail {
namespace {

std::string joined(std::initializer_list<std::string_view> items) {
  std::string out;
  for (auto s : items) {
    if (!out.empty()) out += ", ";
    out += s;
  }
  return out;
}

std::string quoted(std::string_view s) { return "'" + std::string(s.substr(0, 60)) + "'"; }

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
}

template <class Items>
std::string names_of(const Items& items) {
  std::string out;
  for (const auto& i : items) {
    if (!out.empty()) out += ", ";
    out += i.name;
  }
  return out.empty() ? "none defined" : out;
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
  auto t = text(node, what);
  if (!t) return std::nullopt;
  auto ms = parse_duration_ms(*t);
  if (!ms) {
    error(node, std::string(what) + ": " + ms.error().message);
    return std::nullopt;
  }
  if (*ms < min_ms || *ms > max_ms) {
    error(node, std::string(what) + ": " + quoted(*t) + " is out of range (expected " + format_duration(min_ms) +
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
  auto t = text(node, what);
  if (!t) return std::nullopt;
  auto th = parse_threshold(*t);
  if (!th) {
    error(node, std::string(what) + ": " + th.error().message);
    return std::nullopt;
  }
  return *th;
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

std::optional<Symbol> ParseContext::symbol(const Node& node, std::string_view what) {
  auto t = text(node, what);
  if (!t) return std::nullopt;
  auto s = Symbol::parse(*t);
  if (!s) {
    error(node, std::string(what) + ": " + quoted(*t) + " is not a symbol (expected a code such as 159713.SZ)");
    return std::nullopt;
  }
  if (!registry_.find(*s)) {
    error(node, std::string(what) + ": unknown symbol " + quoted(*t) + " (not in the instrument list)");
    return std::nullopt;
  }
  return *s;
}

std::optional<std::vector<Symbol>> ParseContext::symbols(const Node& node, std::string_view what,
                                                         std::string* group_name) {
  auto group = [&](std::string_view n) -> const SymbolGroup* {
    for (const auto& g : out_.groups)
      if (g.name == n) return &g;
    return nullptr;
  };
  std::vector<Symbol> out;
  auto add = [&](const Symbol& s) {
    if (std::find(out.begin(), out.end(), s) == out.end()) out.push_back(s);
  };
  if (node.is_scalar()) {
    if (node.text == "all") {
      if (group_name) *group_name = "all";
      for (const auto& i : registry_.all()) add(i.symbol);
      return out;
    }
    if (const auto* g = group(node.text)) {
      if (group_name) *group_name = g->name;
      return g->symbols;
    }
    if (!Symbol::parse(node.text)) {
      error(node, std::string(what) + ": " + quoted(node.text) +
                      " is neither a symbol, a group nor 'all' (groups: " + names_of(out_.groups) + ")");
      return std::nullopt;
    }
    auto s = symbol(node, what);
    if (!s) return std::nullopt;
    return std::vector<Symbol>{*s};
  }
  if (!node.is_sequence()) {
    error(node, std::string(what) + ": expected 'all', a group name or a list of symbols, found " +
                    std::string(yaml::describe(node.kind)));
    return std::nullopt;
  }
  if (node.items.empty()) {
    error(node, std::string(what) + ": the list of symbols is empty");
    return std::nullopt;
  }
  bool ok = true;
  for (const Node& item : node.items) {
    if (item.is_scalar()) {
      if (const auto* g = group(item.text)) {
        for (const auto& s : g->symbols) add(s);
        continue;
      }
    }
    auto s = symbol(item, what);
    if (s)
      add(*s);
    else
      ok = false;
  }
  if (!ok) return std::nullopt;
  return out;
}

std::optional<std::vector<std::size_t>> ParseContext::keyword_sets(const Node& node, std::string_view what) {
  const Node* list = &node;
  Node single;
  if (node.is_scalar()) {  // one set may be named without brackets
    single.kind = Node::Kind::Sequence;
    single.pos = node.pos;
    single.items.push_back(node);
    list = &single;
  }
  if (!check_sequence(*list, what)) return std::nullopt;
  std::vector<std::size_t> out;
  bool ok = true;
  for (const Node& item : list->items) {
    auto t = text(item, what);
    if (!t) {
      ok = false;
      continue;
    }
    const auto& sets = out_.keyword_sets;
    auto it = std::find_if(sets.begin(), sets.end(), [&](const KeywordSet& k) { return k.name == *t; });
    if (it == sets.end()) {
      error(item, std::string(what) + ": unknown keyword set " + quoted(*t) + " (defined: " + names_of(sets) + ")");
      ok = false;
      continue;
    }
    out.push_back(static_cast<std::size_t>(it - sets.begin()));
  }
  if (!ok) return std::nullopt;
  return out;
}

std::optional<std::vector<std::size_t>> ParseContext::tags(const Node& node, std::string_view what) {
  const Node* list = &node;
  Node single;
  if (node.is_scalar()) {
    single.kind = Node::Kind::Sequence;
    single.pos = node.pos;
    single.items.push_back(node);
    list = &single;
  }
  if (!check_sequence(*list, what)) return std::nullopt;
  std::vector<std::size_t> out;
  bool ok = true;
  for (const Node& item : list->items) {
    auto t = text(item, what);
    if (!t) {
      ok = false;
      continue;
    }
    const auto& tax = out_.taxonomy;
    auto it = std::find_if(tax.begin(), tax.end(), [&](const Tag& k) { return k.name == *t; });
    if (it == tax.end()) {
      error(item, std::string(what) + ": unknown tag " + quoted(*t) + " (taxonomy: " + names_of(tax) + ")");
      ok = false;
      continue;
    }
    out.push_back(static_cast<std::size_t>(it - tax.begin()));
  }
  if (!ok) return std::nullopt;
  return out;
}

void serialize(const Node& node, std::string& out) {
  switch (node.kind) {
    case Node::Kind::Null:
      out += '~';
      break;
    case Node::Kind::Scalar:
      out += '"';
      out += node.text;
      out += '"';
      break;
    case Node::Kind::Sequence:
      out += '[';
      for (const auto& i : node.items) {
        serialize(i, out);
        out += ',';
      }
      out += ']';
      break;
    case Node::Kind::Map:
      out += '{';
      for (std::size_t i = 0; i < node.map_size(); ++i) {
        serialize(node.key(i), out);
        out += ':';
        serialize(node.value(i), out);
        out += ',';
      }
      out += '}';
      break;
  }
}

namespace {

void parse_settings(ParseContext& ctx, const Node& node) {
  if (!ctx.check_map(node, "settings", {"allowed_lateness", "explain_within", "resolve_after", "session"})) return;
  Settings& s = ctx.out().settings;
  if (const Node* n = node.find("allowed_lateness"))
    if (auto v = ctx.duration(*n, "allowed_lateness", 0, kMsPerDay)) s.allowed_lateness_ms = *v;
  if (const Node* n = node.find("explain_within"))
    if (auto v = ctx.duration(*n, "explain_within", kMsPerMinute / 60, kMsPerDay)) s.explain_within_ms = *v;
  if (const Node* n = node.find("resolve_after"))
    if (auto v = ctx.duration(*n, "resolve_after", 1000, 7 * kMsPerDay)) s.resolve_after_ms = *v;
  if (const Node* n = node.find("session"))
    if (auto v = ctx.choice(*n, "session", {"any", "trading_hours", "continuous"}))
      s.session = static_cast<Session>(*v);
}

void parse_groups(ParseContext& ctx, const Node& node) {
  if (!ctx.check_named_map(node, "group")) return;
  for (std::size_t i = 0; i < node.map_size(); ++i) {
    const Node& k = node.key(i);
    if (!k.is_scalar()) continue;
    if (k.text == "all") {
      ctx.error(k, "group: 'all' is reserved for every instrument");
      continue;
    }
    SymbolGroup g;
    g.name = k.text;
    // Groups are resolved one by one, so a group may name the groups defined before it.
    if (auto syms = ctx.symbols(node.value(i), "group " + k.text)) g.symbols = std::move(*syms);
    ctx.out().groups.push_back(std::move(g));
  }
}

void parse_keywords(ParseContext& ctx, const Node& node) {
  if (!ctx.check_named_map(node, "keyword set")) return;
  for (std::size_t i = 0; i < node.map_size(); ++i) {
    const Node& k = node.key(i);
    if (!k.is_scalar()) continue;
    KeywordSet set;
    set.name = k.text;
    const Node& v = node.value(i);
    if (auto terms = ctx.text_list(v, "keyword set " + k.text)) {
      if (terms->empty()) ctx.error(v, "keyword set " + k.text + ": the list of terms is empty");
      set.terms = std::move(*terms);
    }
    ctx.out().keyword_sets.push_back(std::move(set));
  }
}

void parse_taxonomy(ParseContext& ctx, const Node& node) {
  if (!ctx.check_named_map(node, "tag")) return;
  for (std::size_t i = 0; i < node.map_size(); ++i) {
    const Node& k = node.key(i);
    if (!k.is_scalar()) continue;
    const std::string what = "tag " + k.text;
    const Node& v = node.value(i);
    Tag tag;
    tag.name = k.text;
    if (ctx.check_map(v, what, {"keywords", "terms", "direction", "description"})) {
      if (const Node* n = v.find("keywords"))
        if (auto sets = ctx.keyword_sets(*n, what + " keywords")) tag.keyword_sets = std::move(*sets);
      if (const Node* n = v.find("terms"))
        if (auto terms = ctx.text_list(*n, what + " terms")) tag.terms = std::move(*terms);
      if (const Node* n = v.find("direction"))
        if (auto d = ctx.choice(*n, what + " direction", {"neutral", "supportive", "adverse"}))
          tag.direction = static_cast<Direction>(*d);
      if (const Node* n = v.find("description"))
        if (auto t = ctx.text(*n, what + " description")) tag.description = std::move(*t);
      if (tag.keyword_sets.empty() && tag.terms.empty())
        ctx.error(k, what + ": needs keywords (keyword set names) or terms");
    }
    ctx.out().taxonomy.push_back(std::move(tag));
  }
}

void build_matcher(RuleSet& rs, const InstrumentRegistry& registry) {
  using Kind = RuleSet::Pattern::Kind;
  auto add = [&](std::string_view text, RuleSet::Pattern p) {
    rs.matcher.add(text);
    rs.patterns.push_back(p);
  };
  for (std::size_t s = 0; s < rs.keyword_sets.size(); ++s)
    for (std::size_t t = 0; t < rs.keyword_sets[s].terms.size(); ++t)
      add(rs.keyword_sets[s].terms[t], {Kind::KeywordTerm, s, t, {}});
  for (std::size_t g = 0; g < rs.taxonomy.size(); ++g)
    for (std::size_t t = 0; t < rs.taxonomy[g].terms.size(); ++t)
      add(rs.taxonomy[g].terms[t], {Kind::TagTerm, g, t, {}});
  for (const auto& inst : registry.all()) {
    add(inst.symbol.code(), {Kind::Mention, 0, 0, inst.symbol});
    if (!inst.name.empty()) add(inst.name, {Kind::Mention, 0, 0, inst.symbol});
    for (const auto& a : inst.aliases)
      if (!a.empty()) add(a, {Kind::Mention, 0, 0, inst.symbol});
  }
  rs.matcher.compile();
}

}  // namespace
}  // namespace detail

CompileOutcome compile_rules(std::string_view yaml_text, std::string_view file_name,
                             const InstrumentRegistry& registry) {
  using detail::Node;
  CompileOutcome outcome;
  auto doc = yaml::parse_document(yaml_text, file_name);
  if (!doc.errors.empty()) {
    outcome.diagnostics = std::move(doc.errors);
    return outcome;
  }
  auto rs = std::make_shared<RuleSet>();
  rs->file_name = std::string(file_name);
  detail::ParseContext ctx(file_name, registry, *rs, outcome.diagnostics);
  const Node& root = doc.root;
  if (root.is_null()) {
    ctx.error({1, 1}, "the file is empty (expected a mapping with 'rules')");
    return outcome;
  }
  if (ctx.check_map(root, "the rules file", {"settings", "groups", "keywords", "taxonomy", "rules"})) {
    // Definitions first, whatever order the file lists them in: rules refer to them by name.
    if (const Node* n = root.find("settings")) detail::parse_settings(ctx, *n);
    if (const Node* n = root.find("groups")) detail::parse_groups(ctx, *n);
    if (const Node* n = root.find("keywords")) detail::parse_keywords(ctx, *n);
    if (const Node* n = root.find("taxonomy")) detail::parse_taxonomy(ctx, *n);
    const Node* rules = root.find("rules");
    if (!rules) {
      ctx.error(root, "the rules file has no 'rules' list");
    } else if (ctx.check_sequence(*rules, "rules")) {
      std::vector<std::pair<std::string, int>> seen;
      for (const Node& r : rules->items) {
        auto rule = detail::parse_rule(ctx, r);
        if (!rule) continue;
        auto dup = std::find_if(seen.begin(), seen.end(), [&](const auto& s) { return s.first == rule->name; });
        if (dup != seen.end()) {
          const Node* name = r.find("name");
          ctx.error(name ? name->pos : r.pos,
                    "rule name '" + rule->name + "' is used twice (first at line " + std::to_string(dup->second) + ")");
          continue;
        }
        seen.emplace_back(rule->name, rule->line);
        rs->rules.push_back(std::move(*rule));
      }
      // Inhibition names rules that may be defined later in the file.
      for (std::size_t i = 0; i < rules->items.size(); ++i) {
        const Node* inh = rules->items[i].is_map() ? rules->items[i].find("inhibits") : nullptr;
        if (!inh || !inh->is_sequence()) continue;
        for (const Node& target : inh->items) {
          if (!target.is_scalar()) continue;
          if (!rs->find_rule(target.text) &&
              std::none_of(seen.begin(), seen.end(), [&](const auto& s) { return s.first == target.text; }))
            ctx.error(target, "inhibits: unknown rule '" + target.text + "'");
        }
      }
    }
  }
  if (!outcome.diagnostics.empty()) {
    std::stable_sort(outcome.diagnostics.begin(), outcome.diagnostics.end(), [](const auto& a, const auto& b) {
      return std::pair(a.line, a.column) < std::pair(b.line, b.column);
    });
    return outcome;
  }
  detail::build_matcher(*rs, registry);
  outcome.rules = std::move(rs);
  return outcome;
}

Result<std::shared_ptr<const RuleSet>> parse_rules(std::string_view yaml_text, std::string_view file_name,
                                                   const InstrumentRegistry& registry) {
  auto outcome = compile_rules(yaml_text, file_name, registry);
  if (!outcome.rules) return make_error(format(outcome.diagnostics));
  return std::move(outcome.rules);
}

namespace {

Result<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error("cannot open the rules file");
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return make_error("cannot read the rules file");
  return ss.str();
}

}  // namespace

Result<std::shared_ptr<const RuleSet>> load_rules_file(const std::string& path, const InstrumentRegistry& registry) {
  auto text = read_file(path);
  if (!text) return make_error(path + ": " + text.error().message);
  return parse_rules(*text, path, registry);
}

std::vector<Diagnostic> check_rules(std::string_view yaml_text, std::string_view file_name,
                                    const InstrumentRegistry& registry) {
  return compile_rules(yaml_text, file_name, registry).diagnostics;
}

std::vector<Diagnostic> check_rules_file(const std::string& path, const InstrumentRegistry& registry) {
  auto text = read_file(path);
  if (!text) return {Diagnostic{path, 0, 0, text.error().message}};
  return check_rules(*text, path, registry);
}

}  // namespace lodestone::rules
