#pragma once
// The layer under a session's beast::websocket::stream: a connection (Transport: TCP, or TLS) whose writes come from
// two writers, Beast (the handshake answer, pongs, pings, the close frame) and the session (its data frames, framed by
// the session and gathered into one buffer, so a client that is behind gets many frames in one send instead of one send
// per frame — Beast writes one frame per call).
//
// Writes never interleave: each one is written whole before the next starts, and a write that
// arrives while another is in flight waits for it. Beast writes each frame with one
// net::async_write, which calls async_write_some once with the whole frame; completing that call
// only when all of it is sent keeps every Beast frame in one piece. Once Beast has sent a close
// frame, data frames are refused (RFC 6455 5.5.1: nothing may follow a close frame).
//
// The data write is a gather: a list of buffers that point into frames shared by every session
// (shared_frame.hpp). On a plain socket it is first tried at once, without waiting (what
// uWebSockets does): in the steady state the kernel takes it whole, and then no operation,
// queued completion or second visit to the session follows (issue #18: at 1,000 clients that
// second visit to each session's cold state was most of the user-space time per delivery). What
// is left, and every TLS write, goes through the lower layer's async_write_some until all of it is
// sent, the list advanced in place. Its operation's memory is this stream's own
// (handler_memory.hpp), so a data write allocates nothing.
#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/append.hpp>
#include <boost/asio/dispatch.hpp>
#include <cstddef>
#include <memory>
#include <optional>
#include <span>
#include <utility>
#include <vector>

#include "handler_memory.hpp"
#include "lodestone/net/net.hpp"
#include "transport.hpp"

namespace lodestone::web {

class FrameStream {
 public:
  using executor_type = Transport::executor_type;
  using next_layer_type = Transport;
  using lowest_layer_type = Transport::lowest_layer_type;

  // Hears that its data frames were written (on the session's strand).
  class Writer {
   public:
    virtual void frames_written(beast::error_code ec, std::size_t bytes) = 0;

   protected:
    ~Writer() = default;
  };

  explicit FrameStream(Transport&& socket) : socket_(std::move(socket)) {}

  executor_type get_executor() noexcept { return socket_.get_executor(); }
  Transport& next_layer() noexcept { return socket_; }
  const Transport& next_layer() const noexcept { return socket_; }
  lowest_layer_type& lowest_layer() noexcept { return socket_.lowest_layer(); }

  template <class MutableBufferSequence, class ReadToken>
  auto async_read_some(const MutableBufferSequence& buffers, ReadToken&& token) {
    return socket_.async_read_some(buffers, std::forward<ReadToken>(token));
  }

  // Beast's writes: completes when every byte is sent.
  template <class ConstBufferSequence, class WriteToken>
  auto async_write_some(const ConstBufferSequence& buffers, WriteToken&& token) {
    return net::async_initiate<WriteToken, void(beast::error_code, std::size_t)>(
        [this](auto handler, const ConstBufferSequence& b) {
          BeastWrite w{{}, BeastHandler(std::move(handler))};
          for (auto it = net::buffer_sequence_begin(b); it != net::buffer_sequence_end(b); ++it)
            w.buffers.emplace_back(*it);
          if (busy_) {
            beast_waiting_ = std::move(w);
          } else {
            start_beast(std::move(w));
          }
        },
        token, buffers);
  }

  // The session's data frames, already framed, as `buffers`. Returns the bytes sent when the
  // whole write went out during the call; the writer is then not called. Otherwise the list and
  // the bytes it points to must stay until the writer hears back (never during this call), and
  // the list is the stream's to change meanwhile (it advances through it in place); the writer
  // is kept alive until then. One at a time. After a close frame was sent the write is refused
  // with operation_aborted.
  [[nodiscard]] std::optional<std::size_t> write_frames(std::span<net::const_buffer> buffers,
                                                        std::shared_ptr<Writer> writer) {
    if (busy_) {
      data_waiting_ = DataWrite{buffers, std::move(writer)};
      return std::nullopt;
    }
    return start_data(DataWrite{buffers, std::move(writer)});
  }
  // One try at sending `buffers` now, when no write is under way (and no close frame was sent):
  // the bytes the socket took, 0 when it took none (it would block, a write is in flight, the
  // connection is TLS). Nothing is kept: what is left is the caller's to write (write_frames).
  std::size_t write_now(std::span<const net::const_buffer> buffers, beast::error_code& ec) {
    if (busy_ || close_sent_) return 0;
    return socket_.write_some_now(buffers, ec);
  }
  // The same with one buffer (which must outlive the write).
  [[nodiscard]] std::optional<std::size_t> write_frames(net::const_buffer buffer, std::shared_ptr<Writer> writer) {
    single_ = buffer;
    return write_frames(std::span<net::const_buffer>(&single_, 1), std::move(writer));
  }

 private:
  using BeastHandler = net::any_completion_handler<void(beast::error_code, std::size_t)>;
  struct BeastWrite {
    std::vector<net::const_buffer> buffers;
    BeastHandler handler;
  };
  struct DataWrite {
    std::span<net::const_buffer> buffers;
    std::shared_ptr<Writer> writer;
  };
  // A socket operation with its handler is about 200 bytes; the block has room to spare.
  using DataMemory = HandlerMemory<512>;
  using DataAllocator = HandlerAllocator<void, 512>;

  // Held by the socket write in flight. A write asio destroys without running it (its io_context
  // is going away) drops what waits behind it here: a waiting handler holds its session, which
  // holds this stream, and that cycle would otherwise never be broken.
  class InFlight {
   public:
    explicit InFlight(FrameStream* stream) : stream_(stream) {}
    InFlight(InFlight&& other) noexcept : stream_(std::exchange(other.stream_, nullptr)) {}
    InFlight(const InFlight&) = delete;
    InFlight& operator=(const InFlight&) = delete;
    InFlight& operator=(InFlight&&) = delete;
    ~InFlight() {
      if (stream_) stream_->abandon();
    }
    FrameStream* release() { return std::exchange(stream_, nullptr); }

   private:
    FrameStream* stream_;
  };
  // Members are destroyed last to first: the guard goes first, while what keeps the stream alive
  // (the session's handler, or the writer) is still there.
  struct BeastDone {
    BeastHandler handler;
    InFlight guard;
    void operator()(beast::error_code ec, std::size_t n) {
      guard.release()->next();
      // Through the handler's own executor, as asio requires (the session's strand, which this
      // completion already runs on).
      net::dispatch(net::append(std::move(handler), ec, n));
    }
  };
  // One async_write_some of the data write; the next one, or the writer's answer once all of it
  // is sent (or it failed).
  struct DataStep {
    std::shared_ptr<Writer> writer;
    InFlight guard;
    DataAllocator allocator;
    using allocator_type = DataAllocator;
    [[nodiscard]] allocator_type get_allocator() const noexcept { return allocator; }
    void operator()(beast::error_code ec, std::size_t n) {
      FrameStream* stream = guard.release();
      stream->data_sent_ += n;
      if (!ec && stream->advance(n)) {
        stream->write_some(std::move(writer));
        return;
      }
      const std::size_t sent = stream->data_sent_;
      stream->next();
      writer->frames_written(ec, sent);
    }
  };

  void start_beast(BeastWrite w) {
    if (!w.buffers.empty() && w.buffers.front().size() > 0 &&
        *static_cast<const unsigned char*>(w.buffers.front().data()) == 0x88)
      close_sent_ = true;  // FIN + opcode 8: a close frame (the handshake's answer starts with 'H')
    busy_ = true;
    net::async_write(socket_, w.buffers, BeastDone{std::move(w.handler), InFlight(this)});
  }

  std::optional<std::size_t> start_data(DataWrite w) {
    if (close_sent_) {
      net::post(socket_.get_executor(),
                [writer = std::move(w.writer)] { writer->frames_written(net::error::operation_aborted, 0); });
      return std::nullopt;
    }
    busy_ = true;
    data_ = w.buffers;
    data_sent_ = 0;
    if (!advance(0)) {  // nothing to send: answer as a write would, after this call
      busy_ = false;
      net::post(socket_.get_executor(), [writer = std::move(w.writer)] { writer->frames_written({}, 0); });
      return std::nullopt;
    }
    // Whatever goes wrong here (the socket would block, the peer is gone) is left to the
    // asynchronous write, which ends the same way a write always has.
    beast::error_code ec;
    const std::size_t n = socket_.write_some_now(data_, ec);
    data_sent_ += n;
    if (!ec && !advance(n)) {
      busy_ = false;
      return data_sent_;
    }
    write_some(std::move(w.writer));
    return std::nullopt;
  }

  void write_some(std::shared_ptr<Writer> writer) {
    socket_.async_write_some(data_, DataStep{std::move(writer), InFlight(this), DataAllocator(data_memory_)});
  }

  // Drops `n` sent bytes from the front of the data write; true while some are left.
  bool advance(std::size_t n) {
    while (!data_.empty()) {
      auto& front = data_.front();
      if (n < front.size()) {
        front += n;
        return true;
      }
      n -= front.size();
      data_ = data_.subspan(1);
    }
    return false;
  }

  // Beast's frame first: it may be the pong or the close the peer waits for.
  void next() {
    busy_ = false;
    if (beast_waiting_) {
      auto w = std::move(*beast_waiting_);
      beast_waiting_.reset();
      start_beast(std::move(w));
    } else if (data_waiting_) {
      auto w = std::move(*data_waiting_);
      data_waiting_.reset();
      std::shared_ptr<Writer> writer = w.writer;
      // Sent at once: the writer hears it now (this runs in a completion, never inside its call).
      if (const auto sent = start_data(std::move(w))) writer->frames_written({}, *sent);
    }
  }

  void abandon() {
    busy_ = false;
    std::optional<BeastWrite> beast = std::move(beast_waiting_);
    std::optional<DataWrite> data = std::move(data_waiting_);
    beast_waiting_.reset();
    data_waiting_.reset();
    // `beast` and `data` die here and may take the session, and this stream, with them.
  }

  Transport socket_;
  DataMemory data_memory_;
  std::span<net::const_buffer> data_;  // what is left of the data write in flight
  std::size_t data_sent_ = 0;          // of the data write in flight
  net::const_buffer single_;           // the one-buffer write's list
  bool busy_ = false;
  bool close_sent_ = false;
  std::optional<BeastWrite> beast_waiting_;
  std::optional<DataWrite> data_waiting_;
};

// Beast closes a WebSocket's connection through these (found by argument-dependent lookup).
template <class TeardownHandler>
void async_teardown(beast::role_type role, FrameStream& stream, TeardownHandler&& handler) {
  stream.next_layer().async_teardown(role, std::forward<TeardownHandler>(handler));
}
inline void teardown(beast::role_type role, FrameStream& stream, beast::error_code& ec) {
  stream.next_layer().teardown(role, ec);
}

}  // namespace lodestone::web
