#pragma once
// The daemon's YAML configuration. Defaults serve the bundled replay out of the box; a bad file
// fails with file:line:column and what was expected.
#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "lodestone/core/result.hpp"
#include "lodestone/feeds/feed_config.hpp"
#include "lodestone/notify/notify_config.hpp"
#include "lodestone/web/server_options.hpp"

namespace lodestone::app {

struct TapeConfig {
  std::string path;
  double speed = 60.0;
  bool loop = true;
};

// The `redis:` section in its map form (the string form sets the URL alone). Sizes bound what
// waits in memory while Redis is away; past them writes are counted as dropped.
struct RedisTuning {
  std::size_t max_buffered = 10'000;           // alerts waiting for Redis
  std::size_t max_buffered_events = 100'000;   // journal events waiting for Redis
  std::size_t stream_maxlen = 0;               // alert stream MAXLEN ~ (0 = alerts.retention)
  std::int64_t command_timeout_ms = 3'000;     // a reply later than this drops the connection
  std::int64_t backoff_max_ms = 5'000;         // longest wait between reconnect attempts
  std::int64_t journal_ms = 96LL * 3'600'000;  // how far back the event journal reaches
  // At SIGTERM, how long what is still buffered may take to reach Redis before the daemon exits
  // naming what never did: part of the shutdown time systemd allows (TimeoutStopSec).
  std::int64_t shutdown_flush_ms = 2'000;
  // Acknowledged means replicated: after each alert append, WAIT for this many replicas (at most
  // wait_timeout_ms); an alert counts as stored only once they have it. 0: no WAIT (a failover
  // can lose what the master had not yet replicated; README, Guarantees).
  std::size_t wait_replicas = 0;
  std::int64_t wait_timeout_ms = 500;
  // Read at load from the environment variables redis.password_env and
  // redis.sentinel_password_env name (never from the file); "" = no AUTH.
  std::string password;
  std::string sentinel_password;
};

struct Config {
  std::string source;  // file the config came from ("" = built-in defaults)
  web::ServerOptions server;
  int threads = 2;
  std::string log_level = "info";
  std::string universe;  // reference data (YAML)
  std::string rules;     // rules file; "" = no rules
  // The exchanges' closures (deploy/calendar.yaml's format), read at start and on SIGHUP;
  // "" = the calendar built into the binary.
  std::string calendar;
  // redis://host:port/db, or redis-sentinel://host:port,host:port[/db]#master (the map form's
  // sentinels and master become this URL); "" = in-memory store
  std::string redis;
  RedisTuning redis_tuning;
  std::optional<TapeConfig> tape;
  std::vector<feeds::FeedConfig> feeds;   // live sources (and extra tapes), validated at load
  std::size_t alert_retention = 100'000;  // alerts kept for resume and history
  std::size_t news_retention = 5'000;
  std::size_t max_pending_events = 100'000;  // per pipeline, before quotes are shed
  notify::NotifyConfig notify;               // receivers and routes; none: alerts reach the page only
  // users: the users and roles file (`lodestone user add`), read at start and on SIGHUP; "" = only
  // the legacy api_token (an admin) authenticates.
  std::string users;
  // audit: the audit log file when the daemon runs without Redis (with Redis the audit log is a
  // stream); "" = next to the users file as audit.log, or none without users.
  std::string audit;
};

// Paths in the defaults point into the source tree the binary was built from.
Config default_config();
Result<Config> parse_config(const std::string& text, const std::string& file_name);
Result<Config> load_config(const std::string& path);
// "127.0.0.1:8080", "[::1]:0", "0.0.0.0:8080"
Status parse_listen(const std::string& text, web::ServerOptions& out);

}  // namespace lodestone::app
