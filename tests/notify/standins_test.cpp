// The HTTP stand-ins, each driven by a plain libcurl client with requests built by hand and
// signatures computed here with OpenSSL: one message each service takes, the ones it refuses
// with its own error (signature, timestamp window, body), its rate limit with its real answer
// on the injected clock, and every fault mode as a client sees it. Synthetic data throughout.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>

#include "lodestone/core/clock.hpp"
#include "notify_standins/dingtalk.hpp"
#include "notify_standins/feishu.hpp"
#include "notify_standins/serverchan.hpp"
#include "notify_standins/telegram.hpp"
#include "notify_standins/webhook.hpp"
#include "notify_standins/wecom.hpp"
#include "standins_client.hpp"

namespace lodestone::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using ::testing::HasSubstr;

using Send = std::function<Answer(Client&, milliseconds timeout)>;

// Every fault mode as a client sees it, then the stand-in back to normal; `send` makes a fresh
// request the service would take.
void expect_every_fault(HttpStandIn& standin, const Send& send) {
  Client client;
  const auto before = standin.request_count();

  standin.fail_next(1, Fault::hang());
  auto a = send(client, milliseconds(300));
  EXPECT_EQ(a.error, CURLE_OPERATION_TIMEDOUT) << "a hung request ends at the client's timeout";
  EXPECT_TRUE(standin.wait_for_hangups(1)) << "the stand-in saw the client give up";

  // A fresh connection: libcurl sends a request again, once, when a connection it reused
  // closes without an answer, and the second copy would not be dropped.
  standin.fail_next(1, Fault::drop());
  Client fresh;
  a = send(fresh, seconds(10));
  EXPECT_EQ(a.error, CURLE_GOT_NOTHING) << "closed after reading, without a word";

  for (unsigned status : {500u, 502u, 503u}) {
    standin.fail_next(1, Fault::server_error(status));
    a = send(client, seconds(10));
    EXPECT_EQ(a.error, CURLE_OK);
    EXPECT_EQ(a.status, status);
  }

  standin.fail_next(1, Fault::reply_with(429, R"({"busy":true})", {{"Retry-After", "7"}}));
  a = send(client, seconds(10));
  EXPECT_EQ(a.status, 429);
  EXPECT_EQ(a.headers["retry-after"], "7");
  EXPECT_EQ(a.body, R"({"busy":true})");

  standin.fail_until_reset(Fault::server_error(503));
  EXPECT_EQ(send(client, seconds(10)).status, 503);
  EXPECT_EQ(send(client, seconds(10)).status, 503);
  standin.reset_faults();
  a = send(client, seconds(10));
  EXPECT_EQ(a.error, CURLE_OK);
  EXPECT_EQ(a.status, 200);

  const auto exchanges = standin.exchanges();
  ASSERT_EQ(exchanges.size(), before + 9);
  for (std::size_t i = before; i + 1 < exchanges.size(); ++i)
    EXPECT_EQ(exchanges[i].verdict.decision, Decision::Fault) << exchanges[i].verdict.reason;
  EXPECT_EQ(exchanges[before].verdict.reason, "fault: hang");
  EXPECT_FALSE(exchanges[before].verdict.replied);
  EXPECT_EQ(exchanges.back().verdict.decision, Decision::Accepted) << exchanges.back().verdict.reason;
}

// ---------------------------------------------------------------------------------------------
// Webhook (Standard Webhooks, Alertmanager v4 body)

const std::string kWebhookKey = "synthetic-webhook-key-32-bytes!!";  // 32 bytes

std::string am_payload(std::string_view status = "firing", std::string_view fingerprint = "0123456789abcdef") {
  const std::string alert_status(status);
  return R"({"version":"4","groupKey":"{}:{rule=\"limit-up\"}","truncatedAlerts":0,"status":")" + alert_status +
         R"(","receiver":"ops","groupLabels":{"rule":"limit-up"},"commonLabels":{"alertname":"limit-up"},)"
         R"("commonAnnotations":{},"externalURL":"http://127.0.0.1:8080","alerts":[{"status":")" +
         alert_status +
         R"(","labels":{"alertname":"limit-up","symbol":"600519.SH","severity":"critical"},)"
         R"j("annotations":{"summary":"600519 贵州茅台 涨停 (synthetic)"},"startsAt":"2026-02-09T02:15:03Z",)j"
         R"("endsAt":"0001-01-01T00:00:00Z","generatorURL":"http://127.0.0.1:8080/alerts/1","fingerprint":")" +
         std::string(fingerprint) + R"("}],"lodestone":{"alerts":[]}})";
}

std::vector<std::string> webhook_headers(const std::string& id, std::int64_t seconds, const std::string& body,
                                         const std::string& key = kWebhookKey) {
  const std::string ts = std::to_string(seconds);
  return {"Content-Type: application/json", "webhook-id: " + id, "webhook-timestamp: " + ts,
          "webhook-signature: v1," + b64(hmac256(key, id + "." + ts + "." + body))};
}

struct WebhookFixture {
  explicit WebhookFixture(std::optional<WebhookOptions::RateLimit> limit = std::nullopt) {
    WebhookOptions options;
    options.secrets = {"whsec_" + b64(kWebhookKey)};
    options.rate_limit = limit;
    options.server.now = now_of(clock);
    standin = std::make_unique<WebhookStandIn>(std::move(options));
  }
  Answer post(Client& client, const std::string& id, std::int64_t seconds, const std::string& body = am_payload()) {
    return client.post(standin->url(), body, webhook_headers(id, seconds, body));
  }
  std::int64_t now_s() const { return clock.now().ms / 1000; }
  ManualClock clock{morning()};
  std::unique_ptr<WebhookStandIn> standin;
};

TEST(WebhookStandIn, TakesTheStandardWebhooksReferenceVector) {
  // Published with the Standard Webhooks spec: neither our signer nor the stand-in made it.
  ManualClock clock(Timestamp{1'614'265'330'000});
  WebhookOptions options;
  options.secrets = {"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"};
  options.alertmanager_v4 = false;
  options.server.now = now_of(clock);
  WebhookStandIn standin(std::move(options));
  Client client;
  const auto a = client.post(
      standin.url(), R"({"test": 2432232314})",
      {"Content-Type: application/json", "webhook-id: msg_p5jXN8AQM9LWM0D4loKWxJek", "webhook-timestamp: 1614265330",
       "webhook-signature: v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="});
  EXPECT_EQ(a.status, 200) << a.body;
  EXPECT_EQ(standin.accepted_count(), 1u);
}

TEST(WebhookStandIn, AcceptsASignedAlertmanagerPayloadAndRecordsIt) {
  WebhookFixture f;
  Client client;
  const auto a = f.post(client, "ntf_600519_1", f.now_s());
  EXPECT_EQ(a.status, 200) << a.body;
  const auto got = f.standin->wait_for_accepted(1);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->request.method, "POST");
  EXPECT_EQ(got->request.target, "/hook");
  EXPECT_EQ(got->request.body, am_payload());
  EXPECT_EQ(got->request.header("Webhook-Id"), "ntf_600519_1");
  EXPECT_EQ(got->request.arrived, morning()) << "arrival on the injected clock";
  EXPECT_EQ(got->verdict.decision, Decision::Accepted);
}

TEST(WebhookStandIn, AnyOfSeveralSignaturesPassesForSecretRotation) {
  WebhookFixture f;
  Client client;
  const std::string body = am_payload();
  const std::string ts = std::to_string(f.now_s());
  const std::string good = b64(hmac256(kWebhookKey, "ntf_2." + ts + "." + body));
  const std::string old = b64(hmac256("an-older-key-that-was-rotated-out", "ntf_2." + ts + "." + body));
  const auto a = client.post(f.standin->url(), body,
                             {"Content-Type: application/json", "webhook-id: ntf_2", "webhook-timestamp: " + ts,
                              "webhook-signature: v1," + old + " v1a,ignored v1," + good});
  EXPECT_EQ(a.status, 200) << a.body;
}

TEST(WebhookStandIn, RefusesABadSignatureAndMissingHeaders) {
  WebhookFixture f;
  Client client;
  const std::string body = am_payload();
  auto headers = webhook_headers("ntf_3", f.now_s(), body, "a-wrong-key-of-the-same-length!!");
  auto a = client.post(f.standin->url(), body, headers);
  EXPECT_EQ(a.status, 401);
  EXPECT_THAT(a.body, HasSubstr("No matching signature found"));
  // The body changed after signing (a re-serialised JSON) fails the same way.
  headers = webhook_headers("ntf_3", f.now_s(), body);
  a = client.post(f.standin->url(), body + " ", headers);
  EXPECT_EQ(a.status, 401);
  a = client.post(f.standin->url(), body, {"Content-Type: application/json"});
  EXPECT_EQ(a.status, 400);
  EXPECT_THAT(a.body, HasSubstr("Missing required headers"));
  EXPECT_EQ(f.standin->accepted_count(), 0u);
}

TEST(WebhookStandIn, RefusesATimestampOutsideFiveMinutes) {
  WebhookFixture f;
  Client client;
  auto a = f.post(client, "ntf_4", f.now_s() - 301);
  EXPECT_EQ(a.status, 401);
  EXPECT_THAT(a.body, HasSubstr("too old"));
  a = f.post(client, "ntf_4", f.now_s() + 301);
  EXPECT_EQ(a.status, 401);
  EXPECT_THAT(a.body, HasSubstr("too new"));
  EXPECT_EQ(f.post(client, "ntf_4", f.now_s() - 300).status, 200) << "the window's edge is inside";
}

TEST(WebhookStandIn, CountsARepeatedWebhookIdOnce) {
  WebhookFixture f;
  Client client;
  EXPECT_EQ(f.post(client, "ntf_5", f.now_s()).status, 200);
  f.clock.advance(seconds(30));  // a retry: new timestamp, same id
  EXPECT_EQ(f.post(client, "ntf_5", f.now_s()).status, 200) << "a careful consumer acknowledges a repeat";
  EXPECT_EQ(f.post(client, "ntf_6", f.now_s()).status, 200);
  EXPECT_EQ(f.standin->accepted_count(), 2u);
  EXPECT_EQ(f.standin->repeats(), 1u);
  EXPECT_EQ(f.standin->repeated_ids(), std::vector<std::string>{"ntf_5"});
  EXPECT_EQ(f.standin->distinct_ids(), 2u);
  EXPECT_EQ(f.standin->exchanges()[1].verdict.decision, Decision::Duplicate);
}

TEST(WebhookStandIn, RefusesABodyThatIsNotAlertmanagerV4) {
  WebhookFixture f;
  Client client;
  auto a = f.post(client, "ntf_7", f.now_s(), am_payload("firing", "not-hex"));
  EXPECT_EQ(a.status, 400);
  EXPECT_THAT(a.body, HasSubstr("fingerprint"));
  a = f.post(client, "ntf_8", f.now_s(), am_payload("resolved"));
  EXPECT_EQ(a.status, 200) << a.body;
  std::string mixed = am_payload("firing");
  mixed.replace(mixed.find(R"("status":"firing")"), 17, R"("status":"resolved")");  // group says resolved
  a = f.post(client, "ntf_9", f.now_s(), mixed);
  EXPECT_EQ(a.status, 400);
  EXPECT_THAT(a.body, HasSubstr("status"));
}

TEST(WebhookStandIn, EnforcesItsRateLimitWithRetryAfter) {
  WebhookFixture f(WebhookOptions::RateLimit{2, seconds(60)});
  Client client;
  EXPECT_EQ(f.post(client, "r1", f.now_s()).status, 200);
  EXPECT_EQ(f.post(client, "r2", f.now_s()).status, 200);
  auto a = f.post(client, "r3", f.now_s());
  EXPECT_EQ(a.status, 429);
  EXPECT_EQ(a.headers["retry-after"], "60");
  f.clock.advance(seconds(45));
  a = f.post(client, "r3", f.now_s());
  EXPECT_EQ(a.status, 429);
  EXPECT_EQ(a.headers["retry-after"], "15");
  f.clock.advance(seconds(15));
  EXPECT_EQ(f.post(client, "r3", f.now_s()).status, 200);
}

TEST(WebhookStandIn, FailsEveryWayItIsTold) {
  WebhookFixture f;
  int n = 0;
  expect_every_fault(*f.standin, [&](Client& client, milliseconds timeout) {
    const std::string body = am_payload();
    const std::string id = "fault_" + std::to_string(++n);
    return client.post(f.standin->url(), body, webhook_headers(id, f.now_s(), body), timeout);
  });
}

TEST(WebhookStandIn, ServesTlsWithItsOwnCa) {
  ManualClock clock(morning());
  WebhookOptions options;
  options.secrets = {"whsec_" + b64(kWebhookKey)};
  options.server.now = now_of(clock);
  options.server.tls = true;
  WebhookStandIn standin(std::move(options));
  ASSERT_FALSE(standin.ca_file().empty());
  EXPECT_EQ(standin.url().rfind("https://127.0.0.1:", 0), 0u);
  Client client;
  const std::string body = am_payload();
  const auto headers = webhook_headers("tls_1", clock.now().ms / 1000, body);
  auto a = client.post(standin.url(), body, headers, seconds(10), standin.ca_file());
  EXPECT_EQ(a.status, 200) << curl_easy_strerror(a.error);
  a = client.post(standin.url(), body, headers, seconds(10));  // the system's CAs do not know it
  EXPECT_EQ(a.error, CURLE_PEER_FAILED_VERIFICATION);
  EXPECT_EQ(standin.accepted_count(), 1u);
}

// ---------------------------------------------------------------------------------------------
// DingTalk

const std::string kDingSecret = "SECsynthetic0123456789abcdefsynthetic0123456789abcdef01";

// The signature as DingTalk's documentation computes it, here with OpenSSL directly.
std::string ding_sign(std::int64_t ms, const std::string& secret = kDingSecret) {
  return b64(hmac256(secret, std::to_string(ms) + "\n" + secret));
}

std::string ding_markdown(std::string_view title = "600519 涨停", std::string_view text = "### [盯盘] 600519 涨停") {
  return R"({"msgtype":"markdown","markdown":{"title":")" + std::string(title) + R"(","text":")" + std::string(text) +
         R"("},"at":{"atMobiles":[],"isAtAll":false}})";
}

struct DingFixture {
  DingFixture() {
    DingTalkOptions options;
    options.secret = kDingSecret;
    options.keywords = {"盯盘"};
    options.server.now = now_of(clock);
    standin = std::make_unique<DingTalkStandIn>(std::move(options));
  }
  std::string signed_url(std::int64_t ms, const std::string& sign) const {
    return standin->url() + "&timestamp=" + std::to_string(ms) + "&sign=" + sign;
  }
  Answer send(Client& client, const std::string& body = ding_markdown(), milliseconds timeout = seconds(10)) {
    const auto ms = clock.now().ms;
    return client.post(signed_url(ms, url_escape(ding_sign(ms))), body, {"Content-Type: application/json"}, timeout);
  }
  ManualClock clock{morning()};
  std::unique_ptr<DingTalkStandIn> standin;
};

TEST(DingTalkStandIn, AcceptsASignedMarkdownWithItsKeyword) {
  DingFixture f;
  Client client;
  const auto a = f.send(client);
  EXPECT_EQ(a.status, 200);
  EXPECT_EQ(a.body, R"({"errcode":0,"errmsg":"ok"})");
  const auto got = f.standin->wait_for_accepted(1);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->request.body, ding_markdown());
}

TEST(DingTalkStandIn, RefusesABadSignatureAndAnUnencodedOne) {
  DingFixture f;
  Client client;
  const auto ms = f.clock.now().ms;
  auto a = client.post(f.signed_url(ms, url_escape(ding_sign(ms, "SECanother"))), ding_markdown());
  EXPECT_EQ(a.status, 200) << "DingTalk answers errors with 200";
  EXPECT_THAT(a.body, HasSubstr(R"("errcode":310000)"));
  EXPECT_THAT(a.body, HasSubstr("sign not match"));
  // Feishu's way round (the string as the key, an empty message) is wrong here.
  a = client.post(f.signed_url(ms, url_escape(b64(hmac256(std::to_string(ms) + "\n" + kDingSecret, "")))),
                  ding_markdown());
  EXPECT_THAT(a.body, HasSubstr("sign not match"));
  // A signature whose base64 has a '+' must be URL-encoded: unencoded, the '+' arrives as a space.
  std::int64_t plus_ms = ms;
  while (ding_sign(plus_ms).find('+') == std::string::npos && plus_ms < ms + 10'000) ++plus_ms;
  ASSERT_NE(ding_sign(plus_ms).find('+'), std::string::npos);
  a = client.post(f.signed_url(plus_ms, ding_sign(plus_ms)), ding_markdown());
  EXPECT_THAT(a.body, HasSubstr("sign not match"));
  a = client.post(f.signed_url(plus_ms, url_escape(ding_sign(plus_ms))), ding_markdown());
  EXPECT_EQ(a.body, R"({"errcode":0,"errmsg":"ok"})");
}

TEST(DingTalkStandIn, RefusesATimestampMoreThanAnHourOff) {
  DingFixture f;
  Client client;
  const auto ms = f.clock.now().ms - 3'600'001;
  auto a = client.post(f.signed_url(ms, url_escape(ding_sign(ms))), ding_markdown());
  EXPECT_THAT(a.body, HasSubstr(R"("errcode":310000)"));
  EXPECT_THAT(a.body, HasSubstr("invalid timestamp"));
  const auto seconds_not_ms = f.clock.now().ms / 1000;
  a = client.post(f.signed_url(seconds_not_ms, url_escape(ding_sign(seconds_not_ms))), ding_markdown());
  EXPECT_THAT(a.body, HasSubstr("invalid timestamp")) << "seconds are not milliseconds";
}

TEST(DingTalkStandIn, RefusesWrongTokensKeywordsBodiesAndSizes) {
  DingFixture f;
  Client client;
  const auto ms = f.clock.now().ms;
  const std::string query = "&timestamp=" + std::to_string(ms) + "&sign=" + url_escape(ding_sign(ms));
  auto a = client.post(f.standin->base_url() + "/robot/send?access_token=not-the-token" + query, ding_markdown());
  EXPECT_THAT(a.body, HasSubstr(R"("errcode":300001)"));
  a = f.send(client, ding_markdown("600519 涨停", "no keyword here"));
  EXPECT_THAT(a.body, HasSubstr(R"("errcode":310000,"errmsg":"keywords not in content)"));
  a = f.send(client, R"({"msgtype":"markdown","markdown":{"text":"[盯盘] no title"}})");
  EXPECT_THAT(a.body, HasSubstr(R"("errcode":300001,"errmsg":"message param title is null")"));
  a = f.send(client, R"({"msgtype":"sticker","sticker":{}})");
  EXPECT_THAT(a.body, HasSubstr(R"("errcode":400105)"));
  a = f.send(client, "{not json");
  EXPECT_THAT(a.body, HasSubstr(R"("errcode":40035)"));
  const std::string long_text = "[盯盘] " + std::string(20'000, 'x');
  a = f.send(client, ding_markdown("600519", long_text));
  EXPECT_EQ(a.body, R"({"errcode":460101,"errmsg":"message too long, exceed 20000 bytes"})");
  EXPECT_EQ(f.standin->accepted_count(), 0u);
}

TEST(DingTalkStandIn, TwentyAMinuteThenTheRobotIsThrottledForTenMinutes) {
  DingFixture f;
  Client client;
  for (int i = 0; i < 20; ++i) ASSERT_EQ(f.send(client).body, R"({"errcode":0,"errmsg":"ok"})") << i;
  const std::string too_fast = R"({"errcode":130101,"errmsg":"send too fast, exceed 20 times per minute"})";
  EXPECT_EQ(f.send(client).body, too_fast);
  EXPECT_TRUE(f.standin->throttled(f.clock.now()));
  f.clock.advance(std::chrono::minutes(9) + seconds(59));
  EXPECT_EQ(f.send(client).body, too_fast) << "the minute has passed but the robot is still throttled";
  f.clock.advance(seconds(1));
  EXPECT_EQ(f.send(client).body, R"({"errcode":0,"errmsg":"ok"})");
  EXPECT_EQ(f.standin->accepted_count(), 21u);
}

TEST(DingTalkStandIn, FailsEveryWayItIsTold) {
  DingFixture f;
  expect_every_fault(*f.standin,
                     [&](Client& client, milliseconds timeout) { return f.send(client, ding_markdown(), timeout); });
}

// ---------------------------------------------------------------------------------------------
// WeCom

std::string wecom_markdown(const std::string& content) {
  return R"({"msgtype":"markdown","markdown":{"content":")" + content + R"("}})";
}

struct WeComFixture {
  WeComFixture() {
    WeComOptions options;
    options.server.now = now_of(clock);
    standin = std::make_unique<WeComStandIn>(std::move(options));
  }
  ManualClock clock{morning()};
  std::unique_ptr<WeComStandIn> standin;
};

TEST(WeComStandIn, AcceptsMarkdownUpTo4096BytesNotCharacters) {
  WeComFixture f;
  Client client;
  std::string cjk;
  for (int i = 0; i < 1365; ++i) cjk += "涨";  // 4095 bytes, 1365 characters
  auto a = client.post(f.standin->url(), wecom_markdown(cjk + "x"));
  EXPECT_EQ(a.body, R"({"errcode":0,"errmsg":"ok"})");
  a = client.post(f.standin->url(), wecom_markdown(cjk + "xy"));
  EXPECT_THAT(a.body, HasSubstr(R"("errcode":40058,"errmsg":"markdown.content exceed max length 4096)"));
  EXPECT_THAT(a.body, HasSubstr("more info at https://open.work.weixin.qq.com/devtool/query?e=40058"));
  EXPECT_EQ(f.standin->accepted_count(), 1u);
}

TEST(WeComStandIn, RefusesAWrongKeyAndWrongBodies) {
  WeComFixture f;
  Client client;
  auto a = client.post(f.standin->base_url() + "/cgi-bin/webhook/send?key=wrong", wecom_markdown("x"));
  EXPECT_THAT(a.body, HasSubstr(R"("errcode":93000,"errmsg":"invalid webhook url)"));
  a = client.post(f.standin->url(), R"({"msgtype":"markdown_v3","markdown_v3":{"content":"x"}})");
  EXPECT_THAT(a.body, HasSubstr(R"("errcode":40008)"));
  a = client.post(f.standin->url(), wecom_markdown(""));
  EXPECT_THAT(a.body, HasSubstr(R"("errcode":44004)"));
  a = client.post(f.standin->url(), R"({"msgtype":"text","text":{"content":")" + std::string(2049, 'x') + "\"}}");
  EXPECT_THAT(a.body, HasSubstr("text.content exceed max length 2048"));
  a = client.post(f.standin->url(), R"({"msgtype":"template_card","template_card":{"card_type":"text_notice",)"
                                    R"("main_title":{"title":"600519 涨停"}}})");
  EXPECT_THAT(a.body, HasSubstr("card_action")) << "a card needs its action";
  EXPECT_EQ(f.standin->accepted_count(), 0u);
}

TEST(WeComStandIn, TakesALargeImageAfterAnsweringExpectContinue) {
  WeComFixture f;
  Client client;
  std::string image(1'200'000, '\0');  // synthetic bytes; WeCom takes up to 2 MB before base64
  for (std::size_t i = 0; i < image.size(); ++i) image[i] = static_cast<char>((i * 7919) % 251);
  const std::string body =
      R"({"msgtype":"image","image":{"base64":")" + b64(image) + R"(","md5":")" + md5_of(image) + R"("}})";
  auto a = client.post(f.standin->url(), body, {"Content-Type: application/json", "Expect: 100-continue"});
  EXPECT_EQ(a.body, R"({"errcode":0,"errmsg":"ok"})");
  ASSERT_FALSE(a.status_lines.empty());
  EXPECT_EQ(a.status_lines.front(), "HTTP/1.1 100 Continue") << "the client did not have to wait to send the body";
  a = client.post(f.standin->url(), R"({"msgtype":"image","image":{"base64":")" + b64(image) +
                                        R"(","md5":"00000000000000000000000000000000"}})");
  EXPECT_THAT(a.body, HasSubstr("md5"));
}

TEST(WeComStandIn, TwentyAMinuteThen45009) {
  WeComFixture f;
  Client client;
  for (int i = 0; i < 20; ++i)
    ASSERT_EQ(client.post(f.standin->url(), wecom_markdown("[盯盘]")).body, R"({"errcode":0,"errmsg":"ok"})") << i;
  auto a = client.post(f.standin->url(), wecom_markdown("[盯盘]"));
  EXPECT_THAT(a.body, HasSubstr(R"("errcode":45009,"errmsg":"api freq out of limit)"));
  f.clock.advance(seconds(59));
  EXPECT_THAT(client.post(f.standin->url(), wecom_markdown("[盯盘]")).body, HasSubstr("45009"));
  f.clock.advance(seconds(1));
  EXPECT_EQ(client.post(f.standin->url(), wecom_markdown("[盯盘]")).body, R"({"errcode":0,"errmsg":"ok"})");
}

TEST(WeComStandIn, FailsEveryWayItIsTold) {
  WeComFixture f;
  expect_every_fault(*f.standin, [&](Client& client, milliseconds timeout) {
    return client.post(f.standin->url(), wecom_markdown("[盯盘]"), {"Content-Type: application/json"}, timeout);
  });
}

// ---------------------------------------------------------------------------------------------
// Feishu

const std::string kFeishuSecret = "synthetic-feishu-signing-secret";

std::string feishu_text(std::int64_t seconds, const std::string& sign, std::string_view text = "[盯盘] 600519 涨停") {
  return R"({"timestamp":")" + std::to_string(seconds) + R"(","sign":")" + sign +
         R"(","msg_type":"text","content":{"text":")" + std::string(text) + R"("}})";
}

// Feishu's documented signature: the string is the HMAC key, the message is empty.
std::string feishu_sign(std::int64_t seconds, const std::string& secret = kFeishuSecret) {
  return b64(hmac256(std::to_string(seconds) + "\n" + secret, ""));
}

struct FeishuFixture {
  FeishuFixture() {
    FeishuOptions options;
    options.secret = kFeishuSecret;
    options.keywords = {"盯盘"};
    options.server.now = now_of(clock);
    standin = std::make_unique<FeishuStandIn>(std::move(options));
  }
  Answer send(Client& client, milliseconds timeout = seconds(10)) {
    const auto s = clock.now().ms / 1000;
    return client.post(standin->url(), feishu_text(s, feishu_sign(s)), {"Content-Type: application/json"}, timeout);
  }
  ManualClock clock{morning()};
  std::unique_ptr<FeishuStandIn> standin;
};

constexpr std::string_view kFeishuOk =
    R"({"StatusCode":0,"StatusMessage":"success","code":0,"data":{},"msg":"success"})";

TEST(FeishuStandIn, AcceptsASignedText) {
  FeishuFixture f;
  Client client;
  EXPECT_EQ(f.send(client).body, kFeishuOk);
  ASSERT_TRUE(f.standin->wait_for_accepted(1));
}

TEST(FeishuStandIn, RefusesDingTalksSignatureAndAStaleTimestamp) {
  FeishuFixture f;
  Client client;
  const auto s = f.clock.now().ms / 1000;
  const std::string refused =
      R"({"code":19021,"data":{},"msg":"sign match fail or timestamp is not within one hour from current time"})";
  // DingTalk's way round: the secret as the key, the string as the message.
  auto a = client.post(f.standin->url(),
                       feishu_text(s, b64(hmac256(kFeishuSecret, std::to_string(s) + "\n" + kFeishuSecret))));
  EXPECT_EQ(a.status, 200);
  EXPECT_EQ(a.body, refused);
  a = client.post(f.standin->url(), feishu_text(s - 3601, feishu_sign(s - 3601)));
  EXPECT_EQ(a.body, refused);
  a = client.post(f.standin->url(), feishu_text(s * 1000, feishu_sign(s * 1000)));
  EXPECT_EQ(a.body, refused) << "milliseconds are not seconds";
  EXPECT_EQ(client.post(f.standin->url(), feishu_text(s - 3600, feishu_sign(s - 3600))).body, kFeishuOk);
}

TEST(FeishuStandIn, RefusesWrongTokensKeywordsBodiesAndSizes) {
  FeishuFixture f;
  Client client;
  const auto s = f.clock.now().ms / 1000;
  auto a = client.post(f.standin->base_url() + "/open-apis/bot/v2/hook/not-the-token", feishu_text(s, feishu_sign(s)));
  EXPECT_THAT(a.body, HasSubstr(R"("code":19001)"));
  a = client.post(f.standin->url(), feishu_text(s, feishu_sign(s), "600519 涨停"));
  EXPECT_THAT(a.body, HasSubstr(R"("code":19024,"data":{},"msg":"Key Words Not Found")"));
  a = client.post(f.standin->url(),
                  R"({"timestamp":")" + std::to_string(s) + R"(","sign":")" + feishu_sign(s) + R"(","content":{}})");
  EXPECT_THAT(a.body, HasSubstr(R"("code":19002)"));
  a = client.post(f.standin->url(),
                  R"({"timestamp":")" + std::to_string(s) + R"(","sign":")" + feishu_sign(s) +
                      R"(","msg_type":"interactive","content":{"text":"[盯盘] cards go under card"}})");
  EXPECT_THAT(a.body, HasSubstr(R"("code":9499)"));
  a = client.post(f.standin->url(), feishu_text(s, feishu_sign(s), "[盯盘] " + std::string(20 * 1024, 'x')));
  EXPECT_THAT(a.body, HasSubstr(R"("code":9499,"data":{},"msg":"Bad Request")"));
  EXPECT_EQ(f.standin->accepted_count(), 0u);
}

TEST(FeishuStandIn, FiveASecondAndAHundredAMinuteThen11232) {
  FeishuFixture f;
  Client client;
  for (int i = 0; i < 5; ++i) ASSERT_EQ(f.send(client).body, kFeishuOk) << i;
  EXPECT_THAT(f.send(client).body, HasSubstr(R"("code":11232)"));
  f.standin->reset_limits();
  // At 5 a second (every 200 ms), the minute's hundred are used up after 20 seconds.
  for (int i = 0; i < 100; ++i) {
    ASSERT_EQ(f.send(client).body, kFeishuOk) << i;
    f.clock.advance(milliseconds(200));
  }
  EXPECT_THAT(f.send(client).body, HasSubstr(R"("code":11232)"));
  f.clock.advance(seconds(40));
  EXPECT_EQ(f.send(client).body, kFeishuOk);
}

TEST(FeishuStandIn, FailsEveryWayItIsTold) {
  FeishuFixture f;
  expect_every_fault(*f.standin, [&](Client& client, milliseconds timeout) { return f.send(client, timeout); });
}

// ---------------------------------------------------------------------------------------------
// Telegram

const std::string kBotToken = "123456789:synthetic-telegram-token";

std::string tg_message(std::string_view chat, std::string_view text, std::string_view mode = "MarkdownV2") {
  std::string chat_json = chat.front() == '@' ? "\"" + std::string(chat) + "\"" : std::string(chat);
  return R"({"chat_id":)" + chat_json + R"(,"text":)" + "\"" + std::string(text) + "\"" +
         (mode.empty() ? "" : R"(,"parse_mode":")" + std::string(mode) + "\"") + "}";
}

struct TelegramFixture {
  TelegramFixture() {
    TelegramOptions options;
    options.token = kBotToken;
    options.chats = {"42", "-100200300"};
    options.server.now = now_of(clock);
    standin = std::make_unique<TelegramStandIn>(std::move(options));
  }
  std::string send_url(const std::string& token = kBotToken) const {
    return standin->api_base() + "/bot" + token + "/sendMessage";
  }
  Answer send(Client& client, std::string_view chat, std::string_view text, std::string_view mode = "MarkdownV2",
              milliseconds timeout = seconds(10)) {
    return client.post(send_url(), tg_message(chat, text, mode), {"Content-Type: application/json"}, timeout);
  }
  ManualClock clock{morning()};
  std::unique_ptr<TelegramStandIn> standin;
};

TEST(TelegramStandIn, AcceptsEscapedMarkdownV2AndAnswersWithTheMessage) {
  TelegramFixture f;
  Client client;
  const auto a = f.send(client, "42", R"(*600519 涨停* \\+10\\.00% \\(synthetic\\))");
  EXPECT_EQ(a.status, 200) << a.body;
  EXPECT_THAT(a.body, HasSubstr(R"({"ok":true,"result":{"message_id":1,)"));
  EXPECT_THAT(a.body, HasSubstr(R"("chat":{"id":42,"type":"private"})"));
  EXPECT_THAT(a.body, HasSubstr(R"j("text":"600519 涨停 +10.00% (synthetic)")j")) << "the text after parsing";
  EXPECT_EQ(f.send(client, "-100200300", "second", "").status, 200);
  EXPECT_EQ(f.standin->accepted_count(), 2u);
}

TEST(TelegramStandIn, RefusesAWrongTokenAndAnUnknownChat) {
  TelegramFixture f;
  Client client;
  auto a = client.post(f.send_url("123456789:not-the-token"), tg_message("42", "x"));
  EXPECT_EQ(a.status, 401);
  EXPECT_EQ(a.body, R"({"ok":false,"error_code":401,"description":"Unauthorized"})");
  a = f.send(client, "7", "x");
  EXPECT_EQ(a.status, 400);
  EXPECT_THAT(a.body, HasSubstr("Bad Request: chat not found"));
  a = client.post(f.standin->api_base() + "/bot" + kBotToken + "/sendSticker", tg_message("42", "x"));
  EXPECT_EQ(a.status, 404);
}

TEST(TelegramStandIn, RefusesMarkupTelegramCannotParse) {
  TelegramFixture f;
  Client client;
  auto a = f.send(client, "42", "600519 +10.00%");
  EXPECT_EQ(a.status, 400);
  EXPECT_EQ(a.body, R"({"ok":false,"error_code":400,"description":"Bad Request: can't parse entities: )"
                    R"(Character '+' is reserved and must be escaped with the preceding '\\'"})");
  a = f.send(client, "42", "*600519 涨停");
  EXPECT_THAT(a.body, HasSubstr("Can't find end of Bold entity at byte offset 0"));
  a = f.send(client, "42", "<b>600519</i>", "HTML");
  EXPECT_THAT(a.body, HasSubstr("can't parse entities: Unmatched end tag"));
  a = f.send(client, "42", "<font>600519</font>", "HTML");
  EXPECT_THAT(a.body, HasSubstr("Unsupported start tag \\\"font\\\""));
  EXPECT_EQ(f.send(client, "42", "<b>600519</b> &lt; 10% &amp; rising", "HTML").status, 200);
}

TEST(TelegramStandIn, CountsTheLimitInUtf16UnitsAfterParsing) {
  TelegramFixture f;
  Client client;
  std::string cjk;
  for (int i = 0; i < 4096; ++i) cjk += "涨";
  EXPECT_EQ(f.send(client, "42", "*" + cjk + "*").status, 200) << "markup does not count";
  f.clock.advance(seconds(1));
  std::string emoji;
  for (int i = 0; i < 2049; ++i) emoji += "\xF0\x9F\x93\x88";  // U+1F4C8: two UTF-16 units each
  const auto a = f.send(client, "42", emoji);
  EXPECT_EQ(a.status, 400);
  EXPECT_THAT(a.body, HasSubstr("Bad Request: message is too long"));
}

TEST(TelegramStandIn, OneASecondPerChatAndTwentyAMinutePerGroupThen429) {
  TelegramFixture f;
  Client client;
  EXPECT_EQ(f.send(client, "42", "one").status, 200);
  auto a = f.send(client, "42", "two");
  EXPECT_EQ(a.status, 429);
  EXPECT_EQ(a.body, R"({"ok":false,"error_code":429,"description":"Too Many Requests: retry after 1",)"
                    R"("parameters":{"retry_after":1}})");
  f.clock.advance(seconds(1));
  EXPECT_EQ(f.send(client, "42", "two").status, 200);

  for (int i = 0; i < 20; ++i) {
    ASSERT_EQ(f.send(client, "-100200300", "group").status, 200) << i;
    f.clock.advance(seconds(1));
  }
  a = f.send(client, "-100200300", "group");
  EXPECT_EQ(a.status, 429);
  EXPECT_THAT(a.body, HasSubstr(R"("parameters":{"retry_after":40})")) << "the first of the 20 leaves at 60 s";
  EXPECT_EQ(f.send(client, "42", "a private chat is not the group").status, 200);
  f.clock.advance(seconds(40));
  EXPECT_EQ(f.send(client, "-100200300", "group").status, 200);
}

TEST(TelegramStandIn, FailsEveryWayItIsTold) {
  TelegramFixture f;
  expect_every_fault(*f.standin,
                     [&](Client& client, milliseconds timeout) { return f.send(client, "42", "x", "", timeout); });
}

// ---------------------------------------------------------------------------------------------
// ServerChan

struct ServerChanFixture {
  ServerChanFixture() {
    ServerChanOptions options;
    options.server.now = now_of(clock);
    standin = std::make_unique<ServerChanStandIn>(std::move(options));
  }
  ManualClock clock{morning()};
  std::unique_ptr<ServerChanStandIn> standin;
};

TEST(ServerChanStandIn, AcceptsJsonAndForms) {
  ServerChanFixture f;
  Client client;
  std::string title;
  for (int i = 0; i < 32; ++i) title += "涨";  // 32 characters, 96 bytes
  auto a = client.post(f.standin->url(), R"({"title":")" + title + R"(","desp":"### 600519\n> synthetic"})");
  EXPECT_THAT(a.body, HasSubstr(R"({"code":0,"message":"","data":{"pushid":"1")"));
  a = client.post(f.standin->url(), "title=" + url_escape("[盯盘] 600519") + "&desp=" + url_escape("现价 1850.00"),
                  {"Content-Type: application/x-www-form-urlencoded"});
  EXPECT_THAT(a.body, HasSubstr(R"("code":0)"));
  const auto second = f.standin->wait_for_accepted(2);
  ASSERT_TRUE(second);
  EXPECT_EQ(f.standin->accepted_count(), 2u);
}

TEST(ServerChanStandIn, RefusesAWrongKeyAndALongTitle) {
  ServerChanFixture f;
  Client client;
  auto a = client.post(f.standin->base_url() + "/SCTwrong.send", R"({"title":"x"})");
  EXPECT_EQ(a.body, R"({"code":40001,"message":"bad pushtoken","data":null})");
  std::string title;
  for (int i = 0; i < 33; ++i) title += "涨";
  a = client.post(f.standin->url(), R"({"title":")" + title + R"("})");
  EXPECT_THAT(a.body, HasSubstr("title is longer than 32 characters"));
  a = client.post(f.standin->url(), R"({"desp":"no title"})");
  EXPECT_THAT(a.body, HasSubstr("title is required"));
  EXPECT_EQ(f.standin->accepted_count(), 0u);
}

TEST(ServerChanStandIn, FailsEveryWayItIsTold) {
  ServerChanFixture f;
  expect_every_fault(*f.standin, [&](Client& client, milliseconds timeout) {
    return client.post(f.standin->url(), R"({"title":"x"})", {"Content-Type: application/json"}, timeout);
  });
}

// ---------------------------------------------------------------------------------------------
// The server itself

TEST(HttpStandIn, WaitsForMessagesWithoutSleepingAndStopsWithAHungClient) {
  WebhookFixture f;
  EXPECT_FALSE(f.standin->wait_for_accepted(1, milliseconds(20))) << "nothing came";
  f.standin->fail_until_reset(Fault::hang());
  Answer hung;
  std::thread client_thread([&] {
    Client client;
    const std::string body = am_payload();
    hung = client.post(f.standin->url(), body, webhook_headers("h1", f.now_s(), body), seconds(30));
  });
  ASSERT_TRUE(f.standin->wait_for_exchange(1)) << "the request was read";
  f.standin->stop();  // the hung client sees the connection close, long before its 30 s
  client_thread.join();
  EXPECT_EQ(hung.error, CURLE_GOT_NOTHING);
  EXPECT_EQ(f.standin->hangups(), 0u) << "the stand-in hung up, not the client";
  f.standin->stop();  // idempotent
}

}  // namespace
}  // namespace lodestone::testing
