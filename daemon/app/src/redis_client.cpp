#include "lodestone/app/redis_client.hpp"

#include <hiredis/async.h>
#include <hiredis/hiredis.h>
#include <signal.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdint>

namespace lodestone::app {

std::string_view to_string(RedisState state) {
  switch (state) {
    case RedisState::Idle:
      return "idle";
    case RedisState::Connecting:
      return "connecting";
    case RedisState::Connected:
      return "connected";
    case RedisState::Backoff:
      return "backoff";
    case RedisState::Stopped:
      return "stopped";
  }
  return "unknown";
}

std::string command_name(const std::vector<std::string>& args) {
  std::string name = args.empty() ? std::string("(empty)") : args.front();
  // Subcommands say more than the verb alone ("CLIENT SETNAME", "INFO").
  if (args.size() > 1 && (name == "CLIENT" || name == "CONFIG" || name == "XINFO")) name += " " + args[1];
  return name;
}

namespace {

RedisReply convert(const redisReply& r) {
  RedisReply out;
  switch (r.type) {
    case REDIS_REPLY_INTEGER:
      out.type = RedisReply::Type::Integer;
      out.integer = r.integer;
      break;
    case REDIS_REPLY_STRING:
    case REDIS_REPLY_STATUS:
      out.type = r.type == REDIS_REPLY_STRING ? RedisReply::Type::String : RedisReply::Type::Status;
      out.str.assign(r.str, r.len);
      break;
    case REDIS_REPLY_ARRAY:
      out.type = RedisReply::Type::Array;
      out.elements.reserve(r.elements);
      for (std::size_t i = 0; i < r.elements; ++i) out.elements.push_back(convert(*r.element[i]));
      break;
    default:
      out.type = RedisReply::Type::Nil;
      break;
  }
  return out;
}

void ignore_sigpipe() {
  // hiredis writes with write(2), not send(MSG_NOSIGNAL): a server that went away between two
  // commands would kill the whole daemon with SIGPIPE instead of giving hiredis an EPIPE.
  static std::once_flag once;
  std::call_once(once, [] {
    struct sigaction sa {};
    sa.sa_handler = SIG_IGN;
    ::sigemptyset(&sa.sa_mask);
    ::sigaction(SIGPIPE, &sa, nullptr);
  });
}

}  // namespace

struct RedisClient::Connection : std::enable_shared_from_this<Connection> {
  Connection(RedisClient* c, net::strand<net::any_io_executor>& s) : client(c), fd(s) {}
  RedisClient* client;
  redisAsyncContext* ac = nullptr;   // null once hiredis freed it
  net::posix::stream_descriptor fd;  // hiredis owns the fd: released, never closed, by Asio
  bool want_read = false;
  bool want_write = false;
  bool read_armed = false;
  bool write_armed = false;
  bool ready = false;  // handshake done
};

struct RedisClient::Pending {
  std::string name;
  Callback callback;
  Clock::time_point deadline;
};

std::shared_ptr<RedisClient> RedisClient::create(net::any_io_executor executor, RedisClientOptions options) {
  ignore_sigpipe();
  return std::shared_ptr<RedisClient>(new RedisClient(std::move(executor), std::move(options)));
}

RedisClient::RedisClient(net::any_io_executor executor, RedisClientOptions options)
    : options_(std::move(options)),
      strand_(net::make_strand(executor)),
      resolver_(strand_),
      reconnect_timer_(strand_),
      watchdog_(strand_),
      backoff_(options_.backoff_initial),
      rng_(std::random_device{}()) {}

RedisClient::~RedisClient() {
  destroying_ = true;
  if (conn_ && conn_->ac) redisAsyncFree(conn_->ac);
}

void RedisClient::start() {
  net::post(strand_, [w = weak_from_this()] {
    if (auto self = w.lock(); self && !self->stopped_ && !self->conn_) self->connect();
  });
}

void RedisClient::stop() {
  net::post(strand_, [w = weak_from_this()] {
    auto self = w.lock();
    if (!self) return;
    self->stopped_ = true;
    self->reconnect_timer_.cancel();
    self->watchdog_.cancel();
    self->resolver_.cancel();
    if (self->conn_ && self->conn_->ac) {
      self->drop("client stopped");
    } else {
      self->set_state(RedisState::Stopped);
    }
  });
}

void RedisClient::set_state(RedisState state) {
  std::lock_guard lock(stats_mutex_);
  stats_.state = state;
}

RedisClientStats RedisClient::stats() const {
  std::lock_guard lock(stats_mutex_);
  return stats_;
}

bool RedisClient::connected() const { return stats().state == RedisState::Connected; }

void RedisClient::fail(const std::string& message) {
  std::lock_guard lock(stats_mutex_);
  stats_.last_error = message;
}

void RedisClient::connect() {
  set_state(RedisState::Connecting);
  drop_reason_.clear();
  // Asio resolves on its own thread: a slow DNS server never stalls an I/O thread.
  resolver_.async_resolve(
      options_.endpoint.host, std::to_string(options_.endpoint.port),
      [w = weak_from_this()](const boost::system::error_code& ec, const net::ip::tcp::resolver::results_type& results) {
        auto self = w.lock();
        if (!self || self->stopped_) return;
        if (ec || results.empty()) {
          self->ended("cannot resolve " + self->options_.endpoint.host + ": " + ec.message());
          return;
        }
        self->open(results.begin()->endpoint().address().to_string());
      });
}

void RedisClient::open(const std::string& address) {
  redisAsyncContext* ac = redisAsyncConnect(address.c_str(), options_.endpoint.port);
  if (ac == nullptr) {
    ended("cannot allocate a hiredis context");
    return;
  }
  if (ac->err) {
    const std::string why = ac->errstr;
    redisAsyncFree(ac);
    ended(why);
    return;
  }
  auto c = std::make_shared<Connection>(this, strand_);
  boost::system::error_code ec;
  c->fd.assign(ac->c.fd, ec);
  if (ec) {
    redisAsyncFree(ac);
    ended("cannot watch the socket: " + ec.message());
    return;
  }
  redisEnableKeepAlive(&ac->c);  // a peer that vanished without a FIN is noticed eventually
  c->ac = ac;
  ac->data = c.get();
  ac->ev.data = c.get();
  ac->ev.addRead = &RedisClient::ev_add_read;
  ac->ev.delRead = &RedisClient::ev_del_read;
  ac->ev.addWrite = &RedisClient::ev_add_write;
  ac->ev.delWrite = &RedisClient::ev_del_write;
  ac->ev.cleanup = &RedisClient::ev_cleanup;
  conn_ = c;
  handshake();
  watch();
}

bool is_auth_error(std::string_view message) {
  for (std::string_view needle : {"NOAUTH", "WRONGPASS", "invalid password", "invalid username-password"})
    if (message.find(needle) != std::string_view::npos) return true;
  return false;
}

void RedisClient::handshake() {
  // Required steps fail the connection; the persistence probes only inform (a managed Redis
  // may rename CONFIG away), so their errors are tolerated.
  enum class Step : std::uint8_t { Required, ConfigGet, Info };
  std::vector<std::pair<Step, std::vector<std::string>>> steps;
  const auto& e = options_.endpoint;
  if (!e.password.empty()) {
    if (e.user.empty()) {
      steps.push_back({Step::Required, {"AUTH", e.password}});
    } else {
      steps.push_back({Step::Required, {"AUTH", e.user, e.password}});
    }
  }
  if (e.db != 0) steps.push_back({Step::Required, {"SELECT", std::to_string(e.db)}});
  steps.push_back({Step::Required, {"CLIENT", "SETNAME", options_.name}});
  if (options_.check_persistence) {
    for (const char* name : {"appendonly", "appendfsync", "maxmemory-policy"})
      steps.push_back({Step::ConfigGet, {"CONFIG", "GET", name}});
    steps.push_back({Step::Info, {"INFO"}});
  }
  probe_ = Probe{};
  const std::size_t last = steps.size() - 1;
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const Step step = steps[i].first;
    send(std::move(steps[i].second),
         [w = weak_from_this(), c = conn_, step, done = i == last](Result<RedisReply> r) {
           auto self = w.lock();
           if (!self || self->conn_ != c || !c->ac) return;  // an older connection's answer
           if (!r && step == Step::Required) {
             if (is_auth_error(r.error().message)) {
               self->fatal(r.error().message);
             } else {
               self->drop("handshake: " + r.error().message);
             }
             return;
           }
           if (!r) {
             spdlog::debug("redis[{}]: {} (persistence is judged from INFO)", self->options_.name, r.error().message);
           } else if (step == Step::ConfigGet) {
             self->read_config(*r);
           } else if (step == Step::Info) {
             self->read_info(*r);
           }
           if (!done) return;
           if (self->options_.check_persistence) self->judge_persistence();
           c->ready = true;
           self->backoff_ = self->options_.backoff_initial;
           {
             std::lock_guard lock(self->stats_mutex_);
             ++self->stats_.connects;
             self->stats_.state = RedisState::Connected;
             if (self->stats_.connects > 1 || !self->stats_.last_error.empty())
               spdlog::info("redis[{}] {}: connected", self->options_.name, describe(self->options_.endpoint));
           }
           if (self->on_connected_) self->on_connected_();
         },
         {});
  }
}

void RedisClient::fatal(const std::string& why) {
  stopped_ = true;
  reconnect_timer_.cancel();
  {
    std::lock_guard lock(stats_mutex_);
    stats_.fatal = true;
    stats_.last_error = why;
  }
  spdlog::critical(
      "redis[{}] {}: {}. The credentials in the Redis URL are wrong or missing: this is a configuration error, "
      "not an outage, so the daemon does not retry (set redis://[user:]password@host:port/db)",
      options_.name, describe(options_.endpoint), why);
  drop(why);
  if (options_.on_fatal) options_.on_fatal(why);
}

void RedisClient::read_config(const RedisReply& reply) {
  // CONFIG GET name -> [name, value]
  if (reply.type != RedisReply::Type::Array || reply.elements.size() != 2) return;
  const auto& name = reply.elements[0].str;
  const auto& value = reply.elements[1].str;
  if (name == "appendonly") probe_.aof = value == "yes";
  if (name == "appendfsync") probe_.fsync = value;
  if (name == "maxmemory-policy") probe_.policy = value;
}

void RedisClient::read_info(const RedisReply& reply) {
  std::string_view text = reply.str;
  while (!text.empty()) {
    const auto nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    if (line.ends_with('\r')) line.remove_suffix(1);
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    const auto key = line.substr(0, colon);
    const auto value = line.substr(colon + 1);
    // CONFIG GET, when allowed, said it first.
    if (key == "aof_enabled" && !probe_.aof) probe_.aof = value == "1";
    if (key == "maxmemory_policy" && probe_.policy.empty()) probe_.policy = std::string(value);
    if (key == "redis_version") probe_.version = std::string(value);
  }
}

void RedisClient::judge_persistence() {
  const auto& p = probe_;
  const auto where = describe(options_.endpoint);
  const bool evicts = !p.policy.empty() && p.policy != "noeviction" && !p.policy.starts_with("volatile-");
  if (p.aof && !*p.aof) {
    spdlog::warn(
        "redis {}: APPEND-ONLY PERSISTENCE IS OFF (appendonly no). Alerts written since the last RDB snapshot are lost "
        "if Redis stops; set 'appendonly yes' and 'appendfsync always' or 'everysec' (see README, Redis). "
        "lodestone_redis_persistence_ok is 0",
        where);
  } else if (p.fsync == "no") {
    spdlog::warn(
        "redis {}: appendfsync no: a power cut loses what the OS had not flushed (about 30 s of alerts); use always "
        "or everysec",
        where);
  }
  if (evicts) {
    spdlog::warn(
        "redis {}: MAXMEMORY-POLICY {} MAY EVICT THE ALERT STREAM when memory runs out; use noeviction. "
        "lodestone_redis_persistence_ok is 0",
        where, p.policy);
  }
  std::lock_guard lock(stats_mutex_);
  stats_.aof_enabled = p.aof;
  stats_.appendfsync = p.fsync;
  stats_.eviction_policy = p.policy;
  stats_.server_version = p.version;
  if (p.aof) stats_.persistence_ok = *p.aof && !evicts;
}

void RedisClient::command(std::vector<std::string> args, Callback callback, std::chrono::milliseconds extra_timeout) {
  net::post(strand_, [w = weak_from_this(), args = std::move(args), cb = std::move(callback), extra_timeout]() mutable {
    auto self = w.lock();
    if (!self) return;
    if (!self->conn_ || !self->conn_->ready || !self->conn_->ac) {
      cb(make_error("redis " + describe(self->options_.endpoint) + ": " + command_name(args) + ": not connected"));
      return;
    }
    self->send(std::move(args), std::move(cb), extra_timeout);
  });
}

void RedisClient::send(std::vector<std::string> args, Callback callback, std::chrono::milliseconds extra_timeout) {
  const std::string name = command_name(args);
  if (!conn_ || !conn_->ac) {
    net::post(strand_, [cb = std::move(callback), m = "redis " + describe(options_.endpoint) + ": " + name +
                                                      ": not connected"]() { cb(make_error(m)); });
    return;
  }
  std::vector<const char*> argv;
  std::vector<std::size_t> lengths;
  argv.reserve(args.size());
  lengths.reserve(args.size());
  for (const auto& a : args) {
    argv.push_back(a.data());
    lengths.push_back(a.size());
  }
  const std::uint64_t id = next_id_++;
  auto pending = std::make_unique<Pending>();
  pending->name = name;
  pending->callback = std::move(callback);
  pending->deadline = Clock::now() + options_.command_timeout + extra_timeout;
  inflight_.emplace(id, std::move(pending));
  // The id, not a pointer, travels through hiredis: a late reply finds nothing instead of freed memory.
  const int rc =
      redisAsyncCommandArgv(conn_->ac, &RedisClient::on_reply, reinterpret_cast<void*>(static_cast<std::uintptr_t>(id)),
                            static_cast<int>(argv.size()), argv.data(), lengths.data());
  if (rc != REDIS_OK) {
    auto node = inflight_.extract(id);
    std::lock_guard lock(stats_mutex_);
    ++stats_.errors;
    net::post(strand_,
              [cb = std::move(node.mapped()->callback), m = "redis " + describe(options_.endpoint) + ": " + name +
                                                            ": the connection is closing"]() { cb(make_error(m)); });
  }
}

void RedisClient::on_reply(redisAsyncContext* ac, void* reply, void* privdata) {
  auto* c = static_cast<Connection*>(ac->data);
  RedisClient* self = c->client;
  auto node = self->inflight_.extract(static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(privdata)));
  if (node.empty() || self->destroying_) return;
  auto& p = *node.mapped();
  const std::string where = "redis " + describe(self->options_.endpoint) + ": " + p.name + ": ";
  Result<RedisReply> result = RedisReply{};
  {
    std::lock_guard lock(self->stats_mutex_);
    const auto* r = static_cast<const redisReply*>(reply);
    if (r == nullptr) {
      std::string why = self->drop_reason_;
      if (why.empty()) why = ac->err ? std::string(ac->errstr) : std::string("connection closed");
      result = make_error(where + "no reply, the connection ended (" + why + "); the command may or may not have run");
      ++self->stats_.errors;
    } else if (r->type == REDIS_REPLY_ERROR) {
      result = make_error(where + std::string(r->str, r->len));
      ++self->stats_.errors;
      ++self->stats_.ops;
    } else {
      result = convert(*r);
      ++self->stats_.ops;
    }
  }
  // Never run the caller's code inside hiredis: it may issue commands or stop the client.
  net::post(self->strand_, [cb = std::move(p.callback), r = std::move(result)]() mutable { cb(std::move(r)); });
}

void RedisClient::watch() {
  watchdog_.expires_after(std::chrono::milliseconds(100));
  watchdog_.async_wait([w = weak_from_this()](const boost::system::error_code& ec) {
    auto self = w.lock();
    if (!self || ec || !self->conn_ || !self->conn_->ac) return;
    const auto now = Clock::now();
    for (const auto& [id, p] : self->inflight_) {
      if (p->deadline > now) continue;
      {
        std::lock_guard lock(self->stats_mutex_);
        ++self->stats_.timeouts;
      }
      self->drop("no reply to " + p->name + " within " + std::to_string(self->options_.command_timeout.count()) +
                 " ms; the server may be hung");
      return;
    }
    self->watch();
  });
}

void RedisClient::drop(const std::string& why) {
  if (!conn_ || !conn_->ac) return;
  drop_reason_ = why;
  redisAsyncFree(conn_->ac);  // pending commands fail first, then ev_cleanup runs
}

void RedisClient::ended(const std::string& why) {
  const bool was_ready = conn_ && conn_->ready;
  conn_.reset();
  watchdog_.cancel();
  fail(why);
  if (stopped_) {
    set_state(RedisState::Stopped);
    return;
  }
  const auto where = describe(options_.endpoint);
  if (was_ready) {
    spdlog::warn("redis[{}] {}: connection lost: {}", options_.name, where, why);
    if (on_disconnected_) on_disconnected_(why);
  } else {
    // The first failure is news; the retries during one outage are not.
    if (backoff_ == options_.backoff_initial) {
      spdlog::warn("redis[{}] {}: cannot connect: {}", options_.name, where, why);
    } else {
      spdlog::debug("redis[{}] {}: cannot connect: {}", options_.name, where, why);
    }
    if (on_connect_failed_) on_connect_failed_(why);
  }
  schedule_reconnect();
}

void RedisClient::schedule_reconnect() {
  set_state(RedisState::Backoff);
  // Full jitter between half and all of the current step, so daemons restarted together spread out.
  std::uniform_int_distribution<long long> jitter(backoff_.count() / 2, backoff_.count());
  reconnect_timer_.expires_after(std::chrono::milliseconds(jitter(rng_)));
  backoff_ = std::min(backoff_ * 2, options_.backoff_max);
  reconnect_timer_.async_wait([w = weak_from_this()](const boost::system::error_code& ec) {
    auto self = w.lock();
    if (!self || ec || self->stopped_) return;
    self->connect();
  });
}

void RedisClient::arm_read(const std::shared_ptr<Connection>& c) {
  if (c->read_armed || !c->ac || !c->want_read) return;
  c->read_armed = true;
  c->fd.async_wait(net::posix::descriptor_base::wait_read,
                   [w = weak_from_this(), c](const boost::system::error_code& ec) {
                     c->read_armed = false;
                     auto self = w.lock();
                     if (!self || ec || !c->ac || !c->want_read) return;
                     redisAsyncHandleRead(c->ac);  // may free the context (EOF, error)
                     self->arm_read(c);
                   });
}

void RedisClient::arm_write(const std::shared_ptr<Connection>& c) {
  if (c->write_armed || !c->ac || !c->want_write) return;
  c->write_armed = true;
  c->fd.async_wait(net::posix::descriptor_base::wait_write,
                   [w = weak_from_this(), c](const boost::system::error_code& ec) {
                     c->write_armed = false;
                     auto self = w.lock();
                     if (!self || ec || !c->ac || !c->want_write) return;
                     redisAsyncHandleWrite(c->ac);  // also completes the non-blocking connect
                     self->arm_write(c);
                   });
}

void RedisClient::ev_add_read(void* data) {
  auto* c = static_cast<Connection*>(data);
  c->want_read = true;
  if (!c->client->destroying_) c->client->arm_read(c->shared_from_this());
}

void RedisClient::ev_del_read(void* data) { static_cast<Connection*>(data)->want_read = false; }

void RedisClient::ev_add_write(void* data) {
  auto* c = static_cast<Connection*>(data);
  c->want_write = true;
  if (!c->client->destroying_) c->client->arm_write(c->shared_from_this());
}

void RedisClient::ev_del_write(void* data) { static_cast<Connection*>(data)->want_write = false; }

void RedisClient::ev_cleanup(void* data) {
  auto* c = static_cast<Connection*>(data);
  RedisClient* self = c->client;
  std::string why = self->drop_reason_;
  if (why.empty()) why = c->ac && c->ac->err ? std::string(c->ac->errstr) : std::string("connection closed");
  c->ac = nullptr;
  c->want_read = false;
  c->want_write = false;
  if (c->fd.is_open()) (void)c->fd.release();  // cancels the waits; hiredis closes the fd itself
  if (self->destroying_) return;
  net::post(self->strand_, [w = self->weak_from_this(), c = c->shared_from_this(), why] {
    auto client = w.lock();
    if (client && client->conn_ == c) client->ended(why);
  });
}

}  // namespace lodestone::app
