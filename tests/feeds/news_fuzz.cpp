// Any bytes as a news answer: RSS/Atom (decoded by its declared charset) and the three built-in
// flash-news JSON shapes. Every headline that comes out has an id, a title, and valid UTF-8 text.
#include <cstdint>
#include <memory>
#include <string_view>

#include "lodestone/feeds/charset.hpp"
#include "lodestone/feeds/json_mapping.hpp"
#include "lodestone/feeds/news_xml.hpp"

namespace {

bool valid_utf8(std::string_view s) {
  return lodestone::feeds::to_utf8(s, lodestone::feeds::Charset::Utf8).invalid == 0;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace lodestone::feeds;
  static std::unique_ptr<JsonNewsParser> json[3] = {
      JsonNewsParser::create(*builtin_news_mapping("sina-7x24")).value(),
      JsonNewsParser::create(*builtin_news_mapping("eastmoney-kuaixun")).value(),
      JsonNewsParser::create(*builtin_news_mapping("cls-telegraph")).value()};
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  HeadlineBatch batch;
  parse_news_xml(to_utf8(bytes, xml_declared_charset(bytes, Charset::Utf8)).text, "fuzz", batch);
  for (auto& p : json) p->parse(bytes, batch);
  for (const auto& h : batch.headlines) {
    if (h.id.empty() || h.title.empty()) __builtin_trap();
    if (!valid_utf8(h.title) || !valid_utf8(h.body)) __builtin_trap();
  }
  return 0;
}
