#include "config_reader.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "lodestone/core/time.hpp"

namespace lodestone::notify::detail {
namespace {

// The code point at `i` and its length in bytes; length 0 when the bytes are not UTF-8.
std::pair<std::uint32_t, std::size_t> decode_utf8(std::string_view s, std::size_t i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) return {b0, 1};
  std::size_t len = 0;
  std::uint32_t cp = 0;
  if ((b0 & 0xE0) == 0xC0) {
    len = 2;
    cp = b0 & 0x1Fu;
  } else if ((b0 & 0xF0) == 0xE0) {
    len = 3;
    cp = b0 & 0x0Fu;
  } else if ((b0 & 0xF8) == 0xF0) {
    len = 4;
    cp = b0 & 0x07u;
  } else {
    return {0, 0};
  }
  if (i + len > s.size()) return {0, 0};
  for (std::size_t k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) return {0, 0};
    cp = (cp << 6) | (b & 0x3Fu);
  }
  constexpr std::uint32_t kShortest[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kShortest[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return {0, 0};
  return {cp, len};
}

std::string list(std::initializer_list<std::string_view> names) {
  std::string out;
  for (const auto name : names) {
    if (!out.empty()) out += ", ";
    out += name;
  }
  return out;
}

}  // namespace

std::string unprintable(std::string_view value) {
  std::size_t chars = 0;
  for (std::size_t i = 0; i < value.size();) {
    ++chars;
    const auto [cp, len] = decode_utf8(value, i);
    if (len == 0) return "bytes that are not UTF-8 at character " + std::to_string(chars);
    // C0 and C1 controls, DEL, and the bidirectional overrides that make text read otherwise
    // than it is stored.
    if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0) || (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069)) {
      char code[16];
      std::snprintf(code, sizeof code, "U+%04X", cp);
      return std::string("control character ") + code + " at character " + std::to_string(chars);
    }
    i += len;
  }
  return {};
}

Error ConfigReader::error_at(const YAML::Mark& mark, std::string_view what) const {
  if (mark.is_null() || mark.line < 0) return make_error(ErrorCode::bad_config, file_ + ": " + std::string(what));
  int column = mark.column + 1;
  if (text_) {
    // Count characters, not bytes, from the start of the mark's line.
    const std::string_view text = *text_;
    std::size_t line_start = 0;
    for (int line = 0; line < mark.line; ++line) {
      const auto nl = text.find('\n', line_start);
      if (nl == std::string_view::npos) break;
      line_start = nl + 1;
    }
    const std::size_t end = std::min(text.size(), line_start + static_cast<std::size_t>(std::max(mark.column, 0)));
    column = 1;
    for (std::size_t i = line_start; i < end; ++i) column += (static_cast<unsigned char>(text[i]) & 0xC0) != 0x80;
  }
  return make_error(ErrorCode::bad_config, file_ + ":" + std::to_string(mark.line + 1) + ":" + std::to_string(column) +
                                               ": " + std::string(what));
}

Error ConfigReader::error(const YAML::Node& node, std::string_view what) const { return error_at(node.Mark(), what); }

Status ConfigReader::keys(const YAML::Node& map, std::initializer_list<std::string_view> known,
                          std::string_view section) const {
  if (!map.IsMap()) return error(map, std::string(section) + " must be a mapping of " + list(known));
  std::vector<std::string> seen;
  for (const auto& kv : map) {
    if (!kv.first.IsScalar()) return error(kv.first, std::string(section) + ": a key must be a name");
    const std::string& key = kv.first.Scalar();
    if (std::find(known.begin(), known.end(), key) == known.end()) {
      const auto why = unprintable(key);
      const std::string shown =
          why.empty() && key.size() <= 64 ? "'" + key + "'" : "(" + (why.empty() ? "too long" : why) + ")";
      return error(kv.first,
                   "unknown key " + shown + " in " + std::string(section) + " (expected one of: " + list(known) + ")");
    }
    if (std::find(seen.begin(), seen.end(), key) != seen.end())
      return error(kv.first, std::string(section) + ": '" + key + "' is given twice");
    seen.push_back(key);
  }
  return {};
}

std::optional<YAML::Node> ConfigReader::find(const YAML::Node& map, std::string_view key) {
  if (!map.IsMap()) return std::nullopt;
  for (const auto& kv : map)
    if (kv.first.IsScalar() && kv.first.Scalar() == key) return kv.second;
  return std::nullopt;
}

Result<std::string> ConfigReader::text(const YAML::Node& node, std::string_view what, std::size_t max_chars) const {
  if (!node.IsScalar()) return error(node, std::string(what) + " must be text");
  // An unquoted value starting with '!' is a YAML tag, and the value left is empty: `symbol:
  // !600111.SH` would silently match the alerts without a symbol.
  if (const auto& tag = node.Tag(); !tag.empty() && tag != "?" && tag != "!" && tag != "tag:yaml.org,2002:str")
    return error(node,
                 std::string(what) + " starts with '!', which YAML reads as a tag: quote it, e.g. \"!600111.SH\"");
  const std::string& value = node.Scalar();
  if (const auto why = unprintable(value); !why.empty()) return error(node, std::string(what) + " holds " + why);
  std::size_t chars = 0;
  for (const char c : value) chars += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  if (chars > max_chars)
    return error(node, std::string(what) + " is longer than " + std::to_string(max_chars) + " characters");
  return value;
}

Result<std::vector<std::string>> ConfigReader::texts(const YAML::Node& node, std::string_view what,
                                                     std::size_t max_chars) const {
  if (!node.IsSequence()) return error(node, std::string(what) + " must be a list, e.g. [a, b]");
  std::vector<std::string> out;
  for (const auto& item : node) {
    auto value = text(item, what, max_chars);
    if (!value) return value.error();
    out.push_back(std::move(*value));
  }
  return out;
}

Result<bool> ConfigReader::boolean(const YAML::Node& node, std::string_view what) const {
  bool value = false;
  if (!node.IsScalar() || !YAML::convert<bool>::decode(node, value))
    return error(node, std::string(what) + " must be true or false");
  return value;
}

Result<std::chrono::milliseconds> ConfigReader::duration(const YAML::Node& node, std::string_view what,
                                                         std::chrono::milliseconds min,
                                                         std::chrono::milliseconds max) const {
  const std::string expected = " must be a duration from " + format_duration(min.count()) + " to " +
                               format_duration(max.count()) + " such as 500ms, 30s, 5m, 4h or 1d";
  if (!node.IsScalar() || !unprintable(node.Scalar()).empty()) return error(node, std::string(what) + expected);
  const auto ms = parse_duration_ms(node.Scalar());
  if (!ms) return error(node, std::string(what) + ": " + ms.error().message);
  if (*ms < min.count() || *ms > max.count()) return error(node, std::string(what) + expected);
  return std::chrono::milliseconds(*ms);
}

Result<double> ConfigReader::number(const YAML::Node& node, std::string_view what, double min, double max) const {
  double value = 0;
  if (!node.IsScalar() || !YAML::convert<double>::decode(node, value) || !std::isfinite(value) || value < min ||
      value > max) {
    char range[64];
    std::snprintf(range, sizeof range, "%g to %g", min, max);
    return error(node, std::string(what) + " must be a number from " + range);
  }
  return value;
}

}  // namespace lodestone::notify::detail
