// Any bytes as a source's answer in GBK/GB18030 or UTF-8, with any Content-Type and XML
// declaration: the decoded text is always valid UTF-8, decoding valid UTF-8 is the identity,
// and the invalid-byte count is zero exactly when nothing was replaced.
#include <cstdint>
#include <string_view>

#include "lodestone/feeds/charset.hpp"
#include "lodestone/feeds/news_xml.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace lodestone::feeds;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  // The first line doubles as a Content-Type header value.
  const std::string_view header = bytes.substr(0, std::min<std::size_t>(bytes.find('\n'), 200));
  const Charset declared = charset_from_content_type(header, Charset::Gb18030);
  const Charset xml = xml_declared_charset(bytes, declared);
  for (Charset c : {Charset::Utf8, Charset::Gb18030, declared, xml}) {
    const Decoded d = to_utf8(bytes, c);
    const Decoded again = to_utf8(d.text, Charset::Utf8);
    if (again.invalid != 0 || again.text != d.text) __builtin_trap();  // output is valid UTF-8
    if (c == Charset::Utf8 && d.invalid == 0 && d.text != bytes) __builtin_trap();
  }
  return 0;
}
