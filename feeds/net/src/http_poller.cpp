#include "http_poller.hpp"

#include <spdlog/spdlog.h>

#include "lodestone/core/calendar.hpp"

namespace lodestone::feeds::detail {
namespace {

constexpr std::uint64_t kBodyLimit = 8 * 1024 * 1024;

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
      strand_(net::make_strand(executor)),
      resolver_(strand_),
      timer_(strand_),
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

void HttpPoller::start() {
  net::dispatch(strand_, [self = shared_from_this()] {
    self->delivery_.status().set_state(FeedState::Connecting);
    self->cycle();
  });
}

void HttpPoller::stop() {
  net::dispatch(strand_, [self = shared_from_this()] {
    self->stopped_ = true;
    self->timer_.cancel();
    self->resolver_.cancel();
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
  if (stopped_) return;
  check_stale();
  cycle_start_ = delivery_.clock().steady();
  index_ = 0;
  next_request();
}

void HttpPoller::next_request() {
  if (stopped_) return;
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
  resolver_.async_resolve(url_.host, url_.port, beast::bind_front_handler(&HttpPoller::on_resolve, shared_from_this()));
}

void HttpPoller::on_resolve(beast::error_code ec, tcp::resolver::results_type results) {
  if (stopped_) return;
  if (ec) return fail("resolve", ec.message());
  if (tls_context_) {
    tls_ = std::make_unique<Tls>(strand_, *tls_context_);
  } else {
    plain_ = std::make_unique<Plain>(strand_);
  }
  expire_after_timeout();
  auto& lowest = tls_ ? beast::get_lowest_layer(*tls_) : *plain_;
  lowest.async_connect(results,
                       [self = shared_from_this()](beast::error_code e, const tcp::endpoint&) { self->on_connect(e); });
}

void HttpPoller::on_connect(beast::error_code ec) {
  if (stopped_) return;
  if (ec) return fail("connect", ec.message());
  if (!tls_) return on_handshake({});
  // SNI and host-name verification against the system's trust store.
  if (!SSL_set_tlsext_host_name(tls_->native_handle(), url_.host.c_str())) {
    return fail("tls", "cannot set SNI host name");
  }
  tls_->set_verify_callback(net::ssl::host_name_verification(url_.host));
  expire_after_timeout();
  tls_->async_handshake(net::ssl::stream_base::client,
                        beast::bind_front_handler(&HttpPoller::on_handshake, shared_from_this()));
}

void HttpPoller::on_handshake(beast::error_code ec) {
  if (stopped_) return;
  if (ec) return fail("tls", ec.message());
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
  if (stopped_) return;
  if (ec) {
    if (reused_ && stale_connection(ec)) return connect();
    return fail("write", ec.message());
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
  if (stopped_) return;
  if (ec) {
    if (reused_ && stale_connection(ec) && parser_ && !parser_->got_some()) return connect();
    if (ec == beast::error::timeout)
      return fail("timeout", "no complete answer within " + std::to_string(config_.timeout_ms) + " ms");
    if (ec == http::error::body_limit) return fail("too_large", "answer larger than 8 MB");
    if (ec == http::error::partial_message || stale_connection(ec)) return fail("truncated", ec.message());
    return fail("read", ec.message());
  }
  auto response = parser_->release();
  const bool keep = response.keep_alive();
  const std::string& target = targets_[index_];
  const unsigned status = response.result_int();
  if (status == 304) {
    delivery_.status().on_message(0, delivery_.now());
  } else if (status != 200) {
    // A 403 from Sina ("Kinsoku jikou desu!") means the Referer was refused; 5xx is the source's fault.
    if (!keep) close();
    return fail("http_" + std::to_string(status), "HTTP " + std::to_string(status) + " for " + target);
  } else {
    const std::string& body = response.body();
    delivery_.status().on_message(body.size(), delivery_.now());
    auto etag = response[http::field::etag];
    auto modified = response[http::field::last_modified];
    if (!etag.empty() || !modified.empty()) validators_[target] = {std::string(etag), std::string(modified)};
    handler_->handle(body, response[http::field::content_type], delivery_);
  }
  backoff_.reset();
  ever_live_ = true;
  delivery_.status().set_state(FeedState::Live);
  if (keep) {
    reused_ = true;
  } else {
    close();
  }
  ++index_;
  next_request();
}

void HttpPoller::fail(std::string_view reason, const std::string& detail) {
  close();
  if (stopped_) return;
  delivery_.problem(reason, detail, url_.host);
  delivery_.status().set_state(ever_live_ ? FeedState::Down : FeedState::Connecting);
  delivery_.status().on_reconnect();
  const std::int64_t delay = backoff_.next_ms();
  spdlog::info("feed {}: retrying in {} ms", config_.name, delay);
  timer_.expires_after(std::chrono::milliseconds(delay));
  // Retry the same request; the cycle goes on from there.
  timer_.async_wait([self = shared_from_this()](beast::error_code e) {
    if (!e) self->next_request();
  });
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

void HttpPoller::check_stale() {
  // Silence during trading hours is a fault; outside them it is the market being closed.
  const auto view = delivery_.status().view();
  if (view.state != FeedState::Live || view.last_message_ms == 0) return;
  const Timestamp now = delivery_.now();
  const std::int64_t silent = now.ms - view.last_message_ms;
  if (silent > config_.stale_after_intervals * config_.interval_ms && TradingCalendar::shanghai().is_open(now)) {
    delivery_.status().set_state(FeedState::Stale);
  }
}

}  // namespace lodestone::feeds::detail
