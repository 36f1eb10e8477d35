#pragma once
// The one Redis adapter: a connection through hiredis' async API, driven by the daemon's
// io_context. hiredis formats commands and parses replies, Asio waits on the socket, so no I/O
// thread ever blocks. Any failure rebuilds the connection after an exponential backoff with
// jitter. A command whose reply is later than the command timeout drops the connection (a hung
// server keeps its socket open), so the caller learns that the outcome is unknown: writes must be
// idempotent. The handshake and the persistence probe are in handshake.hpp.
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "lodestone/core/clock.hpp"
#include "lodestone/core/result.hpp"
#include "lodestone/net/net.hpp"
#include "lodestone/redis/endpoint_source.hpp"
#include "lodestone/redis/handshake.hpp"
#include "lodestone/redis/reply.hpp"
#include "lodestone/redis/url.hpp"

struct redisAsyncContext;

namespace lodestone::redis {

struct ClientOptions {
  Endpoint endpoint;
  std::string name = "lodestone";  // CLIENT SETNAME: tells the daemon's connections apart in CLIENT LIST
  std::chrono::milliseconds command_timeout{3000};  // also bounds connecting and the handshake
  std::chrono::milliseconds backoff_initial{100};
  std::chrono::milliseconds backoff_max{5000};
  // Run the persistence probe after connecting (handshake.hpp) and warn loudly when Redis would
  // lose alerts: no append-only file, or an eviction policy that may evict the stream.
  bool check_persistence = false;
  // Redis refused the credentials (NOAUTH, WRONGPASS): a configuration error, not an outage.
  // The client stops (no retry loop) and this runs once, on the client's strand.
  std::function<void(const std::string& why)> on_fatal;
  // Sentinel (sentinel.hpp): asked where the master is before each connection attempt; the
  // handshake then checks ROLE and refuses a replica, and a READONLY, LOADING or MASTERDOWN
  // reply drops the connection so that the next attempt asks again. Null: `endpoint` it is.
  std::shared_ptr<EndpointSource> source;
  // Subscriber mode: after each handshake, SUBSCRIBE to these channels; every message
  // (["message", channel, payload]) goes to on_message on the client's strand. A subscribed
  // connection carries no other command.
  std::vector<std::string> subscribe;
  std::function<void(const Reply& message)> on_message;
};

enum class ClientState : std::uint8_t { Idle, Connecting, Connected, Backoff, Stopped };
std::string_view to_string(ClientState state);

struct ClientStats {
  ClientState state = ClientState::Idle;
  std::uint64_t ops = 0;            // replies received, error replies included
  std::uint64_t errors = 0;         // error replies, and commands lost with their connection
  std::uint64_t connects = 0;       // handshakes completed
  std::uint64_t timeouts = 0;       // connections dropped because a reply was late
  std::optional<bool> aof_enabled;  // appendonly; unknown until asked
  std::string appendfsync;          // always, everysec, no; "" when CONFIG is not allowed
  std::string eviction_policy;      // maxmemory-policy
  // AOF on and an eviction policy that never evicts the alert stream; unknown until asked.
  std::optional<bool> persistence_ok;
  bool fatal = false;  // stopped on a configuration error (see ClientOptions::on_fatal)
  std::string server_version;
  std::string last_error;
  std::string address;  // host:port connected to (or tried) last; "" before the first attempt
};

class Client : public std::enable_shared_from_this<Client> {
 public:
  // Errors are typed: unavailable (not connected, the connection ended, Redis cannot do it now),
  // timeout (no reply within the command timeout), unauthorized (refused credentials).
  using Callback = std::function<void(Result<Reply>)>;

  // `clock` (deadlines) must outlive the client.
  static std::shared_ptr<Client> create(net::any_io_executor executor, ClientOptions options, const Clock& clock);
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Set these before start(); they run on the client's strand. on_disconnected: a working
  // connection was lost; on_connect_failed: an attempt to (re)connect failed.
  void on_connected(std::function<void()> fn) { on_connected_ = std::move(fn); }
  void on_disconnected(std::function<void(const std::string& why)> fn) { on_disconnected_ = std::move(fn); }
  void on_connect_failed(std::function<void(const std::string& why)> fn) { on_connect_failed_ = std::move(fn); }

  void start();
  // Closes the connection; commands still waiting get an error. No reconnect afterwards.
  void stop();
  // From the endpoint source (any thread): the master is now at `to`. A connection elsewhere is
  // dropped (its commands fail as unavailable) and the client reconnects at once; a client
  // waiting to retry retries now.
  void master_moved(const HostPort& to);

  // Sends `args` (argv form: binary safe, nothing in them is interpreted) if connected, and fails
  // at once otherwise: buffering while Redis is away is the caller's policy. `callback` runs once,
  // on the client's strand, never inside hiredis. `extra_timeout` extends the deadline of a
  // command that blocks on purpose (XREAD BLOCK).
  void command(std::vector<std::string> args, Callback callback, std::chrono::milliseconds extra_timeout = {});

  [[nodiscard]] ClientStats stats() const;
  [[nodiscard]] bool connected() const;
  [[nodiscard]] const Endpoint& endpoint() const { return options_.endpoint; }
  // "redis://127.0.0.1:6379/0", or with Sentinel "127.0.0.1:6380 (master 'lodestone')":
  // where the client is connected or trying to, for messages.
  [[nodiscard]] std::string where() const;
  [[nodiscard]] net::strand<net::any_io_executor>& strand() { return strand_; }

 private:
  struct Connection;
  struct Pending;

  Client(net::any_io_executor executor, ClientOptions options, const Clock& clock);
  void connect();
  void target(Endpoint endpoint);  // where the next attempt connects
  void resolve();                  // then resolve and open it
  void open(const std::string& address);
  void subscribe_channels();
  void handshake();
  void handshaken();
  void send(const std::vector<std::string>& args, Callback callback, std::chrono::milliseconds extra_timeout);
  void drop(const std::string& why, ErrorCode code = ErrorCode::unavailable);
  void ended(const std::string& why);
  void schedule_reconnect();
  void watch();
  void set_state(ClientState state);
  void fail(const std::string& message);
  void fatal(const std::string& why);
  // Waits for the socket to be readable (or writable) while hiredis wants it, then lets hiredis read (write).
  void arm(const std::shared_ptr<Connection>& c, bool write);
  [[nodiscard]] Error error(ErrorCode code, const std::string& command, const std::string& what) const;

  static void on_reply(redisAsyncContext* ac, void* reply, void* privdata);
  static void ev_add_read(void* data);
  static void ev_del_read(void* data);
  static void ev_add_write(void* data);
  static void ev_del_write(void* data);
  static void ev_cleanup(void* data);

  ClientOptions options_;
  const Clock& clock_;
  net::strand<net::any_io_executor> strand_;
  net::ip::tcp::resolver resolver_;
  net::steady_timer reconnect_timer_;
  net::steady_timer watchdog_;
  std::function<void()> on_connected_;
  std::function<void(const std::string&)> on_disconnected_;
  std::function<void(const std::string&)> on_connect_failed_;
  std::shared_ptr<Connection> conn_;
  std::map<std::uint64_t, std::unique_ptr<Pending>> inflight_;  // by send order
  std::uint64_t next_id_ = 1;
  std::chrono::milliseconds backoff_;
  std::mt19937 rng_;
  bool stopped_ = false;
  bool destroying_ = false;
  std::string drop_reason_;                       // why this side closed the connection, when it did
  ErrorCode drop_code_ = ErrorCode::unavailable;  // and what kind of failure that is for its commands
  Persistence probe_;                             // what this connection's handshake learnt
  Endpoint current_;                              // where this attempt connects (the source's answer)
  bool stale_ = false;                            // the last answer failed: the source asks afresh
  bool moved_ = false;                            // dropped because the master moved: reconnect now
  std::uint64_t subscription_ = 0;                // the SUBSCRIBE's id: its messages, never a reply
  mutable std::mutex where_mutex_;                // its own: error() runs with stats_mutex_ held
  std::string where_;                             // where()
  mutable std::mutex stats_mutex_;
  ClientStats stats_;
};

// "redis error reply" / "connection lost" as one line for logs: the command name and the reason.
std::string command_name(const std::vector<std::string>& args);

}  // namespace lodestone::redis
