#pragma once
// Chinese quote and news sources answer in GBK (Sina, Tencent) or UTF-8 (Eastmoney, most news);
// the daemon works in UTF-8 only.
#include <cstddef>
#include <string>
#include <string_view>

namespace lodestone::feeds {

enum class Charset : std::uint8_t { Utf8, Gb18030 };  // GB18030 is a superset of GBK and GB2312

// The charset named in a Content-Type header ("text/html; charset=GBK"), or `fallback` when
// none is named or it is one Lodestone does not know.
Charset charset_from_content_type(std::string_view content_type, Charset fallback);

struct Decoded {
  std::string text;         // valid UTF-8
  std::size_t invalid = 0;  // bytes that were not valid in the source charset, each now U+FFFD
};

// Source bytes to UTF-8. Invalid sequences become U+FFFD rather than failing the whole answer.
Decoded to_utf8(std::string_view bytes, Charset charset);

}  // namespace lodestone::feeds
