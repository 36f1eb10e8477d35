#include "lodestone/feeds/news_xml.hpp"

#include "lodestone/feeds/text_clean.hpp"
#include "parse_util.hpp"
#include "xml_reader.hpp"

namespace lodestone::feeds {
namespace {

using detail::make_problem;
using detail::XmlNode;

void append_inner_text(const XmlNode& n, std::string& out) {
  out += n.text;
  for (const auto& c : n.children) append_inner_text(c, out);
}

// All text inside the element (XHTML content in Atom comes as child elements).
std::string text_of(const XmlNode& parent, std::string_view name) {
  const XmlNode* n = parent.child(name);
  std::string out;
  if (n != nullptr) append_inner_text(*n, out);
  return out;
}

std::string atom_link(const XmlNode& entry) {
  std::string any;
  for (const auto& c : entry.children) {
    if (c.name != "link") continue;
    const std::string_view rel = c.attribute("rel");
    if (rel.empty() || rel == "alternate") return std::string(c.attribute("href"));
    if (any.empty()) any = std::string(c.attribute("href"));
  }
  return any;
}

void add_item(const XmlNode& item, bool atom, std::string_view source, HeadlineBatch& out) {
  if (!item.complete) {
    // The document ends inside this item: its title may be cut mid-word ("稀土出口管" for
    // "稀土出口管制"), which would read as another headline. Complete items before it stand.
    out.problems.push_back(
        make_problem(ErrorCode::truncated, "the document ends inside an item", text_of(item, "title")));
    return;
  }
  Headline h;
  h.source = std::string(source);
  h.title = strip_html(text_of(item, "title"));
  std::string body = atom ? text_of(item, "summary") : text_of(item, "description");
  if (body.empty()) body = text_of(item, "content");
  if (body.empty()) body = text_of(item, "encoded");  // content:encoded
  h.body = strip_html(body);
  h.url = atom ? atom_link(item) : std::string(detail::trim(text_of(item, "link")));
  h.id = std::string(detail::trim(atom ? text_of(item, "id") : text_of(item, "guid")));
  if (h.id.empty()) h.id = h.url;
  const std::string sample = h.title.empty() ? h.url : h.title;
  if (h.title.empty()) {
    if (h.body.empty()) {
      out.problems.push_back(make_problem(ErrorCode::missing_title, "item has neither title nor text", sample));
      return;
    }
    h.title = truncate_utf8(h.body, 60);
  }
  if (h.id.empty()) h.id = normalize_title(h.title);
  if (h.id.empty()) h.id = h.title;  // punctuation alone normalizes to nothing, yet still names the item
  std::string when;
  for (std::string_view name : atom ? std::initializer_list<std::string_view>{"published", "updated", "date"}
                                    : std::initializer_list<std::string_view>{"pubDate", "date", "published"}) {
    when = std::string(detail::trim(text_of(item, name)));
    if (!when.empty()) break;
  }
  auto ts = detail::parse_any_time(when);
  if (!ts) {
    out.problems.push_back(make_problem(ErrorCode::bad_time, ts.error().message, sample));
    return;
  }
  h.ts = *ts;
  h.lang = "zh";
  out.headlines.push_back(std::move(h));
}

}  // namespace

Charset xml_declared_charset(std::string_view bytes, Charset fallback) {
  if (bytes.substr(0, 5) != "<?xml") return fallback;
  const std::size_t end = bytes.find("?>");
  const std::string_view decl = bytes.substr(0, end);
  const std::size_t enc = decl.find("encoding=");
  if (enc == std::string_view::npos || enc + 10 > decl.size()) return fallback;
  const char q = decl[enc + 9];
  const std::size_t close = decl.find(q, enc + 10);
  if (close == std::string_view::npos) return fallback;
  return charset_from_content_type("charset=" + std::string(decl.substr(enc + 10, close - enc - 10)), fallback);
}

void parse_news_xml(std::string_view xml_utf8, std::string_view source, HeadlineBatch& out) {
  auto doc = detail::parse_xml(xml_utf8);
  if (!doc) {
    out.problems.push_back(make_problem(ErrorCode::bad_xml, doc.error().message, xml_utf8));
    return;
  }
  const XmlNode& root = *doc;
  if (root.name == "feed") {
    const std::string name = source.empty() ? strip_html(text_of(root, "title")) : std::string(source);
    for (const auto& c : root.children)
      if (c.name == "entry") add_item(c, true, name, out);
    return;
  }
  const XmlNode* channel = root.name == "channel" ? &root : root.child("channel");
  if (root.name != "rss" && root.name != "RDF" && channel == nullptr) {
    out.problems.push_back(
        make_problem(ErrorCode::bad_xml, "neither RSS nor Atom (root <" + root.name + ">)", xml_utf8));
    return;
  }
  const std::string name =
      source.empty() && channel != nullptr ? strip_html(text_of(*channel, "title")) : std::string(source);
  // RSS 2.0 puts items in the channel; RSS 1.0 (RDF) beside it.
  for (const XmlNode* parent : {channel, &root}) {
    if (parent == nullptr) continue;
    for (const auto& c : parent->children)
      if (c.name == "item") add_item(c, false, name, out);
    if (parent == channel && channel == &root) break;
  }
}

}  // namespace lodestone::feeds
