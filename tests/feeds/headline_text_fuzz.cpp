// Any bytes as a raw headline (title or body of a news item): HTML stripping, entity decoding,
// 【headline】 splitting, title normalisation, truncation, the deduper and the symbol finder.
// Invariants: valid UTF-8 in, valid UTF-8 out; stripped text has no control or bidirectional
// override characters; a story is admitted once; mentions are instruments of the registry.
#include <cstdint>
#include <string>
#include <string_view>

#include "lodestone/feeds/charset.hpp"
#include "lodestone/feeds/headline_dedup.hpp"
#include "lodestone/feeds/symbol_mentions.hpp"
#include "lodestone/feeds/text_clean.hpp"

namespace {

bool valid_utf8(std::string_view s) {
  return lodestone::feeds::to_utf8(s, lodestone::feeds::Charset::Utf8).invalid == 0;
}

bool has_control_or_override(std::string_view s) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') return true;
    if (c == 0xE2 && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x80) {
      const auto b = static_cast<unsigned char>(s[i + 2]);
      if (b >= 0xAA && b <= 0xAE) return true;  // U+202A..U+202E
    }
  }
  return false;
}

const lodestone::InstrumentRegistry& registry() {
  static const lodestone::InstrumentRegistry reg = [] {
    lodestone::InstrumentRegistry r;
    auto rare = lodestone::instrument_from_code(*lodestone::Symbol::parse("600111.SH"), "北方稀土");
    rare.aliases = {"包钢稀土"};
    r.add(rare);
    r.add(lodestone::instrument_from_code(*lodestone::Symbol::parse("000831.SZ"), "中国稀土"));
    r.add(lodestone::instrument_from_code(*lodestone::Symbol::parse("159713.SZ"), "稀土ETF"));
    return r;
  }();
  return reg;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace lodestone::feeds;
  // Sources are transcoded to UTF-8 before any of this runs.
  const std::string text = to_utf8(std::string_view(reinterpret_cast<const char*>(data), size), Charset::Utf8).text;
  const std::string plain = strip_html(text);
  if (!valid_utf8(plain) || has_control_or_override(plain)) __builtin_trap();
  const std::string decoded = decode_entities(text);
  if (!valid_utf8(decoded)) __builtin_trap();
  auto [headline, body] = split_bracket_headline(plain);
  if (!valid_utf8(headline) || !valid_utf8(body)) __builtin_trap();
  const std::string key = normalize_title(plain);
  if (!valid_utf8(key)) __builtin_trap();
  const std::string cut = truncate_utf8(plain, size % 64);
  if (!valid_utf8(cut)) __builtin_trap();

  static const SymbolMentions mentions(registry());
  lodestone::Headline h;
  h.id = std::to_string(size);
  h.source = "fuzz";
  h.ts = lodestone::Timestamp{1'770'603'303'000};
  h.title = headline.empty() ? plain : headline;
  h.body = body;
  mentions.attach(h);
  for (const auto& s : h.symbols)
    if (registry().find(s) == nullptr) __builtin_trap();
  if (!h.title.empty()) {
    HeadlineDeduper dedup(16);
    const bool first = dedup.admit(h);
    if (!first || dedup.admit(h)) __builtin_trap();
  }
  return 0;
}
