#pragma once
// Shared by the ws_*/http_*/security_* reliability tests: a daemon started from a YAML snippet,
// raw HTTP with arbitrary headers, and what /proc says about the daemon.
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "lodestone/testing/daemon_process.hpp"
#include "lodestone/testing/policy_rules.hpp"
#include "lodestone/testing/prometheus_text.hpp"
#include "lodestone/testing/redis_server.hpp"  // eventually()
#include "lodestone/testing/temp_file.hpp"
#include "lodestone/testing/ws_client.hpp"

namespace lodestone::testing::reliability {

inline const std::string kToken = "reliability-token-5f0c9e";

// A daemon without a tape, on the wall clock, configured by `yaml` (appended to the basics).
class Daemon {
 public:
  explicit Daemon(const std::string& yaml = "", bool with_rules = false, bool with_token = true,
                  std::map<std::string, std::string> env = {}) {
    if (with_rules) rules_ = temp_file(kPolicyRules, "lodestone-rel");
    config_ = temp_file(std::string(yaml.find("tape:") == std::string::npos ? "tape: off\n" : "") +
                            "rules: " + (with_rules ? rules_ : std::string("\"\"")) +
                            "\nuniverse: " + source_path("deploy/universe.yaml") + "\n" + yaml,
                        "lodestone-rel");
    if (with_token) env["LODESTONE_API_TOKEN"] = kToken;
    process_ = std::make_unique<DaemonProcess>(std::vector<std::string>{"--config", config_}, env);
  }
  ~Daemon() {
    process_.reset();
    ::unlink(config_.c_str());
    if (!rules_.empty()) ::unlink(rules_.c_str());
  }
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;
  [[nodiscard]] std::uint16_t port() const { return process_->port(); }
  [[nodiscard]] pid_t pid() const { return process_->pid(); }
  [[nodiscard]] std::string log() const { return process_->log(); }
  int stop() { return process_->stop(); }

 private:
  std::string config_;
  std::string rules_;
  std::unique_ptr<DaemonProcess> process_;
};

struct RawHttp {
  unsigned status = 0;  // 0: no answer (closed, reset or timed out)
  std::string head;     // status line and headers
  std::string body;
  [[nodiscard]] std::string header(const std::string& name) const {
    std::istringstream in(head);
    std::string line;
    std::string lower_name = name;
    std::transform(lower_name.begin(), lower_name.end(), lower_name.begin(), ::tolower);
    while (std::getline(in, line)) {
      const auto colon = line.find(':');
      if (colon == std::string::npos) continue;
      std::string n = line.substr(0, colon);
      std::transform(n.begin(), n.end(), n.begin(), ::tolower);
      if (n != lower_name) continue;
      std::string v = line.substr(colon + 1);
      while (!v.empty() && (v.front() == ' ')) v.erase(0, 1);
      while (!v.empty() && (v.back() == '\r' || v.back() == ' ')) v.pop_back();
      return v;
    }
    return {};
  }
  [[nodiscard]] bool has_header(const std::string& name) const {
    return head.find("\r\n" + name + ":") != std::string::npos || [&] {
      std::string lower = head;
      std::string n = "\r\n" + name + ":";
      std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
      std::transform(n.begin(), n.end(), n.begin(), ::tolower);
      return lower.find(n) != std::string::npos;
    }();
  }
};

// Sends `request` as written (one connection, "Connection: close" is the caller's business) and
// reads one answer: the head, then Content-Length bytes of body. The default timeout only bounds
// a hang (the answer ends the wait; a loaded sanitizer build can take seconds).
inline RawHttp raw_http(std::uint16_t port, const std::string& request,
                        std::chrono::milliseconds timeout = std::chrono::seconds(30), const std::string& source = "") {
  RawHttp out;
  RawSocket s(port, source);
  if (!s.send_all(request, timeout)) return out;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::string data;
  std::size_t end = std::string::npos;
  while ((end = data.find("\r\n\r\n")) == std::string::npos) {
    if (s.peer_closed() || std::chrono::steady_clock::now() >= deadline) return out;
    data += s.read_some(std::chrono::milliseconds(100));
  }
  out.head = data.substr(0, end + 4);
  out.status = static_cast<unsigned>(std::atoi(out.head.c_str() + 9));
  out.body = data.substr(end + 4);
  const auto length = static_cast<std::size_t>(std::atoll(out.header("Content-Length").c_str()));
  while (out.body.size() < length && !s.peer_closed() && std::chrono::steady_clock::now() < deadline)
    out.body += s.read_some(std::chrono::milliseconds(100));
  return out;
}

inline std::string get_request(const std::string& target, const std::string& headers = "",
                               const std::string& method = "GET") {
  return method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" + headers + "\r\n";
}

// The value of an unlabelled sample in the Prometheus text, or -1.
inline double metric(const std::string& text, const std::string& name) { return metric_value(text, name).value_or(-1); }

inline std::size_t rss_kib(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmRSS:", 0) == 0) return static_cast<std::size_t>(std::atoll(line.c_str() + 6));
  return 0;
}

inline std::size_t open_fds(pid_t pid) {
  std::size_t n = 0;
  for (const auto& e : std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/fd")) {
    (void)e;
    ++n;
  }
  return n;
}

// Raises this process's soft descriptor limit towards `wanted` (at most the hard limit); the
// daemon started afterwards inherits it. Returns the soft limit now in force.
inline rlim_t raise_fd_limit(rlim_t wanted) {
  rlimit lim{};
  ::getrlimit(RLIMIT_NOFILE, &lim);
  if (lim.rlim_cur < wanted) {
    lim.rlim_cur = std::min(wanted, lim.rlim_max);
    ::setrlimit(RLIMIT_NOFILE, &lim);
    ::getrlimit(RLIMIT_NOFILE, &lim);
  }
  return lim.rlim_cur;
}

inline std::int64_t wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// A headline that fires kPolicyRules once; stamped a minute ago so it is current.
inline std::string policy_headline(int i, std::size_t body_bytes = 0) {
  return R"({"type":"news","id":"rel-)" + std::to_string(i) + R"(","ts":)" + std::to_string(wall_ms() - 60'000 + i) +
         R"(,"source":"test","title":"出口管制 )" + std::to_string(i) + R"(","body":")" + std::string(body_bytes, 'x') +
         R"("})";
}

inline double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const auto idx = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(idx, v.size() - 1)];
}

inline std::uint64_t seq_of(const std::string& alert) {
  const auto pos = alert.find(R"("seq":)");
  return pos == std::string::npos ? 0 : std::stoull(alert.substr(pos + 6));
}

}  // namespace lodestone::testing::reliability
