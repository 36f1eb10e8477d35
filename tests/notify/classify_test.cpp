// Every code of notify's tables, per service: what it means for the next step, the pause a rate
// limit asks for, and a detail that carries the service's code and words but never a URL.
#include <gtest/gtest.h>

#include "lodestone/notify/outbound.hpp"

namespace lodestone::notify {
namespace {

using std::chrono::seconds;

ServiceAnswer http(long status, std::string body, std::optional<seconds> retry_after = std::nullopt) {
  ServiceAnswer a;
  a.http_status = status;
  a.body = std::move(body);
  a.retry_after = retry_after;
  return a;
}

ServiceAnswer errcode(std::int64_t code, std::string_view words) {
  return http(200, R"({"errcode":)" + std::to_string(code) + R"(,"errmsg":")" + std::string(words) + "\"}");
}

struct Row {
  std::int64_t code;
  Outcome outcome;
  std::optional<seconds> pause;
};

void check(ReceiverKind kind, const ServiceAnswer& answer, Outcome outcome, std::optional<seconds> pause = {}) {
  const Verdict v = classify(kind, answer);
  EXPECT_EQ(v.outcome, outcome) << to_string(kind) << " " << answer.http_status << " " << answer.body << " -> "
                                << to_string(v.outcome) << " (" << v.detail << ")";
  EXPECT_EQ(v.pause, pause) << to_string(kind) << " " << answer.body;
  EXPECT_LE(v.detail.size(), 300U);
}

TEST(ClassifyDingTalk, EveryDocumentedErrcode) {
  const Row kRows[] = {
      {0, Outcome::Sent, {}},        {130101, Outcome::RateLimited, seconds{600}},  // throttled for 10 minutes
      {310000, Outcome::Broken, {}}, {300001, Outcome::Broken, {}},
      {460101, Outcome::Broken, {}}, {101002, Outcome::Broken, {}},
      {500100, Outcome::Retry, {}},  {90030, Outcome::Broken, {}},  // unknown to our table: broken, with the words
  };
  for (const auto& r : kRows) check(ReceiverKind::DingTalk, errcode(r.code, "x"), r.outcome, r.pause);
}

TEST(ClassifyDingTalk, DetailCarriesCodeAndWords) {
  const Verdict v = classify(ReceiverKind::DingTalk, errcode(310000, "sign not match, more: [...]"));
  EXPECT_EQ(v.detail, "310000 sign not match, more: [...]");
}

TEST(ClassifyDingTalk, TheBranchIsOnTheCodeNeverTheWords) {
  check(ReceiverKind::DingTalk, errcode(0, "send too fast, exceed 20 times per minute"), Outcome::Sent);
  check(ReceiverKind::DingTalk, errcode(130101, "ok"), Outcome::RateLimited, seconds{600});
}

TEST(ClassifyWeCom, EveryDocumentedErrcode) {
  const Row kRows[] = {
      {0, Outcome::Sent, {}},       {45009, Outcome::RateLimited, seconds{65}},
      {93000, Outcome::Broken, {}}, {40058, Outcome::Broken, {}},
      {-1, Outcome::Retry, {}},  // WeCom's global "系统繁忙" (system busy)
      {40008, Outcome::Broken, {}},
  };
  for (const auto& r : kRows) check(ReceiverKind::WeCom, errcode(r.code, "x"), r.outcome, r.pause);
}

TEST(ClassifyWeCom, TheHelpLinkInErrmsgIsNotRepeated) {
  const Verdict v =
      classify(ReceiverKind::WeCom, errcode(93000,
                                            "invalid webhook url, hint: [1770618665_1], from ip: 1.2.3.4, more info at "
                                            "https://open.work.weixin.qq.com/devtool/query?e=93000"));
  EXPECT_EQ(v.outcome, Outcome::Broken);
  EXPECT_EQ(v.detail.find("https://"), std::string::npos) << v.detail;
  EXPECT_NE(v.detail.find("93000 invalid webhook url"), std::string::npos) << v.detail;
}

TEST(ClassifyFeishu, EveryDocumentedCode) {
  const Row kRows[] = {
      {0, Outcome::Sent, {}},       {11232, Outcome::RateLimited, seconds{60}},
      {9499, Outcome::Broken, {}},  {19001, Outcome::Broken, {}},
      {19021, Outcome::Broken, {}}, {19022, Outcome::Broken, {}},
      {19024, Outcome::Broken, {}},
  };
  for (const auto& r : kRows)
    check(ReceiverKind::Feishu, http(200, R"({"code":)" + std::to_string(r.code) + R"(,"msg":"x","data":{}})"),
          r.outcome, r.pause);
}

TEST(ClassifyFeishu, RealAnswers) {
  check(ReceiverKind::Feishu,
        http(200, R"({"StatusCode":0,"StatusMessage":"success","code":0,"data":{},"msg":"success"})"), Outcome::Sent);
  const Verdict v = classify(
      ReceiverKind::Feishu,
      http(
          200,
          R"({"code":19021,"data":{},"msg":"sign match fail or timestamp is not within one hour from current time"})"));
  EXPECT_EQ(v.outcome, Outcome::Broken);
  EXPECT_EQ(v.detail, "19021 sign match fail or timestamp is not within one hour from current time");
  // A 400 with the code in the body is read by its code too.
  check(ReceiverKind::Feishu, http(400, R"({"code":9499,"msg":"Bad Request","data":{}})"), Outcome::Broken);
}

TEST(ClassifyRobots, HttpAndTransportFailures) {
  for (const auto kind :
       {ReceiverKind::DingTalk, ReceiverKind::WeCom, ReceiverKind::Feishu, ReceiverKind::ServerChan}) {
    check(kind, http(502, "<html>Bad Gateway</html>"), Outcome::Retry);
    check(kind, http(503, ""), Outcome::Retry);
    check(kind, http(429, "", seconds{7}), Outcome::RateLimited, seconds{7});
    check(kind, http(404, "<html>not found</html>"), Outcome::Broken);
    check(kind, http(301, ""), Outcome::Broken);
    ServiceAnswer timeout;
    timeout.transport_error = make_error(ErrorCode::timeout, "Operation timed out after 15000 milliseconds");
    check(kind, timeout, Outcome::Retry);
  }
}

TEST(ClassifyRobots, AnUnparsableOkBodyIsRetriedAndSaysSo) {
  for (const auto kind :
       {ReceiverKind::DingTalk, ReceiverKind::WeCom, ReceiverKind::Feishu, ReceiverKind::ServerChan}) {
    const Verdict v = classify(kind, http(200, "<html>captive portal</html>"));
    EXPECT_EQ(v.outcome, Outcome::Retry);
    EXPECT_NE(v.detail.find("unparsable"), std::string::npos) << v.detail;
    check(kind, http(200, R"({"ok":true})"), Outcome::Retry);  // JSON, but no code
  }
}

TEST(ClassifyServerChan, CodeZeroIsSent) {
  check(ReceiverKind::ServerChan, http(200, R"({"code":0,"message":"","data":{"pushid":"1","readkey":"x"}})"),
        Outcome::Sent);
  const Verdict v = classify(ReceiverKind::ServerChan, http(200, R"({"code":40001,"message":"bad pushkey"})"));
  EXPECT_EQ(v.outcome, Outcome::Broken);
  EXPECT_EQ(v.detail, "40001 bad pushkey");
}

TEST(ClassifyTelegram, OkKeepsTheMessageIdForReplies) {
  const Verdict v = classify(ReceiverKind::Telegram,
                             http(200, R"({"ok":true,"result":{"message_id":4711,"chat":{"id":-1001234567890}}})"));
  EXPECT_EQ(v.outcome, Outcome::Sent);
  EXPECT_EQ(v.message_ref, "4711");
}

TEST(ClassifyTelegram, TooManyRequestsPausesForRetryAfter) {
  check(
      ReceiverKind::Telegram,
      http(
          429,
          R"({"ok":false,"error_code":429,"description":"Too Many Requests: retry after 5","parameters":{"retry_after":5}})"),
      Outcome::RateLimited, seconds{5});
  // Without parameters, the Retry-After header; without that, 30 s.
  check(ReceiverKind::Telegram, http(429, R"({"ok":false,"error_code":429})", seconds{9}), Outcome::RateLimited,
        seconds{9});
  check(ReceiverKind::Telegram, http(429, "Too Many Requests"), Outcome::RateLimited, seconds{30});
}

TEST(ClassifyTelegram, PermanentRefusals) {
  check(ReceiverKind::Telegram, http(401, R"({"ok":false,"error_code":401,"description":"Unauthorized"})"),
        Outcome::Broken);
  check(ReceiverKind::Telegram,
        http(403, R"({"ok":false,"error_code":403,"description":"Forbidden: bot was kicked from the group chat"})"),
        Outcome::Broken);
  check(ReceiverKind::Telegram, http(404, R"({"ok":false,"error_code":404,"description":"Not Found"})"),
        Outcome::Broken);
  check(ReceiverKind::Telegram,
        http(400, R"({"ok":false,"error_code":400,"description":"Bad Request: chat not found"})"), Outcome::Broken);
  const Verdict migrated = classify(
      ReceiverKind::Telegram,
      http(
          400,
          R"({"ok":false,"error_code":400,"description":"Bad Request: group chat was upgraded to a supergroup chat","parameters":{"migrate_to_chat_id":-1009876543210}})"));
  EXPECT_EQ(migrated.outcome, Outcome::Broken);
  EXPECT_NE(migrated.detail.find("-1009876543210"), std::string::npos) << migrated.detail;
}

TEST(ClassifyTelegram, CantParseEntitiesIsOurFormattingBug) {
  const Verdict v = classify(
      ReceiverKind::Telegram,
      http(
          400,
          R"({"ok":false,"error_code":400,"description":"Bad Request: can't parse entities: Character '.' is reserved and must be escaped with the preceding '\\'"})"));
  EXPECT_EQ(v.outcome, Outcome::Broken);
  EXPECT_NE(v.detail.find("formatting bug"), std::string::npos) << v.detail;
  EXPECT_NE(v.detail.find("can't parse entities"), std::string::npos) << v.detail;
}

TEST(ClassifyTelegram, ServerErrorsAreRetried) {
  check(ReceiverKind::Telegram, http(502, "<html>Bad Gateway</html>"), Outcome::Retry);
  check(ReceiverKind::Telegram, http(500, R"({"ok":false,"error_code":500,"description":"Internal Server Error"})"),
        Outcome::Retry);
}

TEST(ClassifyWebhook, StandardWebhooksDeliveryRules) {
  check(ReceiverKind::Webhook, http(200, ""), Outcome::Sent);
  check(ReceiverKind::Webhook, http(204, ""), Outcome::Sent);
  check(ReceiverKind::Webhook, http(410, "gone"), Outcome::Broken);
  check(ReceiverKind::Webhook, http(429, "", seconds{120}), Outcome::RateLimited, seconds{120});
  check(ReceiverKind::Webhook, http(502, ""), Outcome::RateLimited, seconds{30});
  check(ReceiverKind::Webhook, http(504, "", seconds{3}), Outcome::RateLimited, seconds{3});
  check(ReceiverKind::Webhook, http(500, ""), Outcome::Retry);
  check(ReceiverKind::Webhook, http(503, ""), Outcome::Retry);
  check(ReceiverKind::Webhook, http(400, "bad"), Outcome::Broken);
  check(ReceiverKind::Webhook, http(401, "bad signature"), Outcome::Broken);
  check(ReceiverKind::Webhook, http(302, ""), Outcome::Broken);
  ServiceAnswer refused;
  refused.transport_error = make_error(ErrorCode::unavailable, "Failed to connect to 127.0.0.1 port 9099");
  check(ReceiverKind::Webhook, refused, Outcome::Retry);
}

TEST(ClassifyEmail, TheSmtpReplyCodeDecides) {
  // ServiceAnswer::http_status carries the SMTP reply code for e-mail.
  check(ReceiverKind::Email, http(250, "2.0.0 Ok: queued as 4F2A1"), Outcome::Sent);
  check(ReceiverKind::Email, http(421, "4.7.0 Try again later"), Outcome::Retry);
  check(ReceiverKind::Email, http(451, "4.3.0 Temporary lookup failure"), Outcome::Retry);
  check(ReceiverKind::Email, http(535, "5.7.8 Authentication credentials invalid"), Outcome::Broken);
  check(ReceiverKind::Email, http(550, "5.1.1 User unknown"), Outcome::Broken);
  const Verdict v = classify(ReceiverKind::Email, http(535, "5.7.8 Authentication credentials invalid"));
  EXPECT_EQ(v.detail, "SMTP 535 5.7.8 Authentication credentials invalid");
}

TEST(ClassifyDetail, NeverTheUrlAndBoundedAndValidUtf8) {
  ServiceAnswer a;
  a.transport_error =
      make_error(ErrorCode::timeout,
                 "timeout on https://oapi.dingtalk.com/robot/send?access_token=SECRETTOKEN&sign=abc after 15000 ms");
  const Verdict v = classify(ReceiverKind::DingTalk, a);
  EXPECT_EQ(v.detail.find("SECRETTOKEN"), std::string::npos) << v.detail;
  EXPECT_NE(v.detail.find("<url>"), std::string::npos) << v.detail;

  std::string words;
  for (int i = 0; i < 400; ++i) words += "稀";
  const Verdict long_one = classify(ReceiverKind::DingTalk, errcode(310000, words));
  EXPECT_LE(long_one.detail.size(), 300U);
  EXPECT_EQ(long_one.detail.substr(long_one.detail.size() - 3), "…");
  EXPECT_EQ(long_one.detail.substr(0, 7), "310000 ");
  // Invalid UTF-8 and control characters from a service do not reach the log line as they are.
  const Verdict odd = classify(ReceiverKind::Webhook, http(400, "bad\x01\xff\n"));
  EXPECT_EQ(odd.detail, "HTTP 400: bad \xEF\xBF\xBD ");
}

TEST(ClassifyVerdict, OnlyRateLimitsPauseAndOnlySendsCarryARef) {
  EXPECT_FALSE(classify(ReceiverKind::DingTalk, errcode(310000, "x")).pause);
  EXPECT_FALSE(classify(ReceiverKind::Webhook, http(500, "")).pause);
  EXPECT_TRUE(classify(ReceiverKind::Telegram, http(400, R"({"ok":false,"error_code":400})")).message_ref.empty());
}

}  // namespace
}  // namespace lodestone::notify
