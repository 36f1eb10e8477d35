#pragma once
// Polls an HTTP(S) source on a cadence over one keep-alive connection: all symbols in as few
// requests as the URL length allows, headers the source requires, conditional GET for news,
// reconnect with exponential backoff and jitter, per-feed state in FeedStatus.
#include <boost/asio/ssl.hpp>
#include <boost/beast/ssl.hpp>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "connector.hpp"
#include "delivery.hpp"
#include "lodestone/feeds/feed.hpp"
#include "lodestone/feeds/feed_config.hpp"
#include "lodestone/feeds/url.hpp"
#include "lodestone/net/net.hpp"

namespace lodestone::feeds::detail {

// Turns one answer's body into events.
class BodyHandler {
 public:
  virtual ~BodyHandler() = default;
  virtual void handle(std::string_view body, std::string_view content_type, Delivery& delivery) = 0;
};

// Request targets for the symbols, each within `max_length`: {symbols} replaced by `codes`
// joined with commas, as many per target as fit (at least one).
std::vector<std::string> split_targets(const std::string& target_template, const std::vector<std::string>& codes,
                                       std::size_t max_length);

class HttpPoller : public Feed, public std::enable_shared_from_this<HttpPoller> {
 public:
  HttpPoller(const FeedConfig& config, Url url, std::vector<std::string> targets,
             std::map<std::string, std::string> headers, std::unique_ptr<BodyHandler> handler,
             net::any_io_executor executor, EventSink& sink, std::shared_ptr<FeedStatus> status, FeedContext context);
  void start() override;
  void stop() override;

 private:
  using Plain = beast::tcp_stream;
  using Tls = beast::ssl_stream<beast::tcp_stream>;

  void cycle();
  void next_request();
  void connect();
  Connector::Layers open();
  void on_connected(std::optional<Error> fault);
  void send();
  void on_write(beast::error_code ec);
  void on_read(beast::error_code ec);
  void fail(const Error& fault);
  void retry();
  void close();
  void expire_after_timeout();
  template <class F>
  void with_stream(F&& f);

  FeedConfig config_;
  Url url_;
  std::vector<std::string> targets_;
  std::map<std::string, std::string> headers_;
  std::unique_ptr<BodyHandler> handler_;
  Delivery delivery_;
  Connector connector_;  // the strand, resolve, TCP, TLS, backoff and the stale check
  net::steady_timer timer_;
  std::unique_ptr<Plain> plain_;
  std::unique_ptr<Tls> tls_;
  bool connected_ = false;
  bool reused_ = false;  // the request went out on a connection an earlier answer came back on
  beast::flat_buffer buffer_;
  http::request<http::empty_body> request_;
  std::optional<http::response_parser<http::string_body>> parser_;
  std::map<std::string, std::pair<std::string, std::string>> validators_;  // target -> ETag, Last-Modified
  std::size_t index_ = 0;
  Clock::Steady cycle_start_;
};

}  // namespace lodestone::feeds::detail
