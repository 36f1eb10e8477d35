#include "lodestone/testing/haproxy_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

#include "child_process.hpp"
#include "lodestone/testing/daemon_process.hpp"  // source_path
#include "lodestone/testing/port_claim.hpp"
#include "lodestone/testing/redis_server.hpp"  // eventually
#include "lodestone/testing/ws_client.hpp"     // http_request

namespace lodestone::testing {
namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string trimmed(const std::string& line) {
  const auto first = line.find_first_not_of(" \t");
  return first == std::string::npos ? "" : line.substr(first);
}

// The shipped file with the changes a test run needs (haproxy_process.hpp); each change must
// find its line, so a reworded deploy file fails here instead of silently running something else.
std::string test_config(const HaproxyOptions& options) {
  std::istringstream in(read_file(source_path("deploy/haproxy/haproxy.cfg")));
  std::string out, line;
  int log = 0, user = 0, maxconn = 0, servers = 0;
  while (std::getline(in, line)) {
    const std::string t = trimmed(line);
    if (t.starts_with("log /dev/log")) {
      line = "    log stdout format raw local0 info";
      ++log;
    } else if (t.starts_with("user ") || t.starts_with("group ")) {
      line = "    # " + t + " (not in tests: they run unprivileged too)";
      ++user;
    } else if (t.starts_with("maxconn 60000")) {
      line = "    maxconn 4096";
      ++maxconn;
    } else if (t.starts_with("default-server ")) {
      if (options.send_proxy) line += " send-proxy";
      ++servers;
    }
    out += line + "\n";
  }
  if (log != 1 || user != 2 || maxconn != 1 || servers != 1)
    throw std::runtime_error("deploy/haproxy/haproxy.cfg no longer has the lines the test launcher adapts");
  return out;
}

}  // namespace

HaproxyProcess::HaproxyProcess(std::array<std::uint16_t, 3> daemons, HaproxyOptions options) {
  char tmpl[] = "/tmp/lodestone-haproxy-XXXXXX";
  if (::mkdtemp(tmpl) == nullptr) throw std::runtime_error("mkdtemp failed");
  dir_ = tmpl;
  config_ = dir_ + "/haproxy.cfg";
  std::ofstream(config_) << test_config(options);
  std::vector<int> claims;
  if (start_on_claimed_ports(
          2, [&](std::span<const std::uint16_t> ports) { return launch(ports[0], ports[1], daemons); }, claims)) {
    claims_[0] = claims[0];
    claims_[1] = claims[1];
    return;
  }
  const std::string why = log();
  (void)std::system(("rm -rf '" + dir_ + "'").c_str());
  throw std::runtime_error("haproxy did not start on any of 50 port pairs:\n" + why);
}

HaproxyProcess::~HaproxyProcess() {
  stop_child(pid_, std::chrono::seconds(10));  // SIGTERM, a hard stop: SIGUSR1 would wait for every WebSocket to end
  for (int c : claims_)
    if (c >= 0) ::close(c);
  (void)std::system(("rm -rf '" + dir_ + "'").c_str());
}

std::string HaproxyProcess::log() const { return read_file(dir_ + "/haproxy.log"); }

bool HaproxyProcess::launch(std::uint16_t front, std::uint16_t stats, const std::array<std::uint16_t, 3>& daemons) {
  const std::string log_file = dir_ + "/haproxy.log";
  std::vector<std::pair<std::string, std::string>> env{{"LODESTONE_FRONTEND", "127.0.0.1:" + std::to_string(front)},
                                                       {"LODESTONE_STATS", "127.0.0.1:" + std::to_string(stats)}};
  for (std::size_t i = 0; i < daemons.size(); ++i)
    env.emplace_back("LODESTONE_" + std::to_string(i + 1), "127.0.0.1:" + std::to_string(daemons[i]));
  std::vector<std::string> argv{"haproxy", "-db", "-f", config_};
  pid_ = spawn(std::move(argv), {log_file, true}, env);
  port_ = front;
  stats_port_ = stats;
  // Up when its stats page answers; gone at once when it could not bind (another port pair).
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return false;
    }
    try {
      if (http_request(stats_port_, http::verb::get, "/;csv").status == 200) return true;
    } catch (const std::exception&) {
      // not listening yet
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  kill_and_reap(pid_);
  throw std::runtime_error("haproxy's stats page did not answer within 30 s:\n" + log());
}

// The stats page's CSV, backend `lodestone`, one row per server: column name -> value.
std::map<std::string, std::map<std::string, std::string>> HaproxyProcess::stats_rows() const {
  std::string csv;
  try {
    csv = http_request(stats_port_, http::verb::get, "/;csv").body;
  } catch (const std::exception&) {
    return {};
  }
  auto split = [](const std::string& line) {
    std::vector<std::string> cells;
    std::stringstream ss(line);
    std::string cell;
    while (std::getline(ss, cell, ',')) cells.push_back(cell);
    return cells;
  };
  std::istringstream in(csv);
  std::string line;
  std::vector<std::string> header;
  std::map<std::string, std::map<std::string, std::string>> rows;
  while (std::getline(in, line)) {
    if (line.starts_with("# ")) {
      header = split(line.substr(2));
      continue;
    }
    const auto cells = split(line);
    if (cells.size() < 2 || cells[0] != "lodestone" || cells[1] == "BACKEND" || cells[1] == "FRONTEND") continue;
    auto& row = rows[cells[1]];
    for (std::size_t i = 0; i < cells.size() && i < header.size(); ++i) row[header[i]] = cells[i];
  }
  return rows;
}

std::map<std::string, std::string> HaproxyProcess::server_status() const {
  std::map<std::string, std::string> out;
  for (auto& [name, row] : stats_rows()) out[name] = row["status"];
  return out;
}

std::map<std::string, int> HaproxyProcess::server_sessions() const {
  std::map<std::string, int> out;
  for (auto& [name, row] : stats_rows()) out[name] = std::atoi(row["scur"].c_str());
  return out;
}

bool HaproxyProcess::wait_all_up(std::chrono::milliseconds timeout) {
  return eventually(
      [&] {
        const auto s = server_status();
        if (s.size() != 3) return false;
        for (const auto& [name, status] : s)
          if (status != "UP") return false;
        return true;
      },
      timeout);
}

}  // namespace lodestone::testing
