#include "ws_json_feed.hpp"

namespace lodestone::feeds::detail {
namespace {

constexpr std::size_t kMessageLimit = std::size_t{1024} * 1024;

}  // namespace

WsJsonFeed::WsJsonFeed(const FeedConfig& config, Url url, std::string subscribe,
                       std::unique_ptr<JsonQuoteParser> parser, net::any_io_executor executor, EventSink& sink,
                       std::shared_ptr<FeedStatus> status, FeedContext context)
    : config_(config),
      url_(std::move(url)),
      subscribe_(std::move(subscribe)),
      parser_(std::move(parser)),
      delivery_(config.name, sink, std::move(status), std::move(context)),
      connector_(config, url_, std::move(executor), delivery_) {}

void WsJsonFeed::start() {
  net::dispatch(connector_.strand(), [self = shared_from_this()] {
    self->delivery_.status().set_state(FeedState::Connecting);
    self->connect();
    // A push feed that stays connected but silent during trading hours is stale (the board and
    // the rules should stop trusting its prices); outside trading hours silence is normal.
    self->connector_.watch_stale(self);
  });
}

void WsJsonFeed::stop() {
  net::dispatch(connector_.strand(), [self = shared_from_this()] {
    self->connector_.stop();
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
  t.idle_timeout = std::chrono::milliseconds(std::max<std::int64_t>(
      config_.timeout_ms, std::int64_t{2} * config_.stale_after_intervals * config_.interval_ms));
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
  if (connector_.stopped()) return;
  connector_.connect([this] { return open(); },
                     [self = shared_from_this()](std::optional<Error> fault) { self->on_connected(std::move(fault)); });
}

Connector::Layers WsJsonFeed::open() {
  if (net::ssl::context* tls = connector_.tls_context()) {
    tls_ = std::make_unique<Tls>(connector_.strand(), *tls);
    return {&beast::get_lowest_layer(*tls_), &tls_->next_layer()};
  }
  plain_ = std::make_unique<Plain>(connector_.strand());
  return {&beast::get_lowest_layer(*plain_), nullptr};
}

void WsJsonFeed::on_connected(std::optional<Error> fault) {
  if (fault) return fail(*fault);
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
  if (connector_.stopped()) return;
  if (ec) return fail(make_error(ErrorCode::handshake_failed, ec.message()));
  buffer_.clear();
  with_stream([&](auto& ws) { ws.text(true); });
  delivery_.reset_sequence();
  if (subscribe_.empty()) return read();
  with_stream([&](auto& ws) {
    ws.async_write(net::buffer(subscribe_), [self = shared_from_this()](beast::error_code e, std::size_t) {
      if (self->connector_.stopped()) return;
      if (e) return self->fail(make_error(ErrorCode::write_failed, e.message()));
      self->read();
    });
  });
}

void WsJsonFeed::read() {
  with_stream(
      [&](auto& ws) { ws.async_read(buffer_, beast::bind_front_handler(&WsJsonFeed::on_read, shared_from_this())); });
}

void WsJsonFeed::on_read(beast::error_code ec, std::size_t bytes) {
  if (connector_.stopped()) return;
  if (ec) {
    if (ec == websocket::error::message_too_big) return fail(make_error(ErrorCode::too_large, "message over 1 MB"));
    if (ec == beast::error::timeout) return fail(make_error(ErrorCode::timeout, "silent for the idle timeout"));
    return fail(make_error(ErrorCode::read_failed, ec.message()));
  }
  const Timestamp received = delivery_.now();
  delivery_.status().on_message(bytes, received);
  connector_.live();
  const auto data = buffer_.cdata();
  batch_.clear();
  parser_->parse(std::string_view(static_cast<const char*>(data.data()), data.size()), received, batch_);
  buffer_.consume(buffer_.size());
  delivery_.quotes(batch_);
  read();
}

void WsJsonFeed::fail(const Error& fault) {
  close();
  if (connector_.stopped()) return;
  delivery_.problem(fault.code, fault.message, url_.host);
  connector_.retry_later("reconnecting", [self = shared_from_this()] { self->connect(); });
}

void WsJsonFeed::close() {
  // Only the socket is closed: a pending read still refers to the stream and completes with an
  // error; the stream object is replaced when the next connection is made.
  beast::error_code ignored;
  if (tls_) beast::get_lowest_layer(*tls_).socket().close(ignored);
  if (plain_) beast::get_lowest_layer(*plain_).socket().close(ignored);
}

}  // namespace lodestone::feeds::detail
