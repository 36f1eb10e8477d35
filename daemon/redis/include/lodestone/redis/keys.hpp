#pragma once
// Lodestone's keys in Redis. Every key starts with one prefix whose braces are a Redis Cluster
// hash tag ("{lodestone}"), so all of a deployment's keys share one slot: the Lua scripts that
// touch several keys at once stay legal on a cluster, and one shard serves one deployment.
#include <string>

namespace lodestone::redis {

struct Keys {
  explicit Keys(const std::string& prefix)
      : alerts(prefix + ":alerts"),
        alert_seq(prefix + ":alerts:seq"),
        dedup(prefix + ":alerts:seen:"),
        events(prefix + ":events"),
        quotes(prefix + ":quotes"),
        outbox(prefix + ":outbox"),
        outbox_seen(prefix + ":outbox:seen:"),
        deliveries(prefix + ":deliveries:") {}

  std::string alerts;     // stream: every alert notification, fields seq, key, origin, alert (JSON)
  std::string alert_seq;  // counter: the last seq handed out, shared by every instance
  std::string dedup;      // + "<alert id>|<state>": present while that notification is stored
  std::string events;     // stream: the quotes and headlines each instance evaluated (its journal)
  std::string quotes;     // hash: symbol -> latest quote (JSON), for the board after a restart
  // Notifications (redis/outbox.hpp). outbox: stream of entries waiting for delivery (consumer
  // group "notify"), deleted once settled. outbox_seen + "<entry id>": present while that entry
  // counts as enqueued (the dedup). deliveries + "<alert key>": hash "<receiver>|<notification>"
  // -> delivery record (JSON), the ledger.
  std::string outbox;
  std::string outbox_seen;
  std::string deliveries;
};

}  // namespace lodestone::redis
