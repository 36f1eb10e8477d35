// One alert's own endpoints through a real loopback socket, web::Server in-process (no daemon):
// GET /api/v1/alerts/KEY from the store's index, GET /api/v1/alerts/KEY/deliveries answered
// later from another thread (in request order, 504 past the request timeout, 404 without
// notifications), GET /api/v1/notify, and the page's own route /alerts/KEY.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <functional>
#include <mutex>
#include <regex>
#include <thread>

#include "lodestone/bus/alert_store.hpp"
#include "lodestone/testing/redis_server.hpp"  // eventually()
#include "lodestone/testing/ws_client.hpp"
#include "lodestone/web/deliveries.hpp"
#include "lodestone/web/server.hpp"

namespace lodestone::testing {
namespace {

// A daemon stand-in: alerts from a real MemoryAlertStore; the deliveries' replies are kept for
// the test to give (from its own thread) or withhold.
struct FakeApi final : web::Api {
  std::vector<feeds::FeedStatus::View> feeds() override { return {}; }
  web::AlertRange alerts_after(std::uint64_t after, std::size_t limit) override { return store.after(after, limit); }
  std::uint64_t last_alert_seq() override { return store.last_seq(); }
  std::string news_json(std::size_t) override { return R"({"news":[]})"; }
  Status ingest(const feeds::CanonicalEvent&, std::size_t) override { return {}; }
  void ingest_unreadable(const Error&) override {}
  bool ready(std::string&) override { return true; }
  std::string metrics_text() override { return ""; }

  std::vector<web::StoredAlert> alert_notifications(std::string_view key) override { return store.find(key); }
  void deliveries(std::string key, std::function<void(web::HttpAnswer)> reply) override {
    if (!ledger) return web::Api::deliveries(std::move(key), std::move(reply));
    std::lock_guard lock(mutex);
    asked.push_back(key);
    replies.push_back(std::move(reply));
  }
  std::string notify_status() override { return notify.empty() ? web::Api::notify_status() : notify; }

  // The oldest reply still owed, once it has been asked for.
  std::function<void(web::HttpAnswer)> take_reply() {
    std::lock_guard lock(mutex);
    if (replies.empty()) return {};
    auto r = std::move(replies.front());
    replies.erase(replies.begin());
    return r;
  }
  std::size_t owed() {
    std::lock_guard lock(mutex);
    return replies.size();
  }

  bus::MemoryAlertStore store{100};
  bool ledger = true;
  std::string notify;  // the daemon's JSON; empty: the default
  std::mutex mutex;
  std::vector<std::string> asked;
  std::vector<std::function<void(web::HttpAnswer)>> replies;
};

class InProcessServer {
 public:
  InProcessServer(FakeApi& api, web::ServerOptions options) : board_(registry_) {
    options.host = "127.0.0.1";
    options.port = 0;
    server_ = std::make_unique<web::Server>(ioc_, std::move(options), board_, api);
    port_ = *server_->start();
    thread_ = std::thread([this] { ioc_.run(); });
  }
  ~InProcessServer() {
    server_->stop();
    ioc_.stop();
    thread_.join();
  }
  InProcessServer(const InProcessServer&) = delete;
  InProcessServer& operator=(const InProcessServer&) = delete;
  [[nodiscard]] std::uint16_t port() const { return port_; }

 private:
  InstrumentRegistry registry_;
  web::Board board_;
  net::io_context ioc_;
  std::unique_ptr<web::Server> server_;
  std::uint16_t port_ = 0;
  std::thread thread_;
};

Alert notification(const std::string& fingerprint, const std::string& suffix, AlertState state = AlertState::Firing) {
  Alert a;
  a.id = fingerprint + ":" + suffix;
  a.rule = "synthetic-move";
  a.state = state;
  a.ts = Timestamp{1'770'603'303'000};
  a.labels["fingerprint"] = fingerprint;
  return a;
}

std::string get(const std::string& target, const std::string& headers = "") {
  return "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + headers + "\r\n";
}

std::vector<int> statuses(const std::string& bytes) {
  std::vector<int> out;
  static const std::regex status_line(R"(HTTP/1\.1 (\d{3}) )");
  for (auto it = std::sregex_iterator(bytes.begin(), bytes.end(), status_line); it != std::sregex_iterator(); ++it)
    out.push_back(std::stoi((*it)[1]));
  return out;
}

// Reads until `n` whole answers (by Content-Length) have arrived, the peer closes, or 30 s pass.
std::string read_answers(RawSocket& s, std::size_t n) {
  std::string bytes;
  auto whole = [&] {
    static const std::regex length(R"(Content-Length: (\d+)\r\n)", std::regex::icase);
    std::size_t count = 0;
    std::size_t pos = 0;
    while (count < n) {
      const auto end = bytes.find("\r\n\r\n", pos);
      if (end == std::string::npos) return false;
      std::smatch m;
      const std::string head = bytes.substr(pos, end - pos + 2);
      const std::size_t body = std::regex_search(head, m, length) ? std::stoul(m[1]) : 0;
      if (bytes.size() < end + 4 + body) return false;
      pos = end + 4 + body;
      ++count;
    }
    return true;
  };
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!whole() && std::chrono::steady_clock::now() < deadline) {
    auto more = s.read_some(std::chrono::milliseconds(200));
    if (more.empty() && s.peer_closed()) break;
    bytes += more;
  }
  return bytes;
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

TEST(AlertEndpoints, AnAlertsNotificationsAreServedOldestFirstByItsKey) {
  FakeApi api;
  (void)api.store.append(notification("00ff", "firing"));
  (void)api.store.append(notification("abcd", "firing"));
  (void)api.store.append(notification("00ff", "resolved", AlertState::Resolved));
  InProcessServer s(api, {});

  const auto a = http_request(s.port(), http::verb::get, "/api/v1/alerts/00ff");
  EXPECT_EQ(a.status, 200U);
  EXPECT_EQ(a.headers[http::field::content_type], "application/json");
  EXPECT_TRUE(contains(a.body, R"({"alert":"00ff","notifications":[{"type":"alert","id":"00ff:firing","seq":1,)"))
      << a.body;
  EXPECT_TRUE(contains(a.body, R"(},{"type":"alert","id":"00ff:resolved","seq":3,)")) << a.body;
  EXPECT_FALSE(contains(a.body, "abcd")) << a.body;

  // One of its notification ids (as the acknowledgements name it) finds the alert too.
  const auto by_id = http_request(s.port(), http::verb::get, "/api/v1/alerts/00ff%3Aresolved");
  EXPECT_EQ(by_id.status, 200U);
  EXPECT_TRUE(contains(by_id.body, R"({"alert":"00ff",)")) << by_id.body;

  const auto unknown = http_request(s.port(), http::verb::get, "/api/v1/alerts/feed");
  EXPECT_EQ(unknown.status, 404U);
  EXPECT_EQ(unknown.body, R"({"error":"no alert feed is retained"})");
  EXPECT_EQ(http_request(s.port(), http::verb::get, "/api/v1/alerts/00ff/evidence").status, 404U);
  // The list is still the list.
  EXPECT_TRUE(contains(http_request(s.port(), http::verb::get, "/api/v1/alerts?after=0").body, R"("last_seq":3)"));
}

TEST(AlertEndpoints, DeliveriesAreAnsweredLaterFromAnotherThreadInRequestOrder) {
  FakeApi api;
  InProcessServer s(api, {});
  RawSocket c(s.port());
  // Pipelined: the deliveries' answer must come first although /healthz is answered at once.
  ASSERT_TRUE(c.send_all(get("/api/v1/alerts/00ff/deliveries") + get("/healthz")));
  ASSERT_TRUE(eventually([&] { return api.owed() == 1; }));
  EXPECT_EQ(api.asked, (std::vector<std::string>{"00ff"}));
  EXPECT_EQ(c.read_some(std::chrono::milliseconds(300)), "") << "nothing may overtake the awaited answer";

  const std::string record =
      R"({"id":"e1","alert":"00ff","notification":"00ff:firing","receiver":"desk","kind":"dingtalk",)"
      R"("state":"sent","attempts":1,"enqueued_at":1770603303000,"updated_at":1770603304000,)"
      R"("detail":"errcode 0","digest":false,"instance":"a"})";
  auto reply = api.take_reply();
  std::thread ledger([&] { reply(web::HttpAnswer{200, web::deliveries_json("00ff", {record})}); });
  ledger.join();
  const std::string answers = read_answers(c, 2);
  EXPECT_EQ(statuses(answers), (std::vector<int>{200, 200})) << answers;
  const auto body = answers.find(R"({"alert":"00ff","deliveries":[)" + record + "]}");
  EXPECT_NE(body, std::string::npos) << answers;
  EXPECT_LT(body, answers.find("ok\n")) << "answers in request order";
  EXPECT_TRUE(contains(answers, "Content-Security-Policy")) << "the usual headers";

  // A second reply to the same request is ignored; the connection goes on.
  reply(web::HttpAnswer{500, "{}"});
  ASSERT_TRUE(c.send_all(get("/healthz")));
  EXPECT_EQ(statuses(read_answers(c, 1)), (std::vector<int>{200}));
}

TEST(AlertEndpoints, ADeliveriesAnswerThatNeverComesIs504InItsPlace) {
  FakeApi api;
  web::ServerOptions options;
  options.request_timeout_ms = 400;
  InProcessServer s(api, options);
  RawSocket c(s.port());
  ASSERT_TRUE(c.send_all(get("/api/v1/alerts/00ff/deliveries") + get("/healthz")));
  const std::string answers = read_answers(c, 2);
  EXPECT_EQ(statuses(answers), (std::vector<int>{504, 200})) << answers;
  EXPECT_TRUE(contains(answers, R"({"error":"the daemon did not answer in time"})")) << answers;
  // The late reply finds nothing to answer; the connection still serves.
  auto late = api.take_reply();
  ASSERT_TRUE(late);
  late(web::HttpAnswer{200, "{}"});
  ASSERT_TRUE(c.send_all(get("/healthz")));
  EXPECT_EQ(statuses(read_answers(c, 1)), (std::vector<int>{200}));
}

TEST(AlertEndpoints, WithoutNotificationsDeliveriesAre404AndNotifySaysSo) {
  FakeApi api;
  api.ledger = false;  // the default Api::deliveries
  InProcessServer s(api, {});
  const auto d = http_request(s.port(), http::verb::get, "/api/v1/alerts/00ff/deliveries");
  EXPECT_EQ(d.status, 404U);
  EXPECT_EQ(d.body, R"({"error":"notifications are not configured"})");
  const auto n = http_request(s.port(), http::verb::get, "/api/v1/notify");
  EXPECT_EQ(n.status, 200U);
  EXPECT_EQ(n.body, R"({"enabled":false,"receivers":[]})");
}

TEST(AlertEndpoints, NotifyServesTheDaemonsStatusAsItIs) {
  FakeApi api;
  api.notify =
      R"({"enabled":true,"receivers":[{"name":"ops","kind":"webhook","health":"broken","detail":"401 \"bad signature\""}]})";
  InProcessServer s(api, {});
  const auto n = http_request(s.port(), http::verb::get, "/api/v1/notify");
  EXPECT_EQ(n.status, 200U);
  EXPECT_EQ(n.headers[http::field::content_type], "application/json");
  EXPECT_EQ(n.body, api.notify);
}

TEST(AlertEndpoints, ReadsNeedTheTokenWhenTheDaemonSaysSo) {
  FakeApi api;
  (void)api.store.append(notification("00ff", "firing"));
  web::ServerOptions options;
  options.api_token = "t0ken";
  options.token_for_read = true;
  InProcessServer s(api, options);
  EXPECT_EQ(http_request(s.port(), http::verb::get, "/api/v1/alerts/00ff").status, 401U);
  EXPECT_EQ(http_request(s.port(), http::verb::get, "/api/v1/alerts/00ff/deliveries").status, 401U);
  EXPECT_EQ(api.owed(), 0U) << "the ledger is not asked for an unauthorised reader";
  EXPECT_EQ(http_request(s.port(), http::verb::get, "/api/v1/alerts/00ff", "", "t0ken").status, 200U);
}

// A link in a WeCom or DingTalk message (notify.public_url + /alerts/KEY) opens the page.
TEST(AlertEndpoints, TheAlertsOwnPagePathServesTheApp) {
  std::string root = "/tmp/lodestone-webroot-XXXXXX";
  ASSERT_NE(::mkdtemp(root.data()), nullptr);
  std::ofstream(root + "/index.html") << "<!doctype html><title>Lodestone</title>";
  std::ofstream(root + "/app.js") << "export {};";
  FakeApi api;
  web::ServerOptions options;
  options.web_root = root;
  {
    InProcessServer s(api, options);
    for (const char* target : {"/alerts/00ff", "/alerts/00ff%3Afiring", "/alerts/with.a.dot"}) {
      const auto a = http_request(s.port(), http::verb::get, target);
      EXPECT_EQ(a.status, 200U) << target;
      EXPECT_EQ(a.headers[http::field::content_type], "text/html; charset=utf-8") << target;
      EXPECT_EQ(a.body, "<!doctype html><title>Lodestone</title>") << target;
    }
    EXPECT_EQ(http_request(s.port(), http::verb::get, "/app.js").body, "export {};");
    EXPECT_EQ(http_request(s.port(), http::verb::get, "/alerts/app.js").status, 200U) << "the page, not the bundle";
    EXPECT_EQ(http_request(s.port(), http::verb::post, "/alerts/00ff").status, 405U);
    EXPECT_EQ(http_request(s.port(), http::verb::get, "/missing.js").status, 404U);
  }
  std::filesystem::remove_all(root);
}

TEST(AlertEndpoints, TheDeliveryMessageAndBodyWrapRecordsAsTheyAre) {
  const std::string record = R"({"id":"e1","state":"failed","detail":"401 <b>"})";
  EXPECT_EQ(web::delivery_message("00\"ff", record),
            R"({"type":"delivery","alert":"00\"ff","record":{"id":"e1","state":"failed","detail":"401 <b>"}})");
  EXPECT_EQ(web::deliveries_json("00ff", {}), R"({"alert":"00ff","deliveries":[]})");
  EXPECT_EQ(web::deliveries_json("00ff", {record, record}),
            R"({"alert":"00ff","deliveries":[)" + record + "," + record + "]}");
}

}  // namespace
}  // namespace lodestone::testing
