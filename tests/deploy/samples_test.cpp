// Every sample configuration in deploy/ passes `lodestone check-config` as shipped (issue #16),
// and the layout behind HAProxy hangs together: compose runs the daemons' files deploy/haproxy
// holds, HAProxy's servers are their listen addresses, Prometheus scrapes each of them, the
// gateways have no feeds, and the drain delay outlasts HAProxy's health checks.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "lodestone/app/config.hpp"
#include "lodestone/app/universe.hpp"
#include "lodestone/rules/parser.hpp"

namespace {

namespace fs = std::filesystem;
using namespace lodestone;

const fs::path kSource{LODESTONE_SOURCE_DIR};
const fs::path kDeploy = kSource / "deploy";

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A Lodestone configuration, told from the other YAML in deploy/ (reference data, calendars,
// compose, Prometheus, Grafana) by its top-level keys.
bool is_lodestone_config(const fs::path& p) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(p.string());
  } catch (const YAML::Exception&) {
    return false;
  }
  if (!root.IsMap() || root["services"]) return false;
  for (const char* key : {"listen", "universe", "tape", "feeds", "websocket", "http", "redis", "instance"})
    if (root[key]) return true;
  return false;
}

std::set<std::string> sample_configs() {
  std::set<std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(kDeploy)) {
    if (!e.is_regular_file() || e.is_symlink()) continue;  // symlinks: data beside a sample
    const auto ext = e.path().extension();
    if ((ext == ".yaml" || ext == ".yml") && is_lodestone_config(e.path()))
      out.insert(fs::relative(e.path(), kSource).string());
  }
  return out;
}

struct Run {
  int status = -1;
  std::string output;
};

// `lodestone ARGS`, as an operator runs it: its exit status and what it printed.
Run lodestone(const std::string& args) {
  const std::string cmd = std::string(LODESTONE_BINARY_DIR) + "/daemon/lodestone " + args + " 2>&1";
  Run r;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (p == nullptr) return r;
  char buf[4096];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) r.output.append(buf, n);
  const int status = ::pclose(p);
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

TEST(DeploySamples, EverySampleConfigurationPassesCheckConfigAsShipped) {
  const auto samples = sample_configs();
  // The ones this test must find (a new sample is found by its keys, wherever it is).
  for (const char* known : {"deploy/lodestone.yaml", "deploy/systemd/lodestone.yaml", "deploy/haproxy/lodestone-1.yaml",
                            "deploy/haproxy/lodestone-2.yaml", "deploy/haproxy/lodestone-3.yaml"})
    EXPECT_TRUE(samples.count(known)) << known << " is not recognised as a sample configuration";
  for (const auto& sample : samples) {
    const auto r = lodestone("check-config " + (kSource / sample).string());
    EXPECT_EQ(r.status, 0) << sample << ":\n" << r.output;
    EXPECT_NE(r.output.find(": ok ("), std::string::npos) << sample << ":\n" << r.output;
    // The rules file it names is there and checks against its universe too.
    auto config = app::load_config((kSource / sample).string());
    if (!config || config->rules.empty()) continue;
    auto universe = app::load_universe(config->universe);
    ASSERT_TRUE(universe) << sample << ": " << universe.error().message;
    const auto diagnostics = rules::check_rules_file(config->rules, *universe);
    EXPECT_TRUE(diagnostics.empty()) << sample << ": " << rules::format(diagnostics);
  }
}

// HAProxy's address for each server, from haproxy.cfg's presetenv lines (LODESTONE_1 ...).
std::map<std::string, std::string> haproxy_defaults() {
  std::map<std::string, std::string> out;
  const std::string cfg = read_text(kDeploy / "haproxy/haproxy.cfg");
  static const std::regex line(R"(presetenv (LODESTONE_\w+) (\S+))");
  for (auto it = std::sregex_iterator(cfg.begin(), cfg.end(), line); it != std::sregex_iterator(); ++it)
    out[(*it)[1]] = (*it)[2];
  return out;
}

double seconds(const std::string& v) {
  if (v.ends_with("ms")) return std::stod(v.substr(0, v.size() - 2)) / 1000;
  if (v.ends_with("s")) return std::stod(v.substr(0, v.size() - 1));
  return std::stod(v) / 1000;  // HAProxy's default unit
}

TEST(DeploySamples, ComposeRunsTheDaemonsHaproxyAndPrometheusOfDeployHaproxy) {
  const auto compose = YAML::LoadFile((kDeploy / "docker/compose.yaml").string());
  const auto services = compose["services"];
  for (const char* s : {"redis-1", "redis-2", "sentinel-1", "sentinel-2", "sentinel-3", "lodestone-1", "lodestone-2",
                        "lodestone-3", "haproxy", "prometheus"})
    EXPECT_TRUE(services[s]) << s;
  const std::string dockerfile = read_text(kDeploy / "docker/Dockerfile");
  const auto presets = haproxy_defaults();
  const auto prometheus = YAML::LoadFile((kDeploy / "haproxy/prometheus.yml").string());
  std::set<std::string> scraped;
  for (const auto& t : prometheus["scrape_configs"][0]["static_configs"][0]["targets"])
    scraped.insert(t.as<std::string>());
  std::set<std::string> sentinel_ports;
  for (int n = 1; n <= 3; ++n) {
    const std::string cmd = services["sentinel-" + std::to_string(n)]["command"][0].as<std::string>();
    std::smatch m;
    ASSERT_TRUE(std::regex_search(cmd, m, std::regex(R"(port (\d+))"))) << cmd;
    sentinel_ports.insert("127.0.0.1:" + m[1].str());
  }
  for (int n = 1; n <= 3; ++n) {
    const std::string name = "lodestone-" + std::to_string(n);
    const auto service = services[name];
    const std::string file = "/etc/lodestone/" + name + ".yaml";
    EXPECT_EQ(service["command"][2].as<std::string>(), file) << name;
    EXPECT_NE(dockerfile.find("deploy/haproxy/" + name + ".yaml"), std::string::npos) << "the image installs " << file;
    const auto config = YAML::LoadFile((kDeploy / "haproxy" / (name + ".yaml")).string());
    const std::string listen = config["listen"].as<std::string>();
    EXPECT_EQ(presets.at("LODESTONE_" + std::to_string(n)), listen) << "HAProxy's server " << name;
    EXPECT_TRUE(scraped.count(listen)) << "Prometheus scrapes " << listen;
    EXPECT_NE(service["healthcheck"]["test"][3].as<std::string>().find(listen), std::string::npos) << name;
    EXPECT_EQ(config["instance"].as<std::string>(), name);
    // One daemon with the feeds, the others gateways.
    EXPECT_EQ(config["tape"].as<std::string>(), "off") << name;
    EXPECT_EQ(config["feeds"].size() > 0, n == 1) << name;
    std::set<std::string> sentinels;
    for (const auto& s : config["redis"]["sentinels"]) sentinels.insert(s.as<std::string>());
    EXPECT_EQ(sentinels, sentinel_ports) << name << " asks the Sentinels compose runs";
    EXPECT_EQ(config["http"]["trusted_proxies"][0].as<std::string>(), "127.0.0.1") << "HAProxy, in the same namespace";
    // Draining outlasts HAProxy's checks: the first failed check within `inter`, the last of
    // `fall` failures `fastinter` apart, each allowed `timeout check`.
    const std::string cfg = read_text(kDeploy / "haproxy/haproxy.cfg");
    std::smatch inter, fastinter, fall, check;
    ASSERT_TRUE(std::regex_search(cfg, inter, std::regex(R"(default-server .*\binter (\S+))")));
    ASSERT_TRUE(std::regex_search(cfg, fastinter, std::regex(R"(default-server .*\bfastinter (\S+))")));
    ASSERT_TRUE(std::regex_search(cfg, fall, std::regex(R"(default-server .*\bfall (\d+))")));
    ASSERT_TRUE(std::regex_search(cfg, check, std::regex(R"(timeout check (\S+))")));
    const double out_after =
        seconds(inter[1]) + (std::stoi(fall[1]) - 1) * seconds(fastinter[1]) + seconds(check[1]) / 2;
    EXPECT_GT(seconds(config["http"]["drain_delay"].as<std::string>()), out_after) << name;
  }
  // HAProxy runs the shipped file; its frontend is the published port.
  bool mounted = false;
  for (const auto& v : services["haproxy"]["volumes"])
    mounted = mounted || v.as<std::string>() == "../haproxy/haproxy.cfg:/usr/local/etc/haproxy/haproxy.cfg:ro";
  EXPECT_TRUE(mounted);
  EXPECT_EQ(services["haproxy"]["environment"]["LODESTONE_FRONTEND"].as<std::string>(), "0.0.0.0:8080");
  EXPECT_EQ(services["netns"]["ports"][0].as<std::string>(), "127.0.0.1:8080:8080") << "only to the host's loopback";
}

}  // namespace
