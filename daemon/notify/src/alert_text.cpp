#include "alert_text.hpp"

#include <algorithm>

#include "utf8_cut.hpp"

namespace lodestone::notify::detail {
namespace {

// A digest lists at most this many alerts, newest first; the rest are counted.
constexpr std::size_t kDigestLines = 20;
// A group of more alerts than this is listed one line each, like a digest.
constexpr std::size_t kFullSections = 5;
// A group alert about many symbols names this many.
constexpr std::size_t kSymbolsNamed = 3;

// Where in its life the alert is: the rule engine names each notification
// "<fingerprint>:firing | :update-<n> | :repeat-<n> | :resolved" (rules/alert_identity.hpp).
enum class Stage : std::uint8_t { Firing, Update, Repeat, Resolved };

Stage stage_of(const Alert& a) {
  if (a.state == AlertState::Resolved) return Stage::Resolved;
  if (a.id.find(":update-") != std::string::npos) return Stage::Update;
  if (a.id.find(":repeat-") != std::string::npos) return Stage::Repeat;
  return Stage::Firing;
}

std::string label(const Alert& a, const std::string& key) {
  const auto it = a.labels.find(key);
  return it == a.labels.end() ? std::string() : it->second;
}

// Text from outside (headlines, messages, labels) as one line of valid UTF-8.
std::string one_line(std::string_view text) {
  std::string out = to_valid_utf8(text);
  for (char& c : out)
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  return out;
}

std::string symbols_text(const Alert& a) {
  if (a.symbol) return a.symbol->str();
  const std::string list = label(a, "symbols");
  if (list.empty()) return {};
  std::vector<std::string> names;
  std::size_t start = 0;
  while (start <= list.size()) {
    const std::size_t comma = std::min(list.find(',', start), list.size());
    if (comma > start) names.push_back(list.substr(start, comma - start));
    start = comma + 1;
  }
  std::string out;
  for (std::size_t i = 0; i < names.size() && i < kSymbolsNamed; ++i) {
    if (i) out += ",";
    out += names[i];
  }
  if (names.size() > kSymbolsNamed)
    out += " 等 " + std::to_string(names.size()) + " 只 " + std::to_string(names.size()) + " symbols";
  return out;
}

// "HH:MM:SS", or "MM-DD HH:MM:SS" when `t` is not on `day`'s exchange date.
std::string clock_on(Timestamp t, Timestamp day) {
  const std::string s = format_timestamp(t);
  if (exchange_date(t) == exchange_date(day)) return s.substr(11, 8);
  return s.substr(5, 5) + " " + s.substr(11, 8);
}

// A headline's time as traders quote it: "14:23", or "02-08 15:16" from another day.
std::string headline_clock(Timestamp t, Timestamp alert_ts) {
  const std::string s = format_timestamp(t);
  if (exchange_date(t) == exchange_date(alert_ts)) return s.substr(11, 5);
  return s.substr(5, 5) + " " + s.substr(11, 5);
}

std::string window_text(const std::string& window) {
  if (window == "prev_close") return "较昨收 since the previous close";
  if (window == "open") return "较开盘 since the open";
  if (window.empty()) return {};
  return window + " 内 within " + window;
}

std::string move_text(const MoveEvidence& m) {
  std::string out =
      m.from.format(m.price_decimals) + " → " + m.to.format(m.price_decimals) + ", " + signed_pct(m.change_centipct);
  if (const auto w = window_text(m.window); !w.empty()) out += " (" + one_line(w) + ")";
  return out;
}

std::string explained_text(const Alert& a) {
  if (!a.explained) return {};
  if (*a.explained) return "已解释 explained";
  if (label(a, "explanation") == "pending") return "暂未解释 unexplained so far";
  return "未解释 unexplained";
}

// Why a resolved alert ended, from the engine's reason label.
std::string reason_text(const std::string& reason) {
  if (reason == "retracted") return "已撤回 retracted (the headline was withdrawn or corrected)";
  if (reason == "condition") return "条件解除 condition cleared";
  if (reason == "expired") return "已到期 expired";
  if (reason == "close") return "收盘 market close";
  if (reason == "rule_changed") return "规则已变更 rule changed";
  return one_line(reason);
}

std::string tag(const Alert& a) {
  switch (stage_of(a)) {
    case Stage::Resolved:
      return "已解除 resolved";
    case Stage::Update:
      return "更新 update · " + severity_label(a.severity);
    case Stage::Repeat:
      return "仍在触发 still firing · " + severity_label(a.severity);
    case Stage::Firing:
      break;
  }
  return severity_label(a.severity);
}

// The tag in Chinese only, for short titles.
std::string zh_tag(const Alert& a) {
  switch (stage_of(a)) {
    case Stage::Resolved:
      return "已解除";
    case Stage::Update:
      return "更新";
    case Stage::Repeat:
      return "仍触发";
    case Stage::Firing:
      break;
  }
  return std::string(severity_zh(a.severity));
}

// "<symbol> <name> <change> · <rule>": the words after the tag in every heading.
std::string subject(const Alert& a, bool with_change) {
  std::string out;
  auto add = [&](const std::string& part) {
    if (part.empty()) return;
    if (!out.empty()) out += ' ';
    out += part;
  };
  add(symbols_text(a));
  add(one_line(label(a, "name")));
  if (with_change && a.move) add(signed_pct(a.move->change_centipct));
  if (!a.rule.empty()) out += out.empty() ? one_line(a.rule) : " · " + one_line(a.rule);
  return out;
}

std::string heading(const Alert& a) { return "【" + tag(a) + "】" + subject(a, stage_of(a) != Stage::Resolved); }

// When the engine stamped the firing start (labels["started_at"], format_timestamp text).
std::optional<Timestamp> started_at(const Alert& a) {
  const std::string text = label(a, "started_at");
  if (text.empty()) return std::nullopt;
  auto t = parse_timestamp(text);
  if (!t) return std::nullopt;
  return *t;
}

// What an update changed. The engine sends one when a headline came to explain a move, when the
// headline it rests on changed its title, or when that headline was withdrawn and the move stays.
std::string change_text(const Alert& a) {
  std::string out;
  if (a.explained && !*a.explained) {
    out = "explained → unexplained 关联新闻已撤回或更正 (the headline was withdrawn or corrected)";
  } else if (a.explained && *a.explained) {
    out = "已获新闻解释 now explained by a headline";
  } else {
    out = "新闻已更正 the headline was corrected";
  }
  if (const auto reason = label(a, "reason"); !reason.empty()) out += "; 原因 reason: " + reason_text(reason);
  return out;
}

Section alert_section(const Notification& n, const Alert& a) {
  Section s;
  const Stage stage = stage_of(a);
  s.heading = heading(a);
  s.severity = a.severity;
  s.resolved = stage == Stage::Resolved;
  s.quote = one_line(a.message);
  auto field = [&](std::string lbl, std::string value) {
    if (!value.empty()) s.fields.push_back({std::move(lbl), std::move(value)});
  };
  const auto started = started_at(a);
  if (stage == Stage::Update) field("变更 changed", change_text(a));
  if ((stage == Stage::Update || stage == Stage::Resolved) && n.reply_to.empty()) {
    // No thread to reply in: the original is quoted so the reader can find it.
    std::string original = "【" + severity_label(a.severity) + "】" + subject(a, true);
    if (started) original += " · " + clock_on(*started, a.ts);
    field("原预警 original", original);
  }
  if (stage == Stage::Resolved) {
    const std::string reason = label(a, "reason");
    field("原因 reason", reason.empty() ? std::string() : reason_text(reason));
    if (started && a.ts >= *started)
      field("持续 fired for",
            format_span(a.ts.ms - started->ms) + " (" + clock_on(*started, a.ts) + " → " + clock_on(a.ts, a.ts) + ")");
  }
  if (a.move) {
    field("涨跌 move", move_text(*a.move));
    if (a.move->abnormal_centipct)
      field("超额 abnormal", signed_pct(*a.move->abnormal_centipct) + " beyond the benchmark");
  }
  if (!a.headlines.empty()) {
    const HeadlineRef& h = a.headlines.front();
    std::string text = one_line(h.title) + " (" + one_line(h.source);
    text += (h.source.empty() ? "" : " ") + headline_clock(h.ts, a.ts) + ")";
    if (a.headlines.size() > 1) text += "; 另有 " + std::to_string(a.headlines.size() - 1) + " 条 more";
    field("新闻 headline", text);
  }
  field("解释 explained", explained_text(a));
  field(stage == Stage::Resolved ? "解除时间 resolved at" : "时间 time", exchange_clock(a.ts));
  s.link = alert_link(n, a);
  s.link_text = "查看预警 Open the alert";
  return s;
}

// One line of a digest or a big group: the heading with the alert's time, and its link.
Section alert_line(const Notification& n, const Alert& a, Timestamp day) {
  Section s;
  const Stage stage = stage_of(a);
  s.heading = "【" + tag(a) + "】" + clock_on(a.ts, day) + " " + subject(a, stage != Stage::Resolved);
  if (stage == Stage::Resolved) {
    if (const auto reason = label(a, "reason"); !reason.empty()) s.heading += " (" + reason_text(reason) + ")";
  }
  s.severity = a.severity;
  s.resolved = stage == Stage::Resolved;
  s.link = alert_link(n, a);
  s.link_text = "查看 open";
  return s;
}

Severity highest_firing(const std::vector<Alert>& alerts) {
  Severity out = Severity::Info;
  for (const auto& a : alerts)
    if (a.state == AlertState::Firing && a.severity > out) out = a.severity;
  return out;
}

std::vector<const Alert*> newest_first(const std::vector<Alert>& alerts) {
  std::vector<const Alert*> out;
  out.reserve(alerts.size());
  for (const auto& a : alerts) out.push_back(&a);
  std::stable_sort(out.begin(), out.end(), [](const Alert* x, const Alert* y) {
    if (x->ts != y->ts) return x->ts > y->ts;
    return x->seq > y->seq;
  });
  return out;
}

// A digest's span in both languages, rounded up: {"3 分钟", "3 minutes"}, {"45 秒", "45 seconds"}.
struct SpanWords {
  std::string zh;
  std::string en;
};

SpanWords span_words(std::int64_t ms) {
  auto words = [](std::int64_t n, const char* zh, const char* en) {
    return SpanWords{std::to_string(n) + " " + zh, std::to_string(n) + " " + en + (n == 1 ? "" : "s")};
  };
  ms = std::max<std::int64_t>(ms, 1);
  if (ms < kMsPerMinute) return words((ms + 999) / 1000, "秒", "second");
  if (ms <= std::int64_t{2} * 3'600'000) return words((ms + kMsPerMinute - 1) / kMsPerMinute, "分钟", "minute");
  return words((ms + 3'599'999) / 3'600'000, "小时", "hour");
}

std::string alerts_words(std::size_t count) {
  const std::string n = std::to_string(count);
  return n + " 条预警 " + n + (count == 1 ? " alert" : " alerts");
}

Message digest_message(const Notification& n) {
  Message m;
  m.tone = Tone::Digest;
  m.severity = highest_firing(n.alerts);
  m.title_heading = true;
  m.compact = true;
  const std::size_t count = std::max(n.digest_count, n.alerts.size());
  Timestamp from = n.digest_from;
  Timestamp to = n.digest_to;
  if (to.ms == 0 && !n.alerts.empty()) {  // no span given: the alerts' own
    from = to = n.alerts.front().ts;
    for (const auto& a : n.alerts) {
      from = std::min(from, a.ts);
      to = std::max(to, a.ts);
    }
  }
  const SpanWords span = span_words(to.ms - from.ms);
  m.title = "【汇总 digest】" + alerts_words(count) + " · 最近 " + span.zh + " last " + span.en;
  m.short_title = "【汇总】" + std::to_string(count) + " 条预警 · 最近 " + span.zh;
  const std::string n_text = std::to_string(count);
  m.intro.push_back("最近 " + span.zh + "共 " + n_text + " 条预警 — " + n_text + (count == 1 ? " alert" : " alerts") +
                    " in the last " + span.en + " (" + clock_on(from, to) + "–" + clock_on(to, to) + "):");
  const auto ordered = newest_first(n.alerts);
  for (std::size_t i = 0; i < ordered.size() && i < kDigestLines; ++i)
    m.sections.push_back(alert_line(n, *ordered[i], to));
  if (const std::size_t shown = m.sections.size(); count > shown) {
    const std::string more = std::to_string(count - shown);
    m.outro.push_back("…及另外 " + more + " 条 and " + more + " more" +
                      (n.public_url.empty() ? std::string() : " — " + n.public_url));
  }
  return m;
}

Message group_message(const Notification& n) {
  Message m;
  m.tone = Tone::Firing;
  m.severity = highest_firing(n.alerts);
  m.title_heading = true;
  m.compact = n.alerts.size() > kFullSections;
  std::string what;
  for (const auto& [k, v] : n.group_labels) what += (what.empty() ? "" : ", ") + one_line(v);
  m.title = "【" + severity_label(m.severity) + "】" + alerts_words(n.alerts.size()) +
            (what.empty() ? std::string() : " · " + what);
  m.short_title = "【" + std::string(severity_zh(m.severity)) + "】" + std::to_string(n.alerts.size()) + " 条预警" +
                  (what.empty() ? std::string() : " " + what);
  const auto ordered = newest_first(n.alerts);
  const Timestamp day = ordered.front()->ts;
  for (const Alert* a : ordered) m.sections.push_back(m.compact ? alert_line(n, *a, day) : alert_section(n, *a));
  if (std::all_of(n.alerts.begin(), n.alerts.end(), [](const Alert& a) { return a.state == AlertState::Resolved; }))
    m.tone = Tone::Resolved;
  return m;
}

Message test_message(const ReceiverConfig& r, const Notification& n, Timestamp now) {
  Message m;
  m.tone = Tone::Test;
  m.severity = Severity::Info;
  m.title = "【测试 test】Lodestone 测试消息 test message";
  m.short_title = "【测试】Lodestone 测试消息";
  Section s;
  s.heading = m.title;
  s.severity = Severity::Info;
  const std::string who = one_line(r.name) + " (" + std::string(to_string(r.kind)) + ")";
  s.quote = "这是 Lodestone 发给接收方 " + who +
            " 的测试消息，收到即表示配置可用。This is a test message from Lodestone to receiver " + who +
            ": if you can read it, the receiver works.";
  s.fields.push_back({"接收方 receiver", who});
  s.fields.push_back({"发送时间 sent at", exchange_clock(now)});
  if (!n.public_url.empty()) {
    s.link = n.public_url;
    s.link_text = "打开看板 Open the board";
  }
  m.sections.push_back(std::move(s));
  return m;
}

}  // namespace

Section describe_alert(const Notification& notification, const Alert& alert) {
  return alert_section(notification, alert);
}

std::string_view severity_zh(Severity severity) {
  switch (severity) {
    case Severity::Critical:
      return "严重";
    case Severity::Warning:
      return "警告";
    case Severity::Info:
      return "提示";
  }
  return "警告";
}

std::string severity_label(Severity severity) {
  return std::string(severity_zh(severity)) + " " + std::string(to_string(severity));
}

std::string signed_pct(std::int64_t centipct) {
  const std::string text = format_centipct(centipct);
  return (centipct > 0 ? "+" : "") + text + "%";
}

std::string exchange_clock(Timestamp t) {
  const std::string s = format_timestamp(t);
  return s.substr(0, 10) + " " + s.substr(11, 8);
}

std::string alert_link(const Notification& notification, const Alert& alert) {
  if (notification.public_url.empty()) return {};
  return notification.public_url + "/alerts/" + alert_key(alert);
}

std::string format_span(std::int64_t ms) {
  const std::int64_t s = std::max<std::int64_t>(ms, 0) / 1000;
  auto two = [](std::int64_t v) { return (v < 10 ? "0" : "") + std::to_string(v); };
  if (s < 60) return std::to_string(s) + "s";
  if (s < 3600) return std::to_string(s / 60) + "m " + two(s % 60) + "s";
  return std::to_string(s / 3600) + "h " + two(s / 60 % 60) + "m";
}

Message compose_message(const ReceiverConfig& receiver, const Notification& notification, Timestamp now) {
  if (notification.kind == NotificationKind::Test) return test_message(receiver, notification, now);
  if (notification.kind == NotificationKind::Digest) return digest_message(notification);
  if (notification.alerts.size() > 1) return group_message(notification);
  if (notification.alerts.empty()) return test_message(receiver, notification, now);  // render() refuses it first
  const Alert& a = notification.alerts.front();
  Message m;
  m.sections.push_back(alert_section(notification, a));
  m.title = m.sections.front().heading;
  m.short_title = "【" + zh_tag(a) + "】" + subject(a, stage_of(a) != Stage::Resolved);
  m.severity = a.severity;
  switch (stage_of(a)) {
    case Stage::Resolved:
      m.tone = Tone::Resolved;
      break;
    case Stage::Update:
      m.tone = Tone::Update;
      break;
    case Stage::Firing:
    case Stage::Repeat:
      m.tone = Tone::Firing;
      break;
  }
  return m;
}

}  // namespace lodestone::notify::detail
