// A rule's configuration hash: its YAML as written (without positions) and everything it refers
// to by name, so a reload keeps the state of every rule whose meaning did not change.
#include "hash.hpp"
#include "parse_context.hpp"

namespace lodestone::rules::detail {

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

void hash_rule(const Node& node, const Rule& r, const RuleSet& rs, Fnv64& h) {
  std::string text;
  serialize(node, text);
  h.field(text);
  for (const auto& s : r.symbols) h.field(s.str());
  auto sets = [&](const std::vector<std::size_t>& v) {
    for (auto i : v) {
      h.field(rs.keyword_sets[i].name);
      for (const auto& t : rs.keyword_sets[i].terms) h.field(t);
    }
  };
  auto filter = [&](const std::optional<HeadlineFilter>& f) {
    if (!f) return;
    sets(f->any_keywords);
    sets(f->all_keywords);
    sets(f->exclude_keywords);
    for (auto t : f->any_tags) {
      const Tag& tag = rs.taxonomy[t];
      h.field(tag.name);
      h.field(to_string(tag.direction));
      sets(tag.keyword_sets);
      for (const auto& term : tag.terms) h.field(term);
    }
  };
  filter(r.headline);
  filter(r.explain);
  h.field(std::to_string(rs.settings.allowed_lateness_ms) + "/" + std::to_string(rs.settings.explain_within_ms) + "/" +
          std::to_string(rs.settings.resolve_after_ms) + "/" + std::to_string(static_cast<int>(rs.settings.session)));
}

}  // namespace lodestone::rules::detail
