// /metrics: the feeds' limit mismatches as lodestone_limit_mismatch_total{symbol}, summed over
// the feeds that noticed them (issue #14).
#include <gtest/gtest.h>

#include "lodestone/app/metrics.hpp"

namespace lodestone::app {
namespace {

feeds::FeedStatus::View feed(std::string name, std::map<std::string, std::uint64_t> mismatches) {
  feeds::FeedStatus status(std::move(name), "tencent");
  for (const auto& [symbol, n] : mismatches)
    for (std::uint64_t i = 0; i < n; ++i) status.on_limit_mismatch(symbol);
  return status.view();
}

TEST(MetricsLimitMismatch, CountedBySymbolSummedOverFeeds) {
  Metrics metrics("test", "test");
  MetricsInputs in;
  in.feeds = {feed("tencent", {{"600021.SH", 3}, {"600392.SH", 1}}), feed("em", {{"600021.SH", 2}})};
  const std::string text = metrics.render(in);
  EXPECT_NE(text.find(R"(lodestone_limit_mismatch_total{symbol="600021.SH"} 5)"), std::string::npos) << text;
  EXPECT_NE(text.find(R"(lodestone_limit_mismatch_total{symbol="600392.SH"} 1)"), std::string::npos) << text;
  // Not a parse error of either feed.
  EXPECT_EQ(text.find(R"(reason="600021.SH")"), std::string::npos);
  // Counters only grow between scrapes.
  in.feeds = {feed("tencent", {{"600021.SH", 4}}), feed("em", {{"600021.SH", 2}})};
  const std::string later = metrics.render(in);
  EXPECT_NE(later.find(R"(lodestone_limit_mismatch_total{symbol="600021.SH"} 6)"), std::string::npos) << later;
}

}  // namespace
}  // namespace lodestone::app
