#include "lodestone/app/config.hpp"

#include <gtest/gtest.h>

namespace lodestone::app {
namespace {

std::string error_of(const std::string& yaml) {
  auto c = parse_config(yaml, "lodestone.yaml");
  return c ? std::string("ok") : c.error().message;
}

TEST(Config, DefaultsServeTheBundledReplay) {
  auto c = parse_config("", "empty.yaml");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->server.host, "127.0.0.1");
  EXPECT_EQ(c->server.port, 8080);
  ASSERT_TRUE(c->tape.has_value());
  EXPECT_NE(c->tape->path.find("feeds/tapes/rare-earth-2026-02.ndjson"), std::string::npos);
  EXPECT_DOUBLE_EQ(c->tape->speed, 60.0);
  EXPECT_TRUE(c->server.api_token.empty());
  EXPECT_EQ(c->calendar, "");  // the built-in calendar
}

TEST(Config, ReadsEveryKeyAndResolvesPathsAgainstTheFile) {
  auto c = parse_config(R"(
listen: "[::1]:9000"
threads: 4
log_level: debug
api_token: s3cret
token_for_read: true
allowed_origins: [http://desk:8080]
universe: ref/universe.yaml
rules: /etc/lodestone/rules.yaml
calendar: calendar.yaml
tape: {path: tapes/t.ndjson, speed: 0, loop: false}
websocket: {quote_interval: 100ms, max_queue: 64, max_message: 16KiB, idle_timeout: 30s, heartbeat: 5s}
alerts: {retention: 500}
)",
                        "/srv/lodestone/conf/lodestone.yaml");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->server.host, "::1");
  EXPECT_EQ(c->server.port, 9000);
  EXPECT_EQ(c->threads, 4);
  EXPECT_EQ(c->server.api_token, "s3cret");
  EXPECT_TRUE(c->server.token_for_read);
  ASSERT_EQ(c->server.allowed_origins.size(), 1U);
  EXPECT_EQ(c->universe, "/srv/lodestone/conf/ref/universe.yaml");
  EXPECT_EQ(c->rules, "/etc/lodestone/rules.yaml");
  EXPECT_EQ(c->calendar, "/srv/lodestone/conf/calendar.yaml");
  EXPECT_EQ(c->tape->path, "/srv/lodestone/conf/tapes/t.ndjson");
  EXPECT_DOUBLE_EQ(c->tape->speed, 0.0);
  EXPECT_FALSE(c->tape->loop);
  EXPECT_EQ(c->server.quote_interval_ms, 100);
  EXPECT_EQ(c->server.max_queue, 64U);
  EXPECT_EQ(c->server.max_message_bytes, 16U * 1024);
  EXPECT_EQ(c->server.idle_timeout_ms, 30'000);
  EXPECT_EQ(c->alert_retention, 500U);
}

TEST(Config, ErrorsNameFileLineColumnAndWhatWasExpected) {
  EXPECT_EQ(error_of("threads: two\n"), "lodestone.yaml:1:10: threads must be an integer");
  EXPECT_EQ(
      error_of("listen: 127.0.0.1:8080\nlisten_port: 1\n"),
      "lodestone.yaml:2:1: unknown key 'listen_port' in the configuration (expected one of: alerts, "
      "allowed_origins, api_token, audit, calendar, feeds, http, instance, listen, log_level, notify, redis, rules, "
      "tape, threads, token_for_read, universe, users, web_root, websocket)");
  EXPECT_EQ(error_of("listen: localhost\n"),
            "lodestone.yaml:1:9: listen 'localhost' must be HOST:PORT, e.g. 127.0.0.1:8080");
  EXPECT_EQ(error_of("websocket:\n  quote_interval: fast\n"),
            "lodestone.yaml:2:19: quote_interval: bad duration 'fast': expected a number and a unit (250ms, 30s, "
            "15m, 2h, 1d)");
  EXPECT_EQ(error_of("threads: 0\n"), "lodestone.yaml:1:10: threads must be between 1 and 64");
  EXPECT_EQ(error_of("tape: {speed: 2}\n"), "lodestone.yaml:1:7: tape needs a path");
  EXPECT_EQ(error_of("log_level: loud\n"),
            "lodestone.yaml:1:12: log_level must be trace, debug, info, warn, error, critical or off");
  EXPECT_EQ(error_of("listen: [1, 2\n").substr(0, 15), "lodestone.yaml:");  // YAML syntax errors too
}

TEST(Config, ReadsTheNotifySectionAndReportsItsErrorsWhereTheyAre) {
  auto c = parse_config(R"(notify:
  public_url: http://desk.example:8080/
  receivers:
    - name: ops
      kind: webhook
      url: http://127.0.0.1:9099/hook
  routes:
    - match: { severity: critical }
      receivers: [ops]
)",
                        "lodestone.yaml");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_TRUE(c->notify.enabled());
  EXPECT_EQ(c->notify.public_url, "http://desk.example:8080");
  ASSERT_EQ(c->notify.routes.size(), 1U);
  EXPECT_EQ(c->notify.routes[0].receivers, std::vector<std::string>{"ops"});
  EXPECT_FALSE(parse_config("", "empty.yaml")->notify.enabled()) << "no receivers: alerts reach the page only";
  const auto error = error_of("threads: 2\nnotify:\n  receivers:\n    - name: ops\n      kind: slack\n");
  EXPECT_TRUE(error.starts_with("lodestone.yaml:5:")) << error;
  EXPECT_NE(error.find("slack"), std::string::npos) << error;
}

TEST(Config, TapeCanBeSwitchedOff) {
  auto c = parse_config("tape: off\n", "x.yaml");
  ASSERT_TRUE(c.ok());
  EXPECT_FALSE(c->tape.has_value());
}

TEST(Config, WebSocketAbuseLimitsAreConfigurable) {
  auto c = parse_config(
      "websocket:\n  max_connections_per_ip: 1024\n  max_header_size: 16KiB\n  client_message_rate: 20\n"
      "  client_message_burst: 100\n  close_timeout: 2s\n  resume_grace: 500ms\n",
      "x.yaml");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->server.max_connections_per_ip, 1024U);
  EXPECT_EQ(c->server.max_header_bytes, 16U * 1024);
  EXPECT_EQ(c->server.client_messages_per_second, 20);
  EXPECT_EQ(c->server.client_message_burst, 100);
  EXPECT_EQ(c->server.ws_close_timeout_ms, 2000);
  EXPECT_EQ(c->server.resume_grace_ms, 500);
  EXPECT_EQ(error_of("websocket:\n  client_message_rate: 0\n"),
            "lodestone.yaml:2:24: client_message_rate must be between 1 and 100000");
}

TEST(Config, SendBufferBoundsWhatAStalledReaderHoldsInTheKernel) {
  auto d = parse_config("tape: off\n", "x.yaml");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->server.send_buffer_bytes, web::kDefaultSendBuffer);
  auto c = parse_config("websocket: {send_buffer: 64KiB}\n", "x.yaml");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->server.send_buffer_bytes, 64U * 1024);
  auto kernel = parse_config("websocket: {send_buffer: 0}\n", "x.yaml");
  ASSERT_TRUE(kernel.ok()) << kernel.error().message;
  EXPECT_EQ(kernel->server.send_buffer_bytes, 0U);
  EXPECT_EQ(error_of("websocket:\n  send_buffer: 1KiB\n"),
            "lodestone.yaml:2:16: send_buffer must be 0 (the kernel decides) or between 4KiB and 64MiB");
  EXPECT_EQ(error_of("websocket:\n  send_buffer: 1GiB\n"),
            "lodestone.yaml:2:16: send_buffer: unit must be B, KiB or MiB");
}

// ---- redis: (the string form and the map form) ----

TEST(Config, RedisAsAStringIsTheUrlWithDefaultSizes) {
  auto c = parse_config("redis: redis://127.0.0.1:6380/2\n", "x.yaml");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->redis, "redis://127.0.0.1:6380/2");
  EXPECT_EQ(c->redis_tuning.max_buffered, 10'000U);
  EXPECT_EQ(c->redis_tuning.max_buffered_events, 100'000U);
  EXPECT_EQ(c->redis_tuning.stream_maxlen, 0U);
  EXPECT_EQ(c->redis_tuning.command_timeout_ms, 3'000);
}

TEST(Config, RedisAsAMapSetsTheUrlBuffersRetentionAndTimeouts) {
  auto c = parse_config(R"(
alerts: {retention: 500}
redis:
  url: redis://:pw@10.0.0.5:6379/1
  max_buffered: 2000
  max_buffered_events: 50000
  stream_maxlen: 1000
  command_timeout: 750ms
  backoff_max: 2s
  journal: 48h
  shutdown_flush: 15s
)",
                        "x.yaml");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->redis, "redis://:pw@10.0.0.5:6379/1");
  EXPECT_EQ(c->redis_tuning.max_buffered, 2000U);
  EXPECT_EQ(c->redis_tuning.max_buffered_events, 50'000U);
  EXPECT_EQ(c->redis_tuning.stream_maxlen, 1000U);
  EXPECT_EQ(c->redis_tuning.command_timeout_ms, 750);
  EXPECT_EQ(c->redis_tuning.backoff_max_ms, 2000);
  EXPECT_EQ(c->redis_tuning.journal_ms, 48LL * 3'600'000);
  EXPECT_EQ(c->redis_tuning.shutdown_flush_ms, 15'000);
  EXPECT_EQ(error_of("redis: {url: redis://h, shutdown_flush: 5m}\n"),
            "lodestone.yaml:1:41: shutdown_flush must be between 100ms and 60s");
}

TEST(Config, RedisMapErrorsSayFileLineAndColumn) {
  EXPECT_EQ(error_of("redis: {max_buffered: 10}\n"), "lodestone.yaml:1:8: redis needs a url (redis://host:port/db)");
  EXPECT_EQ(error_of("redis:\n  url: redis://h\n  max_bufered: 10\n").substr(0, 50),
            "lodestone.yaml:3:3: unknown key 'max_bufered' in r");
  EXPECT_EQ(error_of("redis: {url: redis://h, max_buffered: 0}\n"),
            "lodestone.yaml:1:39: max_buffered must be between 1 and 10000000");
  EXPECT_EQ(error_of("redis: {url: redis://h, command_timeout: 5}\n").substr(0, 45),
            "lodestone.yaml:1:42: command_timeout: bad dur");
  EXPECT_EQ(error_of("redis: {url: redis://h, command_timeout: 10ms}\n"),
            "lodestone.yaml:1:42: command_timeout must be between 100ms and 10m");
  EXPECT_EQ(error_of("redis: [redis://h]\n"),
            "lodestone.yaml:1:8: redis must be a URL (redis://host:port/db) or a mapping with a url");
  EXPECT_EQ(error_of("alerts: {retention: 5000}\nredis: {url: redis://h, stream_maxlen: 1000}\n"),
            "lodestone.yaml:2:40: stream_maxlen (1000) must be at least alerts.retention (5000): a restart reloads "
            "the retained alerts from the stream");
}

// Issue #14: Sina and Tencent have no documented code for a CSI thematic index; asking them for
// one is a configuration error that names the file, the feed, the line and the key.
TEST(Config, ACsiIndexOnASinaOrTencentFeedIsAConfigError) {
  for (const char* kind : {"sina", "tencent"}) {
    const std::string yaml = std::string("feeds:\n  - name: q\n    kind: ") + kind +
                             "\n    url: https://hq.sinajs.cn/list={symbols}\n    symbols: [600111.SH, 930598.CSI]\n";
    EXPECT_EQ(error_of(yaml), std::string("lodestone.yaml: feed 'q' line 5: symbols: 930598.CSI has no ") + kind +
                                  " code (CSI indexes are not in its documented forms); poll it from an eastmoney "
                                  "feed as 2.930598");
  }
  // CSI 300 is sh000300 on both; 930598 is Eastmoney's 2.930598.
  auto c = parse_config(
      "feeds:\n  - {name: s, kind: sina, url: 'https://hq.sinajs.cn/list={symbols}', symbols: [000300.SH]}\n"
      "  - {name: e, kind: eastmoney, url: 'https://push2.eastmoney.com/api/qt/ulist.np/get?secids={symbols}', "
      "symbols: ['2.930598', 930598]}\n",
      "lodestone.yaml");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->feeds[0].symbols[0].sina_code(), "sh000300");
  EXPECT_EQ(c->feeds[1].symbols[0].eastmoney_secid(), "2.930598");
  EXPECT_EQ(c->feeds[1].symbols[1].str(), "930598.CSI");
}

}  // namespace
}  // namespace lodestone::app
