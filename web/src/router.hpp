#pragma once
#include <atomic>
#include <functional>
#include <string>
#include <variant>

#include "http_util.hpp"
#include "lodestone/web/api.hpp"
#include "lodestone/web/board.hpp"
#include "lodestone/web/hub.hpp"
#include "static_files.hpp"

namespace lodestone::web {

struct RouterContext {
  RouterContext(Board& b, Hub& h, Api& a, const ServerOptions& o, const StaticFiles& f)
      : board(b), hub(h), api(a), options(o), files(f) {}
  Board& board;
  Hub& hub;
  Api& api;
  const ServerOptions& options;
  const StaticFiles& files;
  // The client the request is from, set per request by HttpSession: the TCP peer, or the client
  // a trusted balancer names (client_address.hpp).
  std::string client_address;
  // Set once the server drains (SIGTERM, Server::drain): /readyz answers 503 "draining".
  const std::atomic<bool>* draining = nullptr;
};

// An answer the daemon gives later (the delivery ledger may be in Redis): `ask` starts it and
// hands over `reply`, which may run on any thread; `respond` makes the response for this request
// from what came back (the request's version, keep-alive and CORS headers are already in it).
struct DeferredAnswer {
  std::function<void(std::function<void(HttpAnswer)>)> ask;
  std::function<http::message_generator(HttpAnswer)> respond;
};

using Routed = std::variant<http::message_generator, DeferredAnswer>;

// Answers one HTTP request (everything but the WebSocket upgrade), now or later.
Routed route(Request&& req, RouterContext& ctx);

}  // namespace lodestone::web
