#pragma once
// Telegram's two markups as the Bot API parses a message's entities (core.telegram.org/bots/api,
// "Formatting options"; the error words are TDLib's, which the Bot API passes on after
// "Bad Request: can't parse entities: "):
//   MarkdownV2  outside code and pre, each of _ * [ ] ( ) ~ ` > # + - = | { } . ! must be escaped
//               with '\' unless it opens or closes an entity (*bold* _italic_ __underline__
//               ~strike~ ||spoiler|| `code` ```pre``` [text](url), '>' starting a line quotes);
//               inside code and pre only ` and \ are special; inside a link's (...) only ) and \.
//   HTML        only the supported tags, properly nested; & < > outside tags as entities.
// Both give the text a reader sees, whose length (UTF-16 code units) is what the 4096 limit counts.
#include <string>
#include <string_view>

namespace lodestone::testing {

struct ParsedMarkup {
  bool ok = false;
  std::string text;   // without the markup
  std::string error;  // e.g. "Character '.' is reserved and must be escaped with the preceding '\'"
};

ParsedMarkup parse_markdown_v2(std::string_view text);
ParsedMarkup parse_telegram_html(std::string_view text);

}  // namespace lodestone::testing
