#include "lodestone/testing/redis_server.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <hiredis/hiredis.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace lodestone::testing {
namespace {

std::uint16_t free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error("socket() failed");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    ::close(fd);
    throw std::runtime_error("cannot bind a loopback port");
  }
  ::close(fd);
  return ntohs(addr.sin_port);
}

SyncReply convert(const redisReply& r) {
  SyncReply out;
  switch (r.type) {
    case REDIS_REPLY_INTEGER:
      out.type = SyncReply::Type::Integer;
      out.integer = r.integer;
      break;
    case REDIS_REPLY_STRING:
      out.type = SyncReply::Type::String;
      break;
    case REDIS_REPLY_STATUS:
      out.type = SyncReply::Type::Status;
      break;
    case REDIS_REPLY_ERROR:
      out.type = SyncReply::Type::Error;
      break;
    case REDIS_REPLY_ARRAY:
      out.type = SyncReply::Type::Array;
      for (std::size_t i = 0; i < r.elements; ++i) out.elements.push_back(convert(*r.element[i]));
      break;
    default:
      break;
  }
  if (r.str != nullptr) out.str.assign(r.str, r.len);
  return out;
}

}  // namespace

void wait_a_little() { std::this_thread::sleep_for(std::chrono::milliseconds(5)); }

RedisServer::RedisServer(RedisServerOptions options) : options_(std::move(options)) {
  char tmpl[] = "/tmp/lodestone-redis-XXXXXX";
  if (::mkdtemp(tmpl) == nullptr) throw std::runtime_error("mkdtemp failed");
  dir_ = tmpl;
  // A port free a moment ago may be taken by the time redis binds it: try a few.
  for (int attempt = 0; attempt < 5; ++attempt) {
    port_ = free_port();
    if (launch()) return;
  }
  throw std::runtime_error("redis-server did not start on any of 5 ports:\n" + log());
}

RedisServer::~RedisServer() {
  if (pid_ > 0) kill();
  (void)std::system(("rm -rf '" + dir_ + "'").c_str());
}

std::string RedisServer::url(int db) const {
  return "redis://127.0.0.1:" + std::to_string(port_) + "/" + std::to_string(db);
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
  argv.insert(argv.end(), options_.extra.begin(), options_.extra.end());
  if (!options_.config_file.empty()) argv.insert(argv.begin() + 1, options_.config_file);
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    const int null = ::open("/dev/null", O_RDWR);
    ::dup2(null, 0);
    ::dup2(null, 1);
    std::vector<char*> cargv;
    for (auto& a : argv) cargv.push_back(a.data());
    cargv.push_back(nullptr);
    ::execvp(cargv[0], cargv.data());
    ::_exit(127);
  }
  paused_ = false;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return false;  // most likely the port was taken
    }
    try {
      const auto pong = command({"PING"}, std::chrono::milliseconds(200));
      // A server with a password answers NOAUTH: it is up all the same.
      if (pong.str == "PONG" || pong.str.starts_with("NOAUTH")) return true;
    } catch (const std::exception&) {
      // not listening yet
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  kill();
  throw std::runtime_error("redis-server did not answer PING within 20 s:\n" + log());
}

void RedisServer::kill() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
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
  timeval tv{static_cast<time_t>(timeout.count() / 1000), static_cast<suseconds_t>((timeout.count() % 1000) * 1000)};
  redisContext* c = redisConnectWithTimeout("127.0.0.1", port_, tv);
  if (c == nullptr || c->err) {
    const std::string why = c ? c->errstr : "out of memory";
    if (c) redisFree(c);
    throw std::runtime_error("redis 127.0.0.1:" + std::to_string(port_) + ": " + why);
  }
  redisSetTimeout(c, tv);
  std::vector<const char*> argv;
  std::vector<std::size_t> lengths;
  for (const auto& a : args) {
    argv.push_back(a.data());
    lengths.push_back(a.size());
  }
  auto* r = static_cast<redisReply*>(redisCommandArgv(c, static_cast<int>(argv.size()), argv.data(), lengths.data()));
  if (r == nullptr) {
    const std::string why = c->errstr;
    redisFree(c);
    throw std::runtime_error("redis 127.0.0.1:" + std::to_string(port_) + ": " + why);
  }
  SyncReply out = convert(*r);
  freeReplyObject(r);
  redisFree(c);
  return out;
}

}  // namespace lodestone::testing
