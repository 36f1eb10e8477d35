#include "connector.hpp"

#include <spdlog/spdlog.h>

#include "lodestone/core/calendar.hpp"

namespace lodestone::feeds::detail {

Connector::Connector(const FeedConfig& config, Url url, net::any_io_executor executor, Delivery& delivery)
    : name_(config.name),
      url_(std::move(url)),
      timeout_ms_(config.timeout_ms),
      interval_ms_(config.interval_ms),
      stale_after_ms_(config.stale_after_intervals * config.interval_ms),
      strand_(net::make_strand(executor)),
      resolver_(strand_),
      retry_timer_(strand_),
      stale_timer_(strand_),
      backoff_(config.backoff_initial_ms, config.backoff_max_ms),
      delivery_(delivery) {
  if (url_.tls()) {
    tls_context_.emplace(net::ssl::context::tls_client);
    tls_context_->set_default_verify_paths();
    tls_context_->set_verify_mode(net::ssl::verify_peer);
    // make_feed has checked that the file loads.
    beast::error_code ignored;
    if (!config.ca_file.empty()) tls_context_->load_verify_file(config.ca_file, ignored);
  }
}

void Connector::connect(Open open, Done done) {
  resolver_.async_resolve(url_.host, url_.port,
                          [this, open = std::move(open), done = std::move(done)](
                              beast::error_code ec, const tcp::resolver::results_type& results) mutable {
                            if (stopped_) return;
                            if (ec) return done(make_error(ErrorCode::resolve_failed, ec.message()));
                            const Layers layers = open();
                            layers.tcp->expires_after(timeout());
                            layers.tcp->async_connect(results, [this, layers, done = std::move(done)](
                                                                   beast::error_code e, const tcp::endpoint&) mutable {
                              on_connect(e, layers, std::move(done));
                            });
                          });
}

void Connector::on_connect(beast::error_code ec, Layers layers, Done done) {
  if (stopped_) return;
  if (ec) return done(make_error(ErrorCode::connect_failed, ec.message()));
  if (layers.tls == nullptr) return done(std::nullopt);
  // SNI and host-name verification against the trust store.
  if (!SSL_set_tlsext_host_name(layers.tls->native_handle(), url_.host.c_str())) {
    return done(make_error(ErrorCode::tls_failed, "cannot set SNI host name"));
  }
  layers.tls->set_verify_callback(net::ssl::host_name_verification(url_.host));
  layers.tcp->expires_after(timeout());
  layers.tls->async_handshake(net::ssl::stream_base::client, [this, done = std::move(done)](beast::error_code e) {
    if (stopped_) return;
    if (e) return done(make_error(ErrorCode::tls_failed, e.message()));
    done(std::nullopt);
  });
}

void Connector::retry_later(std::string_view what, std::function<void()> retry) {
  if (stopped_) return;
  delivery_.status().set_state(ever_live_ ? FeedState::Down : FeedState::Connecting);
  delivery_.status().on_reconnect();
  const std::int64_t delay = backoff_.next_ms();
  spdlog::info("feed {}: {} in {} ms", name_, what, delay);
  retry_timer_.expires_after(std::chrono::milliseconds(delay));
  retry_timer_.async_wait([this, retry = std::move(retry)](beast::error_code e) {
    if (!e && !stopped_) retry();
  });
}

void Connector::live() {
  backoff_.reset();
  ever_live_ = true;
  delivery_.status().set_state(FeedState::Live);
}

void Connector::check_stale() {
  FeedStatus& status = delivery_.status();
  const auto view = status.view();
  if (view.state != FeedState::Live || view.last_message_ms == 0) return;
  const Timestamp now = delivery_.now();
  if (now.ms - view.last_message_ms > stale_after_ms_ && TradingCalendar::shanghai().is_open(now)) {
    status.set_state(FeedState::Stale);
  }
}

void Connector::watch_stale(std::shared_ptr<void> owner) {
  stale_timer_.expires_after(std::chrono::milliseconds(interval_ms_));
  stale_timer_.async_wait([this, owner = std::move(owner)](beast::error_code ec) mutable {
    if (ec || stopped_) return;
    check_stale();
    watch_stale(std::move(owner));
  });
}

void Connector::stop() {
  stopped_ = true;
  resolver_.cancel();
  retry_timer_.cancel();
  stale_timer_.cancel();
}

}  // namespace lodestone::feeds::detail
