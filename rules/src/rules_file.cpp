// The rules file as a whole: read it, check its shape, its definitions and each rule, and compile
// the headline matcher; or list every mistake with its line and column.
#include <algorithm>
#include <fstream>
#include <sstream>

#include "lodestone/feeds/symbol_mentions.hpp"
#include "lodestone/rules/parser.hpp"
#include "parse_context.hpp"

namespace lodestone::rules {
namespace detail {
namespace {

void build_matcher(RuleSet& rs, const InstrumentRegistry& registry) {
  using Kind = RuleSet::Pattern::Kind;
  auto add = [&](std::string_view text, RuleSet::Pattern p) {
    rs.matcher.add(text);
    rs.patterns.push_back(p);
  };
  for (std::size_t s = 0; s < rs.keyword_sets.size(); ++s)
    for (std::size_t t = 0; t < rs.keyword_sets[s].terms.size(); ++t)
      add(rs.keyword_sets[s].terms[t], {Kind::KeywordTerm, s, t});
  for (std::size_t g = 0; g < rs.taxonomy.size(); ++g)
    for (std::size_t t = 0; t < rs.taxonomy[g].terms.size(); ++t) add(rs.taxonomy[g].terms[t], {Kind::TagTerm, g, t});
  rs.matcher.compile();
  rs.mentions = std::make_shared<const feeds::SymbolMentions>(registry);
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
    detail::parse_definitions(ctx, root);
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
  if (!outcome.rules) return make_error(ErrorCode::bad_config, format(outcome.diagnostics));
  return std::move(outcome.rules);
}

namespace {

Result<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(ErrorCode::io_error, "cannot open the rules file");
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return make_error(ErrorCode::io_error, "cannot read the rules file");
  return ss.str();
}

}  // namespace

Result<std::shared_ptr<const RuleSet>> load_rules_file(const std::string& path, const InstrumentRegistry& registry) {
  auto text = read_file(path);
  if (!text) return make_error(text.error().code, path + ": " + text.error().message);
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
