#include "lodestone/redis/client.hpp"

#include <hiredis/async.h>
#include <hiredis/hiredis.h>
#include <signal.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdint>

#include "lodestone/redis/handshake.hpp"

namespace lodestone::redis {

std::string_view to_string(ClientState state) {
  static constexpr std::string_view kNames[] = {"idle", "connecting", "connected", "backoff", "stopped"};
  const auto i = static_cast<std::size_t>(state);
  return i < std::size(kNames) ? kNames[i] : "unknown";
}

std::string command_name(const std::vector<std::string>& args) {
  std::string name = args.empty() ? std::string("(empty)") : args.front();
  // Subcommands say more than the verb alone ("CLIENT SETNAME", "INFO").
  if (args.size() > 1 && (name == "CLIENT" || name == "CONFIG" || name == "XINFO")) name += " " + args[1];
  return name;
}

namespace {

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

struct Client::Connection : std::enable_shared_from_this<Connection> {
  Connection(Client* c, net::strand<net::any_io_executor>& s) : client(c), fd(s) {}
  Client* client;
  redisAsyncContext* ac = nullptr;   // null once hiredis freed it
  net::posix::stream_descriptor fd;  // hiredis owns the fd: released, never closed, by Asio
  bool want_read = false;
  bool want_write = false;
  bool read_armed = false;
  bool write_armed = false;
  bool ready = false;  // handshake done
};

struct Client::Pending {
  std::string name;
  Callback callback;
  Clock::Steady deadline;
};

std::shared_ptr<Client> Client::create(net::any_io_executor executor, ClientOptions options, const Clock& clock) {
  ignore_sigpipe();
  return std::shared_ptr<Client>(new Client(std::move(executor), std::move(options), clock));
}

Client::Client(net::any_io_executor executor, ClientOptions options, const Clock& clock)
    : options_(std::move(options)),
      clock_(clock),
      strand_(net::make_strand(executor)),
      resolver_(strand_),
      reconnect_timer_(strand_),
      watchdog_(strand_),
      backoff_(options_.backoff_initial),
      rng_(std::random_device{}()),
      current_(options_.endpoint),
      where_(options_.source ? "master '" + options_.endpoint.master + "'" : describe(options_.endpoint)) {}

Client::~Client() {
  destroying_ = true;
  if (conn_ && conn_->ac) redisAsyncFree(conn_->ac);
}

void Client::start() {
  if (options_.source) options_.source->watch(weak_from_this());
  net::post(strand_, [w = weak_from_this()] {
    if (auto self = w.lock(); self && !self->stopped_ && !self->conn_) self->connect();
  });
}

void Client::stop() {
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
      self->set_state(ClientState::Stopped);
    }
  });
}

void Client::set_state(ClientState state) {
  std::lock_guard lock(stats_mutex_);
  stats_.state = state;
}

ClientStats Client::stats() const {
  std::lock_guard lock(stats_mutex_);
  return stats_;
}

bool Client::connected() const { return stats().state == ClientState::Connected; }

std::string Client::where() const {
  std::lock_guard lock(where_mutex_);
  return where_;
}

void Client::master_moved(const HostPort& to) {
  net::post(strand_, [w = weak_from_this(), to] {
    auto self = w.lock();
    if (!self || self->stopped_) return;
    if (self->conn_ && self->conn_->ac) {
      if (self->current_.address() == to) return;
      self->moved_ = true;
      self->drop("the master moved to " + to_string(to));
      return;
    }
    // Waiting to retry after failed attempts: the new master is worth trying now.
    if (self->stats().state == ClientState::Backoff) {
      self->reconnect_timer_.cancel();
      self->backoff_ = self->options_.backoff_initial;
      self->stale_ = false;
      self->connect();
    }
  });
}

void Client::fail(const std::string& message) {
  std::lock_guard lock(stats_mutex_);
  stats_.last_error = message;
}

void Client::connect() {
  set_state(ClientState::Connecting);
  drop_reason_.clear();
  if (!options_.source) {
    target(options_.endpoint);
    resolve();
    return;
  }
  options_.source->locate(std::exchange(stale_, false), [w = weak_from_this()](Result<Endpoint> found) {
    auto self = w.lock();
    if (!self) return;
    net::post(self->strand_, [self, found = std::move(found)]() mutable {
      if (self->stopped_) return;
      if (!found) {
        self->ended(found.error().message);
        return;
      }
      self->target(std::move(*found));
      self->resolve();
    });
  });
}

void Client::target(Endpoint endpoint) {
  current_ = std::move(endpoint);
  const auto address = to_string(current_.address());
  {
    std::lock_guard lock(stats_mutex_);
    stats_.address = address;
  }
  std::lock_guard lock(where_mutex_);
  where_ = options_.source ? address + " (master '" + options_.endpoint.master + "')" : describe(current_);
}

void Client::resolve() {
  // Asio resolves on its own thread: a slow DNS server never stalls an I/O thread.
  resolver_.async_resolve(
      current_.host, std::to_string(current_.port),
      [w = weak_from_this()](const boost::system::error_code& ec, const net::ip::tcp::resolver::results_type& results) {
        auto self = w.lock();
        if (!self || self->stopped_) return;
        if (ec || results.empty()) {
          self->ended("cannot resolve " + self->current_.host + ": " + ec.message());
          return;
        }
        self->open(results.begin()->endpoint().address().to_string());
      });
}

void Client::open(const std::string& address) {
  redisAsyncContext* ac = redisAsyncConnect(address.c_str(), current_.port);
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
  ac->ev.addRead = &Client::ev_add_read;
  ac->ev.delRead = &Client::ev_del_read;
  ac->ev.addWrite = &Client::ev_add_write;
  ac->ev.delWrite = &Client::ev_del_write;
  ac->ev.cleanup = &Client::ev_cleanup;
  conn_ = c;
  handshake();
  watch();
}

Error Client::error(ErrorCode code, const std::string& command, const std::string& what) const {
  return make_error(code, "redis " + where() + ": " + command + ": " + what);
}

void Client::handshake() {
  auto steps = handshake_steps(current_, options_.name, options_.check_persistence, options_.source != nullptr);
  probe_ = Persistence{};
  const std::size_t last = steps.size() - 1;
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const auto kind = steps[i].kind;
    send(steps[i].command,
         [w = weak_from_this(), c = conn_, kind, done = i == last](Result<Reply> r) {
           auto self = w.lock();
           if (!self || self->conn_ != c || !c->ac) return;  // an older connection's answer
           if (!r && kind == HandshakeStep::Kind::Required) {
             if (r.error().code == ErrorCode::unauthorized) {
               self->fatal(r.error().message);
             } else {
               self->drop("handshake: " + r.error().message, r.error().code);
             }
             return;
           }
           if (kind == HandshakeStep::Kind::Role) {
             // Sentinel may still name a demoted master, or a replica mid-promotion: never write there.
             if (const auto role = role_of(*r); role != "master") {
               self->drop("ROLE says " + (role.empty() ? std::string("nothing readable") : role) +
                          ": not the master; asking the Sentinels again");
               return;
             }
           } else if (!r) {
             spdlog::debug("redis[{}]: {} (persistence is judged from INFO)", self->options_.name, r.error().message);
           } else {
             self->probe_.read(kind, *r);
           }
           if (done) self->handshaken();
         },
         {});
  }
}

void Client::handshaken() {
  if (options_.check_persistence) probe_.warn(where());
  conn_->ready = true;
  backoff_ = options_.backoff_initial;
  {
    std::lock_guard lock(stats_mutex_);
    if (options_.check_persistence) {
      stats_.aof_enabled = probe_.aof;
      stats_.appendfsync = probe_.fsync;
      stats_.eviction_policy = probe_.policy;
      stats_.server_version = probe_.version;
      if (probe_.aof) stats_.persistence_ok = probe_.ok();
    }
    ++stats_.connects;
    stats_.state = ClientState::Connected;
    if (stats_.connects > 1 || !stats_.last_error.empty())
      spdlog::info("redis[{}] {}: connected", options_.name, where());
  }
  if (!options_.subscribe.empty()) subscribe_channels();
  if (on_connected_) on_connected_();
}

void Client::subscribe_channels() {
  std::vector<std::string> args{"SUBSCRIBE"};
  args.insert(args.end(), options_.subscribe.begin(), options_.subscribe.end());
  std::vector<const char*> argv;
  std::vector<std::size_t> lengths;
  for (const auto& a : args) {
    argv.push_back(a.data());
    lengths.push_back(a.size());
  }
  // hiredis calls back once per message with this id: it is never in inflight_, so no deadline
  // applies (a quiet channel is not a hung server) and every message finds the handler.
  subscription_ = next_id_++;
  if (redisAsyncCommandArgv(conn_->ac, &Client::on_reply,
                            // NOLINTNEXTLINE(performance-no-int-to-ptr): hiredis carries the id as its privdata
                            reinterpret_cast<void*>(static_cast<std::uintptr_t>(subscription_)),
                            static_cast<int>(argv.size()), argv.data(), lengths.data()) != REDIS_OK)
    drop("cannot subscribe");
}

void Client::fatal(const std::string& why) {
  stopped_ = true;
  reconnect_timer_.cancel();
  {
    std::lock_guard lock(stats_mutex_);
    stats_.fatal = true;
    stats_.last_error = why;
  }
  log_refused(options_.name, where(), why);
  drop(why, ErrorCode::unauthorized);
  if (options_.on_fatal) options_.on_fatal(why);
}

void Client::command(std::vector<std::string> args, Callback callback, std::chrono::milliseconds extra_timeout) {
  net::post(strand_, [w = weak_from_this(), args = std::move(args), cb = std::move(callback), extra_timeout]() mutable {
    auto self = w.lock();
    if (!self) return;
    if (!self->conn_ || !self->conn_->ready || !self->conn_->ac) {
      cb(self->error(ErrorCode::unavailable, command_name(args), "not connected"));
      return;
    }
    self->send(args, std::move(cb), extra_timeout);
  });
}

void Client::send(const std::vector<std::string>& args, Callback callback, std::chrono::milliseconds extra_timeout) {
  const std::string name = command_name(args);
  if (!conn_ || !conn_->ac) {
    net::post(strand_,
              [cb = std::move(callback), e = error(ErrorCode::unavailable, name, "not connected")]() { cb(e); });
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
  pending->deadline = clock_.steady() + options_.command_timeout + extra_timeout;
  inflight_.emplace(id, std::move(pending));
  // The id, not a pointer, travels through hiredis: a late reply finds nothing instead of freed memory.
  const int rc =
      // NOLINTNEXTLINE(performance-no-int-to-ptr): hiredis carries the id as its privdata
      redisAsyncCommandArgv(conn_->ac, &Client::on_reply, reinterpret_cast<void*>(static_cast<std::uintptr_t>(id)),
                            static_cast<int>(argv.size()), argv.data(), lengths.data());
  if (rc != REDIS_OK) {
    auto node = inflight_.extract(id);
    std::lock_guard lock(stats_mutex_);
    ++stats_.errors;
    net::post(strand_, [cb = std::move(node.mapped()->callback),
                        e = error(ErrorCode::unavailable, name, "the connection is closing")]() { cb(e); });
  }
}

void Client::on_reply(redisAsyncContext* ac, void* reply, void* privdata) {
  auto* c = static_cast<Connection*>(ac->data);
  Client* self = c->client;
  const auto id = static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(privdata));
  auto node = self->inflight_.extract(id);
  if (self->destroying_) return;
  if (node.empty()) {
    // A subscribed channel's message (null when the connection ends: ended() reports that).
    if (reply != nullptr && id == self->subscription_ && self->options_.on_message)
      net::post(self->strand_,
                [w = self->weak_from_this(), message = from_hiredis(*static_cast<const redisReply*>(reply))] {
                  if (auto client = w.lock(); client && !client->stopped_) client->options_.on_message(message);
                });
    return;
  }
  auto& p = *node.mapped();
  Result<Reply> result = Reply{};
  std::string wrong_server;  // with Sentinel: READONLY, LOADING, MASTERDOWN
  {
    std::lock_guard lock(self->stats_mutex_);
    const auto* r = static_cast<const redisReply*>(reply);
    if (r == nullptr) {
      std::string why = self->drop_reason_;
      if (why.empty()) why = ac->err ? std::string(ac->errstr) : std::string("connection closed");
      const ErrorCode code = self->drop_reason_.empty() ? ErrorCode::unavailable : self->drop_code_;
      result = self->error(code, p.name,
                           "no reply, the connection ended (" + why + "); the command may or may not have run");
      ++self->stats_.errors;
    } else if (r->type == REDIS_REPLY_ERROR) {
      const std::string text(r->str, r->len);
      result = self->error(error_reply_code(text), p.name, text);
      if (self->options_.source && is_wrong_server(text)) wrong_server = text;
      ++self->stats_.errors;
      ++self->stats_.ops;
    } else {
      result = from_hiredis(*r);
      ++self->stats_.ops;
    }
  }
  // Never run the caller's code inside hiredis: it may issue commands or stop the client.
  net::post(self->strand_, [cb = std::move(p.callback), r = std::move(result)]() mutable { cb(std::move(r)); });
  if (!wrong_server.empty()) {
    // Not the master (any more): leave it, and ask the Sentinels where the master is now.
    net::post(self->strand_, [w = self->weak_from_this(), conn = c->shared_from_this(), wrong_server] {
      if (auto client = w.lock(); client && client->conn_ == conn)
        client->drop(wrong_server + "; asking the Sentinels for the master again");
    });
  }
}

void Client::watch() {
  watchdog_.expires_after(std::chrono::milliseconds(100));
  watchdog_.async_wait([w = weak_from_this()](const boost::system::error_code& ec) {
    auto self = w.lock();
    if (!self || ec || !self->conn_ || !self->conn_->ac) return;
    const auto now = self->clock_.steady();
    for (const auto& [id, p] : self->inflight_) {
      if (p->deadline > now) continue;
      {
        std::lock_guard lock(self->stats_mutex_);
        ++self->stats_.timeouts;
      }
      self->drop("no reply to " + p->name + " within " + std::to_string(self->options_.command_timeout.count()) +
                     " ms; the server may be hung",
                 ErrorCode::timeout);
      return;
    }
    self->watch();
  });
}

void Client::drop(const std::string& why, ErrorCode code) {
  if (!conn_ || !conn_->ac) return;
  drop_reason_ = why;
  drop_code_ = code;
  redisAsyncFree(conn_->ac);  // pending commands fail first, then ev_cleanup runs
}

void Client::ended(const std::string& why) {
  const bool was_ready = conn_ && conn_->ready;
  conn_.reset();
  watchdog_.cancel();
  fail(why);
  if (stopped_) {
    set_state(ClientState::Stopped);
    return;
  }
  const auto where = this->where();
  // Any failure makes the source's last answer suspect; a move named the new master already.
  const bool moved = std::exchange(moved_, false);
  if (options_.source) stale_ = !moved;
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
  if (moved) {
    backoff_ = options_.backoff_initial;
    connect();
    return;
  }
  schedule_reconnect();
}

void Client::schedule_reconnect() {
  set_state(ClientState::Backoff);
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

void Client::arm(const std::shared_ptr<Connection>& c, bool write) {
  bool& armed = write ? c->write_armed : c->read_armed;
  if (armed || !c->ac || !(write ? c->want_write : c->want_read)) return;
  armed = true;
  const auto what = write ? net::posix::descriptor_base::wait_write : net::posix::descriptor_base::wait_read;
  c->fd.async_wait(what, [w = weak_from_this(), c, write](const boost::system::error_code& ec) {
    (write ? c->write_armed : c->read_armed) = false;
    auto self = w.lock();
    if (!self || ec || !c->ac || !(write ? c->want_write : c->want_read)) return;
    // Either may free the context (EOF, error); a write also completes the non-blocking connect.
    if (write) {
      redisAsyncHandleWrite(c->ac);
    } else {
      redisAsyncHandleRead(c->ac);
    }
    self->arm(c, write);
  });
}

void Client::ev_add_read(void* data) {
  auto* c = static_cast<Connection*>(data);
  c->want_read = true;
  if (!c->client->destroying_) c->client->arm(c->shared_from_this(), false);
}

void Client::ev_del_read(void* data) { static_cast<Connection*>(data)->want_read = false; }

void Client::ev_add_write(void* data) {
  auto* c = static_cast<Connection*>(data);
  c->want_write = true;
  if (!c->client->destroying_) c->client->arm(c->shared_from_this(), true);
}

void Client::ev_del_write(void* data) { static_cast<Connection*>(data)->want_write = false; }

void Client::ev_cleanup(void* data) {
  auto* c = static_cast<Connection*>(data);
  Client* self = c->client;
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

}  // namespace lodestone::redis
