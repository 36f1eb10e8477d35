#include "xml_reader.hpp"

#include "lodestone/feeds/text_clean.hpp"

namespace lodestone::feeds::detail {
namespace {

bool name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ':' || c == '_' ||
         c == '-' || c == '.' || static_cast<unsigned char>(c) >= 0x80;
}

bool space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string local(std::string_view qname) {
  const std::size_t colon = qname.rfind(':');
  return std::string(colon == std::string_view::npos ? qname : qname.substr(colon + 1));
}

}  // namespace

const XmlNode* XmlNode::child(std::string_view local_name) const {
  for (const auto& c : children)
    if (c.name == local_name) return &c;
  return nullptr;
}

std::string_view XmlNode::attribute(std::string_view local_name) const {
  for (const auto& [k, v] : attributes)
    if (k == local_name) return v;
  return {};
}

Result<XmlNode> parse_xml(std::string_view xml, XmlLimits limits) {
  std::vector<XmlNode> stack;
  std::vector<XmlNode> roots;
  std::size_t nodes = 0;
  auto close_top = [&] {
    XmlNode done = std::move(stack.back());
    stack.pop_back();
    if (stack.empty()) {
      roots.push_back(std::move(done));
    } else {
      stack.back().children.push_back(std::move(done));
    }
  };
  std::size_t i = 0;
  while (i < xml.size()) {
    if (xml[i] != '<') {
      const std::size_t next = xml.find('<', i);
      const std::string_view text = xml.substr(i, next == std::string_view::npos ? std::string_view::npos : next - i);
      if (!stack.empty()) stack.back().text += decode_entities(text);
      if (next == std::string_view::npos) break;
      i = next;
      continue;
    }
    if (xml.compare(i, 9, "<![CDATA[") == 0) {
      const std::size_t end = xml.find("]]>", i + 9);
      const std::string_view data =
          xml.substr(i + 9, end == std::string_view::npos ? std::string_view::npos : end - i - 9);
      if (!stack.empty()) stack.back().text += data;
      i = end == std::string_view::npos ? xml.size() : end + 3;
      continue;
    }
    if (xml.compare(i, 4, "<!--") == 0) {
      const std::size_t end = xml.find("-->", i + 4);
      i = end == std::string_view::npos ? xml.size() : end + 3;
      continue;
    }
    if (xml.compare(i, 2, "<?") == 0 || xml.compare(i, 2, "<!") == 0) {  // declaration, DOCTYPE
      const std::size_t end = xml.find('>', i + 2);
      i = end == std::string_view::npos ? xml.size() : end + 1;
      continue;
    }
    if (xml.compare(i, 2, "</") == 0) {
      std::size_t j = i + 2;
      while (j < xml.size() && name_char(xml[j])) ++j;
      const std::string name = local(xml.substr(i + 2, j - i - 2));
      const std::size_t end = xml.find('>', j);
      i = end == std::string_view::npos ? xml.size() : end + 1;
      // Close up to the matching element; an end tag that matches nothing open is ignored.
      std::size_t match = stack.size();
      while (match > 0 && stack[match - 1].name != name) --match;
      if (match == 0) continue;
      while (stack.size() >= match) close_top();
      continue;
    }
    // A start tag.
    std::size_t j = i + 1;
    while (j < xml.size() && name_char(xml[j])) ++j;
    if (j == i + 1) {  // "<" that starts no tag: text
      if (!stack.empty()) stack.back().text.push_back('<');
      ++i;
      continue;
    }
    if (++nodes > limits.max_nodes)
      return make_error(ErrorCode::bad_xml, "XML has more than " + std::to_string(limits.max_nodes) + " elements");
    if (stack.size() >= limits.max_depth)
      return make_error(ErrorCode::bad_xml, "XML nests deeper than " + std::to_string(limits.max_depth));
    XmlNode node;
    node.name = local(xml.substr(i + 1, j - i - 1));
    bool self_closing = false;
    while (j < xml.size()) {
      while (j < xml.size() && space(xml[j])) ++j;
      if (j >= xml.size()) break;
      if (xml[j] == '>') {
        ++j;
        break;
      }
      if (xml[j] == '/') {
        self_closing = true;
        ++j;
        continue;
      }
      std::size_t k = j;
      while (k < xml.size() && name_char(xml[k])) ++k;
      if (k == j) {  // junk inside the tag: skip a character
        ++j;
        continue;
      }
      std::string attr = local(xml.substr(j, k - j));
      j = k;
      while (j < xml.size() && space(xml[j])) ++j;
      std::string value;
      if (j < xml.size() && xml[j] == '=') {
        ++j;
        while (j < xml.size() && space(xml[j])) ++j;
        if (j < xml.size() && (xml[j] == '"' || xml[j] == '\'')) {
          const char q = xml[j];
          const std::size_t end = xml.find(q, j + 1);
          value =
              decode_entities(xml.substr(j + 1, end == std::string_view::npos ? std::string_view::npos : end - j - 1));
          j = end == std::string_view::npos ? xml.size() : end + 1;
        } else {
          std::size_t end = j;
          while (end < xml.size() && !space(xml[end]) && xml[end] != '>') ++end;
          value = decode_entities(xml.substr(j, end - j));
          j = end;
        }
      }
      node.attributes.emplace_back(std::move(attr), std::move(value));
    }
    i = j;
    stack.push_back(std::move(node));
    if (self_closing) close_top();
  }
  // What is still open at the end was cut short (a truncated transfer, or a sloppy feed): closed
  // here, and marked, so the caller can refuse an item whose text may end mid-word.
  while (!stack.empty()) {
    stack.back().complete = false;
    close_top();
  }
  if (roots.empty()) return make_error(ErrorCode::bad_xml, "no XML element");
  return std::move(roots.front());
}

}  // namespace lodestone::feeds::detail
