#include "lodestone/redis/metrics.hpp"

namespace lodestone::redis {
namespace {

namespace pm = prometheus;

void set_total(pm::Family<pm::Counter>& family, const pm::Labels& labels, std::uint64_t total) {
  auto& c = family.Add(labels);
  const double delta = static_cast<double>(total) - c.Value();
  if (delta > 0) c.Increment(delta);
}

}  // namespace

Metrics::Metrics(prometheus::Registry& r)
    : up_(pm::BuildGauge().Name("lodestone_redis_up").Help("1 while the Redis connection is ready").Register(r)),
      commands_(pm::BuildCounter()
                    .Name("lodestone_redis_commands_total")
                    .Help("Redis replies received, error replies included")
                    .Register(r)),
      errors_(pm::BuildCounter()
                  .Name("lodestone_redis_errors_total")
                  .Help("Redis error replies and commands lost with their connection")
                  .Register(r)),
      timeouts_(pm::BuildCounter()
                    .Name("lodestone_redis_timeouts_total")
                    .Help("Redis connections dropped because a reply was late")
                    .Register(r)),
      connects_(
          pm::BuildCounter().Name("lodestone_redis_connects_total").Help("Redis handshakes completed").Register(r)),
      aof_(pm::BuildGauge()
               .Name("lodestone_redis_aof_enabled")
               .Help("1 when Redis persists with an append-only file, 0 when it does not (alerts at risk)")
               .Register(r)),
      persistence_(pm::BuildGauge()
                       .Name("lodestone_redis_persistence_ok")
                       .Help("1 when Redis has append-only persistence and an eviction policy that keeps the alert "
                             "stream; 0 when a Redis stop or memory pressure can lose alerts (see the daemon's log)")
                       .Register(r)),
      buffered_(pm::BuildGauge()
                    .Name("lodestone_redis_buffered")
                    .Help("Writes waiting for Redis, by kind (alerts, events)")
                    .Register(r)),
      buffer_limit_(pm::BuildGauge()
                        .Name("lodestone_redis_buffer_limit")
                        .Help("Most writes that wait for Redis before new ones are dropped, by kind")
                        .Register(r)),
      dropped_(pm::BuildCounter()
                   .Name("lodestone_redis_dropped_total")
                   .Help("Writes given up because the buffer was full, by kind")
                   .Register(r)),
      alerts_(pm::BuildCounter()
                  .Name("lodestone_redis_alerts_total")
                  .Help("Alert notifications by outcome: written, duplicate, provisional, delivered")
                  .Register(r)),
      remote_(pm::BuildCounter()
                  .Name("lodestone_redis_remote_events_total")
                  .Help("Quotes and headlines received from other instances")
                  .Register(r)),
      unreplicated_(pm::BuildCounter()
                        .Name("lodestone_redis_unreplicated_total")
                        .Help("Alert appends whose WAIT found fewer replicas than redis.wait_replicas (appended again)")
                        .Register(r)),
      registry_(r) {}

void Metrics::update(const SentinelStats& s) {
  std::lock_guard lock(mutex_);
  if (!failovers_) {
    failovers_ = &pm::BuildCounter()
                      .Name("lodestone_redis_failovers_total")
                      .Help("Times the Redis master moved (Sentinel) while this daemon ran")
                      .Register(registry_);
    master_ = &pm::BuildGauge()
                   .Name("lodestone_redis_master")
                   .Help("1, labelled with the address of the Redis master the Sentinels name now")
                   .Register(registry_);
    sentinel_up_ = &pm::BuildGauge()
                        .Name("lodestone_redis_sentinel_up")
                        .Help("1 while this daemon reaches the Sentinel, 0 when it does not")
                        .Register(registry_);
  }
  set_total(*failovers_, {}, s.failovers);
  if (s.master != master_shown_) {
    if (!master_shown_.empty()) master_->Remove(&master_->Add({{"address", master_shown_}}));
    if (!s.master.empty()) master_->Add({{"address", s.master}}).Set(1);
    master_shown_ = s.master;
  }
  for (const auto& one : s.sentinels)
    if (one.up) sentinel_up_->Add({{"sentinel", one.address}}).Set(*one.up ? 1 : 0);
}

void Metrics::connection(const std::string& name, const ClientStats& s) {
  const pm::Labels l{{"connection", name}};
  up_.Add(l).Set(s.state == ClientState::Connected ? 1 : 0);
  set_total(commands_, l, s.ops);
  set_total(errors_, l, s.errors);
  set_total(timeouts_, l, s.timeouts);
  set_total(connects_, l, s.connects);
}

void Metrics::update(const AlertStoreStats& alerts, const StateStats& state) {
  std::lock_guard lock(mutex_);
  connection("alerts-writer", alerts.writer);
  connection("alerts-reader", alerts.reader);
  connection("state-writer", state.writer);
  connection("state-reader", state.reader);
  if (alerts.writer.aof_enabled) aof_.Add({}).Set(*alerts.writer.aof_enabled ? 1 : 0);
  if (alerts.writer.persistence_ok) persistence_.Add({}).Set(*alerts.writer.persistence_ok ? 1 : 0);
  buffer_limit_.Add({{"kind", "alerts"}}).Set(static_cast<double>(alerts.max_buffered));
  buffer_limit_.Add({{"kind", "events"}}).Set(static_cast<double>(state.max_buffered));
  buffered_.Add({{"kind", "alerts"}}).Set(static_cast<double>(alerts.buffered));
  buffered_.Add({{"kind", "events"}}).Set(static_cast<double>(state.buffered));
  set_total(dropped_, {{"kind", "alerts"}}, alerts.dropped);
  set_total(dropped_, {{"kind", "events"}}, state.dropped_events);
  set_total(alerts_, {{"outcome", "written"}}, alerts.written);
  set_total(alerts_, {{"outcome", "duplicate"}}, alerts.duplicates);
  set_total(alerts_, {{"outcome", "provisional"}}, alerts.provisional);
  set_total(alerts_, {{"outcome", "delivered"}}, alerts.delivered);
  set_total(remote_, {{"type", "quote"}}, state.remote_quotes);
  set_total(remote_, {{"type", "headline"}}, state.remote_headlines);
  set_total(unreplicated_, {}, alerts.unreplicated);
}

}  // namespace lodestone::redis
