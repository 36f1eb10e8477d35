#include "lodestone/auth/file_audit_log.hpp"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <system_error>

namespace lodestone::auth {

Result<std::unique_ptr<FileAuditLog>> FileAuditLog::open(const std::string& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    return make_error(ErrorCode::io_error,
                      path + ": cannot open the audit log: " + std::generic_category().message(errno));
  return std::unique_ptr<FileAuditLog>(new FileAuditLog(path, fd));
}

FileAuditLog::~FileAuditLog() { ::close(fd_); }

void FileAuditLog::append(const AuditEntry& entry) {
  const std::string line = to_json(entry) + "\n";
  ssize_t n = -1;
  do {
    n = ::write(fd_, line.data(), line.size());
  } while (n < 0 && errno == EINTR);
  if (n == static_cast<ssize_t>(line.size())) {
    written_.fetch_add(1);
    return;
  }
  dropped_.fetch_add(1);
  if (!warned_.exchange(true))
    spdlog::error("{}: an audit entry could not be written ({}); /metrics counts the ones lost", path_,
                  n < 0 ? std::generic_category().message(errno) : "short write");
}

void FileAuditLog::recent(std::size_t limit, std::function<void(Result<std::vector<AuditEntry>>)> reply) {
  reply(read_recent(limit));
}

Result<std::vector<AuditEntry>> FileAuditLog::read_recent(std::size_t limit) const {
  const int fd = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return make_error(ErrorCode::io_error,
                      path_ + ": cannot read the audit log: " + std::generic_category().message(errno));
  std::vector<AuditEntry> out;
  off_t end = ::lseek(fd, 0, SEEK_END);
  constexpr off_t kChunk = off_t{64} * 1024;
  std::string tail;  // the bytes after `end` not yet split into lines (a line's start may be further back)
  while (out.size() < limit) {
    if (end <= 0) {
      // What is left is the file's first line.
      if (!tail.empty())
        if (auto e = parse_audit_json(tail); e) out.push_back(std::move(*e));
      break;
    }
    const off_t start = std::max<off_t>(0, end - kChunk);
    std::string chunk(static_cast<std::size_t>(end - start), '\0');
    if (::pread(fd, chunk.data(), chunk.size(), start) != static_cast<ssize_t>(chunk.size())) break;
    end = start;
    tail = chunk + tail;
    // Every complete line after the last newline we can see, newest first.
    for (auto nl = tail.rfind('\n'); nl != std::string::npos && out.size() < limit; nl = tail.rfind('\n')) {
      std::string line = tail.substr(nl + 1);
      tail.resize(nl);
      if (line.empty()) continue;  // the newline the file ends with
      // A line torn by a crash, or edited by hand, is skipped rather than failing the whole read.
      if (auto e = parse_audit_json(line); e) out.push_back(std::move(*e));
    }
  }
  ::close(fd);
  return out;
}

}  // namespace lodestone::auth
