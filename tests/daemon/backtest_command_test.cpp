// The built `lodestone backtest` on a small tape (tests/daemon/data/backtest-tape.ndjson, the
// events of tests/rules/backtest_test.cpp) with the example rules: the table and summaries by
// default, NDJSON with --ndjson, the whole result with --json FILE. stderr is not a terminal
// here, so no progress line may appear on it.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

struct Outcome {
  int status = -1;
  std::string out;
  std::string err;
};

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string scratch(const std::string& name) {
  return (std::filesystem::temp_directory_path() / ("lodestone-backtest-" + std::to_string(::getpid()) + "-" + name))
      .string();
}

Outcome backtest(const std::string& extra) {
  const std::string err_path = scratch("stderr");
  const std::string cmd = std::string(LODESTONE_BINARY_DIR) + "/daemon/lodestone backtest --tape " +
                          LODESTONE_SOURCE_DIR + "/tests/daemon/data/backtest-tape.ndjson --rules " +
                          LODESTONE_SOURCE_DIR + "/tests/rules/data/example.yaml --universe " + LODESTONE_SOURCE_DIR +
                          "/deploy/universe.yaml " + extra + " 2>" + err_path;
  Outcome r;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (p == nullptr) return r;
  char buf[4096];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  const int st = ::pclose(p);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  r.err = slurp(err_path);
  std::filesystem::remove(err_path);
  return r;
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

TEST(BacktestCommand, PrintsATableAndSummariesForPeople) {
  const Outcome r = backtest("");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err, "");  // not a terminal: no progress line
  const auto ls = lines(r.out);
  ASSERT_GT(ls.size(), 5U) << r.out;
  EXPECT_EQ(ls[0].rfind("time            severity  rule", 0), 0U) << ls[0];
  EXPECT_NE(r.out.find("02-09 10:10:00  critical  export-control-reaction  159713.SZ 稀土ETF      +2.20% 15m"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("159713.SZ 稀土ETF"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("+2.20% 15m"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\nrule "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\nday "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\n2026-02-09 "), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("{\""), std::string::npos) << "no JSON in the table:\n" << r.out;
  EXPECT_EQ(ls.back().rfind("13 events (11 quotes, 2 headlines) from 02-09 09:30:00", 0), 0U) << ls.back();
}

TEST(BacktestCommand, NdjsonPrintsEveryNotificationAsOneJsonLine) {
  const Outcome r = backtest("--ndjson");
  ASSERT_EQ(r.status, 0) << r.err;
  const auto ls = lines(r.out);
  ASSERT_EQ(ls.size(), 9U) << r.out;  // the notifications tests/rules/backtest_test.cpp lists
  for (const auto& l : ls) {
    EXPECT_EQ(l.front(), '{') << l;
    EXPECT_EQ(l.back(), '}') << l;
    EXPECT_NE(l.find("\"rule\":"), std::string::npos) << l;
  }
  EXPECT_NE(ls[0].find("\"export-control-reaction\""), std::string::npos) << ls[0];
}

TEST(BacktestCommand, JsonFileHoldsTheWholeResult) {
  const std::string path = scratch("result.json");
  const Outcome r = backtest("--json " + path);
  ASSERT_EQ(r.status, 0) << r.err;
  const std::string json = slurp(path);
  std::filesystem::remove(path);
  EXPECT_EQ(json.rfind("{\"events\":13,\"quotes\":11,\"headlines\":2,", 0), 0U) << json;
  EXPECT_NE(json.find("\"alerts\":[{"), std::string::npos);
  EXPECT_NE(json.find("\"rules\":[{\"rule\":"), std::string::npos);
  EXPECT_NE(r.out.find("time            severity"), std::string::npos);  // the table as well
}

TEST(BacktestCommand, AnUnwritableJsonFileIsAnError) {
  const Outcome r = backtest("--json /nonexistent-dir/result.json");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("/nonexistent-dir/result.json: cannot write the result"), std::string::npos) << r.err;
}

}  // namespace
