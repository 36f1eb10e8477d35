#include "http_poller.hpp"

#include <algorithm>

namespace lodestone::feeds::detail {
namespace {

constexpr std::uint64_t kBodyLimit = std::uint64_t{8} * 1024 * 1024;

// The peer closed a kept-alive connection between polls: reconnect at once, it is not a fault.
bool stale_connection(const beast::error_code& ec) {
  return ec == http::error::end_of_stream || ec == net::error::connection_reset || ec == net::error::broken_pipe ||
         ec == net::error::eof || ec == net::ssl::error::stream_truncated;
}

}  // namespace

std::vector<std::string> split_targets(const std::string& target_template, const std::vector<std::string>& codes,
                                       std::size_t max_length) {
  const std::size_t at = target_template.find("{symbols}");
  if (at == std::string::npos || codes.empty()) {
    std::string t = target_template;
    if (at != std::string::npos) t.erase(at, 9);
    return {t};
  }
  const std::string head = target_template.substr(0, at);
  const std::string tail = target_template.substr(at + 9);
  std::vector<std::string> out;
  std::string joined;
  for (const auto& code : codes) {
    const std::size_t grown = head.size() + joined.size() + (joined.empty() ? 0 : 1) + code.size() + tail.size();
    if (!joined.empty() && grown > max_length) {
      out.push_back(head + joined + tail);
      joined.clear();
    }
    if (!joined.empty()) joined += ',';
    joined += code;
  }
  out.push_back(head + joined + tail);
  return out;
}

HttpPoller::HttpPoller(const FeedConfig& config, Url url, std::vector<std::string> targets,
                       std::map<std::string, std::string> headers, std::unique_ptr<BodyHandler> handler,
                       net::any_io_executor executor, EventSink& sink, std::shared_ptr<FeedStatus> status,
                       FeedContext context)
    : config_(config),
      url_(std::move(url)),
      targets_(std::move(targets)),
      headers_(std::move(headers)),
      handler_(std::move(handler)),
      delivery_(config.name, sink, std::move(status), std::move(context)),
      connector_(config, url_, std::move(executor), delivery_),
      timer_(connector_.strand()) {}

void HttpPoller::start() {
  net::dispatch(connector_.strand(), [self = shared_from_this()] {
    self->delivery_.status().set_state(FeedState::Connecting);
    self->cycle();
  });
}

void HttpPoller::stop() {
  net::dispatch(connector_.strand(), [self = shared_from_this()] {
    self->connector_.stop();
    self->timer_.cancel();
    self->close();
  });
}

template <class F>
void HttpPoller::with_stream(F&& f) {
  if (tls_) {
    f(*tls_);
  } else {
    f(*plain_);
  }
}

void HttpPoller::expire_after_timeout() {
  auto& lowest = tls_ ? beast::get_lowest_layer(*tls_) : *plain_;
  lowest.expires_after(std::chrono::milliseconds(config_.timeout_ms));
}

void HttpPoller::cycle() {
  if (connector_.stopped()) return;
  connector_.check_stale();
  cycle_start_ = delivery_.clock().steady();
  index_ = 0;
  next_request();
}

void HttpPoller::next_request() {
  if (connector_.stopped()) return;
  if (index_ >= targets_.size()) {
    // The cadence runs from the start of one cycle to the start of the next.
    const auto elapsed = delivery_.clock().steady() - cycle_start_;
    timer_.expires_after(std::max<std::chrono::steady_clock::duration>(
        std::chrono::milliseconds(config_.interval_ms) - elapsed, std::chrono::steady_clock::duration::zero()));
    timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (!ec) self->cycle();
    });
    return;
  }
  if (!connected_) {
    connect();
    return;
  }
  send();
}

void HttpPoller::connect() {
  close();
  connector_.connect([this] { return open(); },
                     [self = shared_from_this()](std::optional<Error> fault) { self->on_connected(std::move(fault)); });
}

Connector::Layers HttpPoller::open() {
  if (net::ssl::context* tls = connector_.tls_context()) {
    tls_ = std::make_unique<Tls>(connector_.strand(), *tls);
    return {&beast::get_lowest_layer(*tls_), tls_.get()};
  }
  plain_ = std::make_unique<Plain>(connector_.strand());
  return {plain_.get(), nullptr};
}

void HttpPoller::on_connected(std::optional<Error> fault) {
  if (fault) return fail(*fault);
  connected_ = true;
  reused_ = false;
  buffer_.clear();
  send();
}

void HttpPoller::send() {
  const std::string& target = targets_[index_];
  request_ = {};
  request_.method(http::verb::get);
  request_.target(target);
  request_.version(11);
  request_.set(http::field::host, url_.host);
  request_.set(http::field::user_agent, "Mozilla/5.0 (X11; Linux x86_64) Lodestone/0.1");
  request_.set(http::field::accept, "*/*");
  request_.set(http::field::accept_encoding, "identity");
  request_.keep_alive(true);
  for (const auto& [name, value] : headers_) request_.set(name, value);
  if (auto it = validators_.find(target); it != validators_.end()) {
    if (!it->second.first.empty()) request_.set(http::field::if_none_match, it->second.first);
    if (!it->second.second.empty()) request_.set(http::field::if_modified_since, it->second.second);
  }
  expire_after_timeout();
  with_stream([&](auto& stream) {
    http::async_write(stream, request_,
                      [self = shared_from_this()](beast::error_code e, std::size_t) { self->on_write(e); });
  });
}

void HttpPoller::on_write(beast::error_code ec) {
  if (connector_.stopped()) return;
  if (ec) {
    if (reused_ && stale_connection(ec)) return connect();
    return fail(make_error(ErrorCode::write_failed, ec.message()));
  }
  parser_.emplace();
  parser_->body_limit(kBodyLimit);
  expire_after_timeout();
  with_stream([&](auto& stream) {
    http::async_read(stream, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code e, std::size_t) { self->on_read(e); });
  });
}

void HttpPoller::on_read(beast::error_code ec) {
  if (connector_.stopped()) return;
  if (ec) {
    if (reused_ && stale_connection(ec) && parser_ && !parser_->got_some()) return connect();
    if (ec == beast::error::timeout) {
      return fail(
          make_error(ErrorCode::timeout, "no complete answer within " + std::to_string(config_.timeout_ms) + " ms"));
    }
    if (ec == http::error::body_limit) return fail(make_error(ErrorCode::too_large, "answer larger than 8 MB"));
    if (ec == http::error::partial_message || stale_connection(ec))
      return fail(make_error(ErrorCode::truncated, ec.message()));
    return fail(make_error(ErrorCode::read_failed, ec.message()));
  }
  auto response = parser_->release();
  const bool keep = response.keep_alive();
  const std::string& target = targets_[index_];
  const unsigned status = response.result_int();
  if (status == 304) {
    delivery_.status().on_message(0, delivery_.now());
  } else if (status != 200) {
    // A 403 from Sina ("Kinsoku jikou desu!") means the Referer was refused; 5xx is the source's fault.
    close();
    delivery_.http_status(status, "HTTP " + std::to_string(status) + " for " + target, url_.host);
    return retry();
  } else {
    const std::string& body = response.body();
    delivery_.status().on_message(body.size(), delivery_.now());
    auto etag = response[http::field::etag];
    auto modified = response[http::field::last_modified];
    if (!etag.empty() || !modified.empty()) validators_[target] = {std::string(etag), std::string(modified)};
    handler_->handle(body, response[http::field::content_type], delivery_);
  }
  connector_.live();
  if (keep) {
    reused_ = true;
  } else {
    close();
  }
  ++index_;
  next_request();
}

void HttpPoller::fail(const Error& fault) {
  close();
  if (connector_.stopped()) return;
  delivery_.problem(fault.code, fault.message, url_.host);
  retry();
}

void HttpPoller::retry() {
  // The same request again; the cycle goes on from there.
  connector_.retry_later("retrying", [self = shared_from_this()] { self->next_request(); });
}

void HttpPoller::close() {
  // Only the socket is closed: a pending operation still refers to the stream and completes
  // with an error; the stream object is replaced when the next connection is made.
  connected_ = false;
  reused_ = false;
  beast::error_code ignored;
  if (tls_) beast::get_lowest_layer(*tls_).socket().close(ignored);
  if (plain_) plain_->socket().close(ignored);
}

}  // namespace lodestone::feeds::detail
