// The rules file's definitions, read before the rules that name them: settings, groups of
// instruments, keyword sets and the taxonomy of policy tags.
#include "parse_context.hpp"

namespace lodestone::rules::detail {
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
    if (auto v = ctx.choice(*n, "session", {"any", "trading_hours", "continuous", "opening_call"}))
      s.session = static_cast<Session>(*v);
}

// Each entry of a mapping of names (`what`: group, keyword set, tag) whose name is text: `read`
// gets its name and its value, in the file's order.
template <class Read>
void for_each_named(ParseContext& ctx, const Node& node, std::string_view what, Read read) {
  if (!ctx.check_named_map(node, what)) return;
  for (std::size_t i = 0; i < node.map_size(); ++i) {
    const Node& k = node.key(i);
    if (k.is_scalar()) read(k, node.value(i));
  }
}

void parse_groups(ParseContext& ctx, const Node& node) {
  for_each_named(ctx, node, "group", [&](const Node& k, const Node& v) {
    if (k.text == "all") {
      ctx.error(k, "group: 'all' is reserved for every instrument");
      return;
    }
    SymbolGroup g;
    g.name = k.text;
    // Groups are resolved one by one, so a group may name the groups defined before it.
    if (auto syms = ctx.symbols(v, "group " + k.text)) g.symbols = std::move(*syms);
    ctx.out().groups.push_back(std::move(g));
  });
}

void parse_keywords(ParseContext& ctx, const Node& node) {
  for_each_named(ctx, node, "keyword set", [&](const Node& k, const Node& v) {
    KeywordSet set;
    set.name = k.text;
    if (auto terms = ctx.text_list(v, "keyword set " + k.text)) {
      if (terms->empty()) ctx.error(v, "keyword set " + k.text + ": the list of terms is empty");
      set.terms = std::move(*terms);
    }
    ctx.out().keyword_sets.push_back(std::move(set));
  });
}

void parse_taxonomy(ParseContext& ctx, const Node& node) {
  for_each_named(ctx, node, "tag", [&](const Node& k, const Node& v) {
    const std::string what = "tag " + k.text;
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
  });
}

}  // namespace

void parse_definitions(ParseContext& ctx, const Node& root) {
  if (const Node* n = root.find("settings")) parse_settings(ctx, *n);
  if (const Node* n = root.find("groups")) parse_groups(ctx, *n);
  if (const Node* n = root.find("keywords")) parse_keywords(ctx, *n);
  if (const Node* n = root.find("taxonomy")) parse_taxonomy(ctx, *n);
}

}  // namespace lodestone::rules::detail
