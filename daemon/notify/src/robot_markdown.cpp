#include "robot_markdown.hpp"

namespace lodestone::notify::detail {

const Markup& paragraph_markdown() {
  static const Markup kMarkdown{
      [](std::string_view text, const Section&) { return "### " + neutralise_markdown(text) + "\n\n"; },
      [](std::string_view label, std::string_view value) {
        return "**" + std::string(label) + "**: " + neutralise_markdown(value) + "\n\n";
      },
      [](std::string_view text) { return "> " + neutralise_markdown(text) + "\n\n"; },
      [](std::string_view text, std::string_view url) {
        return "[" + std::string(text) + "](" + std::string(url) + ")\n\n";
      },
      [](std::string_view text, std::string_view url, const Section&) {
        std::string line = "- " + neutralise_markdown(text);
        if (!url.empty()) line += " [查看 open](" + std::string(url) + ")";
        return line + "\n";
      },
      [](std::string_view text) { return neutralise_markdown(text) + "\n\n"; },
      "\n",
  };
  return kMarkdown;
}

}  // namespace lodestone::notify::detail
