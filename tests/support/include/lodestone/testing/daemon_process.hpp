#pragma once
// Starts the real lodestone binary on an ephemeral loopback port for integration tests, and
// stops it (SIGTERM, then SIGKILL) when the test ends.
#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace lodestone::testing {

class DaemonProcess {
 public:
  // `args` follow "lodestone serve"; --listen 127.0.0.1:0 and --port-file are added.
  explicit DaemonProcess(std::vector<std::string> args, std::map<std::string, std::string> env = {});
  ~DaemonProcess();
  DaemonProcess(const DaemonProcess&) = delete;
  DaemonProcess& operator=(const DaemonProcess&) = delete;

  [[nodiscard]] std::uint16_t port() const { return port_; }
  [[nodiscard]] pid_t pid() const { return pid_; }
  [[nodiscard]] std::string log() const;  // what the daemon wrote to stdout/stderr
  // Sends SIGTERM and waits; returns the exit status (or -1 on timeout, after SIGKILL).
  int stop(std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // SIGKILL, like a crash or the OOM killer: no shutdown code runs. Waits for the process.
  void kill();
  // Waits for the daemon to exit on its own; its exit status (128 + signal when killed by one),
  // or -1 if it still runs after `timeout`.
  int wait_exit(std::chrono::milliseconds timeout);
  [[nodiscard]] bool running() const { return pid_ > 0; }

 private:
  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
  std::string dir_;
};

std::string source_path(const std::string& relative);  // under the source tree
std::string lodestone_binary();

}  // namespace lodestone::testing
