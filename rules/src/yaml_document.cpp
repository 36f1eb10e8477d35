#include "yaml_document.hpp"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include <cstdint>
#include <sstream>
#include <utility>

namespace lodestone::rules::yaml {
namespace {

Position position(const YAML::Mark& m) {
  if (m.is_null()) return {};
  return {m.line + 1, m.column + 1};
}

// Builds the tree from parser events. Containers under construction live on a stack and are
// moved into their parent when they end.
class TreeBuilder final : public YAML::EventHandler {
 public:
  TreeBuilder(Document& doc, std::string_view file) : doc_(doc), file_(file) {}

  void OnDocumentStart(const YAML::Mark& mark) override {
    if (++documents_ > 1) error(mark, "a rules file holds one YAML document; remove the '---' separator");
  }
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    check_anchor(mark, anchor);
    Node n;
    n.kind = Node::Kind::Null;
    n.pos = position(mark);
    attach(std::move(n));
  }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override {
    error(mark, "aliases (*name) are not supported in rules files; write the value out");
    Node n;
    n.pos = position(mark);
    attach(std::move(n));
  }
  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    check_anchor(mark, anchor);
    Node n;
    n.kind = Node::Kind::Scalar;
    n.pos = position(mark);
    n.text = value;
    n.quoted = tag != "?";
    attach(std::move(n));
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    open(mark, anchor, Node::Kind::Sequence);
  }
  void OnSequenceEnd() override { close(); }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    open(mark, anchor, Node::Kind::Map);
  }
  void OnMapEnd() override { close(); }

 private:
  void error(const YAML::Mark& mark, std::string message) {
    const auto p = position(mark);
    doc_.errors.push_back({std::string(file_), p.line, p.column, std::move(message)});
  }
  void check_anchor(const YAML::Mark& mark, YAML::anchor_t anchor) {
    if (anchor != YAML::NullAnchor) error(mark, "anchors (&name) are not supported in rules files");
  }
  void open(const YAML::Mark& mark, YAML::anchor_t anchor, Node::Kind kind) {
    check_anchor(mark, anchor);
    Node n;
    n.kind = kind;
    n.pos = position(mark);
    stack_.push_back(std::move(n));
  }
  void close() {
    Node n = std::move(stack_.back());
    stack_.pop_back();
    attach(std::move(n));
  }
  void attach(Node n) {
    if (documents_ > 1) return;
    if (stack_.empty()) {
      doc_.root = std::move(n);
      return;
    }
    Node& parent = stack_.back();
    if (parent.is_map() && parent.items.size() % 2 == 0 && !n.is_scalar()) {
      error_at(n.pos, "keys must be plain text, not " + std::string(describe(n.kind)));
    }
    parent.items.push_back(std::move(n));
  }
  void error_at(Position p, std::string message) {
    doc_.errors.push_back({std::string(file_), p.line, p.column, std::move(message)});
  }

  Document& doc_;
  std::string_view file_;
  std::vector<Node> stack_;
  int documents_ = 0;
};

// The first byte that is not well-formed UTF-8 or is a control character YAML forbids (tab,
// line feed and carriage return are allowed), or npos. yaml-cpp 0.7 can loop forever on some
// invalid bytes, so they never reach it.
std::size_t first_bad_byte(std::string_view text, std::string& why) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f) {
        why = "control character";
        return i;
      }
      ++i;
      continue;
    }
    std::size_t len = 0;
    std::uint32_t cp = 0;
    if ((c & 0xe0) == 0xc0) {
      len = 2;
      cp = c & 0x1f;
    } else if ((c & 0xf0) == 0xe0) {
      len = 3;
      cp = c & 0x0f;
    } else if ((c & 0xf8) == 0xf0) {
      len = 4;
      cp = c & 0x07;
    } else {
      why = "invalid UTF-8";
      return i;
    }
    if (i + len > text.size()) {
      why = "truncated UTF-8";
      return i;
    }
    for (std::size_t k = 1; k < len; ++k) {
      const auto cc = static_cast<unsigned char>(text[i + k]);
      if ((cc & 0xc0) != 0x80) {
        why = "invalid UTF-8";
        return i;
      }
      cp = (cp << 6) | (cc & 0x3f);
    }
    const bool overlong = (len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000);
    if (overlong || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
      why = "invalid UTF-8";
      return i;
    }
    i += len;
  }
  return std::string_view::npos;
}

Position position_of(std::string_view text, std::size_t offset) {
  Position p{1, 1};
  for (std::size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++p.line;
      p.column = 1;
    } else {
      ++p.column;
    }
  }
  return p;
}

}  // namespace

const Node* Node::find(std::string_view k) const {
  if (!is_map()) return nullptr;
  for (std::size_t i = 0; i < map_size(); ++i)
    if (key(i).is_scalar() && key(i).text == k) return &value(i);
  return nullptr;
}

std::string_view describe(Node::Kind kind) {
  switch (kind) {
    case Node::Kind::Null:
      return "nothing";
    case Node::Kind::Scalar:
      return "text";
    case Node::Kind::Sequence:
      return "a list";
    case Node::Kind::Map:
      return "a mapping";
  }
  return "?";
}

Document parse_document(std::string_view text, std::string_view file_name) {
  Document doc;
  if (text.size() > kMaxDocumentBytes) {
    doc.errors.push_back({std::string(file_name), 0, 0,
                          "file is " + std::to_string(text.size()) + " bytes; rules files are limited to " +
                              std::to_string(kMaxDocumentBytes) + " bytes"});
    return doc;
  }
  std::string why;
  if (const auto bad = first_bad_byte(text, why); bad != std::string_view::npos) {
    const auto p = position_of(text, bad);
    doc.errors.push_back({std::string(file_name), p.line, p.column,
                          why + " at byte " + std::to_string(bad) + " (rules files are UTF-8 text)"});
    return doc;
  }
  // yaml-cpp throws on malformed input: this is the boundary where that becomes a diagnostic.
  try {
    std::istringstream in{std::string(text)};
    YAML::Parser parser(in);
    TreeBuilder builder(doc, file_name);
    // The first document, and a second only to report it.
    if (parser.HandleNextDocument(builder)) (void)parser.HandleNextDocument(builder);
  } catch (const YAML::Exception& e) {
    const auto p = position(e.mark);
    doc.errors.push_back({std::string(file_name), p.line, p.column, "YAML syntax: " + e.msg});
  } catch (const std::exception& e) {
    doc.errors.push_back({std::string(file_name), 0, 0, std::string("YAML syntax: ") + e.what()});
  }
  return doc;
}

}  // namespace lodestone::rules::yaml
