#pragma once
// When each claimed notification goes out, pure and on the caller's clock: grouping
// (group_wait for a new group, group_interval after it was sent), quiet hours, and each
// receiver's pace (its service's documented limit as token buckets, and pauses after the
// service's own rate-limit answer). What cannot go out when due waits, and is folded into one
// digest when the receiver can take a message again, instead of being dropped or queued for an
// hour. Failed batches come back through retry() with their backoff.
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "lodestone/core/events.hpp"
#include "lodestone/notify/notification.hpp"
#include "lodestone/notify/notify_config.hpp"
#include "lodestone/notify/outbox.hpp"
#include "lodestone/notify/router.hpp"

namespace lodestone::notify {

// One message to send and the outbox entries it settles.
struct Batch {
  Notification notification;
  std::vector<OutboxEntry> entries;
  std::uint32_t attempt = 0;  // 0 on the first try
};

class Dispatcher {
 public:
  // `config` must outlive the dispatcher. `seed` makes the jitter reproducible in tests.
  explicit Dispatcher(const NotifyConfig& config, std::uint64_t seed = 0);
  ~Dispatcher();

  // A claimed entry (its alert already decoded) and the route and group it came through.
  void add(OutboxEntry entry, Alert alert, const RouteHit& hit, Timestamp now);
  // Everything due by `now` that its receiver's pace allows, grouped and folded into digests.
  std::vector<Batch> due(Timestamp now);
  // The earliest time due() could return something (a group's wait ends, a bucket refills, a
  // pause or quiet hours end, a retry's backoff ends); nullopt when nothing waits.
  [[nodiscard]] std::optional<Timestamp> next_due() const;

  // The service answered a batch: the group's group_interval starts from `now`.
  void sent(const Batch& batch, Timestamp now);
  // The batch failed transiently: it is due again after the receiver's next backoff (exponential
  // from 1 s to 10 min, with jitter), or at `not_before` when the service said so.
  void retry(Batch batch, Timestamp now, std::optional<Timestamp> not_before = std::nullopt);
  // The service answered with its rate limit: nothing goes to `receiver` before `until`; what
  // waits meanwhile becomes one digest.
  void pause(const std::string& receiver, Timestamp until);
  [[nodiscard]] std::optional<Timestamp> paused_until(const std::string& receiver) const;

  // Entries waiting (not yet handed out by due()), for keep() and the outbox depth.
  [[nodiscard]] std::vector<OutboxEntry> held() const;
  [[nodiscard]] std::size_t waiting() const;

  struct Counters {
    std::uint64_t digests = 0;     // digest notifications made
    std::uint64_t digested = 0;    // alerts folded into them
    std::uint64_t pauses = 0;      // pause() calls
    std::uint64_t quiet_held = 0;  // entries held by quiet hours
  };
  [[nodiscard]] Counters counters(const std::string& receiver) const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// The documented pace of a service (per robot, chat or key), before `rate_per_minute`
// overrides it: DingTalk and WeCom 20/min, Feishu 100/min and 5/s, Telegram 20/min per group
// and 1/s per chat, ServerChan 5/day, webhooks and e-mail 60/min.
struct Pace {
  double per_minute = 60;
  std::optional<double> per_second;
  std::optional<double> per_day;
};
Pace documented_pace(ReceiverKind kind);

// Standard token bucket: `capacity` tokens, refilled continuously at `per_ms`.
class TokenBucket {
 public:
  TokenBucket(double capacity, std::chrono::milliseconds period);  // capacity tokens per period
  bool take(Timestamp now);
  [[nodiscard]] Timestamp next_token(Timestamp now) const;  // when take() next succeeds

 private:
  double capacity_;
  double per_ms_;
  double tokens_;
  std::int64_t last_ms_ = 0;
  bool started_ = false;
};

}  // namespace lodestone::notify
