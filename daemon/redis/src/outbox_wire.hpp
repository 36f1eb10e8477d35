#pragma once
// What redis::Outbox sends and reads: its Lua scripts (outbox_scripts.cpp), and the stream
// replies of a consumer group turned into outbox entries (outbox_wire.cpp). Internal to
// daemon/redis.
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "lodestone/core/result.hpp"
#include "lodestone/notify/outbox.hpp"
#include "lodestone/redis/reply.hpp"

namespace lodestone::redis::outbox_wire {

// Each script's contract (KEYS, ARGV, reply) is written beside it in outbox_scripts.cpp.
extern const std::string_view kEnqueueScript;
extern const std::string_view kKeepScript;
extern const std::string_view kSettleScript;
extern const std::string_view kStatsScript;

inline constexpr std::string_view kGroup = "notify";
// Arguments per entry of the enqueue script, after its two leading ones.
inline constexpr std::size_t kEnqueueArgs = 10;

// The enqueue script's arguments for one entry: the stream fields, the ledger slot and the
// pending record, in the script's order.
std::vector<std::string> enqueue_args(const notify::OutboxEntry& entry);

// One stream entry as a group read hands it over. `deleted`: still pending, but the entry itself
// was deleted or trimmed (its fields come back nil).
struct Item {
  std::string id;
  bool deleted = false;
  std::map<std::string, std::string, std::less<>> fields;
};

// A list of stream entries, [[id, [field, value, ...] | nil], ...] (nil: none).
Result<std::vector<Item>> parse_items(const Reply& entries);
// XREADGROUP's reply: the items of `stream` (none when Redis answered nil: nothing new).
Result<std::vector<Item>> parse_group_read(const Reply& reply, std::string_view stream);

// XAUTOCLAIM's reply: where the next scan starts, the items taken over, and the ids that were
// pending but deleted (Redis 7 removes them from the pending list itself).
struct Takeover {
  std::string cursor;
  std::vector<Item> items;
  std::vector<std::string> deleted;
};
Result<Takeover> parse_autoclaim(const Reply& reply);

// The entry an item holds (stream_id set); bad_field when a field is missing or unreadable.
Result<notify::OutboxEntry> to_entry(const Item& item);

}  // namespace lodestone::redis::outbox_wire
