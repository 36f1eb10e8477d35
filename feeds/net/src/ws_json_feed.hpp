#pragma once
// A vendor's JSON quote push over WebSocket (ws:// or wss://): connect, optionally send a
// subscribe message, parse every message through the configured mapping, reconnect with
// backoff when the connection drops or goes silent.
#include <boost/asio/ssl.hpp>
#include <boost/beast/ssl.hpp>
#include <memory>
#include <optional>
#include <string>

#include "connector.hpp"
#include "delivery.hpp"
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
  Connector::Layers open();
  void on_connected(std::optional<Error> fault);
  void on_handshake(beast::error_code ec);
  void read();
  void on_read(beast::error_code ec, std::size_t bytes);
  void fail(const Error& fault);
  void close();
  template <class F>
  void with_stream(F&& f);
  template <class Stream>
  void configure(Stream& ws);

  FeedConfig config_;
  Url url_;
  std::string subscribe_;
  std::unique_ptr<JsonQuoteParser> parser_;
  Delivery delivery_;
  Connector connector_;  // the strand, resolve, TCP, TLS, backoff and the stale watch
  std::unique_ptr<Plain> plain_;
  std::unique_ptr<Tls> tls_;
  beast::flat_buffer buffer_;
  QuoteBatch batch_;
};

}  // namespace lodestone::feeds::detail
