// What a rule refers to by name: instruments and groups of them, keyword sets and taxonomy tags,
// each checked against the instrument list or the file's definitions.
#include <algorithm>

#include "parse_context.hpp"

namespace lodestone::rules::detail {
namespace {

template <class Items>
std::string names_of(const Items& items) {
  std::string out;
  for (const auto& i : items) {
    if (!out.empty()) out += ", ";
    out += i.name;
  }
  return out.empty() ? "none defined" : out;
}

// One name without brackets, or a list of names, each resolved to its index in `defined` (the
// keyword sets or the tags); `kind` and `listed` word the diagnostic for a name not defined.
template <class Defined>
std::optional<std::vector<std::size_t>> indexes_of(ParseContext& ctx, const Node& node, std::string_view what,
                                                   const std::vector<Defined>& defined, std::string_view kind,
                                                   std::string_view listed) {
  const Node* list = &node;
  Node single;
  if (node.is_scalar()) {  // one name may be given without brackets
    single.kind = Node::Kind::Sequence;
    single.pos = node.pos;
    single.items.push_back(node);
    list = &single;
  }
  if (!ctx.check_sequence(*list, what)) return std::nullopt;
  std::vector<std::size_t> out;
  bool ok = true;
  for (const Node& item : list->items) {
    auto t = ctx.text(item, what);
    if (!t) {
      ok = false;
      continue;
    }
    auto it = std::find_if(defined.begin(), defined.end(), [&](const Defined& d) { return d.name == *t; });
    if (it == defined.end()) {
      ctx.error(item, std::string(what) + ": unknown " + std::string(kind) + " " + quoted(*t) + " (" +
                          std::string(listed) + ": " + names_of(defined) + ")");
      ok = false;
      continue;
    }
    out.push_back(static_cast<std::size_t>(it - defined.begin()));
  }
  if (!ok) return std::nullopt;
  return out;
}

}  // namespace

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
  return indexes_of(*this, node, what, out_.keyword_sets, "keyword set", "defined");
}

std::optional<std::vector<std::size_t>> ParseContext::tags(const Node& node, std::string_view what) {
  return indexes_of(*this, node, what, out_.taxonomy, "tag", "taxonomy");
}

}  // namespace lodestone::rules::detail
