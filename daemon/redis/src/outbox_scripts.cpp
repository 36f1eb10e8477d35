// redis::Outbox's Lua scripts. Each runs atomically, so the dedup, the stream and the ledger
// never disagree, whichever daemons write at once; each is safe to send again after its answer
// was lost. All keys share the prefix's hash tag (keys.hpp), as a script on a cluster requires.
#include "outbox_wire.hpp"

namespace lodestone::redis::outbox_wire {

// Adds each entry whose id was not seen before: marks it seen, appends it to the stream and files
// its pending record unless the ledger already has one for that receiver and notification.
// KEYS: stream, then per entry: its seen key, its alert's deliveries hash.
// ARGV: ttl (s), MAXLEN, then per entry (kEnqueueArgs): id, receiver, route, alert JSON,
//       enqueued_at (ms), alert key, notification, kind, ledger slot, pending record JSON.
// Reply: how many entries were new.
const std::string_view kEnqueueScript = R"lua(
local added = 0
for i = 1, (#KEYS - 1) / 2 do
  local a = 2 + (i - 1) * 10
  if redis.call('SET', KEYS[2 * i], '1', 'NX', 'EX', ARGV[1]) then
    redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[2], '*', 'id', ARGV[a + 1], 'receiver', ARGV[a + 2],
               'route', ARGV[a + 3], 'alert', ARGV[a + 4], 'enqueued_at', ARGV[a + 5], 'key', ARGV[a + 6],
               'notification', ARGV[a + 7], 'kind', ARGV[a + 8])
    redis.call('HSETNX', KEYS[2 * i + 1], ARGV[a + 9], ARGV[a + 10])
    redis.call('EXPIRE', KEYS[2 * i + 1], ARGV[1])
    added = added + 1
  end
end
return added
)lua";

// Resets the idle time of the entries this consumer still holds; names those it no longer does
// (another consumer took them over, or they were settled). XCLAIM alone would take an entry back
// from whoever holds it now, so each is checked first.
// KEYS: stream. ARGV: group, consumer, then the entries' stream ids.
// Reply: the ids not held by this consumer.
const std::string_view kKeepScript = R"lua(
local lost = {}
for i = 3, #ARGV do
  local p = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[i], ARGV[i], 1)
  if #p == 1 and p[1][2] == ARGV[2] then
    redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], '0', ARGV[i], 'JUSTID')
  else
    lost[#lost + 1] = ARGV[i]
  end
end
return lost
)lua";

// Files a delivery record unless its slot holds a later state (the ledger never goes back:
// pending < failed, silenced, skipped < sent, as notify::supersedes), and when the record is
// final acknowledges and deletes the entry, whether or not the record was filed.
// KEYS: stream, the alert's deliveries hash.
// ARGV: group, stream id ('' for none), ledger slot, record JSON, record state, ttl (s).
// Reply: 1 when the record was filed, else 0.
const std::string_view kSettleScript = R"lua(
local function rank(state)
  if state == 'pending' then return 0 end
  if state == 'sent' then return 2 end
  return 1
end
local file = true
local current = redis.call('HGET', KEYS[2], ARGV[3])
if current then
  local ok, record = pcall(cjson.decode, current)
  if ok and type(record) == 'table' and type(record.state) == 'string' then
    file = rank(ARGV[5]) >= rank(record.state)
  end
end
if file then
  redis.call('HSET', KEYS[2], ARGV[3], ARGV[4])
  redis.call('EXPIRE', KEYS[2], ARGV[6])
end
if ARGV[5] ~= 'pending' and ARGV[2] ~= '' then
  redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
  redis.call('XDEL', KEYS[1], ARGV[2])
end
if file then return 1 end
return 0
)lua";

// The outbox's depth (settled entries are deleted, so the stream's length is what waits) and its
// oldest entry, read together. KEYS: stream. Reply: {length, XRANGE - + COUNT 1}.
const std::string_view kStatsScript = R"lua(
return {redis.call('XLEN', KEYS[1]), redis.call('XRANGE', KEYS[1], '-', '+', 'COUNT', 1)}
)lua";

}  // namespace lodestone::redis::outbox_wire
