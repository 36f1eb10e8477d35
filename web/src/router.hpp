#pragma once
#include "http_util.hpp"
#include "lodestone/web/api.hpp"
#include "lodestone/web/board.hpp"
#include "lodestone/web/hub.hpp"
#include "static_files.hpp"

namespace lodestone::web {

struct RouterContext {
  Board& board;
  Hub& hub;
  Api& api;
  const ServerOptions& options;
  const StaticFiles& files;
};

// Answers one HTTP request (everything but the WebSocket upgrade).
http::message_generator route(Request&& req, RouterContext& ctx);

// Whether the request may read (the page, REST GETs, the WebSocket) under the token policy.
bool read_allowed(const Request& req, const ServerOptions& options);

}  // namespace lodestone::web
