#include "lodestone/testing/redis_server.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <hiredis/hiredis.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstddef>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "child_process.hpp"
#include "lodestone/testing/port_claim.hpp"

namespace lodestone::testing {

void wait_a_little() { std::this_thread::sleep_for(std::chrono::milliseconds(5)); }

RedisServer::RedisServer(RedisServerOptions options) : options_(std::move(options)) {
  char tmpl[] = "/tmp/lodestone-redis-XXXXXX";
  if (::mkdtemp(tmpl) == nullptr) throw std::runtime_error("mkdtemp failed");
  dir_ = tmpl;
  // redis has no "--port 0": pick a port no other test holds; if something else on the machine
  // listens there, redis exits at once and another port is tried (the start is retried, not
  // the test).
  std::vector<int> claims;
  if (start_on_claimed_ports(
          1,
          [&](std::span<const std::uint16_t> ports) {
            port_ = ports[0];
            return launch();
          },
          claims)) {
    claim_fd_ = claims[0];
    return;
  }
  throw std::runtime_error("redis-server did not start on any of 50 ports:\n" + log());
}

RedisServer::~RedisServer() {
  if (pid_ > 0) kill();
  if (claim_fd_ >= 0) ::close(claim_fd_);
  (void)std::system(("rm -rf '" + dir_ + "'").c_str());
}

std::string RedisServer::url(int db) const {
  return "redis://127.0.0.1:" + std::to_string(port_) + "/" + std::to_string(db);
}

std::string RedisServer::role() const {
  const auto r = command({"ROLE"});
  return r.elements.empty() ? std::string() : r.elements.front().str;
}

std::string RedisServer::log() const {
  std::ifstream in(dir_ + "/redis.log");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool RedisServer::launch() {
  std::vector<std::string> argv{"redis-server",
                                "--port",
                                std::to_string(port_),
                                "--bind",
                                "127.0.0.1",
                                "--dir",
                                dir_,
                                "--save",
                                "",
                                "--appendonly",
                                options_.appendonly ? "yes" : "no",
                                "--appendfsync",
                                options_.appendfsync,
                                "--daemonize",
                                "no",
                                "--logfile",
                                dir_ + "/redis.log"};
  if (options_.replica_of != 0)
    argv.insert(argv.end(), {"--replicaof", "127.0.0.1", std::to_string(options_.replica_of)});
  if (!options_.password.empty())
    argv.insert(argv.end(), {"--requirepass", options_.password, "--masterauth", options_.password});
  argv.insert(argv.end(), options_.extra.begin(), options_.extra.end());
  if (!options_.config_file.empty()) argv.insert(argv.begin() + 1, options_.config_file);
  const auto log_start = log().size();  // a restart appends to the log of the runs before
  pid_ = spawn(std::move(argv), {});
  paused_ = false;
  // Ready when its own log says so: a PING alone could be answered by whatever else listens on
  // the port while this redis-server is still failing to bind it.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return false;  // most likely the port was taken
    }
    if (log().find("Ready to accept connections", log_start) != std::string::npos) {
      try {
        const auto pong = command({"PING"}, std::chrono::seconds(5));
        // A server with a password answers NOAUTH: it is up all the same.
        if (pong.str == "PONG" || pong.str.starts_with("NOAUTH")) return true;
      } catch (const std::exception&) {
        // ready a moment ago: the next round tells whether it died
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  kill();
  throw std::runtime_error("redis-server was not ready within 60 s:\n" + log());
}

void RedisServer::kill() {
  kill_and_reap(pid_);
  paused_ = false;
}

void RedisServer::start() {
  if (pid_ > 0) return;
  if (!launch())
    throw std::runtime_error("redis-server could not bind port " + std::to_string(port_) + " again:\n" + log());
}

void RedisServer::pause() {
  if (pid_ > 0 && !paused_) {
    ::kill(pid_, SIGSTOP);
    paused_ = true;
  }
}

void RedisServer::resume() {
  if (pid_ > 0 && paused_) {
    ::kill(pid_, SIGCONT);
    paused_ = false;
  }
}

SyncReply RedisServer::command(const std::vector<std::string>& args, std::chrono::milliseconds timeout) const {
  return redis_command(port_, args, timeout, options_.password);
}

SyncReply redis_command(std::uint16_t port, const std::vector<std::string>& args, std::chrono::milliseconds timeout,
                        const std::string& password) {
  timeval tv{static_cast<time_t>(timeout.count() / 1000), static_cast<suseconds_t>((timeout.count() % 1000) * 1000)};
  redisContext* c = redisConnectWithTimeout("127.0.0.1", port, tv);
  if (c == nullptr || c->err) {
    const std::string why = c ? c->errstr : "out of memory";
    if (c) redisFree(c);
    throw std::runtime_error("redis 127.0.0.1:" + std::to_string(port) + ": " + why);
  }
  redisSetTimeout(c, tv);
  auto run = [&](const std::vector<std::string>& command) {
    std::vector<const char*> argv;
    std::vector<std::size_t> lengths;
    for (const auto& a : command) {
      argv.push_back(a.data());
      lengths.push_back(a.size());
    }
    auto* r = static_cast<redisReply*>(redisCommandArgv(c, static_cast<int>(argv.size()), argv.data(), lengths.data()));
    if (r == nullptr) {
      const std::string why = c->errstr;
      redisFree(c);
      throw std::runtime_error("redis 127.0.0.1:" + std::to_string(port) + ": " + why);
    }
    SyncReply out = redis::from_hiredis(*r);
    freeReplyObject(r);
    return out;
  };
  if (!password.empty()) (void)run({"AUTH", password});
  SyncReply out = run(args);
  redisFree(c);
  return out;
}

}  // namespace lodestone::testing
