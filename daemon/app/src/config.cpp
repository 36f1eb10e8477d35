#include "lodestone/app/config.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>

#include "lodestone/core/time.hpp"
#include "lodestone/core/try.hpp"
#include "lodestone/net/net.hpp"
#include "lodestone/redis/url.hpp"

#ifndef LODESTONE_DATA_DIR
#error "LODESTONE_DATA_DIR must name the directory that holds deploy/ and feeds/tapes/"
#endif

namespace lodestone::app {
namespace {

std::string where(const std::string& file, const YAML::Node& node) {
  const auto mark = node.Mark();
  return file + ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
}

struct Reader {
  const std::string& file;
  std::filesystem::path base;  // relative paths resolve against the config file's folder

  Error error(const YAML::Node& node, const std::string& what) const {
    return make_error(ErrorCode::bad_config, where(file, node) + ": " + what);
  }

  Status keys(const YAML::Node& map, const std::set<std::string>& allowed, const std::string& section) const {
    if (!map.IsMap()) return error(map, section + " must be a mapping");
    for (const auto& kv : map) {
      const auto key = kv.first.as<std::string>();
      if (!allowed.contains(key)) {
        std::string list;
        for (const auto& k : allowed) list += (list.empty() ? "" : ", ") + k;
        return error(kv.first, "unknown key '" + key + "' in " + section + " (expected one of: " + list + ")");
      }
    }
    return {};
  }

  Result<std::string> string(const YAML::Node& n, const std::string& key) const {
    if (!n.IsScalar()) return error(n, key + " must be a string");
    return n.as<std::string>();
  }
  Result<std::string> path(const YAML::Node& n, const std::string& key) const {
    auto s = string(n, key);
    if (!s || s->empty()) return s;
    std::filesystem::path p(*s);
    return p.is_absolute() ? *s : (base / p).lexically_normal().string();
  }
  Result<std::int64_t> integer(const YAML::Node& n, const std::string& key, std::int64_t min, std::int64_t max) const {
    std::int64_t v = 0;
    if (!n.IsScalar() || !YAML::convert<std::int64_t>::decode(n, v)) return error(n, key + " must be an integer");
    if (v < min || v > max)
      return error(n, key + " must be between " + std::to_string(min) + " and " + std::to_string(max));
    return v;
  }
  Result<bool> boolean(const YAML::Node& n, const std::string& key) const {
    bool v = false;
    if (!n.IsScalar() || !YAML::convert<bool>::decode(n, v)) return error(n, key + " must be true or false");
    return v;
  }
  Result<std::int64_t> duration(const YAML::Node& n, const std::string& key) const {
    if (!n.IsScalar()) return error(n, key + " must be a duration such as 250ms, 30s, 15m");
    auto d = parse_duration_ms(n.as<std::string>());
    if (!d) return error(n, key + ": " + d.error().message);
    return d;
  }
  Result<std::int64_t> size(const YAML::Node& n, const std::string& key) const {
    if (!n.IsScalar()) return error(n, key + " must be a size such as 65536, 64KiB or 4MiB");
    const auto text = n.as<std::string>();
    std::size_t i = 0;
    std::int64_t v = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9' && v < (1LL << 40)) v = v * 10 + (text[i++] - '0');
    const auto unit = text.substr(i);
    if (i == 0) return error(n, key + " must be a size such as 65536, 64KiB or 4MiB");
    if (unit.empty() || unit == "B") return v;
    if (unit == "KiB") return v * 1024;
    if (unit == "MiB") return v * 1024 * 1024;
    return error(n, key + ": unit must be B, KiB or MiB");
  }

  // map[key], when present: read, checked against [min, max] (said as `range` when outside) and
  // stored in `field`; absent, the field keeps its default.
  template <class T>
  Status integer_at(const YAML::Node& map, const char* key, std::int64_t min, std::int64_t max, T& field) const {
    return store(map, key, field, [&](const YAML::Node& n) { return integer(n, key, min, max); });
  }
  template <class T>
  Status duration_at(const YAML::Node& map, const char* key, T& field, std::int64_t min = 0,
                     std::int64_t max = INT64_MAX, const char* range = "") const {
    return store(
        map, key, field, [&](const YAML::Node& n) { return duration(n, key); }, min, max, range);
  }
  template <class T>
  Status size_at(const YAML::Node& map, const char* key, T& field) const {
    return store(map, key, field, [&](const YAML::Node& n) { return size(n, key); });
  }

 private:
  template <class T, class Read>
  Status store(const YAML::Node& map, const char* key, T& field, Read&& read, std::int64_t min = INT64_MIN,
               std::int64_t max = INT64_MAX, const char* range = "") const {
    const YAML::Node n = map[key];
    if (!n) return {};
    const Result<std::int64_t> v = read(n);
    if (!v) return v.error();
    if (*v < min || *v > max) return error(n, std::string(key) + " must be " + range);
    field = static_cast<T>(*v);
    return {};
  }
};

Status read_websocket(const Reader& r, const YAML::Node& ws, web::ServerOptions& s) {
  if (auto st =
          r.keys(ws,
                 {"quote_interval", "max_queue", "send_buffer", "max_message", "idle_timeout", "heartbeat",
                  "max_connections", "request_timeout", "max_request_body", "max_connections_per_ip", "max_header_size",
                  "client_message_rate", "client_message_burst", "close_timeout", "resume_grace"},
                 "websocket");
      !st)
    return st;
  if (auto st = r.duration_at(ws, "quote_interval", s.quote_interval_ms); !st) return st;
  if (auto st = r.integer_at(ws, "max_queue", 16, 10'000'000, s.max_queue); !st) return st;
  if (ws["send_buffer"]) {  // 0: the kernel's autotuning decides (not bounded by Lodestone)
    LODESTONE_TRY(v, r.size(ws["send_buffer"], "send_buffer"));
    if (*v != 0 && (*v < 4096 || *v > std::int64_t{64} * 1024 * 1024))
      return r.error(ws["send_buffer"], "send_buffer must be 0 (the kernel decides) or between 4KiB and 64MiB");
    s.send_buffer_bytes = static_cast<std::size_t>(*v);
  }
  if (auto st = r.size_at(ws, "max_message", s.max_message_bytes); !st) return st;
  if (auto st = r.size_at(ws, "max_request_body", s.max_request_body); !st) return st;
  if (auto st = r.duration_at(ws, "idle_timeout", s.idle_timeout_ms); !st) return st;
  if (ws["heartbeat"]) {
    LODESTONE_TRY(v, r.duration(ws["heartbeat"], "heartbeat"));
    s.heartbeat_ms = std::max<std::int64_t>(*v, 100);
  }
  if (auto st = r.duration_at(ws, "request_timeout", s.request_timeout_ms); !st) return st;
  if (auto st = r.integer_at(ws, "max_connections", 1, 1'000'000, s.max_connections); !st) return st;
  if (auto st = r.integer_at(ws, "max_connections_per_ip", 1, 1'000'000, s.max_connections_per_ip); !st) return st;
  if (auto st = r.size_at(ws, "max_header_size", s.max_header_bytes); !st) return st;
  // messages a second, per connection
  if (auto st = r.integer_at(ws, "client_message_rate", 1, 100'000, s.client_messages_per_second); !st) return st;
  if (auto st = r.integer_at(ws, "client_message_burst", 1, 1'000'000, s.client_message_burst); !st) return st;
  if (auto st = r.duration_at(ws, "close_timeout", s.ws_close_timeout_ms); !st) return st;
  if (auto st = r.duration_at(ws, "resume_grace", s.resume_grace_ms); !st) return st;
  return {};
}

// A list of strings under `key`, each checked by `valid` (which says what is wrong, or "").
Status read_list(const Reader& r, const YAML::Node& n, const std::string& key, const std::string& example,
                 const std::function<std::string(const std::string&)>& valid, std::vector<std::string>& out) {
  if (!n.IsSequence()) return r.error(n, key + " must be a list such as " + example);
  out.clear();
  for (const auto& item : n) {
    LODESTONE_TRY(v, r.string(item, key));
    if (v->empty()) return r.error(item, key + ": an entry must not be empty");
    if (std::string why = valid(*v); !why.empty()) return r.error(item, key + ": " + why);
    out.push_back(*v);
  }
  return {};
}

// A proxy's address or block: 10.0.0.1, 10.0.0.0/8, ::1, fd00::/8.
std::string proxy_address_problem(const std::string& text) {
  const auto slash = text.find('/');
  boost::system::error_code ec;
  const auto address = net::ip::make_address(text.substr(0, slash), ec);
  if (ec) return "'" + text + "' is not an IP address or CIDR block such as 10.0.0.0/8";
  if (slash == std::string::npos) return {};
  const std::string bits = text.substr(slash + 1);
  const int max = address.is_v4() ? 32 : 128;
  int n = -1;
  if (!bits.empty() && bits.size() <= 3 &&
      std::all_of(bits.begin(), bits.end(), [](unsigned char ch) { return std::isdigit(ch) != 0; }))
    n = std::stoi(bits);
  if (n < 0 || n > max) return "'" + text + "': the prefix length must be 0 to " + std::to_string(max);
  return {};
}

// http: who may reach the listener and how (allowed_hosts, trusted_proxies, proxy_protocol, tls).
Status read_http(const Reader& r, const YAML::Node& http, web::ServerOptions& s) {
  if (auto st = r.keys(http, {"allowed_hosts", "trusted_proxies", "proxy_protocol", "drain_delay", "tls"}, "http"); !st)
    return st;
  if (const auto& hosts = http["allowed_hosts"]) {
    auto no_scheme = [](const std::string& h) -> std::string {
      return h.find('/') == std::string::npos ? "" : "'" + h + "' must be a host name (desk.example or desk:8080)";
    };
    if (auto st = read_list(r, hosts, "allowed_hosts", "[desk.example, desk.example:8080]", no_scheme, s.allowed_hosts);
        !st)
      return st;
  }
  if (const auto& proxies = http["trusted_proxies"]) {
    if (auto st = read_list(r, proxies, "trusted_proxies", "[127.0.0.1, 10.0.0.0/8]", proxy_address_problem,
                            s.trusted_proxies);
        !st)
      return st;
  }
  if (http["proxy_protocol"]) {
    LODESTONE_TRY(v, r.boolean(http["proxy_protocol"], "proxy_protocol"));
    s.proxy_protocol = *v;
    if (s.proxy_protocol && s.trusted_proxies.empty())
      return r.error(http["proxy_protocol"], "proxy_protocol needs trusted_proxies: whose PROXY header to believe");
  }
  // Behind a balancer: long enough for its health check to see /readyz fail (deploy/README.md).
  if (auto st = r.duration_at(http, "drain_delay", s.drain_delay_ms, 0, 60'000, "between 0s and 60s"); !st) return st;
  if (const auto& tls = http["tls"]) {
    if (auto st = r.keys(tls, {"cert", "key"}, "http.tls"); !st) return st;
    if (!tls["cert"] || !tls["key"]) return r.error(tls, "http.tls needs both cert and key (PEM files)");
    LODESTONE_TRY(cert, r.path(tls["cert"], "cert"));
    LODESTONE_TRY(key, r.path(tls["key"], "key"));
    s.tls_cert = *cert;
    s.tls_key = *key;
  }
  return {};
}

// A password from the environment variable the file names (`key`: password_env or
// sentinel_password_env): the file never holds it, and a variable missing is a startup error.
Status read_password_env(const Reader& r, const YAML::Node& redis, const char* key, std::string& password) {
  const YAML::Node n = redis[key];
  if (!n) return {};
  LODESTONE_TRY(name, r.string(n, key));
  if (name->empty()) return r.error(n, std::string(key) + " must name an environment variable");
  const char* value = std::getenv(name->c_str());  // NOLINT(concurrency-mt-unsafe): config load, before any thread
  if (value == nullptr || *value == '\0')
    return r.error(n, std::string(key) + ": the environment variable " + *name + " is not set (or empty)");
  password = value;
  return {};
}

// redis.sentinels and redis.master as the URL the daemon reads: redis-sentinel://a:1,b:2#master.
Status read_sentinels(const Reader& r, const YAML::Node& redis, Config& c) {
  const YAML::Node list = redis["sentinels"];
  if (!list.IsSequence() || list.size() == 0)
    return r.error(list, "sentinels must be a list of host:port (e.g. [127.0.0.1:26379, 127.0.0.1:26380])");
  if (!redis["master"])
    return r.error(list, "sentinels need master: the master's name in the Sentinels' configuration");
  LODESTONE_TRY(master, r.string(redis["master"], "master"));
  if (master->empty() || master->find_first_of(" #/@,") != std::string::npos)
    return r.error(redis["master"], "master must be a Sentinel master name (no spaces, '#', '/', '@' or ',')");
  std::string hosts;
  for (const auto& item : list) {
    LODESTONE_TRY(address, r.string(item, "sentinels entry"));
    if (address->empty() || address->find_first_of("/@,#?") != std::string::npos)
      return r.error(item, "sentinels entry '" + *address + "' must be host:port");
    if (auto one = redis::parse_url("redis-sentinel://" + *address + "#" + *master); !one)
      return r.error(item, one.error().message);
    hosts += (hosts.empty() ? "" : ",") + *address;
  }
  c.redis = "redis-sentinel://" + hosts + "#" + *master;
  return {};
}

// redis: redis://host:port/db, or a map with the URL (or the Sentinels and the master's name),
// the passwords' environment variables, WAIT and the buffer, retention and timeout sizes.
Status read_redis(const Reader& r, const YAML::Node& redis, Config& c) {
  if (redis.IsScalar()) {
    LODESTONE_TRY(v, r.string(redis, "redis"));
    c.redis = *v;
    return {};
  }
  if (!redis.IsMap()) return r.error(redis, "redis must be a URL (redis://host:port/db) or a mapping with a url");
  if (auto st = r.keys(redis,
                       {"url", "sentinels", "master", "password_env", "sentinel_password_env", "wait_replicas",
                        "wait_timeout", "max_buffered", "max_buffered_events", "stream_maxlen", "command_timeout",
                        "backoff_max", "journal", "shutdown_flush"},
                       "redis");
      !st)
    return st;
  if (redis["url"] && redis["sentinels"])
    return r.error(redis["sentinels"], "redis takes either a url or sentinels with master, not both");
  if (redis["sentinels"]) {
    if (auto st = read_sentinels(r, redis, c); !st) return st;
  } else {
    if (redis["master"]) return r.error(redis["master"], "master goes with sentinels (the Sentinels to ask for it)");
    if (!redis["url"]) return r.error(redis, "redis needs a url (redis://host:port/db)");
    LODESTONE_TRY(url, r.string(redis["url"], "url"));
    if (url->empty()) return r.error(redis["url"], "url must not be empty");
    c.redis = *url;
  }
  auto& t = c.redis_tuning;
  if (redis["sentinel_password_env"] && !redis["sentinels"])
    return r.error(redis["sentinel_password_env"], "sentinel_password_env goes with sentinels");
  if (auto st = read_password_env(r, redis, "password_env", t.password); !st) return st;
  if (auto st = read_password_env(r, redis, "sentinel_password_env", t.sentinel_password); !st) return st;
  if (auto st = r.integer_at(redis, "wait_replicas", 0, 100, t.wait_replicas); !st) return st;
  if (auto st = r.duration_at(redis, "wait_timeout", t.wait_timeout_ms, 10, 60'000, "between 10ms and 60s"); !st)
    return st;
  if (redis["wait_timeout"] && t.wait_replicas == 0)
    return r.error(redis["wait_timeout"], "wait_timeout goes with wait_replicas (how many replicas to WAIT for)");
  if (auto st = r.integer_at(redis, "max_buffered", 1, 10'000'000, t.max_buffered); !st) return st;
  if (auto st = r.integer_at(redis, "max_buffered_events", 1, 100'000'000, t.max_buffered_events); !st) return st;
  if (auto st = r.integer_at(redis, "stream_maxlen", 100, 1'000'000'000, t.stream_maxlen); !st) return st;
  if (auto st = r.duration_at(redis, "command_timeout", t.command_timeout_ms, 100, 600'000, "between 100ms and 10m");
      !st)
    return st;
  if (auto st = r.duration_at(redis, "backoff_max", t.backoff_max_ms, 100, 600'000, "between 100ms and 10m"); !st)
    return st;
  if (auto st = r.duration_at(redis, "journal", t.journal_ms, 3'600'000, INT64_MAX,
                              "at least 1h (a rule's window reaches back)");
      !st)
    return st;
  if (auto st = r.duration_at(redis, "shutdown_flush", t.shutdown_flush_ms, 100, 60'000, "between 100ms and 60s"); !st)
    return st;
  return {};
}

Result<Config> read(const YAML::Node& root, const std::string& file) {
  Config c = default_config();
  c.source = file;
  if (!root || root.IsNull()) return c;
  const Reader r{file, std::filesystem::path(file).parent_path()};
  if (auto st = r.keys(root, {"listen",          "threads",  "log_level", "api_token", "token_for_read",
                              "allowed_origins", "web_root", "universe",  "rules",     "calendar",
                              "redis",           "tape",     "feeds",     "websocket", "alerts",
                              "instance",        "notify",   "http",      "users",     "audit"},
                       "the configuration");
      !st)
    return st.error();
  if (root["listen"]) {
    LODESTONE_TRY(v, r.string(root["listen"], "listen"));
    if (auto st = parse_listen(*v, c.server); !st) return r.error(root["listen"], st.error().message);
  }
  if (root["threads"]) {
    LODESTONE_TRY(v, r.integer(root["threads"], "threads", 1, 64));
    c.threads = static_cast<int>(*v);
    c.server.io_threads = c.threads;
  }
  if (root["log_level"]) {
    LODESTONE_TRY(v, r.string(root["log_level"], "log_level"));
    static const std::set<std::string> kLevels{"trace", "debug", "info", "warn", "error", "critical", "off"};
    if (!kLevels.contains(*v))
      return r.error(root["log_level"], "log_level must be trace, debug, info, warn, error, critical or off");
    c.log_level = *v;
  }
  if (root["api_token"]) {
    LODESTONE_TRY(v, r.string(root["api_token"], "api_token"));
    c.server.api_token = *v;
  }
  if (root["token_for_read"]) {
    LODESTONE_TRY(v, r.boolean(root["token_for_read"], "token_for_read"));
    c.server.token_for_read = *v;
  }
  if (const auto& origins = root["allowed_origins"]) {
    if (!origins.IsSequence())
      return r.error(origins, "allowed_origins must be a list of origins such as http://desk:8080");
    for (const auto& o : origins) {
      LODESTONE_TRY(v, r.string(o, "an allowed origin"));
      c.server.allowed_origins.push_back(*v);
    }
  }
  if (root["instance"]) {
    LODESTONE_TRY(v, r.string(root["instance"], "instance"));
    c.server.instance = *v;
  }
  for (auto [key, slot] :
       {std::pair{"web_root", &c.server.web_root}, std::pair{"universe", &c.universe}, std::pair{"rules", &c.rules},
        std::pair{"calendar", &c.calendar}, std::pair{"users", &c.users}, std::pair{"audit", &c.audit}}) {
    if (root[key]) {
      LODESTONE_TRY(v, r.path(root[key], key));
      *slot = *v;
    }
  }
  if (const auto& redis = root["redis"]) {
    if (auto st = read_redis(r, redis, c); !st) return st.error();
  }
  if (const auto& http = root["http"]) {
    if (auto st = read_http(r, http, c.server); !st) return st.error();
  }
  if (const auto& notify = root["notify"]) {
    auto n = notify::read_notify_config(notify, file);
    if (!n) return n.error();
    c.notify = std::move(*n);
  }
  if (const auto& tape = root["tape"]) {
    if (tape.IsNull() || (tape.IsScalar() && tape.as<std::string>() == "off")) {
      c.tape.reset();
    } else {
      if (auto st = r.keys(tape, {"path", "speed", "loop"}, "tape"); !st) return st.error();
      TapeConfig t;
      if (!tape["path"]) return r.error(tape, "tape needs a path");
      LODESTONE_TRY(p, r.path(tape["path"], "path"));
      t.path = *p;
      if (tape["speed"]) {
        double speed = 0;
        if (!YAML::convert<double>::decode(tape["speed"], speed) || speed < 0 || speed > 1e6)
          return r.error(tape["speed"], "speed must be a number from 0 (as fast as possible) to 1000000");
        t.speed = speed;
      }
      if (tape["loop"]) {
        LODESTONE_TRY(v, r.boolean(tape["loop"], "loop"));
        t.loop = *v;
      }
      c.tape = t;
    }
  }
  if (const auto& feeds = root["feeds"]) {
    if (!feeds.IsSequence()) return r.error(feeds, "feeds must be a list of feed entries");
    auto parsed = feeds::parse_feed_configs(feeds);
    if (!parsed) return make_error(ErrorCode::bad_config, file + ": " + parsed.error().message);
    c.feeds = std::move(*parsed);
    for (auto& f : c.feeds) {
      // A replay entry's path is relative to this file, like every other path here.
      if (f.kind == feeds::FeedKind::Replay && !f.url.empty() && !std::filesystem::path(f.url).is_absolute())
        f.url = (r.base / f.url).lexically_normal().string();
    }
  }
  if (const auto& ws = root["websocket"]) {
    if (auto st = read_websocket(r, ws, c.server); !st) return st.error();
  }
  if (const auto& alerts = root["alerts"]) {
    if (auto st = r.keys(alerts, {"retention", "news_retention"}, "alerts"); !st) return st.error();
    if (auto st = r.integer_at(alerts, "retention", 100, 100'000'000, c.alert_retention); !st) return st.error();
    if (auto st = r.integer_at(alerts, "news_retention", 10, 10'000'000, c.news_retention); !st) return st.error();
  }
  if (c.redis_tuning.stream_maxlen && c.redis_tuning.stream_maxlen < c.alert_retention)
    return r.error(root["redis"]["stream_maxlen"], "stream_maxlen (" + std::to_string(c.redis_tuning.stream_maxlen) +
                                                       ") must be at least alerts.retention (" +
                                                       std::to_string(c.alert_retention) +
                                                       "): a restart reloads the retained alerts from the stream");
  return c;
}

}  // namespace

Config default_config() {
  Config c;
  const std::filesystem::path data(LODESTONE_DATA_DIR);
  c.universe = (data / "deploy/universe.yaml").string();
  c.rules = (data / "rules/packs/rare-earth.yaml").string();
  c.tape = TapeConfig{(data / "feeds/tapes/rare-earth-2026-02.ndjson").string(), 60.0, true};
#ifdef LODESTONE_WEB_DIST
  c.server.web_root = LODESTONE_WEB_DIST;
#endif
  c.server.instance = "lodestone";
  return c;
}

Status parse_listen(const std::string& text, web::ServerOptions& out) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos || colon + 1 >= text.size())
    return make_error(ErrorCode::bad_config, "listen '" + text + "' must be HOST:PORT, e.g. 127.0.0.1:8080");
  std::string host = text.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  int port = 0;
  for (std::size_t i = colon + 1; i < text.size(); ++i) {
    if (text[i] < '0' || text[i] > '9' || port > 65535)
      return make_error(ErrorCode::bad_config, "listen '" + text + "': bad port");
    port = port * 10 + (text[i] - '0');
  }
  if (port > 65535 || host.empty())
    return make_error(ErrorCode::bad_config, "listen '" + text + "' must be HOST:PORT, e.g. 127.0.0.1:8080");
  out.host = host;
  out.port = static_cast<std::uint16_t>(port);
  return {};
}

Result<Config> parse_config(const std::string& text, const std::string& file_name) {
  try {
    return read(YAML::Load(text), file_name);
  } catch (const YAML::Exception& e) {
    return make_error(ErrorCode::bad_config, file_name + ":" + std::to_string(e.mark.line + 1) + ":" +
                                                 std::to_string(e.mark.column + 1) + ": " + e.msg);
  }
}

Result<Config> load_config(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(ErrorCode::io_error, path + ": cannot read the configuration file");
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_config(ss.str(), path);
}

}  // namespace lodestone::app
