#pragma once
// The one port: the page, REST under /api/v1, /metrics, /healthz, /readyz and the WebSocket at /ws.
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>

#include "lodestone/core/result.hpp"
#include "lodestone/net/net.hpp"
#include "lodestone/web/api.hpp"
#include "lodestone/web/board.hpp"
#include "lodestone/web/hub.hpp"
#include "lodestone/web/server_options.hpp"

namespace lodestone::web {

class ConnectionLimiter;

class Server {
 public:
  Server(net::io_context& ioc, ServerOptions options, Board& board, Api& api);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and starts accepting; returns the bound port (useful with port 0).
  Result<std::uint16_t> start();
  // Stops accepting and closes every WebSocket with 1001 (going away).
  void stop();
  // The two halves of stop(), for a shutdown that logs each: no new connections; then every
  // WebSocket closes with 1001 and `closed` runs once the last one has gone (it may never, for a
  // client that stopped reading: the caller bounds the wait).
  void stop_accepting();
  void close_clients(std::function<void()> closed);
  // The step before those, behind a load balancer: /readyz answers 503 "draining" from now on,
  // everything else is served as before, and `drained` runs after `delay` (the balancer's
  // health check has noticed by then and sends no new clients).
  void drain(std::chrono::milliseconds delay, std::function<void()> drained);
  [[nodiscard]] bool draining() const;

  Hub& hub() { return *hub_; }
  // Open connections (HTTP and WebSocket).
  [[nodiscard]] std::size_t connections() const;
  // Refused connections, refused requests and client-caused WebSocket closes, by reason.
  [[nodiscard]] const WebStats& stats() const { return hub_->stats(); }
  [[nodiscard]] const ServerOptions& options() const { return options_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  ServerOptions options_;
  // Shared with the sessions: a session outliving the server (its handler still queued when
  // the io_context is torn down) can still leave the hub safely.
  std::shared_ptr<Hub> hub_ = std::make_shared<Hub>();
  std::shared_ptr<ConnectionLimiter> limiter_;
};

}  // namespace lodestone::web
