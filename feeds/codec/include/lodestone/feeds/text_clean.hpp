#pragma once
// Headline text as sources send it (HTML fragments, entities, 【headline】body) made plain.
#include <string>
#include <string_view>
#include <utility>

namespace lodestone::feeds {

// Decodes &amp; &lt; &gt; &quot; &apos; &nbsp; numeric (&#26032; &#x7A00;) and the common typographic
// named entities; unknown ones are kept as written.
std::string decode_entities(std::string_view text);

// Removes tags (and the content of <script>/<style>), decodes entities, drops control and
// bidirectional-override characters, and collapses whitespace. Block tags become a space.
std::string strip_html(std::string_view html);

// "【稀土出口管制升级】商务部…" -> {"稀土出口管制升级", "商务部…"}; without a leading
// 【…】 the headline is empty and the body is the whole text.
std::pair<std::string, std::string> split_bracket_headline(std::string_view text);

// The key two sources' copies of one story share: no whitespace or punctuation (ASCII or
// CJK), full-width ASCII folded to half-width, ASCII lower-cased.
std::string normalize_title(std::string_view title);

// At most `max_chars` code points of `text`, cut at a code-point boundary, "…" appended if cut.
std::string truncate_utf8(std::string_view text, std::size_t max_chars);

}  // namespace lodestone::feeds
