#pragma once
// A Message laid out in one service's markup, within that service's size limit. Every piece of
// markup is made whole (a bold label with its closing star, a link with its URL), so cutting
// happens between pieces or inside a piece's plain text before it is escaped: a cut message is
// still well-formed (never a dangling MarkdownV2 escape, never half a <font> tag) and never
// splits a character. The link to the alert and the tail (footer, @mentions) always survive.
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

#include "alert_text.hpp"

namespace lodestone::notify::detail {

// How a service writes each piece; every function gets plain text and escapes it itself.
struct Markup {
  std::function<std::string(std::string_view text, const Section& section)> heading;
  std::function<std::string(std::string_view label, std::string_view value)> field;
  std::function<std::string(std::string_view text)> quote;
  std::function<std::string(std::string_view text, std::string_view url)> link;
  // One alert of a digest: its heading and link on one line.
  std::function<std::string(std::string_view text, std::string_view url, const Section& section)> item;
  std::function<std::string(std::string_view text)> paragraph;
  std::string gap;  // between sections
};

// How big the text may be, in the service's own count. `measure` must add up piece by piece
// (bytes, UTF-16 units, bytes inside a JSON string all do).
struct Budget {
  std::size_t limit = 0;
  std::function<std::size_t(std::string_view)> measure;
};

// Budget measures: UTF-8 bytes; UTF-16 code units (Telegram) are utf16_count.
inline std::size_t byte_count(std::string_view text) { return text.size(); }
std::size_t utf16_count(std::string_view text);

// `message` in `markup`, followed by `tail` (already marked up: @mentions), within `budget`.
// When it does not fit, the piece that overflows is cut on a character boundary with
// kCutMarker, the rest of the alerts are left out and the section's link and the tail are kept.
std::string lay_out(const Message& message, const Markup& markup, const Budget& budget, std::string_view tail = {});

// Plain text, one piece a line: e-mail's text/plain part, the webhook's description.
const Markup& plain_markup();

// Markdown dialects of the Chinese robots document no escape character (DingTalk, WeCom,
// Feishu's lark_md) and ServerChan renders its desp as markdown too: characters that would
// start markup in text from outside are replaced by their full-width look-alikes, which read the
// same to a trader and mean nothing to the renderer (*ST stays legible as ＊ST, not italics).
std::string neutralise_markdown(std::string_view text);

}  // namespace lodestone::notify::detail
