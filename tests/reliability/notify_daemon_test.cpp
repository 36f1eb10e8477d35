// Notifications end to end (issue #15): the real daemon, its alert ledger's feed injected through
// POST /api/v1/ingest, and loopback stand-ins of the services that check signatures, windows and
// bodies as the services do. The ledger computes the exact notification ids the feed must
// produce, so "each once" is checked id by id: none missing, none twice, none unexpected.
#include <gtest/gtest.h>
#include <unistd.h>

#include <map>
#include <set>

#include "fault_fixture.hpp"
#include "notify_standins/dingtalk.hpp"
#include "notify_standins/webhook.hpp"

namespace lodestone::testing {
namespace {

// Synthetic secrets of each service's shape.
const std::string kWhsec = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const std::string kDingTalkSecret = "SECsynthetic0123456789abcdef0123456789abcdef0123456789abcdef01";
const std::string kDingTalkToken = "synthetic-dingtalk-token-7f3a";

// The notification ids a webhook body carries (its `lodestone.alerts[].id`), in order.
std::vector<std::string> ids_in(const std::string& body) {
  std::vector<std::string> out;
  const std::string key = R"("id":")";
  for (auto at = body.find(key); at != std::string::npos; at = body.find(key, at + 1)) {
    const auto start = at + key.size();
    const auto end = body.find('"', start);
    const std::string id = body.substr(start, end - start);
    if (id.ends_with(":firing") || id.ends_with(":resolved")) out.push_back(id);
  }
  return out;
}

// Every notification id the webhook accepted, once per accepted message it appeared in.
std::vector<std::string> delivered(const WebhookStandIn& hook) {
  std::vector<std::string> out;
  for (const auto& e : hook.accepted())
    for (auto& id : ids_in(e.request.body)) out.push_back(std::move(id));
  return AlertLedger::own(out);
}

class NotifyDaemon : public FaultTest {
 protected:
  void SetUp() override {
    FaultTest::SetUp();
    WebhookOptions o;
    o.secrets = {kWhsec};
    hook_ = std::make_unique<WebhookStandIn>(o);
    whsec_file_ = temp_file(kWhsec + "\n", "lodestone-notify");
  }
  void TearDown() override {
    FaultTest::TearDown();
    ::unlink(whsec_file_.c_str());
  }

  // The notify: section: the webhook (secret from a file) takes every alert; group_interval 1 s
  // so an alert's resolution follows its firing within the test's patience.
  [[nodiscard]] std::string notify_yaml(const std::string& extra_receivers = "",
                                        const std::string& extra_names = "") const {
    return "notify:\n  public_url: http://127.0.0.1:8080\n  claim_timeout: 5s\n  receivers:\n"
           "    - {name: ops, kind: webhook, url: \"" +
           hook_->url() + "\", secret_file: \"" + whsec_file_ + "\"}\n" + extra_receivers +
           "  routes:\n    - {receivers: [ops" + extra_names + "], group_interval: 1s}\n";
  }

  // The daemon without Redis: the in-memory outbox.
  DaemonProcess& start_memory(const std::string& notify, std::map<std::string, std::string> env = {}) {
    const std::string config = temp_file(
        "tape: {path: " + tape_ + ", speed: 0, loop: false}\nuniverse: " + source_path("deploy/universe.yaml") +
            "\nrules: " + rules_ + "\ninstance: a\n" + notify,
        "lodestone-notify");
    files_.push_back(config);
    env.emplace("LODESTONE_API_TOKEN", kFaultToken);
    daemons_.push_back(std::make_unique<DaemonProcess>(std::vector<std::string>{"--config", config}, env));
    auto& d = *daemons_.back();
    EXPECT_TRUE(eventually([&] { return status(d, "/readyz") == 200; }, 60s)) << d.log();
    return d;
  }

  bool all_delivered(const std::vector<std::string>& want, std::chrono::milliseconds timeout = 60s) {
    return eventually([&] { return AlertLedger::check(delivered(*hook_), want).missing.empty(); }, timeout);
  }

  std::unique_ptr<WebhookStandIn> hook_;
  std::string whsec_file_;
};

TEST_F(NotifyDaemon, N1_EveryAlertReachesTheReceiverOnceSignedAndTheLedgerAndThePageSayWhen) {
  auto& d = start_memory(notify_yaml());
  inject(d, ledger_.prime());
  inject(d, ledger_.burst(12));
  ASSERT_TRUE(all_delivered(ledger_.expected()))
      << AlertLedger::check(delivered(*hook_), ledger_.expected()).summary() << "\n"
      << d.log();
  std::this_thread::sleep_for(1500ms);  // a negative check follows: nothing more may come
  const auto v = ledger_.check(delivered(*hook_));
  EXPECT_TRUE(v.ok()) << v.summary();
  EXPECT_EQ(hook_->repeats(), 0U) << "no webhook-id twice";

  // The ledger of one alert: its firing and its resolution, each sent to ops.
  const std::string fp = ledger_.expected().front().substr(0, ledger_.expected().front().find(':'));
  HttpResult ledger;
  EXPECT_TRUE(eventually([&] {
    ledger = http_request(d.port(), http::verb::get, "/api/v1/alerts/" + fp + "/deliveries");
    return ledger.body.find(R"("state":"pending")") == std::string::npos;
  })) << ledger.body;
  ASSERT_EQ(ledger.status, 200U) << ledger.body;
  EXPECT_NE(ledger.body.find(R"("state":"sent")"), std::string::npos) << ledger.body << "\n" << d.log();
  EXPECT_NE(ledger.body.find(fp + ":firing"), std::string::npos) << ledger.body;
  EXPECT_NE(ledger.body.find(fp + ":resolved"), std::string::npos) << ledger.body;
  const auto one = http_request(d.port(), http::verb::get, "/api/v1/alerts/" + fp);
  EXPECT_EQ(one.status, 200U) << one.body;

  const auto m = metrics(d);
  EXPECT_EQ(metric_value(m, R"(lodestone_notifications_total{kind="webhook",outcome="sent",receiver="ops"})"),
            static_cast<double>(ledger_.expected().size()))
      << m;
  EXPECT_EQ(metric_value(m, R"(lodestone_notify_receiver_up{kind="webhook",receiver="ops"})"), 1.0);
  const auto sum = metric_value(m, R"(lodestone_notification_delivery_seconds_sum{receiver="ops"})");
  const auto count = metric_value(m, R"(lodestone_notification_delivery_seconds_count{receiver="ops"})");
  ASSERT_TRUE(sum && count && *count > 0) << m;
  // From the outbox to the service's 200, on loopback; the firings go at once, each resolution
  // waits the route's 1 s group_interval.
  measured("N1 mean delivery latency (enqueue to the service's answer)", *sum / *count * 1000.0, "ms");
  const auto status_json = http_request(d.port(), http::verb::get, "/api/v1/notify").body;
  EXPECT_NE(status_json.find(R"("name":"ops")"), std::string::npos) << status_json;
  // The secret and the receiver's URL never leave the config: not in the log, the API or /metrics.
  for (const auto& text : {d.log(), status_json, m, ledger.body}) {
    EXPECT_EQ(text.find("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"), std::string::npos);
  }
}

TEST_F(NotifyDaemon, N2_ABrokenReceiverRaisesASystemAlertAndIsNotRetriedWhileTheOthersDeliver) {
  DingTalkOptions o;
  o.access_token = kDingTalkToken;
  o.secret = kDingTalkSecret;
  DingTalkStandIn robot(o);
  // The robot's signing secret is wrong in the environment: every message is refused (310000).
  auto& d = start_memory(
      notify_yaml("    - {name: desk, kind: dingtalk, url: \"" + robot.url() + "\", secret_env: DESK_SECRET}\n",
                  ", desk"),
      {{"DESK_SECRET", "SECnot-the-robots-secret"}});
  inject(d, ledger_.prime());
  inject(d, ledger_.burst(2));
  ASSERT_TRUE(all_delivered(ledger_.expected())) << d.log();
  ASSERT_TRUE(eventually([&] {
    return http_request(d.port(), http::verb::get, "/api/v1/alerts?after=0&limit=100")
               .body.find("notify-receiver-broken") != std::string::npos;
  })) << d.log();
  const auto m = metrics(d);
  EXPECT_EQ(metric_value(m, R"(lodestone_notify_receiver_up{kind="dingtalk",receiver="desk"})"), 0.0) << m;
  const auto ready = http_request(d.port(), http::verb::get, "/readyz");
  EXPECT_EQ(ready.status, 200U) << "a broken receiver is the operator's job, not a reason to leave rotation";
  EXPECT_NE(ready.body.find("desk"), std::string::npos) << ready.body;
  // Refused with the service's words, never retried: every request is a message of its own. A
  // retry would repeat a body; how many new messages (resolutions, the system alert) a loaded
  // machine lets through meanwhile says nothing, so the bodies are compared, not counted. The
  // wait is longer than the first retry's backoff.
  std::this_thread::sleep_for(1500ms);
  std::set<std::string> bodies;
  for (const auto& exchange : robot.exchanges())
    EXPECT_TRUE(bodies.insert(exchange.request.body).second) << "sent again: " << exchange.request.body;
  EXPECT_GE(bodies.size(), 1U);
  EXPECT_EQ(robot.accepted_count(), 0U);
  for (const auto& text : {d.log(), m, http_request(d.port(), http::verb::get, "/api/v1/notify").body}) {
    EXPECT_EQ(text.find(kDingTalkToken), std::string::npos) << "the robot's URL is a credential";
    EXPECT_EQ(text.find("SECnot-the-robots-secret"), std::string::npos);
  }
}

TEST_F(NotifyDaemon, N3_TransientFailuresAreRetriedUntilTheServiceTakesThem) {
  hook_->fail_next(3, Fault::server_error(503));
  auto& d = start_memory(notify_yaml());
  inject(d, ledger_.prime());
  inject(d, ledger_.burst(1));
  ASSERT_TRUE(all_delivered(ledger_.expected())) << d.log();
  EXPECT_GE(hook_->request_count(), 4U);
  const std::string fp = ledger_.expected().front().substr(0, ledger_.expected().front().find(':'));
  // The service took it; the ledger says so once the daemon has read its answer (the event).
  std::string ledger;
  EXPECT_TRUE(eventually([&] {
    ledger = http_request(d.port(), http::verb::get, "/api/v1/alerts/" + fp + "/deliveries").body;
    return ledger.find(R"("state":"sent")") != std::string::npos;
  })) << ledger;
  EXPECT_NE(ledger.find(R"("attempts":4)"), std::string::npos) << ledger;
}

TEST_F(NotifyDaemon, N4_KilledMidDeliveryAndRestartedEveryNotificationIsDeliveredOnce) {
  RedisServer redis(RedisServerOptions{.appendonly = true, .appendfsync = "always", .extra = {}});
  hook_->fail_until_reset(Fault::hang());
  auto* d = &start(redis, "", notify_yaml());
  inject(*d, ledger_.prime());
  inject(*d, ledger_.burst(4));
  // A message is with the service (which never answers) when the daemon is killed.
  ASSERT_TRUE(hook_->wait_for_exchange(1, 30s)) << d->log();
  ASSERT_EQ(hook_->accepted_count(), 0U) << "nothing was taken before the kill";
  d->kill();
  hook_->reset_faults();
  auto& again = start(redis, "", notify_yaml());
  ASSERT_TRUE(all_delivered(ledger_.expected()))
      << AlertLedger::check(delivered(*hook_), ledger_.expected()).summary() << "\n"
      << again.log();
  std::this_thread::sleep_for(1500ms);  // a negative check follows
  const auto v = ledger_.check(delivered(*hook_));
  EXPECT_TRUE(v.ok()) << v.summary();
  EXPECT_EQ(hook_->repeats(), 0U);
}

TEST_F(NotifyDaemon, N5_TwoDaemonsOnOneRedisDeliverEachNotificationOnce) {
  RedisServer redis(RedisServerOptions{.appendonly = false, .appendfsync = "everysec", .extra = {}});
  auto& a = start(redis, "", notify_yaml());
  const std::string config_b =
      temp_file("tape: {path: " + tape_ + ", speed: 0, loop: false}\nuniverse: " + source_path("deploy/universe.yaml") +
                    "\nrules: " + rules_ + "\nredis: {url: \"" + redis.url() + "\", backoff_max: 500ms}\n" +
                    "instance: b\n" + notify_yaml(),
                "lodestone-notify");
  files_.push_back(config_b);
  daemons_.push_back(
      std::make_unique<DaemonProcess>(std::vector<std::string>{"--config", config_b},
                                      std::map<std::string, std::string>{{"LODESTONE_API_TOKEN", kFaultToken}}));
  auto& b = *daemons_.back();
  ASSERT_TRUE(eventually([&] { return status(b, "/readyz") == 200; }, 60s)) << b.log();
  // Both daemons see the same feed and raise the same alerts.
  const auto prime = ledger_.prime();
  const auto burst = ledger_.burst(8);
  inject(a, prime);
  inject(b, prime);
  inject(a, burst);
  inject(b, burst);
  ASSERT_TRUE(all_delivered(ledger_.expected())) << a.log() << "\n" << b.log();
  std::this_thread::sleep_for(1500ms);  // a negative check follows
  const auto v = ledger_.check(delivered(*hook_));
  EXPECT_TRUE(v.ok()) << v.summary();
  EXPECT_EQ(hook_->repeats(), 0U);
}

}  // namespace
}  // namespace lodestone::testing
