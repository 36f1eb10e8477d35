#include "lodestone/auth/audit.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "lodestone/auth/file_audit_log.hpp"

namespace lodestone::auth {
namespace {

AuditEntry entry(int n, std::optional<std::string> user = "alice") {
  AuditEntry e;
  e.at = Timestamp{parse_timestamp("2026-02-09T10:15:00+08:00")->ms + n * 1000};
  e.user = std::move(user);
  e.role = e.user ? "trader" : "";
  e.action = "acknowledge";
  e.target = "limit-up:600111.SH#" + std::to_string(n);
  e.address = "127.0.0.1";
  e.result = AuditResult::ok;
  e.status = 200;
  e.detail = "seen \"quoted\" 稀土";
  return e;
}

Result<std::vector<AuditEntry>> recent(AuditLog& log, std::size_t n) {
  std::optional<Result<std::vector<AuditEntry>>> out;
  log.recent(n, [&](Result<std::vector<AuditEntry>> r) { out = std::move(r); });
  return std::move(*out);
}

TEST(AuditEntry, IsOneJsonLineInExchangeTimeAndRoundTrips) {
  const auto e = entry(0);
  EXPECT_EQ(to_json(e),
            R"({"at":"2026-02-09T10:15:00.000+08:00","user":"alice","role":"trader","action":"acknowledge",)"
            R"("target":"limit-up:600111.SH#0","address":"127.0.0.1","result":"ok","status":200,)"
            R"("detail":"seen \"quoted\" 稀土"})");
  EXPECT_EQ(*parse_audit_json(to_json(e)), e);
  const auto anonymous = entry(1, std::nullopt);
  EXPECT_NE(to_json(anonymous).find(R"("user":null,"role":"")"), std::string::npos);
  EXPECT_EQ(*parse_audit_json(to_json(anonymous)), anonymous);
  EXPECT_FALSE(parse_audit_json("not json"));
  EXPECT_FALSE(parse_audit_json(R"({"result":"maybe"})"));
  auto long_detail = entry(2);
  long_detail.detail = std::string(2000, 'x');
  EXPECT_LT(to_json(long_detail).size(), 1000U);
}

TEST(AuditEntry, TheResultFollowsTheStatus) {
  EXPECT_EQ(audit_result_of(200), AuditResult::ok);
  EXPECT_EQ(audit_result_of(201), AuditResult::ok);
  for (unsigned s : {401U, 403U, 421U, 429U}) EXPECT_EQ(audit_result_of(s), AuditResult::denied) << s;
  for (unsigned s : {400U, 404U, 500U, 503U}) EXPECT_EQ(audit_result_of(s), AuditResult::failed) << s;
}

TEST(FileAuditLog, AppendsLinesAndReadsTheNewestFirst) {
  std::string dir = "/tmp/lodestone-audit-XXXXXX";
  ASSERT_NE(::mkdtemp(dir.data()), nullptr);
  const std::string path = dir + "/audit.log";
  auto log = FileAuditLog::open(path);
  ASSERT_TRUE(log) << log.error().message;
  for (int i = 0; i < 3000; ++i) (*log)->append(entry(i));  // > one 64 KiB read chunk
  EXPECT_EQ((*log)->written(), 3000U);
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600U);
  auto last = recent(**log, 5);
  ASSERT_TRUE(last);
  ASSERT_EQ(last->size(), 5U);
  EXPECT_EQ((*last)[0], entry(2999));
  EXPECT_EQ((*last)[4], entry(2995));
  auto all = recent(**log, 5000);
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 3000U);
  EXPECT_EQ(all->back(), entry(0));
  // A line torn by a crash is skipped; the entries around it are read.
  std::ofstream(path, std::ios::app) << R"({"at":"2026-02-09T10:15:00+08:00","user":"al)";
  std::ofstream(path, std::ios::app) << "\n";
  (*log)->append(entry(3000));
  last = recent(**log, 2);
  ASSERT_EQ(last->size(), 2U);
  EXPECT_EQ((*last)[0], entry(3000));
  EXPECT_EQ((*last)[1], entry(2999));
  std::filesystem::remove_all(dir);
}

TEST(FileAuditLog, ACreatedButEmptyLogHasNoEntries) {
  std::string dir = "/tmp/lodestone-audit-XXXXXX";
  ASSERT_NE(::mkdtemp(dir.data()), nullptr);
  auto log = FileAuditLog::open(dir + "/audit.log");
  ASSERT_TRUE(log);
  EXPECT_TRUE(recent(**log, 10)->empty());
  EXPECT_FALSE(FileAuditLog::open(dir + "/missing/audit.log"));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace lodestone::auth
