// The notifier's orchestration, in process: the real router, dispatcher, renderers, classify and
// in-memory outbox, on a real io_context, with a sender that answers as the test says (the
// network path itself is held by the stand-in tests and the daemon tests) and a ManualClock, so
// backoff, pauses and give-up are driven by the test, not by the wall clock.
#include "lodestone/notify/notifier.hpp"

#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <thread>

#include "lodestone/core/clock.hpp"
#include "lodestone/net/net.hpp"
#include "lodestone/notify/outbox.hpp"

namespace lodestone::notify {
namespace {

using namespace std::chrono_literals;

// Answers each request with the next scripted answer (200 once the script is empty), or holds
// it until release() when told to.
class ScriptedSender final : public Sender {
 public:
  void send(OutboundRequest request, Done done) override {
    std::unique_lock lock(mutex_);
    requests_.push_back(request);
    if (hold_) {
      held_.push_back(std::move(done));
      changed_.notify_all();
      return;
    }
    ServiceAnswer a;
    a.http_status = 200;
    if (!script_.empty()) {
      a = script_.front();
      script_.pop_front();
    }
    lock.unlock();
    done(std::move(a));
    std::lock_guard relock(mutex_);
    changed_.notify_all();
  }
  void stop() override {}

  void answer_next(ServiceAnswer a) {
    std::lock_guard lock(mutex_);
    script_.push_back(std::move(a));
  }
  void hold(bool on) {
    std::lock_guard lock(mutex_);
    hold_ = on;
  }
  void release() {
    std::vector<Done> held;
    {
      std::lock_guard lock(mutex_);
      held.swap(held_);
    }
    for (auto& d : held) {
      ServiceAnswer a;
      a.http_status = 200;
      d(std::move(a));
    }
  }
  bool wait_requests(std::size_t n, std::chrono::milliseconds timeout = 10s) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return requests_.size() >= n; });
  }
  std::vector<OutboundRequest> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<ServiceAnswer> script_;
  std::vector<OutboundRequest> requests_;
  std::vector<Done> held_;
  bool hold_ = false;
};

bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout = 10s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(5ms);
  }
  return condition();
}

ServiceAnswer http(long status, std::string body = {}) {
  ServiceAnswer a;
  a.http_status = status;
  a.body = std::move(body);
  return a;
}

Alert level_alert(const std::string& fp, AlertState state, Timestamp ts, Severity severity = Severity::Warning) {
  Alert a;
  a.rule = "level-600111";
  a.severity = severity;
  a.state = state;
  a.symbol = Symbol::parse("600111.SH").value();
  a.ts = ts;
  a.id = fp + (state == AlertState::Firing ? ":firing" : ":resolved");
  a.message = "北方稀土 crossed 18.00";
  a.labels = {{"rule", a.rule}, {"severity", std::string(to_string(severity))}, {"fingerprint", fp}};
  return a;
}

// 2026-02-09 14:23:00 +08:00, a trading afternoon.
constexpr Timestamp kStart{1770618180000};

class NotifierTest : public ::testing::Test {
 protected:
  NotifierTest() : clock_(kStart) {
    ReceiverConfig ops;
    ops.name = "ops";
    ops.kind = ReceiverKind::Webhook;
    ops.url = "http://127.0.0.1:9/hook";
    ops.give_up_after = 10min;
    config_.receivers.push_back(ops);
    ReceiverConfig desk = ops;
    desk.name = "desk";
    config_.receivers.push_back(desk);
    RouteConfig all;
    all.receivers = {"ops", "desk"};
    config_.routes.push_back(all);
    config_.public_url = "http://127.0.0.1:8080";
  }
  ~NotifierTest() override {
    if (notifier_) notifier_->stop();
    work_.reset();
    ioc_.stop();
    if (thread_.joinable()) thread_.join();
  }

  void start(NotifierHooks hooks = {}) {
    if (!hooks.delivery)
      hooks.delivery = [this](const DeliveryRecord& r) {
        std::lock_guard lock(mutex_);
        records_.push_back(r);
        changed_.notify_all();
      };
    // As the daemon does: the silence check runs for every batch (no silence matches here).
    if (!hooks.silenced) hooks.silenced = [](const Alert&) { return false; };
    if (!hooks.raise)
      hooks.raise = [this](Alert a) {
        std::lock_guard lock(mutex_);
        raised_.push_back(std::move(a));
        changed_.notify_all();
      };
    NotifierOptions options;
    options.instance = "test";
    options.poll = 50ms;
    notifier_ =
        Notifier::create(ioc_.get_executor(), config_, outbox_, sender_, clock_, registry_, std::move(hooks), options);
    notifier_->start();
    thread_ = std::thread([this] { ioc_.run(); });
  }

  // Waits until `pred` holds over the delivery records seen so far.
  bool wait_records(const std::function<bool(const std::vector<DeliveryRecord>&)>& pred,
                    std::chrono::milliseconds timeout = 10s) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return pred(records_); });
  }
  std::size_t count(const std::vector<DeliveryRecord>& rs, DeliveryState state, const std::string& receiver = "") {
    return static_cast<std::size_t>(std::count_if(rs.begin(), rs.end(), [&](const DeliveryRecord& r) {
      return r.state == state && (receiver.empty() || r.receiver == receiver);
    }));
  }
  std::vector<Alert> raised() {
    std::lock_guard lock(mutex_);
    return raised_;
  }

  NotifyConfig config_;
  ManualClock clock_;
  MemoryOutbox outbox_;
  ScriptedSender sender_;
  prometheus::Registry registry_;
  net::io_context ioc_;
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work_{ioc_.get_executor()};
  std::thread thread_;
  std::shared_ptr<Notifier> notifier_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<DeliveryRecord> records_;
  std::vector<Alert> raised_;
};

TEST_F(NotifierTest, EveryNotificationReachesEveryRoutedReceiverOnceAndTheLedgerSaysSo) {
  start();
  notifier_->publish(level_alert("aa01", AlertState::Firing, kStart));
  notifier_->publish(level_alert("aa01", AlertState::Firing, kStart));  // published twice: enqueued once
  ASSERT_TRUE(wait_records([&](const auto& rs) { return count(rs, DeliveryState::Sent) == 2; }));
  notifier_->publish(level_alert("aa01", AlertState::Resolved, kStart));
  // The alert's group was notified: its resolution waits the route's group_interval (30 s).
  ASSERT_TRUE(eventually([&] { return outbox_.stats().depth == 2; }));
  EXPECT_FALSE(sender_.wait_requests(3, 200ms));
  clock_.advance(5min);
  notifier_->wake();
  ASSERT_TRUE(wait_records([&](const auto& rs) { return count(rs, DeliveryState::Sent) == 4; }));
  EXPECT_EQ(sender_.requests().size(), 4U);
  std::promise<std::vector<DeliveryRecord>> ledger;
  outbox_.deliveries(
      "aa01", [&](Result<std::vector<DeliveryRecord>> r) { ledger.set_value(r ? *r : std::vector<DeliveryRecord>{}); });
  const auto rs = ledger.get_future().get();
  ASSERT_EQ(rs.size(), 4U);
  for (const auto& r : rs) {
    EXPECT_EQ(r.state, DeliveryState::Sent) << r.receiver << " " << r.notification;
    EXPECT_EQ(r.instance, "test");
    EXPECT_EQ(r.attempts, 1U);
  }
  EXPECT_EQ(outbox_.stats().depth, 0U);
}

TEST_F(NotifierTest, ATransientFailureIsRetriedWithItsIdempotencyKeyAndThenSent) {
  config_.routes[0].receivers = {"ops"};
  sender_.answer_next(http(503, "busy"));
  start();
  notifier_->publish(level_alert("bb01", AlertState::Firing, kStart));
  ASSERT_TRUE(wait_records([&](const auto& rs) { return count(rs, DeliveryState::Pending) == 1; }));
  ASSERT_EQ(sender_.requests().size(), 1U);
  clock_.advance(2s);  // past the first backoff (1 s, jittered)
  notifier_->wake();
  ASSERT_TRUE(wait_records([&](const auto& rs) { return count(rs, DeliveryState::Sent) == 1; }));
  const auto requests = sender_.requests();
  ASSERT_EQ(requests.size(), 2U);
  auto header = [](const OutboundRequest& r, const std::string& name) {
    for (const auto& [k, v] : r.headers)
      if (k == name) return v;
    return std::string();
  };
  EXPECT_FALSE(header(requests[0], "webhook-id").empty());
  EXPECT_EQ(header(requests[0], "webhook-id"), header(requests[1], "webhook-id")) << "the receiver drops repeats by it";
}

TEST_F(NotifierTest, GivesUpAfterGiveUpAfterAndDeadLettersTheMessage) {
  config_.routes[0].receivers = {"ops"};
  for (int i = 0; i < 50; ++i) sender_.answer_next(http(503));
  start();
  notifier_->publish(level_alert("cc01", AlertState::Firing, kStart));
  for (int i = 0; i < 40; ++i) {
    if (wait_records([&](const auto& rs) { return count(rs, DeliveryState::Failed) == 1; }, 50ms)) break;
    clock_.advance(1min);
    notifier_->wake();
  }
  ASSERT_TRUE(wait_records([&](const auto& rs) { return count(rs, DeliveryState::Failed) == 1; }));
  std::lock_guard lock(mutex_);
  EXPECT_NE(records_.back().detail.find("gave up"), std::string::npos) << records_.back().detail;
  EXPECT_LT(sender_.requests().size(), 50U) << "backoff grows: not one try per poll";
}

TEST_F(NotifierTest, ABrokenReceiverRaisesOneSystemAlertIsNotRetriedAndRecovers) {
  config_.routes[0].receivers = {"ops"};
  sender_.answer_next(http(401, "bad signature"));
  sender_.answer_next(http(401, "bad signature"));
  start();
  notifier_->publish(level_alert("dd01", AlertState::Firing, kStart));
  notifier_->publish(level_alert("dd02", AlertState::Firing, kStart));
  ASSERT_TRUE(wait_records([&](const auto& rs) { return count(rs, DeliveryState::Failed) == 2; }));
  auto alerts = raised();
  ASSERT_EQ(alerts.size(), 1U) << "one system alert per breakdown";
  EXPECT_EQ(alerts[0].rule, "notify-receiver-broken");
  EXPECT_EQ(alerts[0].state, AlertState::Firing);
  EXPECT_EQ(alerts[0].labels.at("receiver"), "ops");
  EXPECT_EQ(alerts[0].message.find("127.0.0.1:9"), std::string::npos) << "the URL is a credential";
  EXPECT_EQ(notifier_->receivers()[0].health, ReceiverHealth::Broken);
  clock_.advance(10min);
  notifier_->wake();
  // Not retried: a 4xx retrying cannot fix.
  EXPECT_EQ(sender_.requests().size(), 2U);
  notifier_->publish(level_alert("dd03", AlertState::Firing, kStart));
  ASSERT_TRUE(wait_records([&](const auto& rs) { return count(rs, DeliveryState::Sent) == 1; }));
  alerts = raised();
  ASSERT_EQ(alerts.size(), 2U) << "the receiver's recovery is said before its first delivery is filed";
  EXPECT_EQ(alerts[1].state, AlertState::Resolved);
  EXPECT_EQ(alerts[1].labels.at("fingerprint"), alerts[0].labels.at("fingerprint"));
}

TEST_F(NotifierTest, AServiceRateLimitPausesTheReceiverAndWhatWaitsGoesOutAsOneDigest) {
  config_.routes[0].receivers = {"ops"};
  ServiceAnswer limited = http(429, "slow down");
  limited.retry_after = 30s;
  sender_.answer_next(limited);
  start();
  notifier_->publish(level_alert("ee01", AlertState::Firing, kStart));
  ASSERT_TRUE(wait_records([&](const auto& rs) { return count(rs, DeliveryState::Pending) == 1; }));
  for (int i = 2; i <= 6; ++i) notifier_->publish(level_alert("ee0" + std::to_string(i), AlertState::Firing, kStart));
  // Paused: nothing goes out before the 30 s are up.
  EXPECT_FALSE(sender_.wait_requests(2, 300ms));
  EXPECT_EQ(notifier_->receivers()[0].health, ReceiverHealth::Paused);
  clock_.advance(31s);
  notifier_->wake();
  ASSERT_TRUE(wait_records([&](const auto& rs) { return count(rs, DeliveryState::Sent) == 6; }));
  const auto requests = sender_.requests();
  EXPECT_LE(requests.size(), 3U) << "what waited went out folded, not one by one";
  std::lock_guard lock(mutex_);
  EXPECT_GE(std::count_if(records_.begin(), records_.end(), [](const auto& r) { return r.digest; }), 2);
}

TEST_F(NotifierTest, ASilenceCreatedAfterTheAlertFiredMutesWhatHasNotGoneOut) {
  config_.routes[0].receivers = {"ops"};
  config_.routes[0].group_wait = 30s;
  std::atomic<bool> silenced{false};
  NotifierHooks hooks;
  hooks.silenced = [&](const Alert&) { return silenced.load(); };
  start(std::move(hooks));
  notifier_->publish(level_alert("ff01", AlertState::Firing, kStart));
  // Claimed and held for the group's 30 s.
  ASSERT_TRUE(eventually([&] { return notifier_->receivers()[0].waiting == 1; }));
  silenced = true;
  clock_.advance(31s);
  notifier_->wake();
  ASSERT_TRUE(wait_records([&](const auto& rs) { return count(rs, DeliveryState::Silenced) == 1; }));
  EXPECT_TRUE(sender_.requests().empty());
}

TEST_F(NotifierTest, StopWaitsForTheAnswerOfWhatIsAlreadyWithTheService) {
  config_.routes[0].receivers = {"ops"};
  sender_.hold(true);
  start();
  notifier_->publish(level_alert("gg01", AlertState::Firing, kStart));
  ASSERT_TRUE(sender_.wait_requests(1));
  std::promise<void> drained;
  auto done = drained.get_future();
  notifier_->stop([&] { drained.set_value(); });
  EXPECT_EQ(done.wait_for(200ms), std::future_status::timeout) << "the answer is not in yet";
  sender_.release();
  ASSERT_EQ(done.wait_for(10s), std::future_status::ready);
  ASSERT_TRUE(wait_records([&](const auto& rs) { return count(rs, DeliveryState::Sent) == 1; }));
}

TEST_F(NotifierTest, AnAlertStillFiringIsSentAgainAfterTheRoutesRepeatIntervalUntilItResolves) {
  config_.routes[0].receivers = {"ops"};
  config_.routes[0].repeat_interval = 4h;
  start();
  notifier_->publish(level_alert("hh01", AlertState::Firing, kStart));
  ASSERT_TRUE(wait_records([&](const auto& rs) { return count(rs, DeliveryState::Sent) == 1; }));
  clock_.advance(3h);
  notifier_->wake();
  EXPECT_FALSE(sender_.wait_requests(2, 200ms)) << "not before repeat_interval";
  clock_.advance(1h + 1s);
  notifier_->wake();
  ASSERT_TRUE(wait_records([&](const auto& rs) { return count(rs, DeliveryState::Sent) == 2; }));
  {
    std::lock_guard lock(mutex_);
    EXPECT_EQ(records_.back().notification, "hh01:repeat-r1");
    EXPECT_EQ(records_.back().alert_key, "hh01") << "the repeat is filed under its alert";
  }
  notifier_->publish(level_alert("hh01", AlertState::Resolved, kStart));
  clock_.advance(5min);
  notifier_->wake();
  ASSERT_TRUE(wait_records([&](const auto& rs) { return count(rs, DeliveryState::Sent) == 3; }));
  clock_.advance(5h);
  notifier_->wake();
  EXPECT_FALSE(sender_.wait_requests(4, 300ms)) << "a resolved alert is not repeated";
}

TEST_F(NotifierTest, AnUpdateRepliesToTheTelegramMessageTheLedgerKeptAcrossARestart) {
  ReceiverConfig tg;
  tg.name = "tg";
  tg.kind = ReceiverKind::Telegram;
  tg.url = "http://127.0.0.1:9";
  tg.secret = "123456789:synthetic";
  tg.chat_id = "-1001234567890";
  config_.receivers = {tg};
  config_.routes[0].receivers = {"tg"};
  sender_.answer_next(http(200, R"({"ok":true,"result":{"message_id":4242,"chat":{"id":-1001234567890}}})"));
  start();
  notifier_->publish(level_alert("ii01", AlertState::Firing, kStart));
  ASSERT_TRUE(wait_records([&](const auto& rs) { return count(rs, DeliveryState::Sent) == 1; }));
  // The daemon restarts: a new notifier on the same ledger remembers nothing itself.
  notifier_->stop();
  notifier_ = Notifier::create(ioc_.get_executor(), config_, outbox_, sender_, clock_, registry_, {}, {});
  notifier_->start();
  clock_.advance(1min);
  notifier_->publish(level_alert("ii01", AlertState::Resolved, kStart));
  ASSERT_TRUE(sender_.wait_requests(2));
  const auto requests = sender_.requests();
  EXPECT_NE(requests[1].body.find("4242"), std::string::npos)
      << "replies to the firing's message: " << requests[1].body;
  EXPECT_EQ(requests[0].body.find("4242"), std::string::npos);
}

}  // namespace
}  // namespace lodestone::notify
