#pragma once
// One HTTP connection: read a request (bounded in size and time), answer it, repeat; hand the
// connection (plain or TLS: Transport) to a WebSocketSession on an allowed upgrade to /ws.
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <utility>

#include "client_address.hpp"
#include "connection_limiter.hpp"
#include "lodestone/net/net.hpp"
#include "lodestone/web/hub.hpp"
#include "router.hpp"
#include "transport.hpp"

namespace lodestone::web {

class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(Transport&& stream, RouterContext ctx, std::shared_ptr<Hub> hub, ConnectionLimiter::Slot slot,
              ConnectionOrigin origin);
  HttpSession(const HttpSession&) = delete;
  HttpSession& operator=(const HttpSession&) = delete;
  void run();

 private:
  void do_read();
  void new_parser();
  void on_read(beast::error_code ec, std::size_t bytes);
  void answer(Request&& req);
  std::optional<Request> take_buffered_request();
  bool read_available();
  void write_next_answer();
  void on_write(bool keep_alive, beast::error_code ec, std::size_t bytes);
  void upgrade(Request&& req);
  void learn_client(const Request& req);
  void reject(RejectedRequest why, http::status status, std::string_view message);
  void defer(DeferredAnswer deferred, bool keep_alive);
  void deferred_timed_out();

  struct Answer;
  void fill(Answer& answer, HttpAnswer reply);
  void arm_deferred_timer(std::chrono::steady_clock::time_point at);

  Transport stream_;
  beast::flat_buffer buffer_;
  RouterContext ctx_;
  std::shared_ptr<Hub> hub_;
  ConnectionLimiter::Slot slot_;  // released with the connection (or moved to the WebSocket)
  ConnectionOrigin origin_;       // the TCP peer, and what a trusted balancer said of it
  net::ip::address client_;       // of the request being answered (client_address.hpp)
  std::string peer_;              // client_ as text: the debug access log's
  std::optional<http::request_parser<http::string_body>> parser_;
  // A client that pipelines (a feed pusher) may have several whole requests in the buffer: they
  // are answered in one turn and their answers written in order from here. An answer the daemon
  // gives later (DeferredAnswer) holds its place, empty, until it arrives or times out.
  struct Answer {
    std::optional<http::message_generator> message;  // empty while a deferred answer is awaited
    bool keep_alive = true;
    // A deferred answer's: its place, how to make the response, and when to give up waiting.
    std::uint64_t id = 0;
    std::function<http::message_generator(HttpAnswer)> respond;
    std::chrono::steady_clock::time_point deadline;
  };
  std::deque<Answer> answers_;
  std::string out_;  // the answers being written, serialized
  bool writing_ = false;
  std::uint64_t next_deferred_ = 0;
  net::steady_timer deferred_timer_;  // bounds the wait for deferred answers
  bool deferred_timer_armed_ = false;
  bool parser_has_partial_ = false;      // parser_ holds the start of the next request: read on into it
  std::optional<Request> held_upgrade_;  // an upgrade behind pipelined requests waits for their answers
  beast::error_code buffered_error_;     // a buffered request that failed to parse, reported in order
  std::size_t turn_bytes_ = 0;           // read without waiting in this turn
};

}  // namespace lodestone::web
