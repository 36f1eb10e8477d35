// `lodestone symbol` as a person or a script runs it: the built binary, its stdout, stderr and
// exit status (issue #14). Every run names its --date, so no result depends on the real one.
#include <gtest/gtest.h>
#include <simdjson.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <string>

#include "lodestone/testing/daemon_process.hpp"
#include "lodestone/testing/temp_file.hpp"

namespace lodestone::testing {
namespace {

struct Ran {
  int status = -1;
  std::string out;  // stdout, then stderr
};

Ran lodestone(const std::string& args, bool with_stderr = false) {
  const std::string cmd = lodestone_binary() + " " + args + (with_stderr ? " 2>&1" : " 2>/dev/null");
  FILE* p = ::popen(cmd.c_str(), "r");
  Ran r;
  char buf[1024];
  while (std::fgets(buf, sizeof buf, p)) r.out += buf;
  const int status = ::pclose(p);
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

std::string source(const char* relative) { return std::string(LODESTONE_SOURCE_DIR) + "/" + relative; }

TEST(SymbolCli, EveryAliasFormIsReadAsOneSymbolInValidJson) {
  const Ran r = lodestone(
      "symbol 920118 bj920118 0.920118 sh600392 159713.XSHE 2.930598 --date 2026-02-09 --prev-close 10.00 --json "
      "--universe " +
      source("deploy/universe.yaml"));
  ASSERT_EQ(r.status, 0) << r.out;
  simdjson::ondemand::parser parser;
  std::vector<std::string> symbols;
  std::vector<std::string> ups;
  std::size_t start = 0;
  while (start < r.out.size()) {
    const std::size_t end = r.out.find('\n', start);
    ASSERT_NE(end, std::string::npos);
    simdjson::padded_string line(r.out.substr(start, end - start));
    auto doc = parser.iterate(line);
    std::string_view symbol;
    ASSERT_FALSE(doc["symbol"].get_string().get(symbol)) << line;
    symbols.emplace_back(symbol);
    auto up = doc["limit_up"].raw_json_token();
    ASSERT_FALSE(up.error()) << line;
    ups.emplace_back(up.value_unsafe());
    start = end + 1;
  }
  EXPECT_EQ(symbols,
            (std::vector<std::string>{"920118.BJ", "920118.BJ", "920118.BJ", "600392.SH", "159713.SZ", "930598.CSI"}));
  // The limit prices' digits as printed from integer units: an ETF to 0.001, an index none.
  EXPECT_EQ(ups, (std::vector<std::string>{"13.00", "13.00", "13.00", "11.00", "11.000", "null"}));
}

TEST(SymbolCli, AReadableLineWithTheConfigsReferenceData) {
  const Ran r = lodestone("symbol 002202 930598 --date 2026-02-09 --prev-close 12.34 --config " +
                          source("deploy/lodestone.yaml"));
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_EQ(r.out,
            "002202 → 002202.SZ 金风科技: SZSE main-board stock, tick 0.01, ±10% on 2026-02-09; from 12.34: up 13.57, "
            "down 11.11\n"
            "930598 → 930598.CSI 中证稀土产业指数: CSI index, tick 0.01, indexes have no price limit on 2026-02-09; "
            "from 12.34: no limit prices\n");
}

TEST(SymbolCli, NewListingsFromTheUniverseFile) {
  const std::string universe = temp_file("instruments:\n  - {symbol: 920118.BJ, name: 北交新股, listed: 2026-02-11}\n");
  Ran r = lodestone("symbol 920118 --json --date 2026-02-11 --universe " + universe);
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find(R"("limit_pct":null,"limit_up":null,"limit_down":null)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(R"("name":"北交新股")"), std::string::npos) << r.out;
  r = lodestone("symbol 920118 --json --date 2026-02-12 --universe " + universe);
  EXPECT_NE(r.out.find(R"("limit_pct":30)"), std::string::npos) << r.out;
  ::unlink(universe.c_str());
}

TEST(SymbolCli, ABadCodeIsExitTwoWithTheReason) {
  Ran r = lodestone("symbol 600111 sh930598 --date 2026-02-09", true);
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.out,
            "lodestone symbol: bad symbol 'sh930598': 930598 is a CSI index, not an SH security: write 930598.CSI "
            "(Eastmoney 2.930598)\n");
  r = lodestone("symbol 12345 --date 2026-02-09", true);
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.out, "lodestone symbol: bad symbol '12345': expected a six-digit code with an exchange\n");
  r = lodestone("symbol 600111 --date tomorrow", true);
  EXPECT_EQ(r.status, 2) << r.out;
}

}  // namespace
}  // namespace lodestone::testing
