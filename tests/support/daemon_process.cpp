#include "lodestone/testing/daemon_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "child_process.hpp"

namespace lodestone::testing {

std::string source_path(const std::string& relative) { return std::string(LODESTONE_SOURCE_DIR) + "/" + relative; }
std::string lodestone_binary() { return std::string(LODESTONE_BINARY_DIR) + "/daemon/lodestone"; }

DaemonProcess::DaemonProcess(std::vector<std::string> args, std::map<std::string, std::string> env) {
  char tmpl[] = "/tmp/lodestone-test-XXXXXX";
  if (::mkdtemp(tmpl) == nullptr) throw std::runtime_error("mkdtemp failed");
  dir_ = tmpl;
  const std::string port_file = dir_ + "/port";
  const std::string log_file = dir_ + "/log";
  std::vector<std::string> argv{lodestone_binary(), "serve", "--listen", "127.0.0.1:0", "--port-file", port_file};
  argv.insert(argv.end(), args.begin(), args.end());
  pid_ = spawn(std::move(argv), {log_file}, ChildEnv(env.begin(), env.end()));
  // The daemon writes the port file (atomically) once it listens.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    std::ifstream in(port_file);
    unsigned port = 0;
    if (in >> port && port > 0) {
      port_ = static_cast<std::uint16_t>(port);
      return;
    }
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("lodestone exited before listening:\n" + log());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  // The destructor does not run for a constructor that throws: no daemon may outlive its test.
  kill();
  throw std::runtime_error("lodestone did not listen within 30 s:\n" + log());
}

std::string DaemonProcess::log() const {
  std::ifstream in(dir_ + "/log");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

int DaemonProcess::stop(std::chrono::milliseconds timeout) { return stop_child(pid_, timeout); }

void DaemonProcess::kill() { kill_and_reap(pid_); }

int DaemonProcess::wait_exit(std::chrono::milliseconds timeout) { return wait_child(pid_, timeout); }

DaemonProcess::~DaemonProcess() {
  if (pid_ > 0) stop();
  std::error_code ec;
  (void)std::system(("rm -rf '" + dir_ + "'").c_str());
}

}  // namespace lodestone::testing
