// The host install's sample configuration (deploy/systemd/lodestone.yaml) laid out as
// deploy/README.md installs it: /etc/lodestone holding the config, universe.yaml and rules.yaml.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>

#include "lodestone/app/calendar_service.hpp"
#include "lodestone/app/config.hpp"
#include "lodestone/app/universe.hpp"
#include "lodestone/feeds/feed_config.hpp"
#include "lodestone/rules/parser.hpp"

namespace {

namespace fs = std::filesystem;
using namespace lodestone;

const fs::path kSource{LODESTONE_SOURCE_DIR};

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A scratch /etc/lodestone, removed at the end of each test.
class SampleConfig : public ::testing::Test {
 protected:
  void SetUp() override {
    etc_ = fs::temp_directory_path() / ("lodestone-etc-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(etc_);
    fs::create_directories(etc_);
    fs::copy_file(kSource / "deploy/systemd/lodestone.yaml", etc_ / "lodestone.yaml");
    fs::copy_file(kSource / "deploy/universe.yaml", etc_ / "universe.yaml");
    fs::copy_file(kSource / "rules/packs/rare-earth.yaml", etc_ / "rules.yaml");
    fs::copy_file(kSource / "deploy/calendar.yaml", etc_ / "calendar.yaml");
  }
  void TearDown() override { fs::remove_all(etc_); }

  fs::path etc_;
};

TEST_F(SampleConfig, LoadsWithItsReferenceDataAndRules) {
  auto config = app::load_config((etc_ / "lodestone.yaml").string());
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(fs::path(config->universe), etc_ / "universe.yaml");
  EXPECT_EQ(fs::path(config->rules), etc_ / "rules.yaml");
  EXPECT_EQ(fs::path(config->calendar), etc_ / "calendar.yaml");
  EXPECT_TRUE(app::CalendarService(config->calendar).check());
  EXPECT_EQ(config->server.web_root, "/usr/local/share/lodestone/web");
  auto universe = app::load_universe(config->universe);
  ASSERT_TRUE(universe) << universe.error().message;
  const auto diagnostics = rules::check_rules_file(config->rules, *universe);
  EXPECT_TRUE(diagnostics.empty()) << rules::format(diagnostics);
}

TEST_F(SampleConfig, ServesLoopbackOnlyFromLiveFeedsWithRedis) {
  auto config = app::load_config((etc_ / "lodestone.yaml").string());
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->server.host, "127.0.0.1");
  EXPECT_EQ(config->server.port, 8080);
  EXPECT_FALSE(config->tape.has_value());
  EXPECT_EQ(config->redis, "redis://127.0.0.1:6379/0");
  EXPECT_TRUE(config->server.api_token.empty()) << "the token belongs in lodestone.env, not in a readable file";
}

TEST_F(SampleConfig, FeedsParseAndNameKnownInstruments) {
  auto config = app::load_config((etc_ / "lodestone.yaml").string());
  ASSERT_TRUE(config) << config.error().message;
  auto universe = app::load_universe(config->universe);
  ASSERT_TRUE(universe) << universe.error().message;
  ASSERT_EQ(config->feeds.size(), 3u);
  const auto& quotes = config->feeds[0];
  EXPECT_EQ(quotes.kind, feeds::FeedKind::Sina);
  EXPECT_EQ(quotes.headers.at("Referer"), "https://finance.sina.com.cn/");
  EXPECT_FALSE(quotes.symbols.empty());
  for (const auto& feed : config->feeds)
    for (const auto& s : feed.symbols) EXPECT_NE(universe->find(s), nullptr) << feed.name << ": " << s.str();
  EXPECT_EQ(config->feeds[1].kind, feeds::FeedKind::Eastmoney);
  EXPECT_EQ(config->feeds[2].kind, feeds::FeedKind::JsonNews);
}

// Issue #14: live, every instrument has a source, so every name's benchmark (930598) and the
// index's own (CSI 300) fill; each symbol goes to the vendor under the code that vendor knows.
TEST_F(SampleConfig, EveryInstrumentAndBenchmarkHasALiveSource) {
  auto config = app::load_config((etc_ / "lodestone.yaml").string());
  ASSERT_TRUE(config) << config.error().message;
  auto universe = app::load_universe(config->universe);
  ASSERT_TRUE(universe) << universe.error().message;
  std::map<Symbol, std::vector<std::string>> codes;  // symbol -> the vendor codes it is polled as
  for (const auto& feed : config->feeds)
    for (const auto& s : feed.symbols) {
      if (feed.kind == feeds::FeedKind::Eastmoney) {
        codes[s].push_back(s.eastmoney_secid());
      } else {
        ASSERT_TRUE(s.has_sina_code()) << feed.name << ": " << s.str();
        codes[s].push_back(s.sina_code());
      }
    }
  for (const auto& i : universe->all()) {
    EXPECT_EQ(codes[i.symbol].size(), 1u) << i.symbol.str() << " needs exactly one live source";
    if (i.benchmark) EXPECT_FALSE(codes[*i.benchmark].empty()) << i.symbol.str() << "'s benchmark";
  }
  EXPECT_EQ(codes[*Symbol::parse("930598.CSI")], std::vector<std::string>{"2.930598"});
  EXPECT_EQ(codes[*Symbol::parse("000300.SH")], std::vector<std::string>{"sh000300"});
  EXPECT_EQ(codes[*Symbol::parse("159713.SZ")], std::vector<std::string>{"sz159713"});
  EXPECT_EQ(codes[*Symbol::parse("600111.SH")], std::vector<std::string>{"sh600111"});
  EXPECT_EQ(codes[*Symbol::parse("002202.SZ")], std::vector<std::string>{"sz002202"});
  // What the Eastmoney feed asks for, as make_feed builds it from the URL template.
  const auto& em = config->feeds[1];
  EXPECT_NE(em.url.find("secids={symbols}"), std::string::npos);
  EXPECT_NE(em.url.find("f13"), std::string::npos) << "the market field tells CSI (2) from SSE (1)";
  EXPECT_EQ(em.headers.at("Referer"), "https://quote.eastmoney.com/");
}

// Every WebSocket client holds a descriptor; the unit must allow max_connections of them plus
// the feeds, Redis and the listening socket.
TEST_F(SampleConfig, UnitAllowsMoreDescriptorsThanClients) {
  auto config = app::load_config((etc_ / "lodestone.yaml").string());
  ASSERT_TRUE(config) << config.error().message;
  const std::string unit = read_text(kSource / "deploy/systemd/lodestone.service");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(unit, m, std::regex(R"(\nLimitNOFILE=(\d+)\n)")));
  EXPECT_GE(std::stoul(m[1].str()), config->server.max_connections + 1024);
  EXPECT_GE(std::stoul(m[1].str()), 10'000u + 1024);
}

}  // namespace
