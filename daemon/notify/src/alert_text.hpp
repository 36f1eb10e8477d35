#pragma once
// What every message says, before any service's markup: a trader reads the first line on a
// phone's lock screen and decides whether to open it. Chinese first, with the English terms the
// board uses (严重 critical, 较昨收 since the previous close, explained/unexplained), exact
// decimals (prices through Price::format, percentages from the integer centipct), exchange time
// (Asia/Shanghai, UTC+8), and a link that opens the alert alone on the board.
//
// Layout of one firing alert (each service adds its own markup, see render_*.cpp):
//   【严重 critical】600111.SH 北方稀土 +5.12% · policy-reaction          <- title / heading
//   > the rule's own message                                            <- quote
//   涨跌 move: 41.20 → 43.31, +5.12% (15m 内 within 15m)
//   超额 abnormal: +3.10%                                               (when the rule measures it)
//   新闻 headline: <title> (<source> 14:23)
//   解释 explained: 已解释 explained | 暂未解释 unexplained so far | 未解释 unexplained
//   时间 time: 2026-02-09 14:31:05
//   查看预警 Open the alert -> <public_url>/alerts/<fingerprint>          (without public_url: none)
//   Lodestone                                                           <- footer (robots' keyword)
#include <string>
#include <vector>

#include "lodestone/core/events.hpp"
#include "lodestone/notify/notification.hpp"
#include "lodestone/notify/receiver.hpp"

namespace lodestone::notify::detail {

struct Field {
  std::string label;  // "涨跌 move"
  std::string value;  // plain text, one line
};

// One alert (or, for a test, the test) as a block of the message.
struct Section {
  std::string heading;  // one line: tag, symbol, name, change, rule
  Severity severity = Severity::Warning;
  bool resolved = false;
  std::string quote;  // the rule's own message
  std::vector<Field> fields;
  std::string link;  // empty without notify.public_url
  std::string link_text;
};

enum class Tone : std::uint8_t { Firing, Update, Resolved, Digest, Test };

struct Message {
  std::string title;  // the chat list's line, the e-mail subject, the card header
  // The same in Chinese words only ("【警告】600111.SH 北方稀土 +5.12% news-and-move"), for
  // titles counted in a few dozen characters (ServerChan's 32).
  std::string short_title;
  Tone tone = Tone::Firing;
  Severity severity = Severity::Warning;  // the highest among the alerts still firing (colours)
  bool title_heading = false;             // digests and groups: the title opens the text too
  std::vector<std::string> intro;         // paragraphs before the sections
  std::vector<Section> sections;
  bool compact = false;            // digests and big groups: one line per alert (its heading and link)
  std::vector<std::string> outro;  // "…及另外 8 条 and 8 more"
  std::string footer = "Lodestone";
};

// The message for `notification`, as every service says it. `receiver` names the receiver in a
// test; `now` dates a test.
Message compose_message(const ReceiverConfig& receiver, const Notification& notification, Timestamp now);

// One alert as a full section (what a single-alert message shows): the webhook's description.
Section describe_alert(const Notification& notification, const Alert& alert);

// Pieces the renderers share.
std::string severity_label(Severity severity);    // "严重 critical", the board's words
std::string_view severity_zh(Severity severity);  // "严重"
std::string signed_pct(std::int64_t centipct);    // "+5.12%", "-4.45%", "0.00%"
std::string exchange_clock(Timestamp t);          // "2026-02-09 14:31:05" (UTC+8)
// public_url + "/alerts/" + alert_key(alert), or "" without a public_url.
std::string alert_link(const Notification& notification, const Alert& alert);
// "1h 05m", "12m 30s", "45s": how long an alert fired.
std::string format_span(std::int64_t ms);

}  // namespace lodestone::notify::detail
