#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "lodestone/core/clock.hpp"

namespace lodestone::web {

// The default SO_SNDBUF request (see ServerOptions::send_buffer_bytes).
inline constexpr std::size_t kDefaultSendBuffer = std::size_t{256} * 1024;

struct ServerOptions {
  std::string host = "127.0.0.1";  // loopback unless the operator opens it up
  std::uint16_t port = 8080;
  std::string web_root;                      // the built page (index.html, app.js …)
  std::string api_token;                     // required for every write; empty: writes are refused
  bool token_for_read = false;               // also require it for reads, the page and the WebSocket
  std::vector<std::string> allowed_origins;  // empty: same origin as an allowed host only
  // http.allowed_hosts: the names (host or host:port) a request's Host header may carry, checked
  // on every request so a DNS-rebinding page fails. Empty: the listen address's names and
  // localhost (see web/PROTOCOL.md).
  std::vector<std::string> allowed_hosts;
  // http.trusted_proxies: addresses or CIDR blocks (127.0.0.1, 10.0.0.0/8, ::1) of load
  // balancers whose X-Forwarded-For / PROXY protocol header names the client. Only from these is
  // it believed; per-address limits, throttles and the audit log use the client it names.
  std::vector<std::string> trusted_proxies;
  // http.proxy_protocol: connections from a trusted proxy start with a PROXY protocol header.
  bool proxy_protocol = false;
  // http.drain_delay: at SIGTERM, how long /readyz answers 503 "draining" while everything is
  // still served, before the listener closes: long enough for the balancer's health check to
  // take this daemon out of rotation (HAProxy: about fall x inter). 0: no balancer, no wait.
  std::int64_t drain_delay_ms = 0;
  // http.tls: serve HTTPS and WSS with this certificate chain and private key (PEM files);
  // both empty: plain HTTP (a proxy in front terminates TLS).
  std::string tls_cert;
  std::string tls_key;
  std::int64_t quote_interval_ms = 250;  // coalescing: at most one quote batch per client per interval
  std::size_t max_queue = 4096;          // messages waiting for one client before it is closed
  // SO_SNDBUF of every accepted socket, so what a stalled reader holds in this host's kernel is
  // Lodestone's choice, not the sysctl's (net.ipv4.tcp_wmem lets autotuning grow it to 4 MiB or
  // more). The kernel doubles the value for its bookkeeping and caps it at net.core.wmem_max.
  // 0: leave it to the kernel's autotuning. The default is measured in bench/ANALYSIS.md.
  std::size_t send_buffer_bytes = kDefaultSendBuffer;
  std::size_t max_message_bytes = std::size_t{64} * 1024;
  std::size_t max_request_body = std::size_t{4} * 1024 * 1024;  // ingest batches
  std::int64_t idle_timeout_ms = 60'000;
  std::int64_t heartbeat_ms = 15'000;
  std::int64_t request_timeout_ms = 15'000;  // a whole HTTP request must arrive within this
  std::size_t max_connections = 20'000;
  // Knobs without a YAML key yet (the defaults are what web/PROTOCOL.md documents):
  std::size_t max_connections_per_ip = 256;              // HTTP and WebSocket connections from one address
  std::size_t max_header_bytes = std::size_t{8} * 1024;  // request line + headers; beyond: 414 or 431
  double client_messages_per_second = 10;                // WebSocket client messages: token bucket rate ...
  double client_message_burst = 50;                      // ... and depth; over it the socket closes with 1008
  std::int64_t ws_close_timeout_ms = 5'000;              // WebSocket handshake and close handshake limit
  std::int64_t resume_grace_ms = 1'000;                  // live alerts wait this long for a client's resume
  // Threads running the io_context. With one, connections need no strand of their own (every
  // handler already runs on that thread) and skip its cost on each handler; 0: unknown, strands.
  int io_threads = 0;
  std::string version;
  std::string instance;
  // Every "now" the web layer reads (hello and heartbeat times, the snapshot's server_time, rate
  // limits, coalescing, the resume hold); tests pass a ManualClock. Must outlive the server.
  std::reference_wrapper<const Clock> clock{system_clock()};
};

// WebSocket close codes Lodestone uses beyond RFC 6455's (documented in web/PROTOCOL.md).
inline constexpr std::uint16_t kCloseSlowConsumer = 4001;
inline constexpr std::uint16_t kCloseBadMessage = 4002;
inline constexpr std::uint16_t kClosePolicy = 1008;  // RFC 6455: policy violation (client message rate)

}  // namespace lodestone::web
