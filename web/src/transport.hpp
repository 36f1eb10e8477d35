#pragma once
// A connection's bytes under HTTP and the WebSocket: plain TCP, or TLS over TCP (http.tls).
// HttpSession reads and writes through it with its request deadline; at an upgrade it is handed
// on (for_websocket) as the layer under FrameStream. One of three shapes at a time:
//  - plain HTTP: beast::tcp_stream, for its per-request deadline (expires_after);
//  - plain WebSocket: the bare socket, as before TLS existed: Beast's WebSocket keeps its own
//    timeouts, and the fan-out's writes carry no timer bookkeeping;
//  - TLS, HTTP then WebSocket: ssl::stream over a tcp_stream, so the same deadline bounds the
//    TLS records of a request (and never applies once it is a WebSocket).
// Each operation picks its shape with one test of the variant's index, the bare socket first:
// nothing else is added to the plain fan-out path.
#include <boost/asio/ssl.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <chrono>
#include <iterator>
#include <memory>
#include <string>
#include <utility>
#include <variant>

#include "lodestone/core/result.hpp"
#include "lodestone/net/net.hpp"

namespace lodestone::web {

using TlsStream = net::ssl::stream<beast::tcp_stream>;

class Transport {
  // Calls f with the stream in use (defined first: the templates below deduce from it).
  template <class F>
  decltype(auto) with_stream(F&& f) {
    if (auto* s = std::get_if<tcp::socket>(&stream_)) return f(*s);
    if (auto* s = std::get_if<beast::tcp_stream>(&stream_)) return f(*s);
    return f(*std::get_if<TlsStream>(&stream_));
  }

 public:
  using executor_type = net::any_io_executor;
  using lowest_layer_type = tcp::socket::lowest_layer_type;

  // A bare socket: a plain WebSocket's (implicit, so a socket passes where a Transport is asked).
  Transport(tcp::socket&& socket)  // NOLINT(google-explicit-constructor)
      : stream_(std::in_place_type<tcp::socket>, std::move(socket)) {}
  explicit Transport(beast::tcp_stream&& stream) : stream_(std::in_place_type<beast::tcp_stream>, std::move(stream)) {}
  explicit Transport(TlsStream&& stream) : stream_(std::in_place_type<TlsStream>, std::move(stream)) {}

  [[nodiscard]] bool tls() const noexcept { return std::holds_alternative<TlsStream>(stream_); }
  executor_type get_executor() noexcept {
    return with_stream([](auto& s) -> executor_type { return s.get_executor(); });
  }
  // The TCP socket underneath (socket options, the peer's address).
  tcp::socket& socket() noexcept;
  lowest_layer_type& lowest_layer() noexcept { return socket().lowest_layer(); }
  tcp::endpoint remote_endpoint(beast::error_code& ec) { return socket().remote_endpoint(ec); }

  template <class MutableBufferSequence, class ReadToken>
  auto async_read_some(const MutableBufferSequence& buffers, ReadToken&& token) {
    return net::async_initiate<ReadToken, void(beast::error_code, std::size_t)>(
        [this](auto handler, const MutableBufferSequence& b) {
          this->with_stream([&](auto& s) { s.async_read_some(b, std::move(handler)); });
        },
        token, buffers);
  }
  template <class ConstBufferSequence, class WriteToken>
  auto async_write_some(const ConstBufferSequence& buffers, WriteToken&& token) {
    return net::async_initiate<WriteToken, void(beast::error_code, std::size_t)>(
        [this](auto handler, const ConstBufferSequence& b) {
          this->with_stream([&](auto& s) { s.async_write_some(b, std::move(handler)); });
        },
        token, buffers);
  }

  // The deadline of every operation from now on (beast::tcp_stream's; it closes the connection
  // and the operation fails with beast::error::timeout). A bare socket has none: its WebSocket
  // times itself.
  void expires_after(std::chrono::steady_clock::duration d);
  void expires_never();

  // Reads what has already arrived, without waiting (plain HTTP only: a TLS record may be cut
  // anywhere, so there it answers would_block and the next asynchronous read takes the bytes).
  std::size_t read_some_now(net::mutable_buffer buffer, beast::error_code& ec);

  // Writes what the socket takes now, without waiting (a plain WebSocket only: under TLS, or on
  // the HTTP shape, it answers would_block and sends nothing, and the asynchronous write does it).
  template <class ConstBufferSequence>
  std::size_t write_some_now(const ConstBufferSequence& buffers, beast::error_code& ec) {
    auto* s = std::get_if<tcp::socket>(&stream_);
    if (!s) {
      ec = net::error::would_block;
      return 0;
    }
    if (!s->non_blocking()) s->non_blocking(true, ec);
    if (ec) return 0;
    // One buffer (a lone framed message, the steady state) as a single buffer: asio then calls
    // send(), not sendmsg() with a one-entry iovec, which saves the kernel the message header
    // and iovec import on every delivery.
    const auto first = net::buffer_sequence_begin(buffers);
    if (first != net::buffer_sequence_end(buffers) && std::next(first) == net::buffer_sequence_end(buffers))
      return s->write_some(net::const_buffer(*first), ec);
    return s->write_some(buffers, ec);
  }

  // No more answers on this connection: a TCP half-close, after TLS's close_notify when it is
  // TLS (which goes out asynchronously: `owner` is kept until it has, or the deadline passes).
  void end(std::shared_ptr<void> owner);
  void close();

  // The same connection as a WebSocket's lower layer (no operation may be in flight).
  Transport for_websocket() &&;

  // Beast's WebSocket closing its connection (FrameStream's teardown forwards here).
  template <class TeardownHandler>
  void async_teardown(beast::role_type role, TeardownHandler&& handler) {
    with_stream([&](auto& s) {
      using websocket::async_teardown;
      async_teardown(role, s, std::forward<TeardownHandler>(handler));
    });
  }
  void teardown(beast::role_type role, beast::error_code& ec);

  // Beast's timeouts close the lowest layer through this (found by argument-dependent lookup).
  friend void beast_close_socket(Transport& t) { t.close(); }

 private:
  std::variant<tcp::socket, beast::tcp_stream, TlsStream> stream_;
};

// The TLS settings of the listener, built once at start from http.tls's PEM files: TLS 1.2 and
// later only, no compression, the server's cipher order. A missing or unreadable file, a file
// that is not PEM, or a key that does not match the certificate is an error naming the file.
Result<std::shared_ptr<net::ssl::context>> make_tls_context(const std::string& cert_file, const std::string& key_file);

}  // namespace lodestone::web
