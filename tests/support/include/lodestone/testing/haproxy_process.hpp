#pragma once
// A real HAProxy (Debian's haproxy) for tests, running the shipped deploy/haproxy/haproxy.cfg in
// front of three daemons on their ephemeral ports: `haproxy -db` as a child process, its
// frontend and stats page on loopback ports of its own (claimed like RedisServer's, another
// one tried if haproxy cannot bind it), stopped with the test.
//
// The shipped file is used as it is, except what a test run cannot or must not do: the ports
// come from its LODESTONE_* variables, the log goes to a file instead of syslog, no user/group
// switch (a developer's machine runs the tests unprivileged) and a smaller maxconn (no raised
// descriptor limit needed); `send_proxy` adds send-proxy to its default-server line.
#include <sys/types.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <string>

namespace lodestone::testing {

struct HaproxyOptions {
  bool send_proxy = false;  // the PROXY protocol v1 header to every daemon (http.proxy_protocol)
};

class HaproxyProcess {
 public:
  // The three daemons behind it (lodestone-1, -2, -3; a port may repeat). Returns once HAProxy
  // answers on its stats page; wait_all_up() then waits for its health checks.
  explicit HaproxyProcess(std::array<std::uint16_t, 3> daemons, HaproxyOptions options = {});
  ~HaproxyProcess();
  HaproxyProcess(const HaproxyProcess&) = delete;
  HaproxyProcess& operator=(const HaproxyProcess&) = delete;

  [[nodiscard]] std::uint16_t port() const { return port_; }  // the frontend: where clients connect
  [[nodiscard]] std::uint16_t stats_port() const { return stats_port_; }
  [[nodiscard]] std::string log() const;  // HAProxy's own output and its access log

  // Each daemon's state as the stats page shows it ("UP", "DOWN", "UP 1/2", "NOLB" ...), by
  // server name (lodestone-1 ...); empty when the page does not answer.
  [[nodiscard]] std::map<std::string, std::string> server_status() const;
  // Open sessions per server (the stats page's scur).
  [[nodiscard]] std::map<std::string, int> server_sessions() const;
  bool wait_all_up(std::chrono::milliseconds timeout);

 private:
  bool launch(std::uint16_t front, std::uint16_t stats, const std::array<std::uint16_t, 3>& daemons);
  [[nodiscard]] std::map<std::string, std::map<std::string, std::string>> stats_rows() const;
  std::string dir_;
  std::string config_;
  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
  std::uint16_t stats_port_ = 0;
  int claims_[2] = {-1, -1};
};

}  // namespace lodestone::testing
