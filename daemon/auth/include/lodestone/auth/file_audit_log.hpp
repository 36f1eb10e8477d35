#pragma once
// The audit log as a file: one JSON line per entry, appended with a single write(2) (O_APPEND,
// so lines from several threads never interleave), mode 0600. Not fsynced per entry: a power cut
// can lose the last entries the kernel had not written out. recent() reads the file backwards
// from its end, so its cost is the entries asked for, not the file's size.
#include <atomic>
#include <memory>
#include <mutex>
#include <string>

#include "lodestone/auth/audit.hpp"

namespace lodestone::auth {

class FileAuditLog final : public AuditLog {
 public:
  // Opens (creates) `path` for appending; io_error when it cannot.
  static Result<std::unique_ptr<FileAuditLog>> open(const std::string& path);
  ~FileAuditLog() override;
  FileAuditLog(const FileAuditLog&) = delete;
  FileAuditLog& operator=(const FileAuditLog&) = delete;

  void append(const AuditEntry& entry) override;
  void recent(std::size_t limit, std::function<void(Result<std::vector<AuditEntry>>)> reply) override;
  [[nodiscard]] std::string describe() const override { return "audit log " + path_; }
  [[nodiscard]] std::uint64_t written() const override { return written_.load(); }
  [[nodiscard]] std::uint64_t dropped() const override { return dropped_.load(); }

  // The same, synchronously (recent() calls it).
  [[nodiscard]] Result<std::vector<AuditEntry>> read_recent(std::size_t limit) const;

 private:
  FileAuditLog(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  const std::string path_;
  const int fd_;
  std::atomic<std::uint64_t> written_{0};
  std::atomic<std::uint64_t> dropped_{0};
  std::atomic<bool> warned_{false};
};

}  // namespace lodestone::auth
