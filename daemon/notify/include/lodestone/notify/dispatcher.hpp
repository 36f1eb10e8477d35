#pragma once
// When each claimed notification goes out, pure and on the caller's clock: grouping
// (group_wait for a new group, group_interval after it was sent), quiet hours, and each
// receiver's pace (its service's documented limit as token buckets, and pauses after the
// service's own rate-limit answer). What cannot go out when due waits, and is folded into one
// digest when the receiver can take a message again, instead of being dropped or queued for an
// hour. Failed batches come back through retry() with their backoff.
//
// How the Notifier drives it (one thread, no locking inside):
//   claim -> add() each entry -> arm a timer for next_due() -> on the timer (and after every
//   add/sent/retry/pause) call due(now) and send each batch -> sent() / retry() / pause() with
//   the service's answer -> re-arm for next_due(). keep() the outbox entries in held() so no
//   other daemon reclaims them while they wait here.
//
// The rules, per receiver (a receiver's groups never mix with another receiver's):
//
// Grouping. Entries are held per (receiver, group). The group is RouteHit::group_key, or, when
// the route has no group_by, group_key + "/" + alert_key(alert): every alert its own group, its
// firing and resolved notifications in the same one. A group holding entries is due at
//   - first entry's arrival + route.group_wait, when the group was never sent or its last send
//     is group_interval or more before that arrival (an idle group starts afresh);
//   - last send + route.group_interval otherwise.
// The group's interval starts when due() hands its batch out and again at sent(); entries that
// arrive in between wait for it. A batch carries every entry its group holds, oldest first
// (alert ts, then arrival order): a firing and the resolved of the same alert both go, in that
// order, and so do updates; nothing is dropped as superseded. Empty groups are forgotten once
// their interval is over (they would start afresh anyway).
//
// Quiet hours (route.quiet_hours, exchange time): while the window is open, the route's groups
// are not handed out, unless a group holds a critical alert (firing or resolved) and
// critical_passes. A group due inside the window waits until it ends and is then released as
// waiting (below), so the night's groups of one receiver go out as one digest. Retried batches
// are not held: they were already let out. quiet_held counts entries held.
//
// Pace. Each receiver has token buckets at its Pace (documented_pace(kind), per_minute
// replaced by rate_per_minute when set): a burst of up to the limit passes, then tokens come
// back continuously. Every batch handed out takes one token from each bucket. A group that
// could not go when it was due (its receiver had no token or was paused, its route was quiet,
// a Feishu peak) is *waiting*; this is judged by the receiver's earliest hand-out time as it
// was known, so a timer that fires late does not turn fresh groups into a digest. When the
// receiver next can send, every waiting group together with every other group due by then
// goes out as ONE batch: a Digest when it holds two or more groups (or more alerts than
// Limits::digest_alerts), the group's own Alerts batch when only one group waits. Groups due
// with nothing waiting go out one per token, oldest due first; those the tokens do not cover
// wait.
//
// Pauses. pause() is the service's own rate-limit answer: nothing goes to the receiver before
// `until` (retries included); every group due meanwhile waits and goes out as one digest at
// `until`. The receiver's buckets restart from one token at `until` (the service counted
// more than we did, so no burst follows a pause).
//
// Feishu asks senders to avoid the top and bottom of the hour and half-hour (:00 and :30,
// exactly when A-share sessions open and close: 09:30, 10:00, 11:30, 13:00, 14:30, 15:00), or
// risk its 11232 "frequency limited" answer. For a Feishu receiver, nothing (batch, digest or
// retry) is handed out within kPeakGuard before or after :00/:30; it goes at clear_of_peak(),
// kPeakGuard plus a jitter of up to kPeakJitter after the mark, seeded per receiver and mark.
// Groups moved together that way waited, so they go as one digest: one message past the open
// instead of a burst at it.
//
// Retries. retry() brings a failed batch back unchanged (same entries, same notification id:
// the idempotency key the service dedups on) with attempt + 1. It is never regrouped with new
// arrivals. It is due at `not_before` when the service said when, else after the receiver's
// backoff: base = 1 s doubling per consecutive failure of the receiver up to 10 min, the delay
// drawn in [base/2, base] (seeded). sent() resets the receiver's backoff. A due retry needs a
// token like any batch and goes before the receiver's groups.
//
// Bounded memory. At most Limits::held_per_receiver of a receiver's entries wait for their
// group wait or quiet hours. Beyond that its oldest groups are folded into the waiting digest
// at once: their group wait is cut short and quiet hours no longer hold them (the receiver's
// pace and pauses still do, since the service would refuse them anyway).
// Nothing is dropped, and a digest's `entries` lists every entry it settles; only its `alerts`
// (what the renderer shows) is cut to Limits::digest_alerts (critical first, then the newest,
// shown oldest first) while digest_count says how many alerts it stands for. The outbox keeps
// entries durably, so the Notifier should stop claiming for a receiver whose waiting(receiver)
// is at the limit rather than count on this.
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
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
  std::vector<OutboxEntry> entries;  // every entry the message settles, even when alerts were cut
  std::uint32_t attempt = 0;         // 0 on the first try
  // The groups the batch emptied (one; several for a digest), so sent() can start each one's
  // group_interval. Filled by due(); pass the batch back to sent()/retry() as it came.
  struct Group {
    std::string key;
    std::size_t route = 0;
  };
  std::vector<Group> groups;
};

// A digest's group_key (it folds several groups); its group_labels are the labels every folded
// group shares.
inline constexpr std::string_view kDigestGroupKey = "digest";

// Retry backoff: the first delay's ceiling, doubling per consecutive failure up to the last.
inline constexpr std::chrono::milliseconds kRetryFirst{1'000};
inline constexpr std::chrono::milliseconds kRetryMax{600'000};
// Feishu's peaks: nothing within kPeakGuard of :00/:30; moved to kPeakGuard + [0, kPeakJitter).
inline constexpr std::chrono::milliseconds kPeakGuard{3'000};
inline constexpr std::chrono::milliseconds kPeakJitter{4'000};

class Dispatcher {
 public:
  struct Limits {
    std::size_t held_per_receiver = 10'000;  // entries in a receiver's groups before folding
    std::size_t digest_alerts = 100;         // alerts a batch shows (its entries are never cut)
  };

  // `config` must outlive the dispatcher. `seed` makes the jitter reproducible in tests.
  explicit Dispatcher(const NotifyConfig& config, std::uint64_t seed = 0);
  Dispatcher(const NotifyConfig& config, std::uint64_t seed, Limits limits);
  ~Dispatcher();
  Dispatcher(Dispatcher&&) noexcept;
  Dispatcher& operator=(Dispatcher&&) noexcept;

  // A claimed entry (its alert already decoded) and the route and group it came through.
  // The entry's group is hit.receiver's; hit.route indexes config.routes (an index the config
  // no longer has, e.g. an entry reclaimed after a config change, gets a route with no wait,
  // no quiet hours and the default interval). An entry id already held is ignored.
  void add(OutboxEntry entry, Alert alert, const RouteHit& hit, Timestamp now);
  // Everything due by `now` that its receiver's pace allows, grouped and folded into digests,
  // receivers in name order. Cheap (no scan) when now < next_due().
  std::vector<Batch> due(Timestamp now);
  // The earliest time due() could return something (a group's wait ends, a bucket refills, a
  // pause or quiet hours end, a retry's backoff ends, a Feishu peak passes); nullopt when
  // nothing waits. Never earlier than a time something can go (no busy loop after due(now)):
  // after due(now) it is later than `now`.
  [[nodiscard]] std::optional<Timestamp> next_due() const;

  // The service answered a batch: each of its groups' group_interval starts from `now`; the
  // receiver's backoff resets.
  void sent(const Batch& batch, Timestamp now);
  // The batch failed transiently: it is due again after the receiver's next backoff (exponential
  // from 1 s to 10 min, with jitter), or at `not_before` when the service said so. attempt + 1,
  // everything else (id, entries, alerts) unchanged.
  void retry(Batch batch, Timestamp now, std::optional<Timestamp> not_before = std::nullopt);
  // The service answered with its rate limit: nothing goes to `receiver` before `until`; what
  // waits meanwhile becomes one digest. A later `until` extends the pause, an earlier one does
  // not shorten it. Counted in Counters::pauses.
  void pause(const std::string& receiver, Timestamp until);
  // The end of the receiver's pause, while one was set (kept after it ended until the next).
  [[nodiscard]] std::optional<Timestamp> paused_until(const std::string& receiver) const;

  // Entries waiting (not yet handed out by due(), and retried ones), for keep() and the outbox
  // depth. Handed-out batches are the Notifier's until it calls sent() or retry().
  [[nodiscard]] std::vector<OutboxEntry> held() const;
  [[nodiscard]] std::size_t waiting() const;
  [[nodiscard]] std::size_t waiting(const std::string& receiver) const;

  struct Counters {
    std::uint64_t digests = 0;     // digest notifications made
    std::uint64_t digested = 0;    // alerts folded into them (digest_count, not the cut list)
    std::uint64_t pauses = 0;      // pause() calls
    std::uint64_t quiet_held = 0;  // entries held by quiet hours
  };
  [[nodiscard]] Counters counters(const std::string& receiver) const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// The documented pace of a service (per robot, chat or key), before `rate_per_minute`
// overrides it: DingTalk and WeCom 20/min (DingTalk then blocks the robot for 10 min), Feishu
// 100/min and 5/s, Telegram 20/min per group and 1/s per chat (both applied: a receiver does
// not know which its chat is), ServerChan 5/day (free tier; 5/min so the day's five can go
// together), webhooks and e-mail 60/min.
struct Pace {
  double per_minute = 60;
  std::optional<double> per_second;
  std::optional<double> per_day;
};
Pace documented_pace(ReceiverKind kind);
// documented_pace with the receiver's rate_per_minute (when positive) as per_minute.
Pace receiver_pace(const ReceiverConfig& receiver);

// Standard token bucket: `capacity` tokens (at least one, so a pace under one per period still
// sends), full at first use, refilled continuously at capacity per period. Times before the
// last one seen do not refill (a clock stepping back neither adds nor removes tokens).
class TokenBucket {
 public:
  // capacity tokens per period; capacity and period must be positive (programmer error).
  TokenBucket(double capacity, std::chrono::milliseconds period);
  bool take(Timestamp now);
  [[nodiscard]] double tokens(Timestamp now) const;         // what take() would find
  [[nodiscard]] Timestamp next_token(Timestamp now) const;  // when take() next succeeds (>= now)
  // From `at` on the bucket holds `tokens` (clamped to its capacity) and refills from there;
  // before `at` it gives none. What a pause does to a receiver's buckets.
  void restart(Timestamp at, double tokens);

 private:
  [[nodiscard]] double level(std::int64_t now_ms) const;

  double capacity_;
  double per_ms_;
  double tokens_;
  std::int64_t last_ms_ = 0;
  bool started_ = false;
  std::int64_t not_before_ms_ = 0;
};

// Quiet hours in exchange time (UTC+8): is the window open at `t`, and when does the window
// open at `t` close. start == end is an empty window; start > end wraps past midnight
// ("22:00-08:00"); the end minute itself is outside.
bool in_quiet_hours(const QuietHours& quiet, Timestamp t);
Timestamp quiet_hours_end(const QuietHours& quiet, Timestamp t);  // `t` when not in the window

// Feishu's peaks: `t` itself when it is kPeakGuard or more from every :00 and :30, else the
// mark + kPeakGuard + a jitter in [0, kPeakJitter) fixed by (seed, receiver, mark).
Timestamp clear_of_peak(Timestamp t, std::uint64_t seed, std::string_view receiver);

}  // namespace lodestone::notify
