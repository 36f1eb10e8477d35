#pragma once
// From one `feeds:` entry to a running feed: the HTTP poller (Sina, Tencent, Eastmoney, RSS,
// JSON news), the WebSocket JSON feed or the tape replay, each with its codec.
#include <memory>

#include "lodestone/core/event_sink.hpp"
#include "lodestone/core/result.hpp"
#include "lodestone/feeds/feed.hpp"
#include "lodestone/feeds/feed_config.hpp"
#include "lodestone/feeds/feed_status.hpp"
#include "lodestone/net/net.hpp"

namespace lodestone::feeds {

// Builds the feed the entry describes; nothing runs until start().
Result<std::shared_ptr<Feed>> make_feed(const FeedConfig& config, net::any_io_executor executor, EventSink& sink,
                                        std::shared_ptr<FeedStatus> status, FeedContext context = {});

}  // namespace lodestone::feeds
