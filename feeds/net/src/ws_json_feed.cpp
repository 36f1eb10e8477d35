#include "ws_json_feed.hpp"

#include <spdlog/spdlog.h>

#include "lodestone/core/calendar.hpp"

namespace lodestone::feeds::detail {
namespace {

constexpr std::size_t kMessageLimit = 1024 * 1024;

}  // namespace

WsJsonFeed::WsJsonFeed(const FeedConfig& config, Url url, std::string subscribe,
                       std::unique_ptr<JsonQuoteParser> parser, net::any_io_executor executor, EventSink& sink,
                       std::shared_ptr<FeedStatus> status, FeedContext context)
    : config_(config),
      url_(std::move(url)),
      subscribe_(std::move(subscribe)),
      parser_(std::move(parser)),
      strand_(net::make_strand(executor)),
      resolver_(strand_),
      timer_(strand_),
      stale_timer_(strand_),
      backoff_(config.backoff_initial_ms, config.backoff_max_ms),
      delivery_(config.name, sink, std::move(status), std::move(context)) {
  if (url_.tls()) {
    tls_context_.emplace(net::ssl::context::tls_client);
    tls_context_->set_default_verify_paths();
    tls_context_->set_verify_mode(net::ssl::verify_peer);
    // make_feed has checked that the file loads.
    beast::error_code ignored;
    if (!config.ca_file.empty()) tls_context_->load_verify_file(config.ca_file, ignored);
  }
}

void WsJsonFeed::start() {
  net::dispatch(strand_, [self = shared_from_this()] {
    self->delivery_.status().set_state(FeedState::Connecting);
    self->connect();
    self->watch_staleness();
  });
}

void WsJsonFeed::stop() {
  net::dispatch(strand_, [self = shared_from_this()] {
    self->stopped_ = true;
    self->timer_.cancel();
    self->stale_timer_.cancel();
    self->resolver_.cancel();
    self->close();
  });
}

template <class F>
void WsJsonFeed::with_stream(F&& f) {
  if (tls_) {
    f(*tls_);
  } else {
    f(*plain_);
  }
}

template <class Stream>
void WsJsonFeed::configure(Stream& ws) {
  // A push feed silent for twice its stale window is as good as dead: the idle timeout (pings
  // answered by the peer do not count as data) closes it and the reconnect starts.
  websocket::stream_base::timeout t{};
  t.handshake_timeout = std::chrono::milliseconds(config_.timeout_ms);
  t.idle_timeout = std::chrono::milliseconds(
      std::max<std::int64_t>(config_.timeout_ms, 2 * config_.stale_after_intervals * config_.interval_ms));
  t.keep_alive_pings = true;
  ws.set_option(t);
  ws.read_message_max(kMessageLimit);
  ws.set_option(websocket::stream_base::decorator([headers = config_.headers](websocket::request_type& req) {
    req.set(http::field::user_agent, "Mozilla/5.0 (X11; Linux x86_64) Lodestone/0.1");
    for (const auto& [name, value] : headers) req.set(name, value);
  }));
}

void WsJsonFeed::connect() {
  close();
  if (stopped_) return;
  resolver_.async_resolve(url_.host, url_.port, beast::bind_front_handler(&WsJsonFeed::on_resolve, shared_from_this()));
}

void WsJsonFeed::on_resolve(beast::error_code ec, tcp::resolver::results_type results) {
  if (stopped_) return;
  if (ec) return fail("resolve", ec.message());
  if (tls_context_) {
    tls_ = std::make_unique<Tls>(strand_, *tls_context_);
  } else {
    plain_ = std::make_unique<Plain>(strand_);
  }
  auto& lowest = tls_ ? beast::get_lowest_layer(*tls_) : beast::get_lowest_layer(*plain_);
  lowest.expires_after(std::chrono::milliseconds(config_.timeout_ms));
  lowest.async_connect(results,
                       [self = shared_from_this()](beast::error_code e, const tcp::endpoint&) { self->on_connect(e); });
}

void WsJsonFeed::on_connect(beast::error_code ec) {
  if (stopped_) return;
  if (ec) return fail("connect", ec.message());
  if (!tls_) return on_tls({});
  if (!SSL_set_tlsext_host_name(tls_->next_layer().native_handle(), url_.host.c_str())) {
    return fail("tls", "cannot set SNI host name");
  }
  tls_->next_layer().set_verify_callback(net::ssl::host_name_verification(url_.host));
  tls_->next_layer().async_handshake(net::ssl::stream_base::client,
                                     beast::bind_front_handler(&WsJsonFeed::on_tls, shared_from_this()));
}

void WsJsonFeed::on_tls(beast::error_code ec) {
  if (stopped_) return;
  if (ec) return fail("tls", ec.message());
  // The websocket stream keeps its own timeouts from here on.
  auto& lowest = tls_ ? beast::get_lowest_layer(*tls_) : beast::get_lowest_layer(*plain_);
  lowest.expires_never();
  with_stream([&](auto& ws) {
    configure(ws);
    ws.async_handshake(url_.host, url_.target,
                       beast::bind_front_handler(&WsJsonFeed::on_handshake, shared_from_this()));
  });
}

void WsJsonFeed::on_handshake(beast::error_code ec) {
  if (stopped_) return;
  if (ec) return fail("handshake", ec.message());
  buffer_.clear();
  with_stream([&](auto& ws) { ws.text(true); });
  delivery_.reset_sequence();
  if (subscribe_.empty()) return read();
  with_stream([&](auto& ws) {
    ws.async_write(net::buffer(subscribe_), [self = shared_from_this()](beast::error_code e, std::size_t) {
      if (self->stopped_) return;
      if (e) return self->fail("write", e.message());
      self->read();
    });
  });
}

void WsJsonFeed::read() {
  with_stream(
      [&](auto& ws) { ws.async_read(buffer_, beast::bind_front_handler(&WsJsonFeed::on_read, shared_from_this())); });
}

void WsJsonFeed::on_read(beast::error_code ec, std::size_t bytes) {
  if (stopped_) return;
  if (ec) {
    if (ec == websocket::error::message_too_big) return fail("too_large", "message over 1 MB");
    if (ec == beast::error::timeout) return fail("timeout", "silent for the idle timeout");
    return fail("read", ec.message());
  }
  const Timestamp received = delivery_.now();
  delivery_.status().on_message(bytes, received);
  delivery_.status().set_state(FeedState::Live);
  ever_live_ = true;
  backoff_.reset();
  const auto data = buffer_.cdata();
  batch_.clear();
  parser_->parse(std::string_view(static_cast<const char*>(data.data()), data.size()), received, batch_);
  buffer_.consume(buffer_.size());
  delivery_.quotes(batch_);
  read();
}

void WsJsonFeed::watch_staleness() {
  // A push feed that stays connected but silent during trading hours is stale (the board and
  // the rules should stop trusting its prices); outside trading hours silence is normal.
  stale_timer_.expires_after(std::chrono::milliseconds(config_.interval_ms));
  stale_timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
    if (ec || self->stopped_) return;
    auto& status = self->delivery_.status();
    const auto view = status.view();
    const Timestamp now = self->delivery_.now();
    if (view.state == FeedState::Live && view.last_message_ms != 0 &&
        now.ms - view.last_message_ms > self->config_.stale_after_intervals * self->config_.interval_ms &&
        TradingCalendar::shanghai().is_open(now)) {
      status.set_state(FeedState::Stale);
    }
    self->watch_staleness();
  });
}

void WsJsonFeed::fail(std::string_view reason, const std::string& detail) {
  close();
  if (stopped_) return;
  delivery_.problem(reason, detail, url_.host);
  delivery_.status().set_state(ever_live_ ? FeedState::Down : FeedState::Connecting);
  delivery_.status().on_reconnect();
  const std::int64_t delay = backoff_.next_ms();
  spdlog::info("feed {}: reconnecting in {} ms", config_.name, delay);
  timer_.expires_after(std::chrono::milliseconds(delay));
  timer_.async_wait([self = shared_from_this()](beast::error_code e) {
    if (!e) self->connect();
  });
}

void WsJsonFeed::close() {
  // Only the socket is closed: a pending read still refers to the stream and completes with an
  // error; the stream object is replaced when the next connection is made.
  beast::error_code ignored;
  if (tls_) beast::get_lowest_layer(*tls_).socket().close(ignored);
  if (plain_) beast::get_lowest_layer(*plain_).socket().close(ignored);
}

}  // namespace lodestone::feeds::detail
