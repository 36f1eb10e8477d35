#pragma once
// The daemon's side of who may do what (#17), so daemon.cpp stays a few lines: the users file read
// at start (a bad file stops the start, with file:line:column) and on SIGHUP (a bad file keeps the
// running users, and the log says why), the legacy api_token, the audit log (the Redis stream
// with Redis, else the `audit:` file, else audit.log next to the users file), and the /metrics
// families of both.
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "lodestone/app/config.hpp"
#include "lodestone/auth/access_control.hpp"
#include "lodestone/core/clock.hpp"
#include "lodestone/net/net.hpp"
#include "lodestone/redis/client.hpp"

namespace lodestone::redis {
class AuditLog;
}

namespace lodestone::app {

// Where the audit log goes without Redis: the `audit:` path, else audit.log beside the users
// file, else "" (no log).
std::string audit_file_path(const Config& config);

// The users file the configuration names, read and checked (for `check-config`): the number of
// users, or the error (file:line:column). 0 when no users file is configured.
Result<std::size_t> check_users_file(const Config& config);

class AccessLink {
 public:
  static Result<std::unique_ptr<AccessLink>> create(const Config& config, const Clock& clock,
                                                    net::any_io_executor executor,
                                                    const std::optional<redis::ClientOptions>& redis,
                                                    prometheus::Registry& metrics);
  ~AccessLink();
  AccessLink(const AccessLink&) = delete;
  AccessLink& operator=(const AccessLink&) = delete;

  auth::AccessControl& control() { return control_; }
  // SIGHUP: the users file again. On an error the running users stay; the error says where.
  Status reload();
  void update_metrics();  // before /metrics is rendered

 private:
  AccessLink(const Config& config, const Clock& clock, prometheus::Registry& metrics);
  Status load_users();

  std::string users_path_;
  auth::AccessControl control_;
  std::shared_ptr<redis::AuditLog> redis_audit_;
  std::mutex reload_mutex_;
  prometheus::Family<prometheus::Counter>& failures_;
  prometheus::Family<prometheus::Gauge>& users_;
  prometheus::Family<prometheus::Counter>& audit_written_;
  prometheus::Family<prometheus::Counter>& audit_dropped_;
  prometheus::Family<prometheus::Counter>& reload_errors_;
  std::uint64_t reload_error_count_ = 0;
};

}  // namespace lodestone::app
