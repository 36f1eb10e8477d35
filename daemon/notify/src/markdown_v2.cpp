#include "markdown_v2.hpp"

namespace lodestone::notify::detail {

std::string markdown_v2_escape(std::string_view text) {
  static constexpr std::string_view kSpecial = "\\_*[]()~`>#+-=|{}.!";
  std::string out;
  out.reserve(text.size() + text.size() / 4);
  for (const char c : text) {
    if (kSpecial.find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

std::string markdown_v2_escape_url(std::string_view url) {
  std::string out;
  out.reserve(url.size());
  for (const char c : url) {
    if (c == ')' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

}  // namespace lodestone::notify::detail
