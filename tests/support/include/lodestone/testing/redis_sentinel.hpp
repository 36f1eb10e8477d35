#pragma once
// A real redis-sentinel for tests, like RedisServer: its own temporary directory and config file
// (Sentinel rewrites it as it learns), a claimed loopback port, started and stopped by the test.
// It watches one master by name with a small down-after-milliseconds, so that a failover takes
// seconds, not the default minute. SentinelGroup starts several watching the same master and
// waits until they know each other and the replicas (what a failover needs).
#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "lodestone/testing/redis_server.hpp"

namespace lodestone::testing {

struct RedisSentinelOptions {
  std::string master = "lodestone";  // the name the daemon asks for
  std::uint16_t master_port = 0;     // the master's loopback port at the start
  int quorum = 2;                    // Sentinels that must agree the master is down
  std::chrono::milliseconds down_after{1000};
  std::chrono::milliseconds failover_timeout{10000};
  std::string master_password;  // auth-pass for the master and its replicas
  std::string password;         // requirepass of the Sentinel itself
};

class RedisSentinel {
 public:
  explicit RedisSentinel(RedisSentinelOptions options);
  ~RedisSentinel();
  RedisSentinel(const RedisSentinel&) = delete;
  RedisSentinel& operator=(const RedisSentinel&) = delete;

  [[nodiscard]] std::uint16_t port() const { return port_; }
  [[nodiscard]] std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  [[nodiscard]] bool running() const { return pid_ > 0; }
  [[nodiscard]] std::string log() const;
  void kill();   // SIGKILL
  void start();  // again, on the same port, with the configuration it rewrote

  // One command on a fresh blocking connection (AUTH with the Sentinel's password first).
  SyncReply command(const std::vector<std::string>& args,
                    std::chrono::milliseconds timeout = std::chrono::seconds(5)) const;
  // The port of the master this Sentinel names now (0 when it names none or cannot be asked).
  [[nodiscard]] std::uint16_t master_port() const;
  // SENTINEL MASTER's num-slaves and num-other-sentinels (-1 when it cannot be asked).
  [[nodiscard]] int known_replicas() const;
  [[nodiscard]] int known_sentinels() const;

 private:
  bool launch();
  [[nodiscard]] int master_field(const std::string& name) const;
  RedisSentinelOptions options_;
  std::string dir_;
  std::uint16_t port_ = 0;
  pid_t pid_ = -1;
  int claim_fd_ = -1;
};

// `n` Sentinels on one master, ready for a failover: each knows `replicas` replicas and the
// other Sentinels (hello messages go every 2 s, so this takes a few seconds).
class SentinelGroup {
 public:
  SentinelGroup(std::size_t n, const RedisSentinelOptions& options, int replicas);
  [[nodiscard]] RedisSentinel& operator[](std::size_t i) { return *sentinels_[i]; }
  [[nodiscard]] std::size_t size() const { return sentinels_.size(); }
  // "127.0.0.1:a, 127.0.0.1:b, ..." for a YAML flow list, and the redis-sentinel:// URL.
  [[nodiscard]] std::string yaml_list() const;
  [[nodiscard]] std::string url(const std::string& master = "lodestone") const;
  // Waits until every running Sentinel names the master on `port` (a failover completed).
  bool wait_master(std::uint16_t port, std::chrono::milliseconds timeout) const;
  [[nodiscard]] std::string logs() const;

 private:
  std::vector<std::unique_ptr<RedisSentinel>> sentinels_;
};

}  // namespace lodestone::testing
