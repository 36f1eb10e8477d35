#include "layout.hpp"

#include <vector>

#include "utf8_cut.hpp"

namespace lodestone::notify::detail {
namespace {

// A piece of the text: its plain text and how it is marked up, so that the text can be cut
// before the markup goes round it.
struct Piece {
  std::string text;
  std::function<std::string(std::string_view)> render;
};

struct Block {
  std::vector<Piece> pieces;
  std::string link;  // the section's link line, kept when the block is cut
};

std::vector<Block> blocks_of(const Message& m, const Markup& markup) {
  std::vector<Block> blocks;
  Block lead;
  if (m.title_heading) {
    Section none;
    none.severity = m.severity;
    none.resolved = m.tone == Tone::Resolved;
    lead.pieces.push_back({m.title, [&markup, none](std::string_view t) { return markup.heading(t, none); }});
  }
  for (const auto& p : m.intro) lead.pieces.push_back({p, markup.paragraph});
  if (!lead.pieces.empty()) blocks.push_back(std::move(lead));
  for (std::size_t i = 0; i < m.sections.size(); ++i) {
    const Section& s = m.sections[i];
    Block b;
    const std::string gap = i == 0 ? std::string() : markup.gap;
    if (m.compact) {
      b.pieces.push_back({s.heading, [&markup, &s](std::string_view t) { return markup.item(t, s.link, s); }});
      blocks.push_back(std::move(b));
      continue;
    }
    b.pieces.push_back({s.heading, [&markup, &s, gap](std::string_view t) { return gap + markup.heading(t, s); }});
    if (!s.quote.empty()) b.pieces.push_back({s.quote, markup.quote});
    for (const auto& f : s.fields) {
      b.pieces.push_back({f.value, [&markup, &f](std::string_view v) { return markup.field(f.label, v); }});
    }
    if (!s.link.empty()) b.link = markup.link(s.link_text, s.link);
    blocks.push_back(std::move(b));
  }
  if (m.compact && !m.sections.empty()) {
    // A list ends before what follows (markdown would take the next line into the last item).
    Block list_end;
    list_end.pieces.push_back({std::string(), [&markup](std::string_view) { return markup.gap; }});
    blocks.push_back(std::move(list_end));
  }
  Block end;
  for (const auto& p : m.outro) end.pieces.push_back({p, markup.paragraph});
  if (!end.pieces.empty()) blocks.push_back(std::move(end));
  return blocks;
}

}  // namespace

std::string lay_out(const Message& message, const Markup& markup, const Budget& budget, std::string_view tail) {
  const auto blocks = blocks_of(message, markup);
  std::string full_tail = message.footer.empty() ? std::string() : markup.paragraph(message.footer);
  full_tail.append(tail);

  std::string whole;
  for (const auto& b : blocks) {
    for (const auto& p : b.pieces) whole += p.render(p.text);
    whole += b.link;
  }
  whole += full_tail;
  if (budget.measure(whole) <= budget.limit) return whole;

  // Too long: pieces in order while they fit with room for the marker, the block's link and the
  // tail; the first that does not fit is cut with the marker, and nothing after it is kept.
  const std::size_t tail_size = budget.measure(full_tail);
  const std::string marker_line = markup.paragraph(kCutMarker);
  const std::size_t marker_size = budget.measure(marker_line);
  std::string out;
  std::size_t used = 0;
  for (const auto& b : blocks) {
    const std::size_t link_size = budget.measure(b.link);
    const std::size_t reserve = link_size + tail_size + marker_size;
    for (const auto& p : b.pieces) {
      const std::string rendered = p.render(p.text);
      const std::size_t size = budget.measure(rendered);
      if (used + size + reserve <= budget.limit) {
        out += rendered;
        used += size;
        continue;
      }
      // The longest prefix of this piece's text that fits with the marker after it.
      const std::size_t room =
          budget.limit > used + link_size + tail_size ? budget.limit - used - link_size - tail_size : 0;
      const std::size_t keep = longest_prefix(p.text, room, [&](std::string_view prefix) {
        return budget.measure(p.render(std::string(prefix) + std::string(kCutMarker)));
      });
      if (keep > 0) {
        out += p.render(std::string(p.text.substr(0, keep)) + std::string(kCutMarker));
      } else if (marker_size <= room) {
        out += marker_line;
      }
      out += b.link;
      out += full_tail;
      if (budget.measure(out) <= budget.limit) return out;
      // Only a tail (mentions) larger than the limit gets here: cut the text as a whole.
      const std::size_t n = longest_prefix(out, budget.limit, budget.measure);
      return out.substr(0, n);
    }
    out += b.link;
    used += link_size;
  }
  out += full_tail;  // unreachable in practice: the whole did not fit, so some piece did not
  const std::size_t n = longest_prefix(out, budget.limit, budget.measure);
  return out.substr(0, n);
}

std::size_t utf16_count(std::string_view text) { return measure(text, Unit::Utf16); }

const Markup& plain_markup() {
  static const Markup kPlain{
      [](std::string_view text, const Section&) { return std::string(text) + "\n"; },
      [](std::string_view label, std::string_view value) {
        return std::string(label) + ": " + std::string(value) + "\n";
      },
      [](std::string_view text) { return std::string(text) + "\n"; },
      [](std::string_view text, std::string_view url) { return std::string(text) + ": " + std::string(url) + "\n"; },
      [](std::string_view text, std::string_view url, const Section&) {
        return "- " + std::string(text) + (url.empty() ? std::string() : " " + std::string(url)) + "\n";
      },
      [](std::string_view text) { return std::string(text) + "\n"; },
      "\n",
  };
  return kPlain;
}

std::string neutralise_markdown(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '*':
        out += "＊";
        break;
      case '_':
        out += "＿";
        break;
      case '`':
        out += "｀";
        break;
      case '[':
        out += "［";
        break;
      case ']':
        out += "］";
        break;
      case '<':
        out += "＜";
        break;
      case '>':
        out += "＞";
        break;
      case '~':
        out += "～";
        break;
      case '#':
        out += "＃";
        break;
      default:
        out += c;
    }
  }
  return out;
}

}  // namespace lodestone::notify::detail
