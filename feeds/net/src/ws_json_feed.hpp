#pragma once
// A vendor's JSON quote push over WebSocket (ws:// or wss://): connect, optionally send a
// subscribe message, parse every message through the configured mapping, reconnect with
// backoff when the connection drops or goes silent.
#include <boost/asio/ssl.hpp>
#include <boost/beast/ssl.hpp>
#include <memory>
#include <optional>
#include <string>

#include "delivery.hpp"
#include "lodestone/feeds/backoff.hpp"
#include "lodestone/feeds/feed.hpp"
#include "lodestone/feeds/feed_config.hpp"
#include "lodestone/feeds/json_mapping.hpp"
#include "lodestone/feeds/url.hpp"
#include "lodestone/net/net.hpp"

namespace lodestone::feeds::detail {

class WsJsonFeed : public Feed, public std::enable_shared_from_this<WsJsonFeed> {
 public:
  WsJsonFeed(const FeedConfig& config, Url url, std::string subscribe, std::unique_ptr<JsonQuoteParser> parser,
             net::any_io_executor executor, EventSink& sink, std::shared_ptr<FeedStatus> status, FeedContext context);
  void start() override;
  void stop() override;

 private:
  using Plain = websocket::stream<beast::tcp_stream>;
  using Tls = websocket::stream<beast::ssl_stream<beast::tcp_stream>>;

  void connect();
  void on_resolve(beast::error_code ec, tcp::resolver::results_type results);
  void on_connect(beast::error_code ec);
  void on_tls(beast::error_code ec);
  void on_handshake(beast::error_code ec);
  void read();
  void on_read(beast::error_code ec, std::size_t bytes);
  void fail(std::string_view reason, const std::string& detail);
  void close();
  void watch_staleness();
  template <class F>
  void with_stream(F&& f);
  template <class Stream>
  void configure(Stream& ws);

  FeedConfig config_;
  Url url_;
  std::string subscribe_;
  std::unique_ptr<JsonQuoteParser> parser_;
  net::strand<net::any_io_executor> strand_;
  tcp::resolver resolver_;
  net::steady_timer timer_;
  net::steady_timer stale_timer_;
  std::optional<net::ssl::context> tls_context_;
  std::unique_ptr<Plain> plain_;
  std::unique_ptr<Tls> tls_;
  beast::flat_buffer buffer_;
  QuoteBatch batch_;
  Backoff backoff_;
  Delivery delivery_;
  bool stopped_ = false;
  bool ever_live_ = false;
};

}  // namespace lodestone::feeds::detail
