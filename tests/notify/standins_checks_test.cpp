// The stand-ins' own checks, without a socket: if these were wrong, every test against a
// stand-in would prove nothing. Known answers come from the standards, not from our code.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "notify_standins/alertmanager_body.hpp"
#include "notify_standins/checks.hpp"
#include "notify_standins/mail_message.hpp"
#include "notify_standins/telegram_markup.hpp"

namespace lodestone::testing {
namespace {

using ::testing::HasSubstr;

std::string hex(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
  return out;
}

TEST(StandInChecks, HmacAndBase64MatchTheirStandards) {
  // RFC 4231 test case 2.
  EXPECT_EQ(hex(hmac_sha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  // GitHub's documented webhook test vector (X-Hub-Signature-256).
  EXPECT_EQ(hex(hmac_sha256("It's a Secret to Everybody", "Hello, World!")),
            "757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17");
  // RFC 4648 section 10.
  EXPECT_EQ(base64_encode("f"), "Zg==");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(base64_decode("Zm9vYg=="), "foob");
  EXPECT_FALSE(base64_decode("Zm9vYg")) << "unpadded";
  EXPECT_FALSE(base64_decode("Zm9v Yg==")) << "whitespace";
  EXPECT_FALSE(base64_decode("Zg==Zg==")) << "data after padding";
  EXPECT_TRUE(constant_time_equal("abc", "abc"));
  EXPECT_FALSE(constant_time_equal("abc", "abd"));
  EXPECT_FALSE(constant_time_equal("abc", "abcd"));
}

TEST(StandInChecks, QueriesDecodeLikeAServlet) {
  const Target t = parse_target("/robot/send?access_token=t&sign=a%2Bb%3D&raw=a+b");
  EXPECT_EQ(t.path, "/robot/send");
  EXPECT_EQ(t.query.get("sign"), "a+b=");
  EXPECT_EQ(t.query.get("raw"), "a b") << "an unencoded '+' is a space";
  EXPECT_FALSE(t.query.get("timestamp"));
}

TEST(StandInChecks, RollingLimitCountsARollingWindow) {
  RollingLimit limit(2, std::chrono::seconds(60));
  EXPECT_TRUE(limit.admit(Timestamp{0}));
  EXPECT_TRUE(limit.admit(Timestamp{10'000}));
  EXPECT_FALSE(limit.admit(Timestamp{20'000}));
  EXPECT_EQ(limit.wait(Timestamp{20'000}), std::chrono::milliseconds(40'000));
  EXPECT_TRUE(limit.admit(Timestamp{60'000})) << "the first left the window";
  EXPECT_FALSE(limit.admit(Timestamp{60'001}));
  EXPECT_EQ(retry_seconds(std::chrono::milliseconds(1)), 1);
  EXPECT_EQ(retry_seconds(std::chrono::milliseconds(40'001)), 41);
}

TEST(StandInChecks, Utf16UnitsCountSurrogatePairsTwice) {
  EXPECT_EQ(utf16_units("涨停"), 2u);
  EXPECT_EQ(utf16_units("\xF0\x9F\x93\x88"), 2u);
  EXPECT_EQ(code_points("\xF0\x9F\x93\x88"), 1u);
  EXPECT_FALSE(valid_utf8("\xE6\xB6"));
}

TEST(TelegramMarkup, MarkdownV2NeedsEveryReservedCharacterEscaped) {
  for (char c : std::string("_*[]()~`>#+-=|{}.!")) {
    const std::string text = std::string("a") + c + "b";
    const auto parsed = parse_markdown_v2(text);
    if (std::string("_*[~`|").find(c) != std::string::npos) continue;  // these open entities
    ASSERT_FALSE(parsed.ok) << text;
    EXPECT_EQ(parsed.error,
              std::string("Character '") + c + "' is reserved and must be escaped with the preceding '\\'");
    const auto escaped = parse_markdown_v2(std::string("a\\") + c + "b");
    ASSERT_TRUE(escaped.ok) << escaped.error;
    EXPECT_EQ(escaped.text, text);
  }
}

TEST(TelegramMarkup, MarkdownV2EntitiesParseToTheirText) {
  auto p = parse_markdown_v2(
      "*bold* _it_ __under__ ~gone~ ||hidden|| `a.b` ```cpp\nx = 1;\n``` [link](https://x.test/a\\)b)");
  ASSERT_TRUE(p.ok) << p.error;
  EXPECT_EQ(p.text, "bold it under gone hidden a.b x = 1;\n link");
  p = parse_markdown_v2(">quoted line\nnext");
  EXPECT_TRUE(p.ok) << p.error;
  p = parse_markdown_v2("_open");
  EXPECT_EQ(p.error, "Can't find end of Italic entity at byte offset 0");
  p = parse_markdown_v2("[text](https://x.test");
  EXPECT_EQ(p.error, "Can't find end of a URL at byte offset 7");
  p = parse_markdown_v2("`code with . and !`");
  EXPECT_TRUE(p.ok) << "inside code only ` and \\ are special";
}

TEST(TelegramMarkup, HtmlTagsMustBeKnownAndNested) {
  auto p = parse_telegram_html("<b>涨停</b> &lt;10% &amp; <a href=\"https://x.test/?a=1&b=2\">link</a>");
  ASSERT_TRUE(p.ok) << p.error;
  EXPECT_EQ(p.text, "涨停 <10% & link");
  EXPECT_EQ(parse_telegram_html("<b>x").error, "Can't find end tag corresponding to start tag \"b\"");
  EXPECT_EQ(parse_telegram_html("<b>x</i>").error,
            "Unmatched end tag at byte offset 4, expected \"</b>\", found \"</i>\"");
  EXPECT_FALSE(parse_telegram_html("a < b").ok) << "a bare '<' must be &lt;";
  EXPECT_FALSE(parse_telegram_html("<span>x</span>").ok);
  EXPECT_TRUE(parse_telegram_html("<span class=\"tg-spoiler\">x</span>").ok);
}

TEST(MailMessage, DecodesEncodedWords) {
  EXPECT_EQ(decode_encoded_words("=?UTF-8?B?5rao5YGc?="), "涨停");
  EXPECT_EQ(decode_encoded_words("=?utf-8?Q?=E6=B6=A8=E5=81=9C_600519?="), "涨停 600519");
  EXPECT_EQ(decode_encoded_words("=?UTF-8?B?5rao?= =?UTF-8?B?5YGc?= now"), "涨停 now") << "space between words";
  EXPECT_FALSE(decode_encoded_words("=?GB2312?B?1eLNow==?=")) << "UTF-8 only";
  EXPECT_FALSE(decode_encoded_words("=?UTF-8?B?5rao5YG?=")) << "bad base64";
  EXPECT_FALSE(decode_encoded_words("=?UTF-8?Q?=E6=B6?=")) << "decodes to broken UTF-8";
  EXPECT_FALSE(decode_encoded_words("=?UTF-8?Q?=E6=B6?= =?UTF-8?Q?=A8?=")) << "a character split across words";
}

TEST(MailMessage, ChecksHeadersDatesAndBodies) {
  const std::string head =
      "From: a@example.com\r\nTo: b@example.com, =?UTF-8?B?5rao?= <c@example.com>\r\nSubject: hi\r\n"
      "Date: 9 Feb 2026 10:15 +0800\r\nMIME-Version: 1.0\r\n";
  auto check = check_mail_message(head +
                                  "Content-Type: text/plain; charset=UTF-8\r\n"
                                  "Content-Transfer-Encoding: quoted-printable\r\n\r\n=E6=B6=A8=\r\n\xE5\x81\x9C\r\n");
  EXPECT_THAT(check.problem.value_or(""), HasSubstr("8-bit bytes in a quoted-printable body"));
  check = check_mail_message(head +
                             "Content-Type: text/plain; charset=UTF-8\r\n"
                             "Content-Transfer-Encoding: quoted-printable\r\n\r\n=E6=B6=A8=\r\n=E5=81=9C\r\n");
  EXPECT_FALSE(check.problem) << *check.problem;
  EXPECT_EQ(check.text, "涨停\r\n");
  // A long subject is several encoded-words on folded lines.
  std::string folded = head;
  folded.replace(folded.find("Subject: hi"), 11, "Subject: =?UTF-8?B?5rao?=\r\n =?UTF-8?B?5YGc?=");
  check = check_mail_message(folded + "Content-Type: text/plain\r\n\r\nx\r\n");
  EXPECT_FALSE(check.problem) << *check.problem;
  EXPECT_EQ(check.subject, "涨停");
  check = check_mail_message(head + "Content-Type: text/plain\r\n\r\n\xE6\xB6\xA8\r\n");
  EXPECT_THAT(check.problem.value_or(""), HasSubstr("7bit"));
  check = check_mail_message(head + "Content-Type: text/plain\r\n\r\nline\nbare\r\n");
  EXPECT_THAT(check.problem.value_or(""), HasSubstr("bare LF"));
  check = check_mail_message(head +
                             "Content-Type: multipart/alternative; boundary=\"b1\"\r\n\r\n"
                             "--b1\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\nplain\r\n"
                             "--b1\r\nContent-Type: text/html; charset=UTF-8\r\n\r\n<p>html</p>\r\n--b1--\r\n");
  EXPECT_FALSE(check.problem) << *check.problem;
  EXPECT_EQ(check.text, "plain");
  check = check_mail_message(head + "Content-Type: multipart/alternative; boundary=\"b1\"\r\n\r\n--b1\r\n\r\nx\r\n");
  EXPECT_THAT(check.problem.value_or(""), HasSubstr("closing boundary"));
  std::string bad_date = head;
  bad_date.replace(bad_date.find("9 Feb"), 5, "2026-02-09");
  check = check_mail_message(bad_date + "Content-Type: text/plain\r\n\r\nx\r\n");
  EXPECT_THAT(check.problem.value_or(""), HasSubstr("Date"));
}

TEST(AlertmanagerBody, NamesWhatIsMissing) {
  EXPECT_THAT(alertmanager_v4_problem("[]").value_or(""), HasSubstr("not an object"));
  EXPECT_THAT(alertmanager_v4_problem(R"({"version":"3"})").value_or(""), HasSubstr("version"));
  const std::string ok =
      R"({"version":"4","groupKey":"k","truncatedAlerts":0,"status":"resolved","receiver":"r","groupLabels":{},)"
      R"("commonLabels":{},"commonAnnotations":{},"externalURL":"","alerts":[{"status":"resolved","labels":)"
      R"({"alertname":"a"},"annotations":{},"startsAt":"2026-02-09T02:15:03.120Z","endsAt":"2026-02-09T10:20:00+08:00",)"
      R"("generatorURL":"","fingerprint":"00000000000000ff"}]})";
  EXPECT_EQ(alertmanager_v4_problem(ok), std::nullopt);
  std::string no_name = ok;
  no_name.replace(no_name.find(R"("alertname":"a")"), 15, R"("rule":"a")");
  EXPECT_THAT(alertmanager_v4_problem(no_name).value_or(""), HasSubstr("alertname"));
  std::string bad_time = ok;
  bad_time.replace(bad_time.find("2026-02-09T02:15:03.120Z"), 24, "2026-02-09 02:15:03");
  EXPECT_THAT(alertmanager_v4_problem(bad_time).value_or(""), HasSubstr("startsAt"));
}

}  // namespace
}  // namespace lodestone::testing
