// What daemon/notify sends, through the real sender (libcurl), to a stand-in of each service
// that checks what the service checks (signature, timestamp window, body shape and size,
// rate limit) from the service's own description, not from our code: a signing or layout bug
// fails here instead of being mirrored. Then the service's answer through classify(): what
// the notifier will do next.
#include <gtest/gtest.h>

#include <future>

#include "lodestone/core/clock.hpp"
#include "lodestone/notify/outbound.hpp"
#include "lodestone/notify/outbox.hpp"
#include "lodestone/notify/sender.hpp"
#include "notify_fixtures.hpp"
#include "notify_standins/dingtalk.hpp"
#include "notify_standins/feishu.hpp"
#include "notify_standins/serverchan.hpp"
#include "notify_standins/smtp.hpp"
#include "notify_standins/telegram.hpp"
#include "notify_standins/webhook.hpp"
#include "notify_standins/wecom.hpp"

namespace lodestone::notify {
namespace {

using namespace std::chrono_literals;
using lodestone::testing::now_of;

// Synthetic secrets, of each service's shape.
constexpr const char* kWhsec = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
constexpr const char* kDingTalkSecret = "SECsynthetic0123456789abcdef0123456789abcdef0123456789abcdef01";
constexpr const char* kFeishuSecret = "synthetic-feishu-signing-secret";

class Delivery : public ::testing::Test {
 protected:
  Delivery() : clock_(notify::testing::fixed_now()) {}

  // Renders `n` for `r` at the clock's now, sends it, and reads the answer.
  std::pair<Verdict, ServiceAnswer> deliver(const ReceiverConfig& r, const Notification& n) {
    auto request = render(r, n, clock_.now());
    EXPECT_TRUE(request) << (request ? "" : request.error().message);
    if (!request) return {};
    std::promise<ServiceAnswer> answered;
    sender_.send(std::move(*request), [&answered](ServiceAnswer a) { answered.set_value(std::move(a)); });
    auto future = answered.get_future();
    EXPECT_EQ(future.wait_for(30s), std::future_status::ready);
    ServiceAnswer a = future.get();
    return {classify(r.kind, a), a};
  }

  ManualClock clock_;
  CurlSender sender_;
};

ReceiverConfig with(ReceiverKind kind, std::string url, std::string secret = {}) {
  ReceiverConfig r = notify::testing::receiver(kind);
  r.url = std::move(url);
  r.secret = std::move(secret);
  r.timeout = 5s;
  return r;
}

TEST_F(Delivery, WebhookIsSignedPerStandardWebhooksAndAcceptedOnceAsAnAlertmanagerV4Body) {
  lodestone::testing::WebhookOptions o;
  o.secrets = {kWhsec};
  o.server.now = now_of(clock_);
  lodestone::testing::WebhookStandIn hook(o);
  const auto r = with(ReceiverKind::Webhook, hook.url(), kWhsec);
  auto long_one = notify::testing::long_firing();
  long_one.id = entry_id("long|" + long_one.alerts.front().id, "desk");  // its own notification
  for (const auto& n : {notify::testing::firing(), notify::testing::resolved(), notify::testing::digest12(),
                        notify::testing::test_message(), long_one}) {
    auto [v, a] = deliver(r, n);
    EXPECT_EQ(v.outcome, Outcome::Sent) << v.detail << " " << a.body;
  }
  EXPECT_EQ(hook.accepted_count(), 5U);
  // The same notification again (a retry after a lost answer): the receiver drops it by its id.
  (void)deliver(r, notify::testing::firing());
  EXPECT_EQ(hook.repeats(), 1U);
}

TEST_F(Delivery, AWrongWebhookSecretIsRefusedAndReadAsBroken) {
  lodestone::testing::WebhookOptions o;
  o.secrets = {kWhsec};
  o.server.now = now_of(clock_);
  lodestone::testing::WebhookStandIn hook(o);
  auto [v, a] = deliver(with(ReceiverKind::Webhook, hook.url(), "whsec_c3ludGhldGljLW90aGVyLXNlY3JldC0wMTIzNDU="),
                        notify::testing::firing());
  EXPECT_EQ(v.outcome, Outcome::Broken) << a.http_status << " " << a.body;
  EXPECT_EQ(hook.accepted_count(), 0U);
}

TEST_F(Delivery, DingTalkIsSignedWithinItsWindowAndItsRateLimitIsReadAsAPause) {
  lodestone::testing::DingTalkOptions o;
  o.secret = kDingTalkSecret;
  o.keywords = {"Lodestone"};
  o.server.now = now_of(clock_);
  lodestone::testing::DingTalkStandIn robot(o);
  const auto r = with(ReceiverKind::DingTalk, robot.url(), kDingTalkSecret);
  for (const auto& n : {notify::testing::firing(), notify::testing::resolved(), notify::testing::update(),
                        notify::testing::digest12(), notify::testing::test_message(), notify::testing::long_firing()}) {
    auto [v, a] = deliver(r, n);
    EXPECT_EQ(v.outcome, Outcome::Sent) << v.detail << " " << a.body;
  }
  // Past 20 a minute the robot answers 130101 and blocks for 10 minutes.
  Verdict last;
  for (int i = 0; i < 16; ++i) last = deliver(r, notify::testing::firing()).first;
  EXPECT_EQ(last.outcome, Outcome::RateLimited) << last.detail;
  ASSERT_TRUE(last.pause);
  EXPECT_GE(*last.pause, 600s);
  // A signature over the wrong secret: 310000, broken, not a retry.
  auto [bad, a] = deliver(with(ReceiverKind::DingTalk, robot.url(), "SECwrong"), notify::testing::firing());
  (void)a;
  robot.reset_limits();
  auto [bad2, a2] = deliver(with(ReceiverKind::DingTalk, robot.url(), "SECwrong"), notify::testing::firing());
  EXPECT_EQ(bad2.outcome, Outcome::Broken) << a2.body;
  EXPECT_NE(bad2.detail.find("310000"), std::string::npos) << bad2.detail;
}

TEST_F(Delivery, DingTalkRefusesATimestampAnHourOff) {
  lodestone::testing::DingTalkOptions o;
  o.secret = kDingTalkSecret;
  o.server.now = now_of(clock_);
  lodestone::testing::DingTalkStandIn robot(o);
  auto request =
      render(with(ReceiverKind::DingTalk, robot.url(), kDingTalkSecret), notify::testing::firing(), clock_.now());
  ASSERT_TRUE(request);
  clock_.advance(61min);  // the request was signed an hour and a minute ago
  std::promise<ServiceAnswer> answered;
  sender_.send(std::move(*request), [&answered](ServiceAnswer a) { answered.set_value(std::move(a)); });
  const auto a = answered.get_future().get();
  const auto v = classify(ReceiverKind::DingTalk, a);
  EXPECT_EQ(v.outcome, Outcome::Broken) << a.body;
  EXPECT_EQ(robot.accepted_count(), 0U);
}

TEST_F(Delivery, WeComTakesEveryMessageWithinItsByteLimit) {
  lodestone::testing::WeComStandIn robot(
      lodestone::testing::WeComOptions{.key = "synthetic-wecom-key", .server = {.now = now_of(clock_)}});
  const auto r = with(ReceiverKind::WeCom, robot.url());
  for (const auto& n : {notify::testing::firing(), notify::testing::resolved(), notify::testing::digest12(),
                        notify::testing::test_message(), notify::testing::long_firing()}) {
    auto [v, a] = deliver(r, n);
    EXPECT_EQ(v.outcome, Outcome::Sent) << v.detail << " " << a.body;
  }
  EXPECT_EQ(robot.accepted_count(), 5U);
}

TEST_F(Delivery, FeishuIsSignedInTheBodyAndTakesTheCards) {
  lodestone::testing::FeishuOptions o;
  o.secret = kFeishuSecret;
  o.keywords = {"Lodestone"};
  o.server.now = now_of(clock_);
  lodestone::testing::FeishuStandIn bot(o);
  const auto r = with(ReceiverKind::Feishu, bot.url(), kFeishuSecret);
  for (const auto& n : {notify::testing::firing(), notify::testing::resolved(), notify::testing::digest12(),
                        notify::testing::test_message(), notify::testing::long_firing()}) {
    auto [v, a] = deliver(r, n);
    EXPECT_EQ(v.outcome, Outcome::Sent) << v.detail << " " << a.body;
  }
  auto [bad, a] = deliver(with(ReceiverKind::Feishu, bot.url(), "another-secret"), notify::testing::firing());
  EXPECT_EQ(bad.outcome, Outcome::Broken) << a.body;
  EXPECT_NE(bad.detail.find("19021"), std::string::npos) << bad.detail;
}

TEST_F(Delivery, TelegramParsesOurMarkdownV2AndItsMessageIdIsKeptForReplies) {
  lodestone::testing::TelegramOptions o;
  o.server.now = now_of(clock_);
  lodestone::testing::TelegramStandIn bot(o);
  ReceiverConfig r = with(ReceiverKind::Telegram, bot.api_base(), o.token);
  for (const auto& n : {notify::testing::firing(), notify::testing::resolved(), notify::testing::digest12(),
                        notify::testing::test_message(), notify::testing::long_firing()}) {
    auto [v, a] = deliver(r, n);
    EXPECT_EQ(v.outcome, Outcome::Sent) << v.detail << " " << a.body;
    EXPECT_FALSE(v.message_ref.empty());
    clock_.advance(2s);  // one a second per chat
  }
}

TEST_F(Delivery, ServerChanTakesTheShortTitle) {
  lodestone::testing::ServerChanStandIn push(
      lodestone::testing::ServerChanOptions{.sendkey = "SCTsyntheticSendKey", .server = {.now = now_of(clock_)}});
  auto [v, a] =
      deliver(with(ReceiverKind::ServerChan, push.api_base(), "SCTsyntheticSendKey"), notify::testing::firing());
  EXPECT_EQ(v.outcome, Outcome::Sent) << v.detail << " " << a.body;
}

TEST_F(Delivery, EmailGoesOverStartTlsWithTheAlertInItsSubject) {
  lodestone::testing::SmtpOptions o;
  o.now = now_of(clock_);
  lodestone::testing::SmtpStandIn smtp(o);
  ReceiverConfig r = notify::testing::receiver(ReceiverKind::Email);
  r.url = smtp.url();
  r.secret = o.password;
  r.email.username = o.username;
  r.email.starttls = true;
  r.ca_file = smtp.ca_file();
  r.email.ca_file = smtp.ca_file();
  r.timeout = 5s;
  auto [v, a] = deliver(r, notify::testing::firing());
  EXPECT_EQ(v.outcome, Outcome::Sent) << v.detail << " " << a.http_status << " "
                                      << (a.transport_error ? a.transport_error->message : "");
  auto m = smtp.wait_for_message(1);
  ASSERT_TRUE(m);
  EXPECT_TRUE(m->tls) << "the password never crosses in the clear";
  EXPECT_NE(m->subject.find("600111"), std::string::npos) << m->subject;
  EXPECT_NE(m->text.find("北方稀土"), std::string::npos);
  // A refused password is a 5xx: broken, not retried.
  r.secret = "wrong";
  auto [bad, b] = deliver(r, notify::testing::firing());
  EXPECT_NE(bad.outcome, Outcome::Sent);
  (void)b;
}

TEST_F(Delivery, AServiceThatNeverAnswersIsATimeoutToRetry) {
  lodestone::testing::WebhookOptions o;
  o.server.now = now_of(clock_);
  lodestone::testing::WebhookStandIn hook(o);
  hook.fail_until_reset(lodestone::testing::Fault::hang());
  ReceiverConfig r = with(ReceiverKind::Webhook, hook.url());
  r.timeout = 300ms;
  auto [v, a] = deliver(r, notify::testing::firing());
  EXPECT_EQ(v.outcome, Outcome::Retry);
  ASSERT_TRUE(a.transport_error);
  EXPECT_EQ(a.transport_error->code, ErrorCode::timeout);
  hook.fail_until_reset(lodestone::testing::Fault::drop());
  auto [dropped, d] = deliver(r, notify::testing::firing());
  EXPECT_EQ(dropped.outcome, Outcome::Retry) << d.http_status;
  EXPECT_EQ(hook.accepted_count(), 0U);
  EXPECT_EQ(hook.request_count(), 2U) << "one request per attempt: libcurl never re-posts on its own";
}

}  // namespace
}  // namespace lodestone::notify
