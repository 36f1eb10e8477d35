#pragma once
// One entry of the `feeds:` list in the daemon's YAML config (issue #3 "Configuration"):
//   - name: sina-l1
//     kind: sina            # sina | tencent | eastmoney | ws-json | rss | json-news | replay
//     url: https://hq.sinajs.cn/list={symbols}
//     symbols: [159713.SZ, 516150.SH, 600111.SH]
//     interval: 3s
//     headers: {Referer: https://finance.sina.com.cn/}
//     mapping: {...}        # ws-json: items/symbol/price/time/volume/...; json-news: a built-in
//                           # name (sina-7x24, eastmoney-kuaixun, cls-telegraph) or the paths
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "lodestone/core/calendar.hpp"
#include "lodestone/core/result.hpp"
#include "lodestone/feeds/charset.hpp"
#include "lodestone/feeds/json_mapping.hpp"

namespace YAML {
class Node;
}

namespace lodestone::feeds {

enum class FeedKind : std::uint8_t { Sina, Tencent, Eastmoney, WsJson, Rss, JsonNews, Replay };
std::string_view to_string(FeedKind k);
Result<FeedKind> parse_feed_kind(std::string_view text);

struct FeedConfig {
  std::string name;
  FeedKind kind = FeedKind::Sina;
  // {symbols} is replaced by the source's codes joined with commas (sz159713 for Sina and
  // Tencent, 0.159713 for Eastmoney, 159713.SZ otherwise). Replay: the tape's path.
  std::string url;
  std::vector<Symbol> symbols;
  std::int64_t interval_ms = 3000;  // poll cadence (the Level-1 snapshot rate)
  // Added to each request, over the defaults (a browser User-Agent; the Referer Sina and
  // Eastmoney require).
  std::map<std::string, std::string> headers;
  std::optional<Charset> charset;     // overrides Content-Type and the source's default
  std::string ca_file;                // https/wss: PEM certificates trusted besides the system's (a private vendor)
  std::size_t max_url_length = 2000;  // longer request targets are split across requests
  std::int64_t timeout_ms = 10'000;   // per connect / handshake / request
  std::int64_t backoff_initial_ms = 1000;
  std::int64_t backoff_max_ms = 60'000;
  int stale_after_intervals = 5;  // silent this many intervals during trading hours -> stale
  QuoteMapping quote_mapping;     // ws-json
  NewsMapping news_mapping;       // json-news
  std::string subscribe;          // ws-json: sent after connecting; {symbols} as in url
  std::string source;             // rss: shown as Headline::source (default: the feed's title)
  double replay_speed = 60.0;     // replay
  bool replay_loop = false;       // replay
};

// Reads one entry. Errors name the entry and the YAML line ("feeds[0] line 4: unknown kind 'x'").
Result<FeedConfig> parse_feed_config(const YAML::Node& node);
// Reads the whole `feeds:` sequence; names must be unique.
Result<std::vector<FeedConfig>> parse_feed_configs(const YAML::Node& feeds);

}  // namespace lodestone::feeds
