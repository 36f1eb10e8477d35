#include "lodestone/redis/sentinel.hpp"

#include <spdlog/spdlog.h>

#include "lodestone/redis/sentinel_reply.hpp"

namespace lodestone::redis {
namespace {

constexpr std::string_view kSwitchMaster = "+switch-master";

}  // namespace

std::shared_ptr<Sentinel> Sentinel::create(net::any_io_executor executor, SentinelOptions options, const Clock& clock) {
  return std::shared_ptr<Sentinel>(new Sentinel(std::move(executor), std::move(options), clock));
}

Sentinel::Sentinel(net::any_io_executor executor, SentinelOptions options, const Clock& clock)
    : options_(std::move(options)), executor_(std::move(executor)), clock_(clock) {
  for (std::size_t i = 0; i < options_.endpoint.sentinels.size(); ++i)
    queries_.push_back(Client::create(executor_, client_options(i), clock_));
}

ClientOptions Sentinel::client_options(std::size_t i) const {
  ClientOptions o;
  o.endpoint.host = options_.endpoint.sentinels[i].host;
  o.endpoint.port = options_.endpoint.sentinels[i].port;
  o.endpoint.password = options_.endpoint.sentinel_password;
  o.name = options_.name + "-sentinel-" + std::to_string(i);
  o.command_timeout = options_.command_timeout;
  o.backoff_initial = options_.backoff_initial;
  o.backoff_max = options_.backoff_max;
  o.on_fatal = options_.on_fatal;
  return o;
}

Sentinel::~Sentinel() {
  for (auto& c : events_) c->stop();
  for (auto& c : queries_) c->stop();
}

void Sentinel::start() {
  // Made here, not in the constructor: their handler holds this object weakly.
  for (std::size_t i = 0; i < queries_.size(); ++i) {
    auto o = client_options(i);
    o.name += "-events";
    o.subscribe = {std::string(kSwitchMaster)};
    o.on_message = [w = weak_from_this(), i](const Reply& reply) {
      if (auto self = w.lock()) self->message(i, reply);
    };
    events_.push_back(Client::create(executor_, o, clock_));
  }
  // A daemon starting asks before any Sentinel connection is made: such a question waits for
  // the first of them to connect or fail instead of failing at once on "not connected".
  for (auto& c : queries_) {
    c->on_connected([w = weak_from_this()] {
      if (auto self = w.lock()) self->kick();
    });
    c->on_connect_failed([w = weak_from_this()](const std::string&) {
      if (auto self = w.lock()) self->kick();
    });
  }
  for (auto& c : queries_) c->start();
  for (auto& c : events_) c->start();
}

bool Sentinel::settled() const {
  for (const auto& c : queries_) {
    const auto s = c->stats();
    if (s.connects > 0 || !s.last_error.empty()) return true;
  }
  return false;
}

void Sentinel::kick() {
  {
    std::lock_guard lock(mutex_);
    if (waiting_.empty() || asking_ || stopped_) return;
    asking_ = true;
  }
  ask(0, {});
}

void Sentinel::stop() {
  std::vector<Found> waiting;
  {
    std::lock_guard lock(mutex_);
    stopped_ = true;
    waiting.swap(waiting_);
  }
  for (auto& c : events_) c->stop();
  for (auto& c : queries_) c->stop();
  for (auto& found : waiting) found(make_error(ErrorCode::unavailable, "redis sentinel: stopped"));
}

Endpoint Sentinel::endpoint_of(const HostPort& master) const {
  Endpoint e = options_.endpoint;
  e.host = master.host;
  e.port = master.port;
  return e;
}

void Sentinel::locate(bool stale, Found found) {
  {
    std::lock_guard lock(mutex_);
    if (stopped_ || (!stale && master_)) {
      Result<Endpoint> now = stopped_ ? Result<Endpoint>(make_error(ErrorCode::unavailable, "redis sentinel: stopped"))
                                      : Result<Endpoint>(endpoint_of(*master_));
      // Never inside the caller's call: post it.
      net::post(executor_, [found = std::move(found), r = std::move(now)]() mutable { found(std::move(r)); });
      return;
    }
    waiting_.push_back(std::move(found));
    if (asking_) return;     // the answer in progress serves this one too
    if (!settled()) return;  // kick() asks once a Sentinel connection is made or failed
    asking_ = true;
  }
  ask(0, {});
}

void Sentinel::watch(std::weak_ptr<Client> client) {
  std::lock_guard lock(mutex_);
  std::erase_if(watchers_, [](const std::weak_ptr<Client>& w) { return w.expired(); });
  watchers_.push_back(std::move(client));
}

void Sentinel::ask(std::size_t i, std::string errors) {
  if (i == queries_.size()) {
    answered(make_error(ErrorCode::unavailable, "redis sentinel: no Sentinel named master '" +
                                                    options_.endpoint.master + "' (" + errors + ")"));
    return;
  }
  // A Sentinel not connected answers at once (unavailable): the next one is asked.
  queries_[i]->command({"SENTINEL", "get-master-addr-by-name", options_.endpoint.master},
                       [w = weak_from_this(), i, errors = std::move(errors)](Result<Reply> r) mutable {
                         auto self = w.lock();
                         if (!self) return;
                         const auto sentinel = to_string(self->options_.endpoint.sentinels[i]);
                         auto master =
                             r ? parse_master_address(*r, self->options_.endpoint.master) : Result<HostPort>(r.error());
                         if (master) {
                           self->learn(*master, "Sentinel " + sentinel);
                           self->answered(*master);
                           return;
                         }
                         errors += (errors.empty() ? "" : "; ") + sentinel + ": " + master.error().message;
                         self->ask(i + 1, std::move(errors));
                       });
}

void Sentinel::answered(const Result<HostPort>& master) {
  std::vector<Found> waiting;
  {
    std::lock_guard lock(mutex_);
    asking_ = false;
    waiting.swap(waiting_);
  }
  for (auto& found : waiting) found(master ? Result<Endpoint>(endpoint_of(*master)) : Result<Endpoint>(master.error()));
}

void Sentinel::learn(const HostPort& master, const std::string& how) {
  std::vector<std::shared_ptr<Client>> tell;
  {
    std::lock_guard lock(mutex_);
    if (master_ == master) return;
    if (!master_) {
      spdlog::info("redis master '{}' is at {} ({})", options_.endpoint.master, to_string(master), how);
    } else {
      ++failovers_;
      spdlog::warn("redis master '{}' moved from {} to {} ({}): every connection follows it", options_.endpoint.master,
                   to_string(*master_), to_string(master), how);
      for (const auto& w : watchers_)
        if (auto c = w.lock()) tell.push_back(std::move(c));
    }
    master_ = master;
  }
  for (auto& c : tell) c->master_moved(master);
}

void Sentinel::message(std::size_t i, const Reply& reply) {
  const auto payload = message_payload(reply, kSwitchMaster);
  if (!payload) return;
  const auto sw = parse_switch_master(*payload);
  if (!sw) {
    spdlog::warn("redis sentinel {}: unreadable +switch-master message '{}'", to_string(options_.endpoint.sentinels[i]),
                 *payload);
    return;
  }
  if (sw->master != options_.endpoint.master) return;  // another master this Sentinel watches
  {
    std::lock_guard lock(mutex_);
    ++switch_messages_;
  }
  learn(sw->to, "+switch-master from Sentinel " + to_string(options_.endpoint.sentinels[i]));
}

SentinelStats Sentinel::stats() const {
  SentinelStats s;
  for (std::size_t i = 0; i < queries_.size(); ++i) {
    const auto c = queries_[i]->stats();
    SentinelStats::One one;
    one.address = to_string(options_.endpoint.sentinels[i]);
    // Unknown until the first attempt ended: a daemon starting is not a Sentinel down.
    if (c.state == ClientState::Connected) {
      one.up = true;
    } else if (c.connects > 0 || !c.last_error.empty()) {
      one.up = false;
    }
    one.last_error = c.last_error;
    s.sentinels.push_back(std::move(one));
  }
  std::lock_guard lock(mutex_);
  if (master_) s.master = to_string(*master_);
  s.failovers = failovers_;
  s.switch_messages = switch_messages_;
  return s;
}

std::string Sentinel::degraded_reason() const {
  const auto s = stats();
  std::size_t down = 0;
  std::string which;
  for (const auto& one : s.sentinels) {
    if (one.up.value_or(true)) continue;
    ++down;
    which += (which.empty() ? "" : "; ") + one.address + ": " + one.last_error;
  }
  const std::size_t n = s.sentinels.size();
  if ((n - down) * 2 > n) return {};
  return "redis sentinel: " + std::to_string(n - down) + " of " + std::to_string(n) + " Sentinels reachable (" + which +
         "): a failover needs a majority of them, so nobody would promote a " +
         "replica if the master failed now; writing to the master at " + (s.master.empty() ? "(unknown)" : s.master) +
         " meanwhile";
}

}  // namespace lodestone::redis
