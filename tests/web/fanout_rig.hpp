#pragma once
// K WebSocket sessions as the server makes them (web::WebSocketSession over its FrameStream),
// each with a raw client socket at the other end of a real loopback TCP connection, all in one
// io_context run by the calling thread. For measuring what a broadcast costs per delivery: the
// fan-out benchmark (bench/fanout_bench.cpp) and the allocation test (fanout_alloc_test.cpp).
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "lodestone/core/instrument.hpp"
#include "lodestone/net/net.hpp"
#include "lodestone/web/board.hpp"
#include "lodestone/web/hub.hpp"
#include "lodestone/web/server_options.hpp"
#include "shared_frame.hpp"

namespace lodestone::web {

class Api;

// Socket buffer sizes the rig sets itself (0: the kernel's own), so a test that needs a socket to
// take only part of a write gets that on any machine.
struct FanoutSocketBuffers {
  int server_send = 0;
  int client_receive = 0;
};

class FanoutRig {
 public:
  using Buffers = FanoutSocketBuffers;
  // `clients` connections, opened and handshaken by open().
  explicit FanoutRig(std::size_t clients, Buffers buffers = {});
  ~FanoutRig();
  FanoutRig(const FanoutRig&) = delete;
  FanoutRig& operator=(const FanoutRig&) = delete;

  // Connects every client and runs until each has been sent its hello; false if that took
  // longer than `limit`.
  bool open(std::chrono::milliseconds limit);
  // The messages broadcast() sends (synthetic headlines), `count` of them of about `bytes` each.
  void prepare(std::size_t count, std::size_t bytes);
  // One broadcast of the i-th prepared message, from the I/O thread (this one), as the pipeline
  // makes it. Allocates nothing of its own.
  void broadcast(std::size_t i);
  // The prepared messages i .. i+count-1 broadcast together, as a pipeline turn sends its headlines.
  void broadcast_together(std::size_t i, std::size_t count);
  // Runs the io_context until the hub has counted `sent` messages written in all; false after `limit`.
  bool run_until_sent(std::uint64_t sent, std::chrono::milliseconds limit);
  // Reads what the clients have been sent (without allocating); returns the bytes read.
  std::size_t drain();
  // Runs the io_context and reads client `client` until `bytes` bytes came (or `limit` passed);
  // returns what came. Other clients are not read.
  std::string receive(std::size_t client, std::size_t bytes, std::chrono::milliseconds limit);
  // The i-th prepared message as it goes on the wire.
  [[nodiscard]] std::string wire(std::size_t i) const;
  [[nodiscard]] std::uint64_t sent() const { return hub_->messages_sent(); }
  [[nodiscard]] std::size_t clients() const { return client_fds_.size(); }
  [[nodiscard]] Hub& hub() { return *hub_; }
  [[nodiscard]] net::io_context& io() { return *io_; }

 private:
  void poll();
  std::size_t wanted_;
  Buffers buffers_;
  InstrumentRegistry registry_;
  Board board_;
  std::unique_ptr<Api> api_;
  ServerOptions options_;
  std::shared_ptr<Hub> hub_;
  std::vector<int> client_fds_;
  std::vector<char> read_buffer_;
  std::vector<SharedFrame> messages_;    // framed once, as Hub::broadcast frames a message
  std::unique_ptr<net::io_context> io_;  // last: its handlers hold sessions that use the above
};

}  // namespace lodestone::web
