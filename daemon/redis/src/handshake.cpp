#include "lodestone/redis/handshake.hpp"

#include <spdlog/spdlog.h>

namespace lodestone::redis {

bool is_auth_error(std::string_view reply_text) {
  for (std::string_view needle : {"NOAUTH", "WRONGPASS", "invalid password", "invalid username-password"})
    if (reply_text.find(needle) != std::string_view::npos) return true;
  return false;
}

ErrorCode error_reply_code(std::string_view reply_text) {
  if (is_auth_error(reply_text)) return ErrorCode::unauthorized;
  // The prefixes Redis gives a command it cannot run now but may later.
  for (std::string_view busy :
       {"LOADING", "BUSY", "TRYAGAIN", "MASTERDOWN", "CLUSTERDOWN", "READONLY", "OOM", "MISCONF", "NOREPLICAS"})
    if (reply_text.starts_with(busy)) return ErrorCode::unavailable;
  return ErrorCode::bad_request;
}

bool is_wrong_server(std::string_view reply_text) {
  for (std::string_view prefix : {"READONLY", "LOADING", "MASTERDOWN"})
    if (reply_text.starts_with(prefix)) return true;
  return false;
}

std::string role_of(const Reply& reply) {
  if (reply.type != Reply::Type::Array || reply.elements.empty()) return {};
  const auto& first = reply.elements.front();
  if (first.type != Reply::Type::String && first.type != Reply::Type::Status) return {};
  return first.str;
}

std::vector<HandshakeStep> handshake_steps(const Endpoint& e, const std::string& name, bool check_persistence,
                                           bool check_role) {
  using Kind = HandshakeStep::Kind;
  std::vector<HandshakeStep> steps;
  if (!e.password.empty()) {
    if (e.user.empty()) {
      steps.push_back({Kind::Required, {"AUTH", e.password}});
    } else {
      steps.push_back({Kind::Required, {"AUTH", e.user, e.password}});
    }
  }
  if (e.db != 0) steps.push_back({Kind::Required, {"SELECT", std::to_string(e.db)}});
  steps.push_back({Kind::Required, {"CLIENT", "SETNAME", name}});
  if (check_role) steps.push_back({Kind::Role, {"ROLE"}});
  if (check_persistence) {
    for (const char* setting : {"appendonly", "appendfsync", "maxmemory-policy"})
      steps.push_back({Kind::ConfigGet, {"CONFIG", "GET", setting}});
    steps.push_back({Kind::Info, {"INFO"}});
  }
  return steps;
}

void Persistence::read(HandshakeStep::Kind kind, const Reply& reply) {
  if (kind == HandshakeStep::Kind::ConfigGet) {
    // CONFIG GET name -> [name, value]
    if (reply.type != Reply::Type::Array || reply.elements.size() != 2) return;
    const auto& name = reply.elements[0].str;
    const auto& value = reply.elements[1].str;
    if (name == "appendonly") aof = value == "yes";
    if (name == "appendfsync") fsync = value;
    if (name == "maxmemory-policy") policy = value;
    return;
  }
  if (kind != HandshakeStep::Kind::Info) return;
  std::string_view text = reply.str;
  while (!text.empty()) {
    const auto nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    if (line.ends_with('\r')) line.remove_suffix(1);
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    const auto key = line.substr(0, colon);
    const auto value = line.substr(colon + 1);
    if (key == "aof_enabled" && !aof) aof = value == "1";
    if (key == "maxmemory_policy" && policy.empty()) policy = std::string(value);
    if (key == "redis_version") version = std::string(value);
  }
}

bool Persistence::evicts() const {
  return !policy.empty() && policy != "noeviction" && !policy.starts_with("volatile-");
}

std::optional<bool> Persistence::ok() const {
  if (!aof) return std::nullopt;
  return *aof && !evicts();
}

void Persistence::warn(const std::string& where) const {
  if (aof && !*aof) {
    spdlog::warn(
        "redis {}: APPEND-ONLY PERSISTENCE IS OFF (appendonly no). Alerts written since the last RDB snapshot are lost "
        "if Redis stops; set 'appendonly yes' and 'appendfsync always' or 'everysec' (see README, Redis). "
        "lodestone_redis_persistence_ok is 0",
        where);
  } else if (fsync == "no") {
    spdlog::warn(
        "redis {}: appendfsync no: a power cut loses what the OS had not flushed (about 30 s of alerts); use always "
        "or everysec",
        where);
  }
  if (evicts()) {
    spdlog::warn(
        "redis {}: MAXMEMORY-POLICY {} MAY EVICT THE ALERT STREAM when memory runs out; use noeviction. "
        "lodestone_redis_persistence_ok is 0",
        where, policy);
  }
}

void log_refused(const std::string& name, const std::string& where, const std::string& why) {
  spdlog::critical(
      "redis[{}] {}: {}. The credentials in the Redis URL are wrong or missing: this is a configuration error, "
      "not an outage, so the daemon does not retry (set redis://[user:]password@host:port/db)",
      name, where, why);
}

}  // namespace lodestone::redis
