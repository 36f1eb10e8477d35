#pragma once
// What a connection says before it carries commands, and what it learns: AUTH (a password, or an
// ACL user and password), SELECT, CLIENT SETNAME; on the connection that asks, the persistence
// probe (CONFIG GET appendonly, appendfsync, maxmemory-policy; INFO when CONFIG is renamed away).
// Pure: it builds the commands and reads their replies; the client (client.hpp) sends them.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lodestone/core/error_code.hpp"
#include "lodestone/redis/reply.hpp"
#include "lodestone/redis/url.hpp"

namespace lodestone::redis {

// True for the error replies that mean "these credentials will never work" (NOAUTH, WRONGPASS):
// retrying them is a loop that hides a configuration error.
bool is_auth_error(std::string_view reply_text);
// The code an error reply from Redis carries: unauthorized for refused credentials; unavailable
// when Redis cannot run it now but may later (LOADING, BUSY, OOM, READONLY, MISCONF ...);
// bad_request for a command Redis refuses as such (ERR, WRONGTYPE, NOSCRIPT ...).
ErrorCode error_reply_code(std::string_view reply_text);

struct HandshakeStep {
  // Required steps fail the connection; the probes only inform (a managed Redis may rename
  // CONFIG away), so their errors are tolerated. Role (with Sentinel) must answer "master": a
  // connection that reaches a replica is refused, and the Sentinels are asked again.
  enum class Kind : std::uint8_t { Required, ConfigGet, Info, Role };
  Kind kind = Kind::Required;
  std::vector<std::string> command;
};

// The steps in the order they are sent; never empty (CLIENT SETNAME always is). `check_role`
// adds ROLE (role_of() reads its answer).
std::vector<HandshakeStep> handshake_steps(const Endpoint& endpoint, const std::string& name, bool check_persistence,
                                           bool check_role = false);
// "master", "slave" or "sentinel" from a ROLE reply; "" when the reply has another shape.
std::string role_of(const Reply& reply);
// True for the error replies that mean "this server is not (or not yet) the master we want":
// READONLY (a replica), LOADING (still reading its data), MASTERDOWN (a replica without its
// master). With Sentinel, the connection is dropped and the Sentinels are asked again.
bool is_wrong_server(std::string_view reply_text);

// What the probe learnt about how Redis keeps its data.
struct Persistence {
  std::optional<bool> aof;  // appendonly; unknown until asked
  std::string fsync;        // always, everysec, no; "" when CONFIG is not allowed
  std::string policy;       // maxmemory-policy
  std::string version;      // redis_version

  // Takes a ConfigGet or Info step's reply; CONFIG GET, when allowed, says it first.
  void read(HandshakeStep::Kind kind, const Reply& reply);
  // An eviction policy that may evict the streams (allkeys-*).
  [[nodiscard]] bool evicts() const;
  // AOF on and a policy that never evicts the streams; unknown while appendonly is.
  [[nodiscard]] std::optional<bool> ok() const;
  // Warns loudly, naming `where`, about what Redis would lose.
  void warn(const std::string& where) const;
};

// The log line for refused credentials: a configuration error, not an outage.
void log_refused(const std::string& name, const std::string& where, const std::string& why);

}  // namespace lodestone::redis
