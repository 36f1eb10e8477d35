#include "lodestone/app/access_link.hpp"

#include <spdlog/spdlog.h>

#include <filesystem>

#include "lodestone/auth/file_audit_log.hpp"
#include "lodestone/auth/users_file.hpp"
#include "lodestone/redis/audit_log.hpp"

namespace lodestone::app {
namespace {

namespace pm = prometheus;

void set_counter(pm::Family<pm::Counter>& family, const pm::Labels& labels, double total) {
  auto& c = family.Add(labels);
  const double delta = total - c.Value();
  if (delta > 0) c.Increment(delta);
}

}  // namespace

std::string audit_file_path(const Config& config) {
  if (!config.audit.empty()) return config.audit;
  if (config.users.empty()) return {};
  auto dir = std::filesystem::path(config.users).parent_path();
  return (dir.empty() ? std::filesystem::path("audit.log") : dir / "audit.log").string();
}

Result<std::size_t> check_users_file(const Config& config) {
  if (config.users.empty()) return std::size_t{0};
  auto users = auth::load_users(config.users);
  if (!users) return users.error();
  return users->users.size();
}

AccessLink::AccessLink(const Config& config, const Clock& clock, pm::Registry& metrics)
    : users_path_(config.users),
      control_(clock, config.server.api_token),
      failures_(pm::BuildCounter()
                    .Name("lodestone_auth_failures_total")
                    .Help("Failed authentications, by reason (missing, invalid_token, invalid_ticket, token_in_url, "
                          "throttled)")
                    .Register(metrics)),
      users_(pm::BuildGauge().Name("lodestone_auth_users").Help("Users in the users file").Register(metrics)),
      audit_written_(
          pm::BuildCounter().Name("lodestone_audit_entries_total").Help("Audit entries written").Register(metrics)),
      audit_dropped_(pm::BuildCounter()
                         .Name("lodestone_audit_dropped_total")
                         .Help("Audit entries lost (a failed write, Redis away past the buffer)")
                         .Register(metrics)),
      reload_errors_(pm::BuildCounter()
                         .Name("lodestone_users_reload_errors_total")
                         .Help("Users files refused on SIGHUP (the running users stayed)")
                         .Register(metrics)) {}

AccessLink::~AccessLink() = default;

Result<std::unique_ptr<AccessLink>> AccessLink::create(const Config& config, const Clock& clock,
                                                       net::any_io_executor executor,
                                                       const std::optional<redis::ClientOptions>& redis,
                                                       prometheus::Registry& metrics) {
  std::unique_ptr<AccessLink> link(new AccessLink(config, clock, metrics));
  if (!config.users.empty()) {
    if (auto st = link->load_users(); !st) return st.error();
  }
  if (redis) {
    redis::AuditLogOptions o;
    o.client = *redis;  // the daemon's: its password, timeouts and, with Sentinel, where the master is
    link->redis_audit_ = redis::AuditLog::create(std::move(executor), o, clock);
    link->redis_audit_->start();
    link->control_.set_audit_log(link->redis_audit_);
  } else if (const auto path = audit_file_path(config); !path.empty()) {
    auto file = auth::FileAuditLog::open(path);
    if (!file) return file.error();
    link->control_.set_audit_log(std::shared_ptr<auth::AuditLog>(std::move(*file)));
  }
  if (auto* log = link->control_.audit_log()) {
    spdlog::info("writes are audited to the {}", log->describe());
  } else {
    spdlog::info("writes are not audited: configure users, audit: or Redis");
  }
  return link;
}

Status AccessLink::load_users() {
  auto users = auth::load_users(users_path_);
  if (!users) return users.error();
  if (auto warning = auth::permission_warning(users_path_)) spdlog::warn("{}", *warning);
  control_.authenticator().set_users(*users);
  spdlog::info("{}: {} users, {} tokens", users_path_, users->users.size(), users->token_count());
  return {};
}

Status AccessLink::reload() {
  if (users_path_.empty()) return {};
  std::lock_guard lock(reload_mutex_);
  auto st = load_users();
  if (!st) ++reload_error_count_;
  return st;
}

void AccessLink::update_metrics() {
  for (auto reason : {auth::AuthFailure::missing, auth::AuthFailure::invalid_token, auth::AuthFailure::invalid_ticket,
                      auth::AuthFailure::token_in_url, auth::AuthFailure::throttled})
    set_counter(failures_, {{"reason", std::string(auth::to_string(reason))}},
                static_cast<double>(control_.failures(reason)));
  users_.Add({}).Set(static_cast<double>(control_.authenticator().user_count()));
  if (auto* log = control_.audit_log()) {
    set_counter(audit_written_, {}, static_cast<double>(log->written()));
    set_counter(audit_dropped_, {}, static_cast<double>(log->dropped()));
  }
  std::lock_guard lock(reload_mutex_);
  set_counter(reload_errors_, {}, static_cast<double>(reload_error_count_));
}

}  // namespace lodestone::app
