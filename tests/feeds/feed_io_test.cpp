// The live feeds against loopback fixture servers: each source's exact format and encoding, and
// the ways sources misbehave. Every wait is bounded.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <chrono>
#include <mutex>

#include "fixture_server.hpp"
#include "lodestone/feeds/backoff.hpp"
#include "lodestone/feeds/make_feed.hpp"
#include "test_util.hpp"
#include "tls_fixture.hpp"

namespace lodestone::feeds {
namespace {

using test::HttpFixture;
using test::read_fixture;
using test::RecordingSink;
using test::Reply;
using test::SeenRequest;
using test::sym;

// The fixtures are dated Monday 2026-02-09 around 10:15; the feeds' clock is pinned there.
const Timestamp kNow = exchange_time(make_date(2026, 2, 9), 10, 15, 10);

struct Harness {
  ManualClock pinned{kNow};
  net::io_context io;
  RecordingSink sink;
  std::shared_ptr<FeedStatus> status;
  std::shared_ptr<Feed> feed;

  explicit Harness(FeedConfig config, FeedContext context = {}) {
    status = std::make_shared<FeedStatus>(config.name, std::string(to_string(config.kind)));
    if (&context.clock.get() == &system_clock()) context.clock = pinned;
    auto f = make_feed(config, io.get_executor(), sink, status, std::move(context));
    if (!f) throw std::runtime_error(f.error().message);
    feed = *f;
    feed->start();
  }
  ~Harness() {
    feed->stop();
    io.run_for(std::chrono::milliseconds(200));
  }
  // Runs the feed until `done` holds or `limit` passes; says which.
  template <class Pred>
  bool run_until(Pred done, std::chrono::milliseconds limit = std::chrono::seconds(10)) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
      if (done()) return true;
      io.run_for(std::chrono::milliseconds(5));
    }
    return done();
  }
  std::uint64_t errors(const std::string& reason) const {
    auto v = status->view();
    auto it = v.errors.find(reason);
    return it == v.errors.end() ? 0 : it->second;
  }
};

FeedConfig config(FeedKind kind, std::string url, std::vector<std::string> symbols = {}) {
  FeedConfig c;
  c.name = std::string("test-") + std::string(to_string(kind));
  c.kind = kind;
  c.url = std::move(url);
  for (const auto& s : symbols) c.symbols.push_back(sym(s));
  c.interval_ms = 30;
  c.timeout_ms = 2000;
  c.backoff_initial_ms = 20;
  c.backoff_max_ms = 100;
  return c;
}

Reply gbk(std::string body) {
  Reply r;
  r.body = std::move(body);
  r.content_type = "application/javascript; charset=GBK";
  return r;
}

TEST(SinaFeed, GbkAnswersOverOneKeptAliveConnection) {
  const std::string body = read_fixture("sina_quotes.gbk.txt");
  HttpFixture server([&](const SeenRequest&, int) { return gbk(body); });
  Harness h(config(FeedKind::Sina, server.url("/list={symbols}"), {"600000.SH", "162411.SZ", "159713.SZ"}));
  ASSERT_TRUE(h.run_until([&] { return server.requests().size() >= 4; }));
  const auto reqs = server.requests();
  EXPECT_EQ(reqs[0].target, "/list=sh600000,sz162411,sz159713");
  EXPECT_EQ(reqs[0].headers.at("Referer"), "https://finance.sina.com.cn/");
  EXPECT_NE(reqs[0].headers.at("User-Agent").find("Mozilla"), std::string::npos);
  EXPECT_EQ(server.connections(), 1);  // keep-alive reuse
  // Only 159713 is dated today: the real 2022 and 2019 lines are stale and rejected, and the
  // same snapshot on the next polls is a counted duplicate.
  const auto quotes = h.sink.quotes();
  ASSERT_EQ(quotes.size(), 1u);
  EXPECT_EQ(quotes[0].symbol, sym("159713.SZ"));
  EXPECT_EQ(quotes[0].last, test::px("1.233"));
  EXPECT_EQ(h.status->view().state, FeedState::Live);
  EXPECT_GE(h.errors("stale"), 3u);
  EXPECT_GE(h.errors("duplicate"), 1u);
  EXPECT_GE(h.errors("unknown_code"), 1u);  // sz160923 answers ""
}

TEST(SinaFeed, Forbidden403BacksOffAndRecovers) {
  const std::string body = read_fixture("sina_quotes.gbk.txt");
  HttpFixture server([&](const SeenRequest& r, int n) {
    if (n <= 3 || r.headers.count("Referer") == 0) {
      Reply no;
      no.status = 403;
      no.body = "Kinsoku jikou desu!";
      return no;
    }
    return gbk(body);
  });
  Harness h(config(FeedKind::Sina, server.url("/list={symbols}"), {"159713.SZ"}));
  ASSERT_TRUE(h.run_until([&] { return h.sink.quote_count() > 0; }));
  EXPECT_EQ(h.errors("http_403"), 3u);
  EXPECT_GE(h.status->view().reconnects, 3u);
  EXPECT_EQ(h.status->view().state, FeedState::Live);
}

TEST(TencentFeed, ChunkedGbkBodyAndEmptyAnswerForUnknownCodes) {
  const std::string body = read_fixture("tencent_quotes.gbk.txt");
  HttpFixture server([&](const SeenRequest&, int) {
    Reply r = gbk(body);
    r.kind = Reply::Kind::Chunked;
    return r;
  });
  Harness h(config(FeedKind::Tencent, server.url("/q={symbols}"), {"600519.SH", "159713.SZ"}));
  ASSERT_TRUE(h.run_until([&] { return h.sink.quote_count() >= 1 && server.requests().size() >= 2; }));
  const auto quotes = h.sink.quotes();
  ASSERT_EQ(quotes.size(), 1u);
  EXPECT_EQ(quotes[0].symbol, sym("159713.SZ"));
  EXPECT_EQ(quotes[0].volume, 98765400);
  EXPECT_GE(h.errors("future_timestamp"), 1u);  // the 600519 line is dated April
  EXPECT_EQ(server.requests()[0].target, "/q=sh600519,sz159713");
  EXPECT_GE(h.errors("unknown_code"), 1u);  // v_pv_none_match
  EXPECT_GE(h.errors("no_price"), 1u);      // the delisted line
}

TEST(EastmoneyFeed, UlistDecimalsAndUnknownSecids) {
  HttpFixture server([&](const SeenRequest& r, int) {
    Reply rep;
    rep.content_type = "application/json; charset=UTF-8";
    rep.body =
        r.target.find("0.999999") != std::string::npos
            ? R"({"rc":0,"data":null})"
            : R"({"rc":0,"data":{"total":1,"diff":[{"f2":1.233,"f5":10,"f6":1233.0,"f12":"159713","f13":0,"f18":1.19,"f124":1770603303}]}})";
    return rep;
  });
  FeedConfig c = config(FeedKind::Eastmoney, server.url("/api/qt/ulist.np/get?fltt=2&secids={symbols}&fields=f2"),
                        {"159713.SZ", "999999.SZ"});
  c.max_url_length = 50;  // one secid per request
  Harness h(c);
  ASSERT_TRUE(h.run_until([&] { return h.sink.quote_count() >= 1 && h.errors("unknown_code") >= 1; }));
  const auto reqs = server.requests();
  ASSERT_GE(reqs.size(), 2u);
  EXPECT_EQ(reqs[0].target, "/api/qt/ulist.np/get?fltt=2&secids=0.159713&fields=f2");
  EXPECT_EQ(reqs[1].target, "/api/qt/ulist.np/get?fltt=2&secids=0.999999&fields=f2");
  EXPECT_EQ(reqs[0].headers.at("Referer"), "https://quote.eastmoney.com/");
  EXPECT_EQ(h.sink.quotes()[0].last, test::px("1.233"));
}

TEST(FeedResilience, TruncatedDroppedSlowAndServerErrorsAreSurvived) {
  const std::string body = read_fixture("sina_quotes.gbk.txt");
  HttpFixture server([&](const SeenRequest&, int n) {
    Reply r = gbk(body);
    switch (n) {
      case 1:
        r.kind = Reply::Kind::Truncate;
        break;
      case 2:
        r.kind = Reply::Kind::Drop;
        break;
      case 3:
        r.delay_ms = 60'000;
        break;  // beyond the timeout, however late the client's timer fires
      case 4:
        r.status = 502;
        r.body = "<html>Bad Gateway</html>";
        break;
      default:
        break;
    }
    return r;
  });
  FeedConfig c = config(FeedKind::Sina, server.url("/list={symbols}"), {"159713.SZ"});
  c.timeout_ms = 2000;  // every other answer comes well within it, on a loaded machine too
  Harness h(c);
  ASSERT_TRUE(h.run_until([&] { return h.sink.quote_count() > 0; }));
  EXPECT_EQ(h.errors("truncated"), 2u);  // the half body, and the hang-up without an answer
  EXPECT_EQ(h.errors("timeout"), 1u);
  EXPECT_EQ(h.errors("http_502"), 1u);
  EXPECT_GE(server.connections(), 4);
  EXPECT_EQ(h.status->view().state, FeedState::Live);
}

TEST(FeedResilience, NothingListeningIsConnectingThenRetried) {
  unsigned short port = 0;
  {
    HttpFixture gone([](const SeenRequest&, int) { return Reply{}; });
    port = gone.port();
  }
  Harness h(config(FeedKind::Sina, "http://127.0.0.1:" + std::to_string(port) + "/list={symbols}", {"159713.SZ"}));
  ASSERT_TRUE(h.run_until([&] { return h.status->view().reconnects >= 3; }));
  EXPECT_EQ(h.status->view().state, FeedState::Connecting);
  EXPECT_GE(h.errors("connect_failed"), 3u);
}

constexpr std::string_view kOneRow =
    R"({"rc":0,"data":{"total":1,"diff":[{"f2":1.233,"f12":"159713","f13":0,"f18":1.19,"f124":1770603303}]}})";

TEST(TlsFeed, HttpsWithATrustedCertificate) {
  test::TlsFixture server{std::string(kOneRow)};
  FeedConfig c =
      config(FeedKind::Eastmoney,
             "https://127.0.0.1:" + std::to_string(server.port()) + "/api/qt/ulist.np/get?fltt=2&secids={symbols}",
             {"159713.SZ"});
  c.ca_file = server.ca_file();
  Harness h(c);
  ASSERT_TRUE(h.run_until([&] { return h.sink.quote_count() >= 1 && server.requests() >= 2; }));
  EXPECT_EQ(h.sink.quotes()[0].last, test::px("1.233"));
  EXPECT_EQ(h.status->view().state, FeedState::Live);
}

TEST(TlsFeed, AnUntrustedCertificateIsRefusedAndRetried) {
  test::TlsFixture server{std::string(kOneRow)};
  FeedConfig c =
      config(FeedKind::Eastmoney,
             "https://127.0.0.1:" + std::to_string(server.port()) + "/api/qt/ulist.np/get?fltt=2&secids={symbols}",
             {"159713.SZ"});
  Harness h(c);  // only the system's trust store: the self-signed certificate is not in it
  ASSERT_TRUE(h.run_until([&] { return h.errors("tls_failed") >= 2; }));
  EXPECT_EQ(h.sink.quote_count(), 0u);
  EXPECT_EQ(server.requests(), 0);
  EXPECT_EQ(h.status->view().state, FeedState::Connecting);
  c.ca_file = "/nonexistent/ca.pem";
  net::io_context io;
  test::RecordingSink sink;
  EXPECT_FALSE(make_feed(c, io.get_executor(), sink, std::make_shared<FeedStatus>("x", "eastmoney")));
}

TEST(RssFeed, ConditionalGetAndDedupAcrossPolls) {
  const std::string rss = R"(<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>T</title>
<item><title>稀土出口管制升级 (synthetic)</title><guid>n1</guid><pubDate>Mon, 09 Feb 2026 10:00:00 +0800</pubDate></item>
</channel></rss>)";
  HttpFixture server([&](const SeenRequest& r, int) {
    Reply rep;
    if (r.headers.count("If-None-Match") != 0 && r.headers.at("If-None-Match") == "\"v1\"") {
      rep.status = 304;
      return rep;
    }
    rep.body = rss;
    rep.content_type = "application/rss+xml";
    rep.headers["ETag"] = "\"v1\"";
    rep.headers["Last-Modified"] = "Mon, 09 Feb 2026 02:00:00 GMT";
    return rep;
  });
  FeedConfig c = config(FeedKind::Rss, server.url("/feed.xml"));
  Harness h(c);
  ASSERT_TRUE(h.run_until([&] { return server.requests().size() >= 3; }));
  const auto reqs = server.requests();
  EXPECT_EQ(reqs[0].headers.count("If-None-Match"), 0u);
  EXPECT_EQ(reqs[1].headers.at("If-None-Match"), "\"v1\"");
  EXPECT_EQ(reqs[1].headers.at("If-Modified-Since"), "Mon, 09 Feb 2026 02:00:00 GMT");
  ASSERT_EQ(h.sink.headline_count(), 1u);
  EXPECT_EQ(h.sink.headlines()[0].title, "稀土出口管制升级 (synthetic)");
}

TEST(JsonNewsFeed, ClsTelegraphWithSymbolsAttached) {
  HttpFixture server([&](const SeenRequest&, int) {
    Reply rep;
    rep.content_type = "application/json";
    rep.body =
        R"({"error":0,"data":{"roll_data":[{"id":77,"title":"","content":"【北方稀土涨停】北方稀土午后封板（合成）","ctime":1770603000,"shareurl":"https://x/77"}]}})";
    return rep;
  });
  InstrumentRegistry reg;
  reg.add(instrument_from_code(sym("600111.SH"), "北方稀土"));
  FeedConfig c = config(FeedKind::JsonNews, server.url("/nodeapi/telegraphs"));
  c.news_mapping = *builtin_news_mapping("cls-telegraph");
  FeedContext ctx;
  ctx.registry = &reg;
  ctx.news = std::make_shared<NewsDesk>(reg);
  Harness h(c, ctx);
  ASSERT_TRUE(h.run_until([&] { return h.sink.headline_count() >= 1 && server.requests().size() >= 2; }));
  const auto hs = h.sink.headlines();
  ASSERT_EQ(hs.size(), 1u);
  EXPECT_EQ(hs[0].title, "北方稀土涨停");
  EXPECT_EQ(hs[0].symbols, std::vector<Symbol>{sym("600111.SH")});
  EXPECT_EQ(hs[0].source, "财联社电报");
}

TEST(WsJsonFeed, SubscribesParsesAndReconnectsAfterTheServerCloses) {
  test::WsFixture server({R"({"data":[{"s":"159713.SZ","p":1.233,"t":1770603303000,"v":10}]})", "not json",
                          R"({"data":[{"s":"159713.SZ","p":1.234,"t":1770603304000,"v":11}]})"});
  FeedConfig c =
      config(FeedKind::WsJson, "ws://127.0.0.1:" + std::to_string(server.port()) + "/push", {"159713.SZ", "516150.SH"});
  c.subscribe = R"({"op":"sub","args":"{symbols}"})";
  c.quote_mapping.items = "data";
  c.quote_mapping.symbol = "s";
  c.quote_mapping.price = "p";
  c.quote_mapping.time = "t";
  c.quote_mapping.volume = "v";
  Harness h(c);
  ASSERT_TRUE(h.run_until([&] { return server.connections() >= 2 && h.sink.quote_count() >= 2; }));
  EXPECT_EQ(server.subscriptions()[0], R"({"op":"sub","args":"159713.SZ,516150.SH"})");
  const auto quotes = h.sink.quotes();
  EXPECT_EQ(quotes[0].last, test::px("1.233"));
  EXPECT_EQ(quotes[1].last, test::px("1.234"));
  EXPECT_GE(h.errors("bad_json"), 1u);
  EXPECT_GE(h.status->view().reconnects, 1u);
}

TEST(WsJsonFeed, SilentDuringTradingHoursIsStaleButNotAtLunch) {
  test::WsFixture server({R"({"s":"159713.SZ","p":1.233})"}, 60'000);  // connected and silent
  ManualClock clock(kNow);
  FeedConfig c = config(FeedKind::WsJson, "ws://127.0.0.1:" + std::to_string(server.port()) + "/push");
  c.subscribe = "sub";
  c.quote_mapping.symbol = "s";
  c.quote_mapping.price = "p";
  FeedContext ctx;
  ctx.clock = clock;
  Harness h(c, ctx);
  ASSERT_TRUE(h.run_until([&] { return h.sink.quote_count() == 1; }));
  EXPECT_EQ(h.status->view().state, FeedState::Live);
  // 12:00 is the lunch break: ten minutes of silence there is the market, not the feed.
  clock.set(exchange_time(make_date(2026, 2, 9), 12, 0));
  h.run_until([] { return false; }, std::chrono::milliseconds(200));
  EXPECT_EQ(h.status->view().state, FeedState::Live);
  // 10:25 in the morning session, ten minutes after the last message: stale.
  clock.set(exchange_time(make_date(2026, 2, 9), 10, 25));
  EXPECT_TRUE(h.run_until([&] { return h.status->view().state == FeedState::Stale; }, std::chrono::seconds(30)));
}

// ---- D11 / D12 (tests/reliability/README.md): stalled and dropped sockets, restarts ----

// The feeds' clock runs from kNow at the speed of the steady clock, so silence ages.
class MovingClock final : public Clock {
 public:
  [[nodiscard]] Timestamp now() const override {
    return Timestamp{kNow.ms + std::chrono::duration_cast<std::chrono::milliseconds>(steady() - start_).count()};
  }
  [[nodiscard]] Steady steady() const override { return std::chrono::steady_clock::now(); }

 private:
  Steady start_ = std::chrono::steady_clock::now();
};

FeedContext moving_clock(const MovingClock& clock) {
  FeedContext ctx;
  ctx.clock = clock;
  return ctx;
}

std::string tick(std::int64_t ts_ms, const std::string& last, std::int64_t volume, std::int64_t seq = -1) {
  return std::string("{") + (seq >= 0 ? R"("seq":)" + std::to_string(seq) + "," : std::string()) +
         R"("data":[{"s":"159713.SZ","p":)" + last + R"(,"t":)" + std::to_string(ts_ms) + R"(,"v":)" +
         std::to_string(volume) + "}]}";
}

FeedConfig ws_config(unsigned short port) {
  FeedConfig c = config(FeedKind::WsJson, "ws://127.0.0.1:" + std::to_string(port) + "/push", {"159713.SZ"});
  c.subscribe = "sub";
  c.quote_mapping.items = "data";
  c.quote_mapping.symbol = "s";
  c.quote_mapping.price = "p";
  c.quote_mapping.time = "t";
  c.quote_mapping.volume = "v";
  c.quote_mapping.seq = "seq";
  return c;
}

TEST(FeedFaults, D11_AStalledWebSocketGoesStaleTimesOutReconnectsAndReplaysNothingOld) {
  // Two ticks, then the server stays connected and silent (no FIN, no pongs) until the client
  // gives up (60 s at most); the next connection sends the same cached ticks again.
  test::WsFixture server({tick(kNow.ms - 2000, "1.233", 1000), tick(kNow.ms - 1000, "1.234", 1100)}, 60'000);
  FeedConfig c = ws_config(server.port());
  c.timeout_ms = 300;  // idle timeout max(300 ms, 2 x stale window of 5 x 30 ms)
  const MovingClock clock;
  Harness h(c, moving_clock(clock));
  ASSERT_TRUE(h.run_until([&] { return h.sink.quote_count() == 2; }));
  const std::int64_t last_message = h.status->view().last_message_ms;
  // Silent past 5 intervals in trading hours: stale, while the socket is still open.
  ASSERT_TRUE(h.run_until([&] { return h.status->view().state == FeedState::Stale; }, std::chrono::seconds(30)));
  // Past the idle timeout: the stalled socket is given up, the feed is down and retrying, and
  // the age of its last message keeps rising.
  ASSERT_TRUE(h.run_until([&] { return h.errors("timeout") >= 1; }, std::chrono::seconds(30)));
  EXPECT_EQ(h.status->view().state, FeedState::Down);
  EXPECT_EQ(h.status->view().last_message_ms, last_message);
  EXPECT_GE(clock.now().ms - last_message, 300);  // what /metrics shows as the last-message age
  // No price was delivered while stalled; the reconnect's replay of the cached ticks is two
  // counted duplicates, not two more quotes (nothing old moves the board).
  ASSERT_TRUE(
      h.run_until([&] { return server.connections() >= 2 && h.errors("duplicate") >= 2; }, std::chrono::seconds(30)));
  EXPECT_EQ(h.sink.quote_count(), 2u);
  EXPECT_GE(h.status->view().reconnects, 1u);
  EXPECT_EQ(h.status->view().state, FeedState::Live);
}

TEST(FeedFaults, D11_AStalledHttpSourceIsRetriedWithGrowingDelaysAndRecovers) {
  const std::string body = read_fixture("sina_quotes.gbk.txt");
  std::mutex mutex;
  std::vector<std::chrono::steady_clock::time_point> arrivals;
  HttpFixture server([&](const SeenRequest&, int n) {
    {
      std::lock_guard lock(mutex);
      arrivals.push_back(std::chrono::steady_clock::now());
    }
    Reply r = gbk(body);
    if (n >= 2 && n <= 5) r.delay_ms = 60'000;  // accepted, read, never answered in time (no FIN)
    return r;
  });
  FeedConfig c = config(FeedKind::Sina, server.url("/list={symbols}"), {"159713.SZ"});
  // Long enough for a normal answer on a loaded machine; the stalled ones never come in time.
  c.timeout_ms = 1000;
  c.backoff_initial_ms = 100;
  c.backoff_max_ms = 400;
  const MovingClock clock;
  Harness h(c, moving_clock(clock));
  ASSERT_TRUE(h.run_until([&] { return h.sink.quote_count() == 1; }));
  ASSERT_TRUE(h.run_until([&] { return h.errors("timeout") >= 2; }));
  EXPECT_EQ(h.status->view().state, FeedState::Down);
  const std::int64_t last_message = h.status->view().last_message_ms;
  ASSERT_TRUE(h.run_until([&] { return h.errors("timeout") >= 4 && h.status->view().state == FeedState::Live; },
                          std::chrono::seconds(60)));
  EXPECT_GE(h.errors("timeout"), 4u);  // more only if the loaded machine made a normal answer late
  EXPECT_GT(h.status->view().last_message_ms, last_message);
  EXPECT_EQ(h.sink.quote_count(), 1u);  // the same snapshot after recovery is a duplicate
  // Attempt k+1 comes at least timeout + half the k-th backoff base after attempt k: 100, 200,
  // 400 ms bases. Without backoff the gaps would stay at the timeout.
  std::lock_guard lock(mutex);
  ASSERT_GE(arrivals.size(), 6u);
  auto gap = [&](std::size_t i) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(arrivals[i + 1] - arrivals[i]).count();
  };
  EXPECT_GE(gap(1), c.timeout_ms + 50);
  EXPECT_GE(gap(2), c.timeout_ms + 100);
  EXPECT_GE(gap(3), c.timeout_ms + 200);
}

TEST(FeedFaults, D12_AnUpstreamSequenceRestartIsOneResetNotAStorm) {
  const std::int64_t t = kNow.ms - 10'000;
  test::WsFixture server(
      {
          tick(t, "1.230", 5000, 500), tick(t + 1000, "1.231", 5100, 501), tick(t + 2000, "1.232", 5200, 502),
          tick(t + 2000, "1.232", 5200, 502),  // resent (PossDup): dropped
          tick(t + 1000, "1.231", 5100, 501),  // late: dropped
          // The upstream restarted: numbers from 1, cumulative volume from its own start.
          tick(t + 3000, "1.233", 10, 1), tick(t + 4000, "1.234", 20, 2), tick(t + 5000, "1.235", 30, 3),
          tick(t + 6000, "1.236", 40, 7),  // three messages lost: a gap, delivered
      },
      60'000);  // then connected and silent until the test ends: one connection
  Harness h(ws_config(server.port()));
  ASSERT_TRUE(h.run_until([&] { return h.sink.quote_count() >= 7; })) << h.sink.quote_count();
  h.run_until([] { return false; }, std::chrono::milliseconds(100));
  const auto quotes = h.sink.quotes();
  ASSERT_EQ(quotes.size(), 7u);
  EXPECT_EQ(quotes[3].volume, 10);  // the restart's first message is the new baseline
  EXPECT_EQ(quotes[6].last, test::px("1.236"));
  EXPECT_EQ(h.errors("sequence_duplicate"), 1u);
  EXPECT_EQ(h.errors("sequence_old"), 1u);
  EXPECT_EQ(h.errors("sequence_reset"), 1u);
  EXPECT_EQ(h.errors("sequence_gap"), 1u);
  EXPECT_EQ(h.errors("out_of_order"), 0u);  // no storm: not one quote refused for the lower volume
  EXPECT_EQ(server.connections(), 1);
}

TEST(FeedConfigYaml, ReadsTheIssueShape) {
  const YAML::Node doc = YAML::Load(R"(
feeds:
  - name: sina-l1
    kind: sina
    url: https://hq.sinajs.cn/list={symbols}
    symbols: [159713.SZ, 516150.SH, 600111.SH]
    interval: 3s
  - name: vendor
    kind: ws-json
    url: wss://push.example.com/q
    symbols: [sz159713]
    subscribe: '{"sub":"{symbols}"}'
    mapping: {items: data.ticks, symbol: s, price: px.last, time: t, volume: v, volume_multiplier: 100}
  - name: cls
    kind: json-news
    url: https://www.cls.cn/nodeapi/telegraphList
    interval: 30s
    mapping: cls-telegraph
  - name: tape
    kind: replay
    url: feeds/tapes/day.ndjson
    speed: 120
    loop: true
)");
  auto feeds = parse_feed_configs(doc["feeds"]);
  ASSERT_TRUE(feeds) << feeds.error().message;
  ASSERT_EQ(feeds->size(), 4u);
  const FeedConfig& sina = (*feeds)[0];
  EXPECT_EQ(sina.kind, FeedKind::Sina);
  EXPECT_EQ(sina.interval_ms, 3000);
  EXPECT_EQ(sina.symbols.size(), 3u);
  EXPECT_EQ((*feeds)[1].quote_mapping.price, "px.last");
  EXPECT_EQ((*feeds)[1].quote_mapping.volume_multiplier, 100);
  EXPECT_EQ((*feeds)[2].news_mapping.items, "data.roll_data");
  EXPECT_EQ((*feeds)[3].replay_speed, 120.0);
  EXPECT_TRUE((*feeds)[3].replay_loop);
}

TEST(FeedConfigYaml, ErrorsNameTheFeedAndTheLine) {
  auto err = [](const char* yaml) {
    auto r = parse_feed_configs(YAML::Load(yaml)["feeds"]);
    return r ? std::string("accepted") : r.error().message;
  };
  EXPECT_EQ(err("feeds:\n  - name: a\n    kind: bloomberg\n    url: http://x/"),
            "feed 'a' line 3: unknown kind 'bloomberg' (sina, tencent, eastmoney, ws-json, rss, json-news, replay)");
  EXPECT_NE(
      err("feeds:\n  - name: a\n    kind: sina\n    url: http://x/list={symbols}\n    symbols: [12]\n").find("line 5"),
      std::string::npos);
  EXPECT_NE(
      err("feeds:\n  - name: a\n    kind: sina\n    url: http://x/list\n    symbols: [159713.SZ]\n").find("{symbols}"),
      std::string::npos);
  EXPECT_NE(err("feeds:\n  - name: a\n    kind: sina\n    url: http://x/{symbols}\n    symbols: [159713.SZ]\n"
                "    intervall: 3s\n")
                .find("line 6: unknown key 'intervall'"),
            std::string::npos);
  EXPECT_NE(err("feeds:\n  - name: a\n    kind: ws-json\n    url: ws://x/\n    mapping: {symbol: s}\n")
                .find("'price' path is required"),
            std::string::npos);
  EXPECT_NE(err("feeds:\n  - name: a\n    kind: rss\n    url: ftp://x/\n").find("scheme"), std::string::npos);
  EXPECT_NE(
      err("feeds:\n  - name: a\n    kind: rss\n    url: http://x/\n  - name: a\n    kind: rss\n    url: http://y/\n")
          .find("used twice"),
      std::string::npos);
  EXPECT_NE(err("feeds:\n  - name: a\n    kind: rss\n    url: http://x/\n    interval: soon\n").find("duration"),
            std::string::npos);
}

TEST(Backoff, GrowsExponentiallyWithJitterUpToTheCap) {
  Backoff b(100, 1000, 42);
  std::int64_t prev_base = 0;
  for (int i = 0; i < 10; ++i) {
    const std::int64_t d = b.next_ms();
    const std::int64_t base = b.current_ms();
    EXPECT_GE(d, base / 2);
    EXPECT_LE(d, base);
    EXPECT_LE(base, 1000);
    if (prev_base > 0 && prev_base < 1000) EXPECT_EQ(base, std::min<std::int64_t>(prev_base * 2, 1000));
    prev_base = base;
  }
  b.reset();
  EXPECT_LE(b.next_ms(), 100);
}

}  // namespace
}  // namespace lodestone::feeds
