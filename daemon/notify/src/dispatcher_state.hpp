#pragma once
// The dispatcher's inside: per receiver, its groups (entries collecting for one message), its
// retried batches, its buckets and pause, its backoff. See dispatcher.hpp for the rules.
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "lodestone/notify/dispatcher.hpp"

namespace lodestone::notify::detail {

// One claimed entry and its decoded alert, in arrival order.
struct Held {
  OutboxEntry entry;
  Alert alert;
  std::uint64_t order = 0;
};

struct Group {
  std::string key;
  std::size_t route = 0;
  std::map<std::string, std::string> labels;
  std::vector<Held> items;
  Timestamp first_add;                 // of the items held now
  Timestamp due_at;                    // while items are held
  std::optional<Timestamp> last_sent;  // handed out, then confirmed by sent()
  bool waiting = false;                // was due and held back: goes out folded with the rest
  bool forced = false;                 // folded by the memory cap: quiet hours no longer hold it
  std::size_t criticals = 0;           // critical alerts among the items (quiet hours let them pass)
  std::size_t quiet_counted = 0;       // items already counted in quiet_held
  std::uint64_t serial = 0;            // when its items started collecting: the cap folds the oldest
};

struct RetryBatch {
  Batch batch;
  Timestamp at;
};

struct Receiver {
  std::string name;
  ReceiverKind kind = ReceiverKind::Webhook;
  std::vector<TokenBucket> buckets;
  std::map<std::string, Group, std::less<>> groups;
  std::map<std::uint64_t, std::string> unforced_by_age;  // serial -> key, groups the cap may fold
  std::size_t unforced = 0;                              // entries in those groups
  std::vector<RetryBatch> retries;
  std::set<std::string, std::less<>> ids;  // every entry held (groups and retries)
  std::optional<Timestamp> paused_until;
  std::uint32_t failures = 0;  // consecutive, for the backoff
  std::uint64_t draws = 0;     // backoff jitter drawn so far
  Dispatcher::Counters counters;
  std::optional<Timestamp> next;  // earliest hand-out time; never later than the truth
};

// Every item of `groups` as one batch for `receiver`: the group's own Alerts batch when there
// is one group and no more than `alert_cap` alerts, else a Digest (see dispatcher.hpp). Items
// oldest first; the groups are not emptied here.
Batch fold(const std::string& receiver, const std::vector<const Group*>& groups, const std::string& public_url,
           std::size_t alert_cap);

// The id of a message settling `entries`: the entry's own id for one (the webhook-id stays the
// idempotency key), else entry_id of the sorted ids joined with ','. Independent of order.
std::string batch_id(const std::vector<OutboxEntry>& entries, const std::string& receiver);

}  // namespace lodestone::notify::detail
