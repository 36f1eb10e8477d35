#include "lodestone/feeds/text_clean.hpp"

#include <array>
#include <cctype>
#include <cstdint>

namespace lodestone::feeds {
namespace {

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Decodes one UTF-8 code point at s[i]; returns its length (1 for a stray byte, read as itself).
std::size_t decode_utf8(std::string_view s, std::size_t i, std::uint32_t& cp) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  std::size_t n = b0 < 0x80 ? 1 : b0 >= 0xF0 ? 4 : b0 >= 0xE0 ? 3 : b0 >= 0xC0 ? 2 : 1;
  if (i + n > s.size()) n = 1;
  if (n == 1) {
    cp = b0;
    return 1;
  }
  cp = b0 & (0xFF >> (n + 1));
  for (std::size_t k = 1; k < n; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
  return n;
}

struct NamedEntity {
  std::string_view name;
  std::uint32_t cp;
};
constexpr std::array<NamedEntity, 20> kEntities{
    {{"amp", '&'},      {"lt", '<'},       {"gt", '>'},        {"quot", '"'},      {"apos", '\''},
     {"nbsp", 0xA0},    {"ldquo", 0x201C}, {"rdquo", 0x201D},  {"lsquo", 0x2018},  {"rsquo", 0x2019},
     {"mdash", 0x2014}, {"ndash", 0x2013}, {"hellip", 0x2026}, {"middot", 0x00B7}, {"times", 0x00D7},
     {"yen", 0x00A5},   {"copy", 0x00A9},  {"reg", 0x00AE},    {"deg", 0x00B0},    {"permil", 0x2030}}};

bool dropped(std::uint32_t cp) {
  // C0/C1 controls other than whitespace, bidi embeddings/overrides/isolates, BOM: never shown.
  if (cp < 0x20) return cp != '\n' && cp != '\t' && cp != '\r';
  if (cp >= 0x7F && cp < 0xA0) return true;
  if (cp >= 0x202A && cp <= 0x202E) return true;
  if (cp >= 0x2066 && cp <= 0x2069) return true;
  return cp == 0x200E || cp == 0x200F || cp == 0xFEFF;
}

bool is_space(std::uint32_t cp) {
  return cp == ' ' || cp == '\n' || cp == '\t' || cp == '\r' || cp == 0xA0 || cp == 0x3000;
}

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool istarts_with(std::string_view s, std::size_t i, std::string_view word) {
  if (i + word.size() > s.size()) return false;
  for (std::size_t k = 0; k < word.size(); ++k)
    if (lower(s[i + k]) != word[k]) return false;
  return true;
}

// Collapses whitespace runs to one space, trims, and drops invisible characters.
std::string tidy(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  bool pending_space = false;
  for (std::size_t i = 0; i < s.size();) {
    std::uint32_t cp = 0;
    const std::size_t n = decode_utf8(s, i, cp);
    if (is_space(cp)) {
      pending_space = !out.empty();
    } else if (!dropped(cp)) {
      if (pending_space) out.push_back(' ');
      pending_space = false;
      out.append(s.substr(i, n));
    }
    i += n;
  }
  return out;
}

}  // namespace

std::string decode_entities(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '&') {
      out.push_back(text[i]);
      continue;
    }
    const std::size_t semi = text.find(';', i + 1);
    if (semi == std::string_view::npos || semi - i > 12) {
      out.push_back('&');
      continue;
    }
    const std::string_view name = text.substr(i + 1, semi - i - 1);
    std::uint32_t cp = 0;
    bool ok = false;
    if (name.size() > 1 && name[0] == '#') {
      const bool hex = name[1] == 'x' || name[1] == 'X';
      ok = name.size() > (hex ? 2u : 1u);
      for (char c : name.substr(hex ? 2 : 1)) {
        const int d = c >= '0' && c <= '9'          ? c - '0'
                      : hex && c >= 'a' && c <= 'f' ? c - 'a' + 10
                      : hex && c >= 'A' && c <= 'F' ? c - 'A' + 10
                                                    : -1;
        if (d < 0 || cp > 0x10FFFF) {
          ok = false;
          break;
        }
        cp = cp * (hex ? 16 : 10) + static_cast<std::uint32_t>(d);
      }
      if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) ok = false;
    } else {
      for (const auto& e : kEntities) {
        if (e.name == name) {
          cp = e.cp;
          ok = true;
        }
      }
    }
    if (!ok) {
      out.push_back('&');
      continue;
    }
    append_utf8(out, cp);
    i = semi;
  }
  return out;
}

std::string strip_html(std::string_view html) {
  std::string text;
  text.reserve(html.size());
  for (std::size_t i = 0; i < html.size();) {
    if (html[i] != '<') {
      const std::size_t next = html.find('<', i);
      text.append(html.substr(i, next == std::string_view::npos ? std::string_view::npos : next - i));
      if (next == std::string_view::npos) break;
      i = next;
      continue;
    }
    // A '<' not followed by a tag-like character is text ("PE<10").
    if (i + 1 >= html.size() || !(std::isalpha(static_cast<unsigned char>(html[i + 1])) || html[i + 1] == '/' ||
                                  html[i + 1] == '!' || html[i + 1] == '?')) {
      text.push_back('<');
      ++i;
      continue;
    }
    if (html.compare(i, 4, "<!--") == 0) {
      const std::size_t end = html.find("-->", i + 4);
      i = end == std::string_view::npos ? html.size() : end + 3;
      continue;
    }
    for (std::string_view skip : {std::string_view("script"), std::string_view("style")}) {
      if (istarts_with(html, i + 1, skip)) {
        const std::string closing = "</" + std::string(skip);
        std::size_t end = i;
        while (end != std::string_view::npos && !istarts_with(html, end, closing)) end = html.find('<', end + 1);
        i = end == std::string_view::npos ? html.size() : end;
        break;
      }
    }
    if (i >= html.size()) break;
    const std::size_t close = html.find('>', i);
    if (close == std::string_view::npos) break;  // a tag cut short: drop the rest
    text.push_back(' ');
    i = close + 1;
  }
  return tidy(decode_entities(text));
}

std::pair<std::string, std::string> split_bracket_headline(std::string_view text) {
  constexpr std::string_view kOpen = "【";
  constexpr std::string_view kClose = "】";
  std::string_view t = text;
  while (!t.empty() && (t.front() == ' ' || t.front() == '\n' || t.front() == '\t')) t.remove_prefix(1);
  if (t.substr(0, kOpen.size()) != kOpen) return {std::string(), std::string(text)};
  const std::size_t close = t.find(kClose);
  if (close == std::string_view::npos) return {std::string(), std::string(text)};
  std::string headline(t.substr(kOpen.size(), close - kOpen.size()));
  std::string_view body = t.substr(close + kClose.size());
  while (!body.empty() && (body.front() == ' ' || body.front() == '\n')) body.remove_prefix(1);
  return {std::move(headline), std::string(body)};
}

std::string normalize_title(std::string_view title) {
  std::string out;
  out.reserve(title.size());
  for (std::size_t i = 0; i < title.size();) {
    std::uint32_t cp = 0;
    const std::size_t n = decode_utf8(title, i, cp);
    i += n;
    if (cp >= 0xFF01 && cp <= 0xFF5E) cp -= 0xFEE0;  // full-width ASCII
    if (cp < 0x80) {
      const char c = static_cast<char>(cp);
      if (std::isalnum(static_cast<unsigned char>(c))) out.push_back(lower(c));
      continue;
    }
    // CJK symbols and punctuation, general punctuation, and invisible characters carry no meaning.
    if ((cp >= 0x3000 && cp <= 0x303F) || (cp >= 0x2000 && cp <= 0x206F) || (cp >= 0xFE30 && cp <= 0xFE4F) ||
        cp == 0xA0 || cp == 0xB7 || cp == 0xFEFF || dropped(cp)) {
      continue;
    }
    append_utf8(out, cp);
  }
  return out;
}

std::string truncate_utf8(std::string_view text, std::size_t max_chars) {
  std::size_t i = 0;
  std::size_t chars = 0;
  while (i < text.size() && chars < max_chars) {
    std::uint32_t cp = 0;
    i += decode_utf8(text, i, cp);
    ++chars;
  }
  if (i >= text.size()) return std::string(text);
  return std::string(text.substr(0, i)) + "…";
}

}  // namespace lodestone::feeds
