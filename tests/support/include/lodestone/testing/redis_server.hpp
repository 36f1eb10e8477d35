#pragma once
// A real redis-server for tests: its own temporary directory, a loopback port of its own (redis
// has no "--port 0": a port outside the kernel's ephemeral range, claimed against the other
// tests of the run, and another one tried if redis cannot bind it), no RDB snapshots,
// append-only persistence on request. Fault tests kill, hang and restart it on the same port.
#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "lodestone/redis/reply.hpp"

namespace lodestone::testing {

struct RedisServerOptions {
  bool appendonly = false;
  std::string appendfsync = "always";  // with appendonly: always, everysec or no
  std::vector<std::string> extra;      // more "--name value" arguments
  std::string config_file;             // a redis.conf to start from (the arguments above override it)
  std::uint16_t replica_of = 0;        // a replica of the redis-server on this loopback port
  std::string password;                // requirepass (and masterauth); command() authenticates with it
};

// What a synchronous command answered: the daemon's reply value (tests only; the daemon uses
// the async client).
using SyncReply = redis::Reply;

// A question to a server Sentinel is reconfiguring: it makes the old master a replica and then
// closes its normal clients (CLIENT KILL TYPE normal), so a question that meets that close gets
// no answer (nullopt) and is asked again; it is not a wrong answer.
template <class Ask>
auto answered(Ask&& ask) -> std::optional<decltype(ask())> {
  try {
    return ask();
  } catch (const std::runtime_error&) {
    return std::nullopt;
  }
}

class RedisServer {
 public:
  explicit RedisServer(RedisServerOptions options = {});
  ~RedisServer();
  RedisServer(const RedisServer&) = delete;
  RedisServer& operator=(const RedisServer&) = delete;

  [[nodiscard]] std::uint16_t port() const { return port_; }
  [[nodiscard]] std::string url(int db = 0) const;
  // "master", "slave": what ROLE answers now.
  [[nodiscard]] std::string role() const;
  [[nodiscard]] const std::string& dir() const { return dir_; }
  [[nodiscard]] bool running() const { return pid_ > 0; }
  [[nodiscard]] std::string log() const;

  void kill();   // SIGKILL, like a crash: nothing is flushed beyond what the fsync policy did
  void start();  // again, on the same port and directory (an AOF is replayed)
  void restart() {
    kill();
    start();
  }
  void pause();   // SIGSTOP: connections stay open, nothing answers
  void resume();  // SIGCONT

  // One command on a fresh blocking connection; throws when the server cannot be reached.
  SyncReply command(const std::vector<std::string>& args,
                    std::chrono::milliseconds timeout = std::chrono::seconds(5)) const;

 private:
  bool launch();  // false when the port was taken
  RedisServerOptions options_;
  std::string dir_;
  std::uint16_t port_ = 0;
  pid_t pid_ = -1;
  int claim_fd_ = -1;  // holds port_ against the other tests of the run (redis_server.cpp)
  bool paused_ = false;
};

// One command on a fresh blocking connection to a loopback port (AUTH first with `password`);
// throws when nothing answers there.
SyncReply redis_command(std::uint16_t port, const std::vector<std::string>& args,
                        std::chrono::milliseconds timeout = std::chrono::seconds(5), const std::string& password = "");

void wait_a_little();  // a few milliseconds

// Polls `condition` until it holds or `timeout` passes. Every caller waits for something that
// must happen, so the default only bounds a hang: a Redis restart or a daemon's reconnect on a
// loaded sanitizer build may take seconds, and the wait ends as soon as it holds.
template <class F>
bool eventually(F&& condition, std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    wait_a_little();
  }
  return true;
}

}  // namespace lodestone::testing
