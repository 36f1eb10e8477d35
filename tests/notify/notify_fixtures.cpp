#include "notify_fixtures.hpp"

#include "lodestone/notify/outbox.hpp"

namespace lodestone::notify::testing {
namespace {

constexpr std::string_view kPublicUrl = "https://lodestone.example.com";
constexpr std::string_view kFingerprint = "3f9a1c2b7d4e5f60";  // synthetic

Price price(std::string_view text) { return Price::parse(text).value(); }

Timestamp at(int hour, int minute, int second) { return exchange_time(make_date(2026, 2, 9), hour, minute, second); }

HeadlineRef headline() {
  // 每日经济新闻, 2026-02-09 14:23 (real title and time; the id is synthetic).
  return HeadlineRef{"nbd-20260209-1423", "稀土板块强势领涨,稀土ETF(159713)盘中涨幅一度超过3.6%!", "每日经济新闻",
                     at(14, 23, 0)};
}

MoveEvidence move() {
  MoveEvidence m;
  m.from = price("41.20");
  m.to = price("43.31");
  m.change_centipct = change_centipct(m.from, m.to);
  m.window = "prev_close";
  m.price_decimals = 2;
  m.path = {{at(14, 25, 0), price("42.10")}, {at(14, 31, 5), price("43.31")}};
  return m;
}

Notification with(Alert a, std::string_view receiver_name = "desk") {
  Notification n;
  n.kind = NotificationKind::Alerts;
  n.receiver = std::string(receiver_name);
  n.id = entry_id(a.id, receiver_name);
  n.group_key = "{}:{rule=\"" + a.rule + "\"}";
  n.group_labels = {{"rule", a.rule}};
  n.public_url = std::string(kPublicUrl);
  n.alerts.push_back(std::move(a));
  return n;
}

}  // namespace

Timestamp fixed_now() { return at(14, 31, 5); }

Alert firing_alert() {
  Alert a;
  a.id = std::string(kFingerprint) + ":firing";
  a.seq = 41;
  a.rule = "news-and-move";
  a.severity = Severity::Warning;
  a.state = AlertState::Firing;
  a.symbol = Symbol::parse("600111.SH").value();
  a.ts = at(14, 31, 5);
  a.message =
      "600111.SH 北方稀土 5.12% today near: 稀土板块强势领涨,稀土ETF(159713)盘中涨幅一度超过3.6%! (每日经济新闻 14:23)";
  a.headlines.push_back(headline());
  a.move = move();
  a.explained = true;
  a.labels = {{"rule", a.rule},
              {"severity", "warning"},
              {"fingerprint", std::string(kFingerprint)},
              {"symbol", "600111.SH"},
              {"name", "北方稀土"},
              {"explanation", "headline"},
              {"direction", "favourable"},
              {"started_at", format_timestamp(a.ts)}};
  return a;
}

Alert resolved_alert() {
  Alert a = firing_alert();
  a.id = std::string(kFingerprint) + ":resolved";
  a.seq = 57;
  a.state = AlertState::Resolved;
  a.ts = at(14, 43, 35);
  a.labels["reason"] = "retracted";
  return a;
}

Alert update_alert() {
  Alert a = firing_alert();
  const std::string fp = "7c21e0d94ab35f18";  // synthetic
  a.id = fp + ":update-1";
  a.seq = 63;
  a.rule = "stock-move";
  a.ts = at(14, 47, 12);
  a.message = "600111.SH 北方稀土 5.12% today";
  a.headlines.clear();
  a.explained = false;
  a.labels["rule"] = a.rule;
  a.labels["fingerprint"] = fp;
  a.labels["explanation"] = "none";
  a.labels["started_at"] = format_timestamp(at(14, 31, 5));
  return a;
}

Notification firing() { return with(firing_alert()); }
Notification resolved() { return with(resolved_alert()); }
Notification update() { return with(update_alert()); }

Notification digest12() {
  struct Row {
    const char* symbol;
    const char* name;
    const char* rule;
    Severity severity;
    const char* from;
    const char* to;
  };
  // SYNTHETIC moves of the universe's rare-earth names, oldest first, 15 s apart.
  static constexpr Row kRows[] = {
      {"600111.SH", "北方稀土", "stock-move", Severity::Warning, "41.20", "43.31"},
      {"000831.SZ", "中国稀土", "stock-move", Severity::Warning, "38.05", "40.12"},
      {"600392.SH", "盛和资源", "stock-move", Severity::Warning, "16.42", "18.06"},
      {"600259.SH", "中稀有色", "stock-move", Severity::Warning, "35.60", "37.55"},
      {"159713.SZ", "稀土ETF", "etf-move", Severity::Warning, "1.190", "1.233"},
      {"516150.SH", "稀土ETF嘉实", "etf-move", Severity::Warning, "1.512", "1.560"},
      {"300748.SZ", "金力永磁", "policy-reaction", Severity::Critical, "27.80", "28.45"},
      {"000970.SZ", "中科三环", "stock-move", Severity::Warning, "14.10", "14.83"},
      {"600366.SH", "宁波韵升", "stock-move", Severity::Warning, "9.86", "10.36"},
      {"300224.SZ", "正海磁材", "stock-move", Severity::Warning, "13.20", "13.88"},
      {"600010.SH", "包钢股份", "stock-move", Severity::Info, "2.51", "2.60"},
      {"688190.SH", "云路股份", "stock-move", Severity::Warning, "98.50", "103.60"},
  };
  Notification n;
  n.kind = NotificationKind::Digest;
  n.receiver = "desk";
  n.public_url = std::string(kPublicUrl);
  n.group_key = "{}:{}";
  const Timestamp first = at(14, 28, 5);
  std::string ids;
  for (std::size_t i = 0; i < std::size(kRows); ++i) {
    const Row& r = kRows[i];
    Alert a;
    const std::string fp = "d1a0" + std::string(12 - std::to_string(i).size(), '0') + std::to_string(i);
    a.id = fp + ":firing";
    a.seq = 100 + i;
    a.rule = r.rule;
    a.severity = r.severity;
    a.symbol = Symbol::parse(r.symbol).value();
    a.ts = Timestamp{first.ms + static_cast<std::int64_t>(i) * 15'000 + (i == 11 ? 15'000 : 0)};
    MoveEvidence m;
    m.from = price(r.from);
    m.to = price(r.to);
    m.change_centipct = change_centipct(m.from, m.to);
    m.window = "prev_close";
    m.price_decimals = std::string_view(r.from).size() - std::string_view(r.from).find('.') - 1 == 3 ? 3 : 2;
    a.move = m;
    a.message = std::string(r.symbol) + " " + r.name + " " + format_centipct(m.change_centipct) + "% today";
    a.labels = {{"rule", r.rule}, {"fingerprint", fp}, {"symbol", r.symbol}, {"name", r.name}};
    if (i == 3) {  // one of them already over
      a.id = fp + ":resolved";
      a.state = AlertState::Resolved;
      a.labels["reason"] = "condition";
    }
    ids += a.id;
    n.alerts.push_back(std::move(a));
  }
  n.id = entry_id("digest|" + ids, "desk");
  n.digest_count = n.alerts.size();
  n.digest_from = first;
  n.digest_to = at(14, 31, 5);
  return n;
}

Notification test_message() {
  Notification n;
  n.kind = NotificationKind::Test;
  n.receiver = "desk";
  n.id = entry_id("test|2026-02-09T14:31:05", "desk");
  n.public_url = std::string(kPublicUrl);
  return n;
}

ReceiverConfig receiver(ReceiverKind kind) {
  ReceiverConfig r;
  r.kind = kind;
  r.timeout = std::chrono::milliseconds(8'000);
  switch (kind) {
    case ReceiverKind::Webhook:
      r.name = "ops";
      r.url = "http://127.0.0.1:9099/hook";
      r.secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";  // Standard Webhooks' published example secret
      break;
    case ReceiverKind::DingTalk:
      r.name = "desk";
      r.url = "https://oapi.dingtalk.com/robot/send?access_token=TEST_TOKEN";
      r.secret = "SECb6c1d3e5f7a9b0c2d4e6f8a1b3c5d7e9f0a2b4c6d8e1f3a5b7c9d0e2f4a6b8c";
      r.mentions.mobiles = {"13800000000"};
      break;
    case ReceiverKind::WeCom:
      r.name = "desk-wecom";
      r.url = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=TEST_TOKEN";
      r.mentions.user_ids = {"zhangsan"};
      break;
    case ReceiverKind::Feishu:
      r.name = "desk-feishu";
      r.url = "https://open.feishu.cn/open-apis/bot/v2/hook/TEST_TOKEN";
      r.secret = "feishu-synthetic-secret";
      r.mentions.user_ids = {"ou_0123456789abcdef"};
      break;
    case ReceiverKind::Telegram:
      r.name = "phone";
      r.url = "https://api.telegram.org";
      r.secret = "123456:TEST_TOKEN";
      r.chat_id = "-1001234567890";
      break;
    case ReceiverKind::ServerChan:
      r.name = "wechat";
      r.url = "https://sctapi.ftqq.com";
      r.secret = "SCTTEST_TOKEN";
      break;
    case ReceiverKind::Email:
      r.name = "mail";
      r.url = "smtp://127.0.0.1:2525";
      r.secret = "smtp-synthetic-password";
      r.email.from = "Lodestone 盯盘 <alerts@lodestone.example.com>";
      r.email.to = {"trader@example.com", "风控 <risk@example.com>"};
      r.email.username = "alerts";
      r.email.ca_file = "/etc/lodestone/test-ca.pem";
      break;
  }
  return r;
}

Notification long_firing() {
  Notification n = firing();
  Alert& a = n.alerts.front();
  std::string title;
  // ~30 KB: each round 3-byte CJK, 4-byte emoji and MarkdownV2's special characters.
  for (int i = 0; i < 300; ++i) title += "稀土出口管制😀*_[x](y)~`>#+-=|{}.!\\ 北方稀土";
  a.headlines.front().title = title;
  a.message = title;
  return n;
}

}  // namespace lodestone::notify::testing
