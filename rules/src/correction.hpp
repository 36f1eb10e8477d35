#pragma once
// A source's correction notice read from its title. Sources that publish prose only (most Chinese
// news sites) do not point at the id they correct; they print a new item: "【更正】…",
// "关于《稀土板块强势领涨…》的更正", "撤回：…". This reads such a title: whether it is a notice, which
// kind, and whether it names a given earlier title (quoted in 《》 “” 「」 『』 "", or written out
// whole). Pure text work: which held headline it may name (same source, at most
// kCorrectionWindowTradingDays before it) is the engine's business.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace lodestone::rules {

enum class NoticeKind : std::uint8_t {
  None,        // an ordinary headline
  Correction,  // 更正: the earlier item stands, with corrected facts
  Retraction,  // 撤回: the earlier item is withdrawn
};

// How far back a notice reaches: an item from the notice's trading day or the three before it.
inline constexpr int kCorrectionWindowTradingDays = 3;

struct CorrectionNotice {
  NoticeKind kind = NoticeKind::None;
  // Read only from a title that says 更正 or 撤回 somewhere:
  std::vector<std::string> quoted;  // the quoted spans, normalized (feeds::normalize_title)
  std::string text;                 // the whole title, normalized
};

// 撤回 or 更正 outside the quotes makes a notice (撤回 wins when both appear: an item withdrawn
// and re-issued is withdrawn). A 更正 inside a quote is part of the title quoted, not the notice.
CorrectionNotice read_notice(std::string_view title);

enum class Naming : std::uint8_t {
  None,
  Partial,  // a quote is most of the title (cut, or with the source's prefix), or the notice spells it out
  Exact,    // a quote is the title (punctuation, spaces and full-width forms aside)
};

// Whether `notice` names an earlier item titled `title`. Short titles (under 8 characters once
// normalized) are named only exactly, so a quoted journal name such as 《自然·通讯》 names nothing.
Naming names(const CorrectionNotice& notice, std::string_view title);

}  // namespace lodestone::rules
