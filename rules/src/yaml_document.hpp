#pragma once
// A rules file as a small tree of YAML nodes that remember where they were written, built
// from yaml-cpp's event parser. Keeping positions on every node (keys included) is what lets
// each diagnostic point at the exact line and column; anchors and aliases are refused so the
// tree is always a tree.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "lodestone/rules/diagnostic.hpp"

namespace lodestone::rules::yaml {

struct Position {
  int line = 0;  // 1-based
  int column = 0;
};

struct Node {
  enum class Kind : unsigned char { Null, Scalar, Sequence, Map };
  Kind kind = Kind::Null;
  Position pos;
  std::string text;     // scalars
  bool quoted = false;  // scalars written in quotes (or with an explicit tag)
  // Sequence: the items. Map: keys and values alternating (key0, value0, key1, value1, ...).
  std::vector<Node> items;

  [[nodiscard]] bool is_null() const { return kind == Kind::Null; }
  [[nodiscard]] bool is_scalar() const { return kind == Kind::Scalar; }
  [[nodiscard]] bool is_sequence() const { return kind == Kind::Sequence; }
  [[nodiscard]] bool is_map() const { return kind == Kind::Map; }
  [[nodiscard]] std::size_t map_size() const { return items.size() / 2; }
  [[nodiscard]] const Node& key(std::size_t i) const { return items[2 * i]; }
  [[nodiscard]] const Node& value(std::size_t i) const { return items[2 * i + 1]; }
  // The value under a plain-text key, or nullptr.
  [[nodiscard]] const Node* find(std::string_view key) const;
};

std::string_view describe(Node::Kind kind);  // "a mapping", "a list", "text", "nothing"

struct Document {
  Node root;
  std::vector<Diagnostic> errors;  // syntax errors; the tree is unusable when there are any
};

// Rules files above this size are refused before parsing.
inline constexpr std::size_t kMaxDocumentBytes = 1 << 20;

Document parse_document(std::string_view text, std::string_view file_name);

}  // namespace lodestone::rules::yaml
