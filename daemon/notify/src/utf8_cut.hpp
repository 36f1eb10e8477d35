#pragma once
// Cutting text to what a service takes, never inside a character. Services count differently:
// WeCom, DingTalk, Feishu and ServerChan's desp in UTF-8 bytes (a CJK character is 3, an emoji
// 4); Telegram in characters after entity parsing, which its clients count in UTF-16 code units
// (an emoji outside the BMP is 2); ServerChan's title in characters.
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace lodestone::notify::detail {

// What a cut message ends with, so a reader knows the rest is on the board.
inline constexpr std::string_view kCutMarker = "…(已截断 truncated)";

enum class Unit : unsigned char { Bytes, Utf16, CodePoints };

// Length of the well-formed UTF-8 sequence starting at s[i] (1 to 4), or 0 when the bytes there
// are not one (a stray continuation byte, an overlong form, a surrogate, a cut-off sequence).
std::size_t utf8_sequence_length(std::string_view s, std::size_t i);
bool valid_utf8(std::string_view s);
// The text with every byte that is not part of a well-formed sequence replaced by U+FFFD.
std::string to_valid_utf8(std::string_view s);

// The size of `s` in `unit`; an ill-formed byte counts as one of each.
std::size_t measure(std::string_view s, Unit unit);

// `text` when it fits in `limit`; else its longest prefix that ends on a character boundary,
// followed by `marker`, the whole at most `limit`. When even the marker does not fit, the
// longest whole-character prefix of the marker.
std::string cut(std::string_view text, std::size_t limit, Unit unit, std::string_view marker = kCutMarker);

// The byte length of the longest prefix of `text` that ends on a character boundary and whose
// `cost` is at most `budget`. `cost` must not shrink as the prefix grows (escaping, JSON
// quoting and counting all keep that); it is called O(log n) times.
std::size_t longest_prefix(std::string_view text, std::size_t budget,
                           const std::function<std::size_t(std::string_view)>& cost);

}  // namespace lodestone::notify::detail
