#pragma once
// What every feed that dials out does before it speaks its protocol, in one place: resolve the
// host, connect TCP, and for https/wss set SNI and host-name verification and handshake TLS
// (the system's trust store plus the feed's ca_file), each step within the feed's timeout; after
// a fault, retry with exponential backoff and jitter; watch for silence (stale in trading hours).
// The HTTP poller and the WebSocket JSON feed each own one and run on its strand.
#include <boost/asio/ssl.hpp>
#include <boost/beast/ssl.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "delivery.hpp"
#include "lodestone/core/result.hpp"
#include "lodestone/feeds/backoff.hpp"
#include "lodestone/feeds/feed_config.hpp"
#include "lodestone/feeds/url.hpp"
#include "lodestone/net/net.hpp"

namespace lodestone::feeds::detail {

using TlsLayer = beast::ssl_stream<beast::tcp_stream>;

class Connector {
 public:
  // The streams of one new connection: the TCP stream at the bottom, and the TLS layer above it
  // for https/wss (null otherwise).
  struct Layers {
    beast::tcp_stream* tcp = nullptr;
    TlsLayer* tls = nullptr;
  };
  // Makes the streams of a new connection; called once the host has resolved, so that a stream
  // an earlier operation still refers to is only replaced when the next connection is made.
  using Open = std::function<Layers()>;
  // Runs on the strand: no error once connected (and handshaken), else resolve_failed,
  // connect_failed (refused, or no connection within the timeout) or tls_failed, with the
  // system's words. Not called after stop().
  using Done = std::function<void(std::optional<Error> fault)>;

  // `delivery` counts and logs for the feed; it must outlive the connector.
  Connector(const FeedConfig& config, Url url, net::any_io_executor executor, Delivery& delivery);

  [[nodiscard]] net::strand<net::any_io_executor>& strand() { return strand_; }
  [[nodiscard]] const Url& url() const { return url_; }
  // The TLS context for https/wss; null for http/ws.
  [[nodiscard]] net::ssl::context* tls_context() { return tls_context_ ? &*tls_context_ : nullptr; }
  [[nodiscard]] bool stopped() const { return stopped_; }

  void connect(Open open, Done done);
  // After a counted fault: the feed is down (connecting if it never answered), one reconnect is
  // counted, and `retry` runs after the next backoff delay. `what` names the retry in the log.
  void retry_later(std::string_view what, std::function<void()> retry);
  // An answer or message arrived: the feed is live and the backoff starts over.
  void live();
  // Silent for stale_after intervals during trading hours: a live feed turns stale. Outside them
  // silence is the market being closed.
  void check_stale();
  // check_stale() every interval until stop(); `owner` keeps the feed alive meanwhile.
  void watch_stale(std::shared_ptr<void> owner);
  // Cancels the resolver and the timers; nothing is connected or retried after it.
  void stop();

 private:
  void on_connect(beast::error_code ec, Layers layers, Done done);
  [[nodiscard]] std::chrono::milliseconds timeout() const { return std::chrono::milliseconds(timeout_ms_); }

  std::string name_;
  Url url_;
  std::int64_t timeout_ms_;
  std::int64_t interval_ms_;
  std::int64_t stale_after_ms_;
  net::strand<net::any_io_executor> strand_;
  tcp::resolver resolver_;
  net::steady_timer retry_timer_;
  net::steady_timer stale_timer_;
  std::optional<net::ssl::context> tls_context_;
  Backoff backoff_;
  Delivery& delivery_;
  bool stopped_ = false;
  bool ever_live_ = false;
};

}  // namespace lodestone::feeds::detail
