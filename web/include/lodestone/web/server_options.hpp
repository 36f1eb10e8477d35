#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace lodestone::web {

struct ServerOptions {
  std::string host = "127.0.0.1";  // loopback unless the operator opens it up
  std::uint16_t port = 8080;
  std::string web_root;                      // the built page (index.html, app.js …)
  std::string api_token;                     // required for every write; empty: writes are refused
  bool token_for_read = false;               // also require it for reads, the page and the WebSocket
  std::vector<std::string> allowed_origins;  // empty: same origin as the Host header only
  std::int64_t quote_interval_ms = 250;      // coalescing: at most one quote batch per client per interval
  std::size_t max_queue = 4096;              // messages waiting for one client before it is closed
  std::size_t max_message_bytes = 64 * 1024;
  std::size_t max_request_body = 4 * 1024 * 1024;  // ingest batches
  std::int64_t idle_timeout_ms = 60'000;
  std::int64_t heartbeat_ms = 15'000;
  std::int64_t request_timeout_ms = 15'000;  // a whole HTTP request must arrive within this
  std::size_t max_connections = 20'000;
  std::string version;
  std::string instance;
};

// WebSocket close codes Lodestone uses beyond RFC 6455's (documented in web/PROTOCOL.md).
inline constexpr std::uint16_t kCloseSlowConsumer = 4001;
inline constexpr std::uint16_t kCloseBadMessage = 4002;

}  // namespace lodestone::web
