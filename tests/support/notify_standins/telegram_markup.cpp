#include "telegram_markup.hpp"

#include <algorithm>
#include <cctype>
#include <vector>

namespace lodestone::testing {

namespace {

enum class Entity : std::uint8_t { Bold, Italic, Underline, Strikethrough, Spoiler, Code, Pre, TextUrl };

std::string_view name(Entity e) {
  switch (e) {
    case Entity::Bold:
      return "Bold";
    case Entity::Italic:
      return "Italic";
    case Entity::Underline:
      return "Underline";
    case Entity::Strikethrough:
      return "Strikethrough";
    case Entity::Spoiler:
      return "Spoiler";
    case Entity::Code:
      return "Code";
    case Entity::Pre:
      return "Pre";
    case Entity::TextUrl:
      return "TextUrl";
  }
  return "?";
}

ParsedMarkup fail(std::string error) { return ParsedMarkup{false, {}, std::move(error)}; }

char at(std::string_view s, std::size_t i) { return i < s.size() ? s[i] : '\0'; }

}  // namespace

ParsedMarkup parse_markdown_v2(std::string_view in) {
  struct Open {
    Entity type;
    std::size_t byte_offset;
  };
  std::vector<Open> open;
  std::string out;
  for (std::size_t i = 0; i < in.size(); ++i) {
    const char c = in[i];
    // Any character 1-126 may be escaped, anywhere.
    if (c == '\\' && at(in, i + 1) > 0 && at(in, i + 1) <= 126) {
      out += in[++i];
      continue;
    }
    const bool in_code = !open.empty() && (open.back().type == Entity::Code || open.back().type == Entity::Pre);
    const std::string_view reserved = in_code ? "`" : "_*[]()~`>#+-=|{}.!";
    if (reserved.find(c) == std::string_view::npos) {
      out += c;
      continue;
    }
    // '>' starting a line opens a quote (and "**>" an expandable one): markup, not text.
    if (c == '>' && (i == 0 || in[i - 1] == '\n')) continue;
    bool closes = false;
    if (!open.empty()) {
      switch (open.back().type) {
        case Entity::Bold:
          closes = c == '*';
          break;
        case Entity::Italic:
          closes = c == '_' && at(in, i + 1) != '_';
          break;
        case Entity::Underline:
          closes = c == '_' && at(in, i + 1) == '_';
          break;
        case Entity::Strikethrough:
          closes = c == '~';
          break;
        case Entity::Spoiler:
          closes = c == '|' && at(in, i + 1) == '|';
          break;
        case Entity::Code:
          closes = c == '`';
          break;
        case Entity::Pre:
          closes = c == '`' && at(in, i + 1) == '`' && at(in, i + 2) == '`';
          break;
        case Entity::TextUrl:
          closes = c == ']';
          break;
      }
    }
    if (!closes) {
      const std::size_t begin = i;
      Entity type{};
      switch (c) {
        case '_':
          if (at(in, i + 1) == '_') {
            type = Entity::Underline;
            ++i;
          } else {
            type = Entity::Italic;
          }
          break;
        case '*':
          type = Entity::Bold;
          break;
        case '~':
          type = Entity::Strikethrough;
          break;
        case '[':
          type = Entity::TextUrl;
          break;
        case '|':
          if (at(in, i + 1) != '|')
            return fail("Character '|' is reserved and must be escaped with the preceding '\\'");
          type = Entity::Spoiler;
          ++i;
          break;
        case '`':
          if (at(in, i + 1) == '`' && at(in, i + 2) == '`') {
            type = Entity::Pre;
            i += 3;
            // An optional language up to the first space or newline, then one newline skipped.
            std::size_t end = i;
            while (end < in.size() && !std::isspace(static_cast<unsigned char>(in[end])) && in[end] != '`') ++end;
            if (end != i && end < in.size() && in[end] != '`') i = end;
            if (at(in, i) == '\r' && at(in, i + 1) == '\n') {
              i += 2;
            } else if (at(in, i) == '\n' || at(in, i) == '\r') {
              ++i;
            }
            --i;
          } else {
            type = Entity::Code;
          }
          break;
        default:
          return fail(std::string("Character '") + c + "' is reserved and must be escaped with the preceding '\\'");
      }
      open.push_back({type, begin});
      continue;
    }
    switch (open.back().type) {
      case Entity::Underline:
      case Entity::Spoiler:
        ++i;
        break;
      case Entity::Pre:
        i += 2;
        break;
      case Entity::TextUrl:
        if (at(in, i + 1) == '(') {
          i += 2;
          const std::size_t url_begin = i;
          while (i < in.size() && in[i] != ')')
            i += (in[i] == '\\' && at(in, i + 1) > 0 && at(in, i + 1) <= 126) ? 2 : 1;
          if (at(in, i) != ')') return fail("Can't find end of a URL at byte offset " + std::to_string(url_begin));
        }
        break;
      default:
        break;
    }
    open.pop_back();
  }
  if (!open.empty())
    return fail("Can't find end of " + std::string(name(open.back().type)) + " entity at byte offset " +
                std::to_string(open.back().byte_offset));
  return ParsedMarkup{true, std::move(out), {}};
}

ParsedMarkup parse_telegram_html(std::string_view in) {
  static constexpr std::string_view kTags[] = {"a",    "b",   "strong",     "i",       "em",   "u",
                                               "ins",  "s",   "strike",     "del",     "span", "tg-spoiler",
                                               "code", "pre", "blockquote", "tg-emoji"};
  std::vector<std::string> open;
  std::string out;
  auto tag_name = [&](std::size_t& i) {
    std::string n;
    while (i < in.size() && (std::isalnum(static_cast<unsigned char>(in[i])) || in[i] == '-'))
      n += static_cast<char>(std::tolower(static_cast<unsigned char>(in[i++])));
    return n;
  };
  for (std::size_t i = 0; i < in.size(); ++i) {
    const char c = in[i];
    if (c == '&') {
      // The named entities Telegram knows, and numeric ones; any other '&' stays as it is.
      static constexpr std::pair<std::string_view, std::string_view> kNamed[] = {
          {"&lt;", "<"}, {"&gt;", ">"}, {"&amp;", "&"}, {"&quot;", "\""}};
      bool decoded = false;
      for (const auto& [entity, value] : kNamed) {
        if (in.substr(i, entity.size()) == entity) {
          out += value;
          i += entity.size() - 1;
          decoded = true;
          break;
        }
      }
      if (!decoded && at(in, i + 1) == '#') {
        const auto semi = in.find(';', i);
        if (semi != std::string_view::npos && semi > i + 2 && semi - i < 12) {
          out += '?';  // the character itself does not matter to the checks, only its presence
          i = semi;
          decoded = true;
        }
      }
      if (!decoded) out += '&';
      continue;
    }
    if (c != '<') {
      out += c;
      continue;
    }
    const std::size_t begin = i;
    if (at(in, i + 1) == '/') {
      i += 2;
      const std::string n = tag_name(i);
      while (i < in.size() && in[i] != '>') ++i;
      if (i >= in.size()) return fail("Unclosed end tag at byte offset " + std::to_string(begin));
      if (open.empty()) return fail("Unexpected end tag at byte offset " + std::to_string(begin));
      if (open.back() != n)
        return fail("Unmatched end tag at byte offset " + std::to_string(begin) + ", expected \"</" + open.back() +
                    ">\", found \"</" + n + ">\"");
      open.pop_back();
      continue;
    }
    ++i;
    const std::string n = tag_name(i);
    if (std::find(std::begin(kTags), std::end(kTags), n) == std::end(kTags))
      return fail("Unsupported start tag \"" + n + "\" at byte offset " + std::to_string(begin));
    // Attributes, with quoted values that may hold '>'.
    const std::size_t attributes = i;
    char quote = 0;
    while (i < in.size() && (quote != 0 || in[i] != '>')) {
      if (quote == 0 && (in[i] == '"' || in[i] == '\''))
        quote = in[i];
      else if (quote != 0 && in[i] == quote)
        quote = 0;
      ++i;
    }
    if (i >= in.size()) return fail("Unclosed start tag at byte offset " + std::to_string(begin));
    if (n == "span" && in.substr(attributes, i - attributes).find("tg-spoiler") == std::string_view::npos)
      return fail("Tag \"span\" must have class \"tg-spoiler\" at byte offset " + std::to_string(begin));
    open.push_back(n);
  }
  if (!open.empty()) return fail("Can't find end tag corresponding to start tag \"" + open.back() + "\"");
  return ParsedMarkup{true, std::move(out), {}};
}

}  // namespace lodestone::testing
