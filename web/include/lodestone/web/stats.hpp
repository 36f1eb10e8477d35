#pragma once
// Counters the web layer keeps for /metrics: refused connections, refused HTTP requests and
// WebSocket closes caused by the client, each by reason. Thread-safe; read with snapshot().
#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace lodestone::web {

// Why a connection was refused before any request was read.
enum class RefusedConnection : std::size_t {
  MaxConnections,  // websocket.max_connections reached: 503
  PerIp,           // max_connections_per_ip reached for this address: 503
  FdExhausted,     // the process ran out of file descriptors (EMFILE/ENFILE): closed at once
  kCount
};

// Why an HTTP request was answered with an error before routing, or dropped.
enum class RejectedRequest : std::size_t {
  UriTooLong,      // 414: the request line alone exceeds max_header_bytes
  HeaderTooLarge,  // 431: the headers exceed max_header_bytes
  BodyTooLarge,    // 413: the body exceeds websocket.max_request_body
  Timeout,         // the request did not arrive within websocket.request_timeout (slowloris)
  Malformed,       // not HTTP/1.x
  TlsHandshake,    // http.tls: the TLS handshake failed or did not finish in request_timeout
  kCount
};

// Why the server closed a WebSocket because of what the client did (or did not do).
enum class ClientClose : std::size_t {
  BadMessage,     // 4002: not part of the protocol (bad JSON, unknown type, binary)
  TooBig,         // 1009: larger than websocket.max_message
  ProtocolError,  // 1002: RFC 6455 violation (reserved bits, opcodes, control frames, close codes)
  InvalidUtf8,    // 1007: a text frame or close reason that is not UTF-8
  RateLimited,    // 1008: more client messages than the token bucket allows
  SlowConsumer,   // 4001: the send queue filled up
  Timeout,        // no answer to the keep-alive ping, or the close handshake timed out
  kCount
};

std::string_view to_string(RefusedConnection r);
std::string_view to_string(RejectedRequest r);
std::string_view to_string(ClientClose r);

template <class Reason>
class ReasonCounters {
 public:
  static constexpr std::size_t size() { return static_cast<std::size_t>(Reason::kCount); }
  void add(Reason r, std::uint64_t n = 1) {
    counts_[static_cast<std::size_t>(r)].fetch_add(n, std::memory_order_relaxed);
  }
  [[nodiscard]] std::uint64_t get(Reason r) const {
    return counts_[static_cast<std::size_t>(r)].load(std::memory_order_relaxed);
  }

 private:
  std::array<std::atomic<std::uint64_t>, static_cast<std::size_t>(Reason::kCount)> counts_{};
};

struct WebStats {
  ReasonCounters<RefusedConnection> refused_connections;
  ReasonCounters<RejectedRequest> rejected_requests;
  ReasonCounters<ClientClose> client_closes;
};

// Send-queue depth across every WebSocket (messages waiting, the one being written included).
struct QueueDepth {
  std::size_t total = 0;    // messages queued across all sessions
  std::size_t deepest = 0;  // the longest single session queue
};

}  // namespace lodestone::web
