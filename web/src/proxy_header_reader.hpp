#pragma once
// Reads the PROXY header a trusted balancer writes at the start of a connection
// (proxy_header.hpp), exactly: the bytes after it stay in the socket for the HTTP session.
// The bytes are peeked, and only the header's own are taken, so no request bytes have to be
// handed over. Bounded by a deadline: a connection that never sends a header is closed.
#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "lodestone/net/net.hpp"
#include "proxy_header.hpp"

namespace lodestone::web {

class ProxyHeaderReader : public std::enable_shared_from_this<ProxyHeaderReader> {
 public:
  // The socket back, with the header read (state Done) or why not (Invalid; a closed or timed
  // out connection is Invalid too).
  using Done = std::function<void(tcp::socket, ProxyHeader)>;
  ProxyHeaderReader(tcp::socket&& socket, std::chrono::milliseconds deadline);
  ProxyHeaderReader(const ProxyHeaderReader&) = delete;
  ProxyHeaderReader& operator=(const ProxyHeaderReader&) = delete;
  void run(Done done);

 private:
  void wait();
  void on_readable(beast::error_code ec);
  void finish(ProxyHeader header);

  tcp::socket socket_;
  net::steady_timer timer_;
  std::chrono::milliseconds deadline_;
  std::string got_;  // header bytes taken so far (no CRLF among them yet)
  Done done_;
};

}  // namespace lodestone::web
