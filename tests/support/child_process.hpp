#pragma once
// Starting and reaping the processes the tests run (the daemon, redis-server, redis-sentinel,
// haproxy): one fork and exec, so each launcher says only what it runs and where its output goes.
#include <sys/types.h>

#include <chrono>
#include <string>
#include <utility>
#include <vector>

namespace lodestone::testing {

using ChildEnv = std::vector<std::pair<std::string, std::string>>;

struct ChildOutput {
  // stdout and stderr go to this file; "" = stdout to /dev/null and stderr left to the test's
  // (redis logs to a file of its own and says on stderr why it could not start).
  std::string file;
  bool append = false;  // a restarted server's log goes on after the runs before
};

// Forks and runs argv (argv[0] searched in PATH unless it holds a '/'), stdin from /dev/null and
// `env` added to the child's environment. Throws when fork fails; a failed exec exits 127.
pid_t spawn(std::vector<std::string> argv, const ChildOutput& output, const ChildEnv& env = {});

// SIGTERM, then waits up to `timeout` for it to exit: its exit code (128 + the signal when a
// signal ended it), or -1 when it had to be killed. `pid` becomes -1.
int stop_child(pid_t& pid, std::chrono::milliseconds timeout);
// Waits up to `timeout` for it to exit on its own: its exit code (128 + the signal), and `pid`
// becomes -1; -1 when it is still running then (it is left running) or `pid` is not positive.
int wait_child(pid_t& pid, std::chrono::milliseconds timeout);

// SIGKILL, then waits for it; `pid` becomes -1. Nothing when `pid` is not positive.
void kill_and_reap(pid_t& pid);

}  // namespace lodestone::testing
