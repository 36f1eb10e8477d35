// A headline filter: the keyword sets, tags, direction and sources a headline must (or must not)
// have, for a headline rule (`headline:`) or for what explains a move (`explain:`).
#include "parse_context.hpp"

namespace lodestone::rules::detail {

std::optional<HeadlineFilter> parse_filter(ParseContext& ctx, const Node& node, const std::string& what,
                                           bool symbols_allowed) {
  if (!ctx.check_map(node, what,
                     {"keywords", "all_keywords", "exclude_keywords", "tags", "direction", "sources", "exclude_sources",
                      "symbols", "mentions"}))
    return std::nullopt;
  HeadlineFilter f;
  const auto before = ctx.error_count();
  if (const Node* n = node.find("keywords"))
    if (auto v = ctx.keyword_sets(*n, what + " keywords")) f.any_keywords = std::move(*v);
  if (const Node* n = node.find("all_keywords"))
    if (auto v = ctx.keyword_sets(*n, what + " all_keywords")) f.all_keywords = std::move(*v);
  if (const Node* n = node.find("exclude_keywords"))
    if (auto v = ctx.keyword_sets(*n, what + " exclude_keywords")) f.exclude_keywords = std::move(*v);
  if (const Node* n = node.find("tags"))
    if (auto v = ctx.tags(*n, what + " tags")) f.any_tags = std::move(*v);
  if (const Node* n = node.find("direction"))
    if (auto d = ctx.choice(*n, what + " direction", {"supportive", "adverse"}))
      f.direction = *d == 0 ? Direction::Supportive : Direction::Adverse;
  if (const Node* n = node.find("sources"))
    if (auto v = ctx.text_list(*n, what + " sources")) f.sources = std::move(*v);
  if (const Node* n = node.find("exclude_sources"))
    if (auto v = ctx.text_list(*n, what + " exclude_sources")) f.exclude_sources = std::move(*v);
  if (const Node* n = node.find("mentions"))
    if (auto b = ctx.boolean(*n, what + " mentions")) f.mentions = *b;
  if (const Node* n = node.find("symbols")) {
    if (!symbols_allowed)
      ctx.error(*n, what +
                        ": symbols belong in the rule's trigger (move, price, ...); use mentions: true to "
                        "require the headline to name the symbol");
    else if (auto v = ctx.symbols(*n, what + " symbols"))
      f.symbols = std::move(*v);
  }
  if (ctx.error_count() != before) return std::nullopt;
  return f;
}

}  // namespace lodestone::rules::detail
