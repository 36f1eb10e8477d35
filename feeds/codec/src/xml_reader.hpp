#pragma once
// A small, tolerant XML reader for the shapes news feeds use (RSS 2.0, Atom): elements,
// attributes, text, CDATA, entities. No DTDs, no namespaces beyond dropping the prefix.
// Malformed nesting is repaired the way browsers read feeds: a stray end tag closes up to
// its match, and what is open at the end is closed and marked incomplete (the text was cut).
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lodestone/core/result.hpp"

namespace lodestone::feeds::detail {

struct XmlNode {
  std::string name;  // local name, prefix dropped ("dc:date" -> "date")
  std::vector<std::pair<std::string, std::string>> attributes;
  std::string text;  // text and CDATA directly inside, entities decoded
  std::vector<XmlNode> children;
  bool complete = true;  // false: the text ended before this element's end tag

  [[nodiscard]] const XmlNode* child(std::string_view local_name) const;
  [[nodiscard]] std::string_view attribute(std::string_view local_name) const;
};

struct XmlLimits {
  std::size_t max_depth = 64;
  std::size_t max_nodes = 200'000;
};

// The document element, or an error when there is none or a limit is exceeded.
Result<XmlNode> parse_xml(std::string_view xml, XmlLimits limits = {});

}  // namespace lodestone::feeds::detail
