#pragma once
// The audit log in Redis: a stream, `{lodestone}:audit` by default, one entry per write the web
// layer audited (field `entry`: the entry's JSON, auth::to_json), trimmed with MAXLEN ~ so it
// stays bounded. Every daemon sharing the Redis appends to the same stream, so GET
// /api/v1/audit on any of them shows the whole desk's trail, newest first (XREVRANGE).
//
// Its own connection (redis::Client). Entries are written one at a time, oldest first, so the
// stream holds them in the order the actions were taken, whatever fails in between. While Redis
// is away, entries wait in memory (up to `max_buffered`, then the oldest waiting are dropped and
// counted) and are written when it is back; an entry Redis refuses for now (OOM, LOADING,
// READONLY…) is tried again after `retry_pause`; an entry whose XADD timed out is written again,
// so an entry may appear twice, never silently vanish within the bound. `at` is when it happened.
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>

#include "lodestone/auth/audit.hpp"
#include "lodestone/core/clock.hpp"
#include "lodestone/net/net.hpp"
#include "lodestone/redis/client.hpp"

namespace lodestone::redis {

struct AuditLogOptions {
  ClientOptions client;
  std::string key = "{lodestone}:audit";
  std::size_t maxlen = 100'000;                 // MAXLEN ~: about this many entries are kept
  std::size_t max_buffered = 10'000;            // entries waiting while Redis is away
  std::chrono::milliseconds retry_pause{1000};  // after Redis refused an entry for now
};

class AuditLog final : public auth::AuditLog, public std::enable_shared_from_this<AuditLog> {
 public:
  static std::shared_ptr<AuditLog> create(net::any_io_executor executor, AuditLogOptions options, const Clock& clock);
  AuditLog(const AuditLog&) = delete;
  AuditLog& operator=(const AuditLog&) = delete;

  void start();
  void stop();  // closes the connection; what still waits is named in the log

  void append(const auth::AuditEntry& entry) override;
  void recent(std::size_t limit, std::function<void(Result<std::vector<auth::AuditEntry>>)> reply) override;
  [[nodiscard]] std::string describe() const override;
  [[nodiscard]] std::uint64_t written() const override { return written_.load(); }
  [[nodiscard]] std::uint64_t dropped() const override { return dropped_.load(); }
  [[nodiscard]] std::size_t waiting() const { return waiting_.load(); }

 private:
  AuditLog(net::any_io_executor executor, AuditLogOptions options, const Clock& clock);
  // All on the client's strand.
  void enqueue(std::string json);
  void write_next();  // the oldest waiting entry, unless one is being written
  void written_front(const Result<Reply>& r);

  AuditLogOptions options_;
  std::shared_ptr<Client> client_;
  std::optional<net::steady_timer> retry_timer_;
  std::deque<std::string> waiting_entries_;  // oldest first; the front is being written while writing_
  bool writing_ = false;
  std::atomic<std::uint64_t> written_{0};
  std::atomic<std::uint64_t> dropped_{0};
  std::atomic<std::size_t> waiting_{0};
};

}  // namespace lodestone::redis
