#include "lodestone/web/hub.hpp"

#include <algorithm>

#include "shared_frame.hpp"
#include "websocket_session.hpp"

namespace lodestone::web {

void Hub::join(const std::shared_ptr<WebSocketSession>& session) { sessions_.join(session); }

void Hub::leave(const WebSocketSession* session) { sessions_.leave(session); }

void Hub::when_empty(std::function<void()> fn) { sessions_.when_empty(std::move(fn)); }

void Hub::pace_quotes(net::any_io_executor executor, std::chrono::milliseconds pace) {
  quote_timer_ = std::make_unique<net::steady_timer>(std::move(executor));
  quote_pace_ = pace;
}

void Hub::quotes_changed() {
  if (!quote_timer_) return wake_for_quotes();
  if (quote_wake_pending_.exchange(true)) return;  // a wake-up is on its way: it carries this quote too
  quote_timer_->expires_after(quote_pace_);
  quote_timer_->async_wait([weak = weak_from_this()](beast::error_code ec) {
    auto self = weak.lock();
    if (ec || !self) return;  // the hub is going away
    self->quote_wake_pending_.store(false);
    self->wake_for_quotes();
  });
}

void Hub::wake_for_quotes() {
  const auto list = sessions_.list();
  for (const auto& w : *list)
    if (auto s = w.lock()) s->notify_quotes();
}

void Hub::broadcast(const std::shared_ptr<const std::string>& message) { broadcast(SharedFrame::framed(*message)); }

void Hub::broadcast(const SharedFrame& frame) {
  const auto list = sessions_.list();
  for (const auto& w : *list)
    if (auto s = w.lock()) s->send(frame);
}

void Hub::broadcast(std::span<const SharedFrame> frames) {
  const auto list = sessions_.list();
  for (const auto& w : *list)
    if (auto s = w.lock()) s->send(frames);
}

void Hub::close_all(websocket::close_code code) {
  const auto list = sessions_.list();
  for (const auto& w : *list)
    if (auto s = w.lock()) s->close(code, "server shutting down");
}

QueueDepth Hub::queue_depth() const {
  QueueDepth out;
  const auto list = sessions_.list();
  for (const auto& w : *list) {
    if (auto s = w.lock()) {
      const auto n = s->queued();
      out.total += n;
      out.deepest = std::max(out.deepest, n);
    }
  }
  return out;
}

std::size_t Hub::clients() const { return sessions_.size(); }

}  // namespace lodestone::web
