#include "correction.hpp"

#include <array>
#include <utility>

#include "lodestone/feeds/text_clean.hpp"

namespace lodestone::rules {
namespace {

// Normalized titles shorter than this are not matched by containment (a quoted journal name, a
// two-word quote); shorter than kMinExact, not at all.
constexpr std::size_t kMinPartial = 8;
constexpr std::size_t kMinExact = 4;

// The quote pairs Chinese and English titles use, as UTF-8.
constexpr std::array<std::pair<std::string_view, std::string_view>, 5> kQuotes{{
    {"《", "》"},
    {"“", "”"},
    {"「", "」"},
    {"『", "』"},
    {"\"", "\""},
}};

constexpr std::string_view kRetraction = "撤回";
constexpr std::string_view kCorrection = "更正";

std::size_t code_points(std::string_view s) {
  std::size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
  return n;
}

}  // namespace

CorrectionNotice read_notice(std::string_view title) {
  CorrectionNotice notice;
  // Every headline comes through here: most say neither word and cost one search each.
  if (title.find(kRetraction) == std::string_view::npos && title.find(kCorrection) == std::string_view::npos)
    return notice;
  // The title with every quoted span taken out, so a 更正 inside a quote does not count.
  std::string outside;
  std::size_t i = 0;
  while (i < title.size()) {
    std::size_t best = std::string_view::npos;
    const std::pair<std::string_view, std::string_view>* pair = nullptr;
    for (const auto& q : kQuotes) {
      const std::size_t at = title.find(q.first, i);
      if (at < best) {
        best = at;
        pair = &q;
      }
    }
    if (pair == nullptr) break;
    const std::size_t start = best + pair->first.size();
    const std::size_t end = title.find(pair->second, start);
    if (end == std::string_view::npos) break;  // an unclosed quote is text
    outside.append(title.substr(i, best - i));
    std::string q = feeds::normalize_title(title.substr(start, end - start));
    if (!q.empty()) notice.quoted.push_back(std::move(q));
    i = end + pair->second.size();
  }
  outside.append(title.substr(std::min(i, title.size())));
  if (outside.find(kRetraction) != std::string::npos)
    notice.kind = NoticeKind::Retraction;
  else if (outside.find(kCorrection) != std::string::npos)
    notice.kind = NoticeKind::Correction;
  notice.text = feeds::normalize_title(title);
  return notice;
}

Naming names(const CorrectionNotice& notice, std::string_view title) {
  if (notice.kind == NoticeKind::None) return Naming::None;
  const std::string t = feeds::normalize_title(title);
  const std::size_t length = code_points(t);
  if (length < kMinExact) return Naming::None;
  Naming best = Naming::None;
  for (const auto& q : notice.quoted) {
    if (q == t) return Naming::Exact;
    if (length < kMinPartial) continue;
    const std::size_t quoted = code_points(q);
    // A quote cut short ("稀土板块强势领涨……") or carrying the source's prefix
    // ("每日经济新闻：稀土板块…"): most of one lies inside the other.
    const bool cut = quoted >= kMinPartial && 2 * quoted >= length && t.find(q) != std::string::npos;
    const bool prefixed = q.find(t) != std::string::npos;
    if (cut || prefixed) best = Naming::Partial;
  }
  if (best == Naming::None && length >= kMinPartial && notice.text.find(t) != std::string::npos)
    best = Naming::Partial;  // written out without quotes: "更正：稀土板块强势领涨…"
  return best;
}

}  // namespace lodestone::rules
