// What golden files cannot say on their own: every service's limit holds for a message far too
// long (cut on a character boundary, still well-formed, the link kept), secrets stay out of
// bodies, signatures verify independently, and configuration mistakes are refused.
#include <gtest/gtest.h>
#include <openssl/hmac.h>
#include <simdjson.h>

#include "alert_text.hpp"
#include "lodestone/notify/outbound.hpp"
#include "notify_fixtures.hpp"
#include "signing.hpp"
#include "utf8_cut.hpp"

namespace lodestone::notify {
namespace {

using testing::fixed_now;

constexpr std::string_view kLink = "https://lodestone.example.com/alerts/3f9a1c2b7d4e5f60";

OutboundRequest rendered(ReceiverKind kind, const Notification& n) {
  auto req = render(testing::receiver(kind), n, fixed_now());
  EXPECT_TRUE(req) << req.error().message;
  return req ? *req : OutboundRequest{};
}

// A string field at a JSON pointer of a body.
std::string json_string(const std::string& body, std::string_view pointer) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  const simdjson::padded_string padded(body);
  if (parser.parse(padded).get(root)) {
    ADD_FAILURE() << "not JSON: " << body.substr(0, 200);
    return {};
  }
  std::string_view value;
  if (root.at_pointer(pointer).get_string().get(value)) {
    ADD_FAILURE() << "no string at " << pointer;
    return {};
  }
  return std::string(value);
}

std::string header(const OutboundRequest& req, std::string_view name) {
  for (const auto& [k, v] : req.headers)
    if (k == name) return v;
  return {};
}

// Telegram's MarkdownV2 grammar, as far as our messages use it: escapes (\ then one character in
// 1-126), *bold*, [text](url) with only ')' and '\' escaped in the url, '>' quotes and '•'/text
// elsewhere; every other special character must be escaped. Returns "" when valid, else why.
std::string markdown_v2_problem(std::string_view text) {
  static constexpr std::string_view kSpecial = "_*[]()~`>#+-=|{}.!";
  bool bold = false;
  bool line_start = true;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\\') {
      if (i + 1 >= text.size() || static_cast<unsigned char>(text[i + 1]) > 126)
        return "dangling escape at " + std::to_string(i);
      ++i;
      line_start = false;
      continue;
    }
    if (c == '\n') {
      line_start = true;
      continue;
    }
    if (c == '>' && line_start) {
      line_start = false;
      continue;
    }
    line_start = false;
    if (c == '*') {
      bold = !bold;
      continue;
    }
    if (c == '[') {
      // Link text up to an unescaped ']', then "(url)".
      std::size_t j = i + 1;
      for (; j < text.size() && text[j] != ']'; ++j) {
        if (text[j] == '\\')
          ++j;
        else if (kSpecial.find(text[j]) != std::string_view::npos)
          return "unescaped in link text at " + std::to_string(j);
      }
      if (j + 1 >= text.size() || text[j + 1] != '(') return "link without url at " + std::to_string(i);
      std::size_t k = j + 2;
      for (; k < text.size() && text[k] != ')'; ++k)
        if (text[k] == '\\') ++k;
      if (k >= text.size()) return "unclosed link url at " + std::to_string(i);
      i = k;
      continue;
    }
    if (kSpecial.find(c) != std::string_view::npos) return std::string("unescaped '") + c + "' at " + std::to_string(i);
  }
  return bold ? "unclosed bold" : "";
}

TEST(RenderLimits, DingTalkBodyStaysUnder20000Bytes) {
  const auto req = rendered(ReceiverKind::DingTalk, testing::long_firing());
  EXPECT_LT(req.body.size(), 20'000U);
  EXPECT_GT(req.body.size(), 19'000U) << "cut near the limit, not far below it";
  EXPECT_TRUE(detail::valid_utf8(req.body));
  const std::string text = json_string(req.body, "/markdown/text");
  EXPECT_NE(text.find(detail::kCutMarker), std::string::npos);
  EXPECT_NE(text.find(std::string(kLink)), std::string::npos) << "the link survives the cut";
  EXPECT_NE(text.find("@13800000000"), std::string::npos) << "so do the mentions";
  EXPECT_NE(text.find("Lodestone"), std::string::npos) << "and the keyword";
}

TEST(RenderLimits, WeComContentAtMost4096Bytes) {
  const auto req = rendered(ReceiverKind::WeCom, testing::long_firing());
  const std::string content = json_string(req.body, "/markdown/content");
  EXPECT_LE(content.size(), 4096U);
  EXPECT_GT(content.size(), 4000U);
  EXPECT_TRUE(detail::valid_utf8(content));
  EXPECT_NE(content.find(detail::kCutMarker), std::string::npos);
  EXPECT_NE(content.find(std::string(kLink)), std::string::npos);
  EXPECT_NE(content.find("<@zhangsan>"), std::string::npos);
  // Every <font> opened is closed: the cut is inside a piece's text, never inside its markup.
  std::size_t opened = 0;
  std::size_t closed = 0;
  for (auto p = content.find("<font"); p != std::string::npos; p = content.find("<font", p + 1)) ++opened;
  for (auto p = content.find("</font>"); p != std::string::npos; p = content.find("</font>", p + 1)) ++closed;
  EXPECT_EQ(opened, closed);
}

TEST(RenderLimits, WeComTextMessageAtMost2048Bytes) {
  auto r = testing::receiver(ReceiverKind::WeCom);
  r.mentions.mobiles = {"13800000000"};
  auto req = render(r, testing::long_firing(), fixed_now());
  ASSERT_TRUE(req);
  EXPECT_EQ(json_string(req->body, "/msgtype"), "text") << "mobiles can only be mentioned in a text message";
  const std::string content = json_string(req->body, "/text/content");
  EXPECT_LE(content.size(), 2048U);
  EXPECT_TRUE(detail::valid_utf8(content));
  EXPECT_NE(req->body.find(R"("mentioned_mobile_list":["13800000000"])"), std::string::npos);
}

TEST(RenderLimits, FeishuBodyAtMost20KB) {
  const auto req = rendered(ReceiverKind::Feishu, testing::long_firing());
  EXPECT_LE(req.body.size(), 20'000U);
  EXPECT_GT(req.body.size(), 19'000U);
  EXPECT_TRUE(detail::valid_utf8(req.body));
  const std::string content = json_string(req.body, "/card/elements/0/text/content");
  EXPECT_NE(content.find(detail::kCutMarker), std::string::npos);
  EXPECT_NE(content.find("<at id=ou_0123456789abcdef></at>"), std::string::npos);
  EXPECT_EQ(json_string(req.body, "/card/elements/1/actions/0/url"), kLink) << "the button opens the alert";
}

TEST(RenderLimits, TelegramTextAtMost4096CharactersAndStillValidMarkdownV2) {
  const auto req = rendered(ReceiverKind::Telegram, testing::long_firing());
  const std::string text = json_string(req.body, "/text");
  EXPECT_LE(detail::measure(text, detail::Unit::Utf16), 4096U);
  EXPECT_GT(detail::measure(text, detail::Unit::Utf16), 3900U);
  EXPECT_TRUE(detail::valid_utf8(text));
  EXPECT_EQ(markdown_v2_problem(text), "");
  EXPECT_NE(text.find("已截断 truncated"), std::string::npos);
  EXPECT_NE(text.find("https://lodestone.example.com/alerts/3f9a1c2b7d4e5f60"), std::string::npos);
}

TEST(RenderLimits, TelegramEveryScenarioIsValidMarkdownV2) {
  for (const auto& n :
       {testing::firing(), testing::resolved(), testing::update(), testing::digest12(), testing::test_message()}) {
    const auto req = rendered(ReceiverKind::Telegram, n);
    EXPECT_EQ(markdown_v2_problem(json_string(req.body, "/text")), "") << n.id;
  }
}

TEST(RenderLimits, ServerChanTitle32CharactersDesp32KB) {
  const auto req = rendered(ReceiverKind::ServerChan, testing::long_firing());
  const std::string title = json_string(req.body, "/title");
  EXPECT_LE(detail::measure(title, detail::Unit::CodePoints), 32U);
  EXPECT_TRUE(detail::valid_utf8(title));
  const std::string desp = json_string(req.body, "/desp");
  EXPECT_LE(desp.size(), 32U * 1024U);
  EXPECT_GT(desp.size(), 31U * 1024U);
  EXPECT_TRUE(detail::valid_utf8(desp));
}

TEST(RenderLimits, EveryLimitHoldsAtEveryLength) {
  // Headlines from short to far too long: no size ever crosses a service's limit.
  for (std::size_t n = 0; n < 2000; n += 97) {
    Notification note = testing::firing();
    std::string title;
    for (std::size_t i = 0; i < n; ++i) title += i % 7 == 0 ? "😀" : i % 5 == 0 ? "." : "稀土";
    note.alerts.front().headlines.front().title = title;
    note.alerts.front().message = title + title;
    EXPECT_LT(rendered(ReceiverKind::DingTalk, note).body.size(), 20'000U) << n;
    EXPECT_LE(json_string(rendered(ReceiverKind::WeCom, note).body, "/markdown/content").size(), 4096U) << n;
    EXPECT_LE(rendered(ReceiverKind::Feishu, note).body.size(), 20'000U) << n;
    const std::string tg = json_string(rendered(ReceiverKind::Telegram, note).body, "/text");
    EXPECT_LE(detail::measure(tg, detail::Unit::Utf16), 4096U) << n;
    EXPECT_EQ(markdown_v2_problem(tg), "") << n;
  }
}

TEST(RenderSecrets, NeverInABody) {
  for (const auto kind : {ReceiverKind::Webhook, ReceiverKind::DingTalk, ReceiverKind::WeCom, ReceiverKind::Feishu,
                          ReceiverKind::Telegram, ReceiverKind::ServerChan, ReceiverKind::Email}) {
    const auto r = testing::receiver(kind);
    for (const auto& n : {testing::firing(), testing::digest12(), testing::test_message()}) {
      auto req = render(r, n, fixed_now());
      ASSERT_TRUE(req) << to_string(kind);
      if (!r.secret.empty()) EXPECT_EQ(req->body.find(r.secret), std::string::npos) << to_string(kind);
      EXPECT_EQ(req->body.find("TEST_TOKEN"), std::string::npos) << to_string(kind);
      for (const auto& [k, v] : req->headers)
        if (!r.secret.empty()) EXPECT_EQ(v.find(r.secret), std::string::npos) << k;
      EXPECT_EQ(req->timeout, r.timeout) << to_string(kind);
    }
  }
}

TEST(RenderWebhook, SignatureVerifiesWithAnIndependentHmac) {
  const auto req = rendered(ReceiverKind::Webhook, testing::firing());
  const std::string id = header(req, "webhook-id");
  const std::string ts = header(req, "webhook-timestamp");
  EXPECT_EQ(id, testing::firing().id);
  EXPECT_EQ(ts, "1770618665");
  const auto key = detail::base64_decode("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").value();
  const std::string content = id + "." + ts + "." + req.body;
  unsigned char mac[32];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(content.data()),
       content.size(), mac, &len);
  EXPECT_EQ(header(req, "webhook-signature"), "v1," + detail::base64(std::string(reinterpret_cast<char*>(mac), len)));
}

TEST(RenderWebhook, AlertmanagerFields) {
  const auto req = rendered(ReceiverKind::Webhook, testing::firing());
  EXPECT_EQ(json_string(req.body, "/version"), "4");
  EXPECT_EQ(json_string(req.body, "/status"), "firing");
  EXPECT_EQ(json_string(req.body, "/alerts/0/labels/alertname"), "news-and-move");
  EXPECT_EQ(json_string(req.body, "/alerts/0/endsAt"), "0001-01-01T00:00:00Z");
  EXPECT_EQ(json_string(req.body, "/alerts/0/fingerprint"), "3f9a1c2b7d4e5f60");
  EXPECT_EQ(json_string(req.body, "/alerts/0/generatorURL"), kLink);
  EXPECT_EQ(json_string(req.body, "/lodestone/alerts/0/id"), "3f9a1c2b7d4e5f60:firing");
  EXPECT_EQ(header(req, "Content-Type"), "application/json");
  const auto resolved = rendered(ReceiverKind::Webhook, testing::resolved());
  EXPECT_EQ(json_string(resolved.body, "/status"), "resolved");
  EXPECT_EQ(json_string(resolved.body, "/alerts/0/endsAt"), "2026-02-09T14:43:35.000+08:00");
  EXPECT_EQ(json_string(resolved.body, "/alerts/0/startsAt"), "2026-02-09T14:31:05.000+08:00");
  EXPECT_EQ(json_string(resolved.body, "/alerts/0/annotations/reason"), "retracted");
}

TEST(RenderWebhook, ABadSecretIsAConfigurationError) {
  auto r = testing::receiver(ReceiverKind::Webhook);
  r.secret = "not-a-whsec-secret";
  auto req = render(r, testing::firing(), fixed_now());
  ASSERT_FALSE(req);
  EXPECT_EQ(req.error().code, ErrorCode::bad_config);
  EXPECT_EQ(req.error().message.find("not-a-whsec-secret"), std::string::npos);
  r.secret.clear();
  auto unsigned_req = render(r, testing::firing(), fixed_now());
  ASSERT_TRUE(unsigned_req);
  EXPECT_EQ(header(*unsigned_req, "webhook-signature"), "") << "no secret: sent unsigned";
  EXPECT_NE(header(*unsigned_req, "webhook-id"), "") << "but still with its idempotency key";
}

TEST(RenderDingTalk, SignedUrlAndMentions) {
  const auto req = rendered(ReceiverKind::DingTalk, testing::firing());
  const auto r = testing::receiver(ReceiverKind::DingTalk);
  EXPECT_EQ(req.url, r.url + "&timestamp=1770618665000&sign=" + detail::dingtalk_sign(r.secret, 1770618665000));
  EXPECT_NE(req.body.find(R"("atMobiles":["13800000000"])"), std::string::npos);
  EXPECT_NE(json_string(req.body, "/markdown/text").find("@13800000000"), std::string::npos);
  auto unsigned_r = r;
  unsigned_r.secret.clear();
  EXPECT_EQ(render(unsigned_r, testing::firing(), fixed_now())->url, r.url) << "keyword-only robots: no signature";
}

TEST(RenderFeishu, SignatureFieldsInTheBody) {
  const auto req = rendered(ReceiverKind::Feishu, testing::firing());
  EXPECT_EQ(json_string(req.body, "/timestamp"), "1770618665");
  EXPECT_EQ(json_string(req.body, "/sign"), detail::feishu_sign("feishu-synthetic-secret", 1770618665));
  EXPECT_EQ(json_string(req.body, "/card/header/template"), "orange");
}

TEST(RenderTelegram, RepliesToTheOriginalWhenItIsKnown) {
  Notification n = testing::resolved();
  n.reply_to = "4711";
  const auto req = rendered(ReceiverKind::Telegram, n);
  EXPECT_NE(req.body.find(R"("reply_parameters":{"message_id":4711,"allow_sending_without_reply":true})"),
            std::string::npos)
      << req.body;
  EXPECT_EQ(json_string(req.body, "/text").find("原预警 original"), std::string::npos)
      << "a reply does not quote the original again";
  EXPECT_NE(req.body.find(R"("chat_id":-1001234567890)"), std::string::npos);
  EXPECT_EQ(req.url, "https://api.telegram.org/bot123456:TEST_TOKEN/sendMessage");
}

TEST(RenderTelegram, MissingTokenOrChatIsAConfigurationError) {
  auto r = testing::receiver(ReceiverKind::Telegram);
  r.chat_id.clear();
  EXPECT_EQ(render(r, testing::firing(), fixed_now()).error().code, ErrorCode::bad_config);
  r = testing::receiver(ReceiverKind::Telegram);
  r.secret.clear();
  EXPECT_EQ(render(r, testing::firing(), fixed_now()).error().code, ErrorCode::bad_config);
}

TEST(RenderEmail, HeadersEnvelopeAndCrlf) {
  const auto req = rendered(ReceiverKind::Email, testing::firing());
  EXPECT_EQ(req.transport, OutboundRequest::Transport::Smtp);
  EXPECT_EQ(req.mail_from, "alerts@lodestone.example.com");
  EXPECT_EQ(req.rcpt_to, (std::vector<std::string>{"trader@example.com", "risk@example.com"}));
  EXPECT_EQ(req.smtp_password, "smtp-synthetic-password");
  EXPECT_NE(req.body.find("Date: Mon, 09 Feb 2026 14:31:05 +0800\r\n"), std::string::npos);
  EXPECT_NE(req.body.find("MIME-Version: 1.0\r\n"), std::string::npos);
  // Every line ends in CRLF and none is longer than RFC 5322's 998 characters.
  std::size_t start = 0;
  while (start < req.body.size()) {
    const auto end = req.body.find('\n', start);
    ASSERT_NE(end, std::string::npos);
    EXPECT_EQ(req.body[end - 1], '\r') << req.body.substr(start, end - start);
    EXPECT_LE(end - start, 999U);
    start = end + 1;
  }
}

TEST(RenderEmail, SubjectDecodesBackToTheTitle) {
  const auto req = rendered(ReceiverKind::Email, testing::firing());
  const auto begin = req.body.find("Subject: ") + 9;
  const auto end = req.body.find("\r\nDate:");
  std::string decoded;
  std::string_view rest = std::string_view(req.body).substr(begin, end - begin);
  while (!rest.empty()) {
    const auto open = rest.find("=?UTF-8?B?");
    ASSERT_NE(open, std::string_view::npos);
    const auto close = rest.find("?=", open + 10);
    EXPECT_LE(close + 2 - open, 75U) << "an encoded-word is at most 75 characters";
    decoded += detail::base64_decode(rest.substr(open + 10, close - open - 10)).value();
    rest.remove_prefix(close + 2);
    if (rest.substr(0, 3) == "\r\n ") rest.remove_prefix(3);
  }
  const auto message = detail::compose_message(testing::receiver(ReceiverKind::Email), testing::firing(), fixed_now());
  EXPECT_EQ(decoded, message.title);
}

TEST(RenderEmail, AddressesThatCouldInjectHeadersAreRefused) {
  auto r = testing::receiver(ReceiverKind::Email);
  r.email.to = {"trader@example.com\r\nBcc: someone@evil.example"};
  EXPECT_EQ(render(r, testing::firing(), fixed_now()).error().code, ErrorCode::bad_config);
  r = testing::receiver(ReceiverKind::Email);
  r.email.from = "nobody";
  EXPECT_EQ(render(r, testing::firing(), fixed_now()).error().code, ErrorCode::bad_config);
}

TEST(RenderText, NoPublicUrlNoLink) {
  Notification n = testing::firing();
  n.public_url.clear();
  const auto req = rendered(ReceiverKind::DingTalk, n);
  EXPECT_EQ(json_string(req.body, "/markdown/text").find("/alerts/"), std::string::npos);
}

TEST(RenderText, ResolvedWithoutStartedAtSaysNoDuration) {
  Notification n = testing::resolved();
  n.alerts.front().labels.erase("started_at");
  const auto message = detail::compose_message(testing::receiver(ReceiverKind::DingTalk), n, fixed_now());
  for (const auto& f : message.sections.front().fields) EXPECT_NE(f.label, "持续 fired for");
  Notification with_start = testing::resolved();
  const auto full = detail::compose_message(testing::receiver(ReceiverKind::DingTalk), with_start, fixed_now());
  bool said = false;
  for (const auto& f : full.sections.front().fields)
    if (f.label == "持续 fired for") {
      said = true;
      EXPECT_EQ(f.value, "12m 30s (14:31:05 → 14:43:35)");
    }
  EXPECT_TRUE(said);
}

TEST(RenderText, PricesAndPercentagesAreExactDecimals) {
  Notification n = testing::firing();
  MoveEvidence& m = *n.alerts.front().move;
  m.from = Price::parse("1.190").value();
  m.to = Price::parse("1.233").value();
  m.change_centipct = change_centipct(m.from, m.to);
  m.price_decimals = 3;
  m.window = "15m";
  const auto message = detail::compose_message(testing::receiver(ReceiverKind::DingTalk), n, fixed_now());
  bool said = false;
  for (const auto& f : message.sections.front().fields)
    if (f.label == "涨跌 move") {
      said = true;
      EXPECT_EQ(f.value, "1.190 → 1.233, +3.61% (15m 内 within 15m)");
    }
  EXPECT_TRUE(said);
  EXPECT_EQ(detail::signed_pct(-445), "-4.45%");
  EXPECT_EQ(detail::signed_pct(0), "0.00%");
}

TEST(RenderText, ADigestListsNewestFirstAndBoundsItsLines) {
  Notification n = testing::digest12();
  const auto m12 = detail::compose_message(testing::receiver(ReceiverKind::DingTalk), n, fixed_now());
  ASSERT_EQ(m12.sections.size(), 12U);
  EXPECT_NE(m12.sections.front().heading.find("688190.SH"), std::string::npos) << "the newest first";
  EXPECT_NE(m12.sections.back().heading.find("600111.SH"), std::string::npos);
  EXPECT_NE(m12.intro.front().find("12 alerts in the last 3 minutes"), std::string::npos) << m12.intro.front();
  n.digest_count = 40;  // the digest stands for more than it carries
  for (int i = 0; i < 18; ++i) n.alerts.push_back(n.alerts[static_cast<std::size_t>(i % 12)]);
  const auto m40 = detail::compose_message(testing::receiver(ReceiverKind::DingTalk), n, fixed_now());
  EXPECT_EQ(m40.sections.size(), 20U);
  ASSERT_EQ(m40.outro.size(), 1U);
  EXPECT_NE(m40.outro.front().find("20 more"), std::string::npos) << m40.outro.front();
}

TEST(RenderText, AGroupShowsEachAlertAndTheWebhookItsCommonLabels) {
  Notification n = testing::firing();
  Alert second = testing::firing_alert();
  second.id = "0a1b2c3d4e5f6071:firing";  // synthetic
  second.symbol = Symbol::parse("000831.SZ").value();
  second.labels["fingerprint"] = "0a1b2c3d4e5f6071";
  second.labels["symbol"] = "000831.SZ";
  second.labels["name"] = "中国稀土";
  second.severity = Severity::Critical;
  second.ts = Timestamp{second.ts.ms + 1000};
  n.alerts.push_back(second);
  const auto message = detail::compose_message(testing::receiver(ReceiverKind::DingTalk), n, fixed_now());
  EXPECT_EQ(message.title, "【严重 critical】2 条预警 2 alerts · news-and-move");
  ASSERT_EQ(message.sections.size(), 2U);
  EXPECT_NE(message.sections.front().heading.find("000831.SZ 中国稀土"), std::string::npos) << "newest first";
  const auto req = rendered(ReceiverKind::Webhook, n);
  EXPECT_EQ(json_string(req.body, "/commonLabels/alertname"), "news-and-move");
  const auto start = req.body.find(R"("commonLabels":)");
  const std::string common = req.body.substr(start, req.body.find('}', start) - start);
  EXPECT_NE(common.find(R"("rule":"news-and-move")"), std::string::npos) << common;
  for (const char* differing : {R"("symbol")", R"("name")", R"("severity")", R"("fingerprint")"})
    EXPECT_EQ(common.find(differing), std::string::npos) << differing << " differs, so it is not common: " << common;
}

TEST(RenderText, AnAlertsNotificationWithoutAlertsIsRefused) {
  Notification n = testing::firing();
  n.alerts.clear();
  EXPECT_EQ(render(testing::receiver(ReceiverKind::DingTalk), n, fixed_now()).error().code, ErrorCode::bad_field);
}

}  // namespace
}  // namespace lodestone::notify
