#pragma once
// The audit trail: every write (acknowledge, silence, expire a silence, reload the rules, …),
// refused ones included, as one entry: who, what, when, from which address, with which result.
// Stored as one JSON object per entry (a line of the audit file, a field of the Redis stream).
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lodestone/core/result.hpp"
#include "lodestone/core/time.hpp"

namespace lodestone::auth {

enum class AuditResult : unsigned char {
  ok,      // done (2xx)
  denied,  // no, wrong or insufficient credentials (401, 403, 421, 429)
  failed,  // allowed, but it could not be done (400, 404, 5xx)
};
std::string_view to_string(AuditResult r);
AuditResult audit_result_of(unsigned status);

struct AuditEntry {
  Timestamp at;
  std::optional<std::string> user;  // nullopt: no valid credentials
  std::string role;                 // "" with no user
  std::string action;               // acknowledge, silence, expire_silence, reload_rules, ingest, …
  std::string target;               // the alert id, silence id, …
  std::string address;              // the client's address
  AuditResult result = AuditResult::ok;
  unsigned status = 0;  // the HTTP status answered
  std::string detail;   // why refused, or what was done; never a token

  bool operator==(const AuditEntry&) const = default;
};

// {"at":"2026-02-09T10:15:03.120+08:00","user":"alice","role":"trader","action":…} (one line;
// `at` in exchange time). Text fields are bounded (detail 500 bytes, the others 200).
std::string to_json(const AuditEntry& entry);
// The inverse, for reading the log back (bad_json when the line is not such an object).
Result<AuditEntry> parse_audit_json(std::string_view json);

// Where entries go. append() never waits long (a write(2), or a command queued for Redis) and
// may be called from any I/O thread; recent() answers once, from any thread.
class AuditLog {
 public:
  virtual ~AuditLog() = default;
  virtual void append(const AuditEntry& entry) = 0;
  // The newest `limit` entries, newest first.
  virtual void recent(std::size_t limit, std::function<void(Result<std::vector<AuditEntry>>)> reply) = 0;
  // Where it is, for the log line at startup: "audit log /var/lib/lodestone/audit.log".
  [[nodiscard]] virtual std::string describe() const = 0;
  // Entries written, and entries lost (a failed write, Redis away past the buffer).
  [[nodiscard]] virtual std::uint64_t written() const = 0;
  [[nodiscard]] virtual std::uint64_t dropped() const = 0;
};

}  // namespace lodestone::auth
