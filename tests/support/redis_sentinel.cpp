#include "lodestone/testing/redis_sentinel.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "child_process.hpp"
#include "lodestone/testing/port_claim.hpp"

namespace lodestone::testing {

RedisSentinel::RedisSentinel(RedisSentinelOptions options) : options_(std::move(options)) {
  char tmpl[] = "/tmp/lodestone-sentinel-XXXXXX";
  if (::mkdtemp(tmpl) == nullptr) throw std::runtime_error("mkdtemp failed");
  dir_ = tmpl;
  std::vector<int> claims;
  const bool started = start_on_claimed_ports(
      1,
      [&](std::span<const std::uint16_t> ports) {
        port_ = ports[0];
        // Sentinel needs a writable configuration file: it records what it learns there.
        std::ofstream conf(dir_ + "/sentinel.conf", std::ios::trunc);
        const std::string& m = options_.master;
        conf << "port " << port_ << "\nbind 127.0.0.1\ndir " << dir_ << "\nlogfile " << dir_
             << "/sentinel.log\ndaemonize no\n"
             << "sentinel monitor " << m << " 127.0.0.1 " << options_.master_port << " " << options_.quorum << "\n"
             << "sentinel down-after-milliseconds " << m << " " << options_.down_after.count() << "\n"
             << "sentinel failover-timeout " << m << " " << options_.failover_timeout.count() << "\n"
             << "sentinel parallel-syncs " << m << " 1\n";
        if (!options_.master_password.empty())
          conf << "sentinel auth-pass " << m << " " << options_.master_password << "\n";
        if (!options_.password.empty()) conf << "requirepass " << options_.password << "\n";
        conf.close();
        return launch();
      },
      claims);
  if (started) {
    claim_fd_ = claims[0];
    return;
  }
  throw std::runtime_error("redis-sentinel did not start on any of 50 ports:\n" + log());
}

RedisSentinel::~RedisSentinel() {
  if (pid_ > 0) kill();
  if (claim_fd_ >= 0) ::close(claim_fd_);
  (void)std::system(("rm -rf '" + dir_ + "'").c_str());
}

std::string RedisSentinel::log() const {
  std::ifstream in(dir_ + "/sentinel.log");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool RedisSentinel::launch() {
  std::vector<std::string> argv{"redis-sentinel", dir_ + "/sentinel.conf"};
  const auto log_start = log().size();
  pid_ = spawn(std::move(argv), {});
  // Ready once its own log says it monitors the master (a PING alone could reach whatever else
  // listens on the port while this one fails to bind it).
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return false;
    }
    if (log().find("+monitor master", log_start) != std::string::npos) {
      try {
        if (command({"PING"}).str == "PONG") return true;
      } catch (const std::exception&) {
        // the next round tells whether it died
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  kill();
  throw std::runtime_error("redis-sentinel was not ready within 60 s:\n" + log());
}

void RedisSentinel::kill() { kill_and_reap(pid_); }

void RedisSentinel::start() {
  if (pid_ > 0) return;
  if (!launch())
    throw std::runtime_error("redis-sentinel could not bind port " + std::to_string(port_) + " again:\n" + log());
}

SyncReply RedisSentinel::command(const std::vector<std::string>& args, std::chrono::milliseconds timeout) const {
  return redis_command(port_, args, timeout, options_.password);
}

std::uint16_t RedisSentinel::master_port() const {
  try {
    const auto r = command({"SENTINEL", "get-master-addr-by-name", options_.master}, std::chrono::seconds(2));
    if (r.elements.size() != 2) return 0;
    return static_cast<std::uint16_t>(std::stoi(r.elements[1].str));
  } catch (const std::exception&) {
    return 0;
  }
}

int RedisSentinel::master_field(const std::string& name) const {
  try {
    const auto r = command({"SENTINEL", "MASTER", options_.master}, std::chrono::seconds(2));
    for (std::size_t i = 0; i + 1 < r.elements.size(); i += 2)
      if (r.elements[i].str == name) return std::stoi(r.elements[i + 1].str);
  } catch (const std::exception&) {
  }
  return -1;
}

int RedisSentinel::known_replicas() const { return master_field("num-slaves"); }
int RedisSentinel::known_sentinels() const { return master_field("num-other-sentinels"); }

SentinelGroup::SentinelGroup(std::size_t n, const RedisSentinelOptions& options, int replicas) {
  for (std::size_t i = 0; i < n; ++i) sentinels_.push_back(std::make_unique<RedisSentinel>(options));
  const bool ready = eventually(
      [&] {
        for (const auto& s : sentinels_)
          if (s->known_replicas() < replicas || s->known_sentinels() < static_cast<int>(n) - 1) return false;
        return true;
      },
      std::chrono::seconds(60));
  if (!ready) throw std::runtime_error("the Sentinels did not discover each other and the replicas:\n" + logs());
}

std::string SentinelGroup::yaml_list() const {
  std::string out;
  for (const auto& s : sentinels_) out += (out.empty() ? "" : ", ") + s->address();
  return out;
}

std::string SentinelGroup::url(const std::string& master) const {
  std::string out = "redis-sentinel://";
  for (std::size_t i = 0; i < sentinels_.size(); ++i) out += (i ? "," : "") + sentinels_[i]->address();
  return out + "#" + master;
}

bool SentinelGroup::wait_master(std::uint16_t port, std::chrono::milliseconds timeout) const {
  return eventually(
      [&] {
        for (const auto& s : sentinels_)
          if (s->running() && s->master_port() != port) return false;
        return true;
      },
      timeout);
}

std::string SentinelGroup::logs() const {
  std::string out;
  for (const auto& s : sentinels_) out += "--- sentinel " + s->address() + "\n" + s->log();
  return out;
}

}  // namespace lodestone::testing
