#pragma once
// One WebSocket text message as it goes on the wire (RFC 6455 5.2: a server's frame, FIN,
// opcode 1, unmasked): the frame header and the payload, immutable and shared. A broadcast is
// framed once, header and payload in one buffer, and every session's write references that
// buffer: no copy per client. A message that reaches a session already rendered elsewhere (a
// board quote, a stored alert replayed) keeps its shared payload as it is and carries its header
// beside it, so queueing it costs no copy and no allocation either.
//
// A value: copying one copies a shared_ptr and a few header bytes. The buffers it hands out
// point into the frame itself for the header, so the frame must stay where it is (and alive)
// until the write that uses them is done.
#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "lodestone/net/net.hpp"

namespace lodestone::web {

class SharedFrame {
 public:
  // The longest header a server's frame has (a 64-bit length).
  static constexpr std::size_t kMaxHeader = 10;

  SharedFrame() = default;
  // Header and payload in one new buffer: for a message many sessions send (one allocation,
  // one copy of the payload, for all of them).
  static SharedFrame framed(std::string_view payload) {
    std::array<unsigned char, kMaxHeader> header{};
    const auto n = write_header(header, payload.size());
    std::string wire;
    wire.reserve(n + payload.size());
    wire.append(reinterpret_cast<const char*>(header.data()), n);
    wire.append(payload);
    SharedFrame f;
    f.storage_ = std::make_shared<const std::string>(std::move(wire));
    f.payload_offset_ = static_cast<std::uint8_t>(n);
    return f;
  }
  // `payload` shared as it is, the header beside it (no copy, no allocation).
  static SharedFrame around(std::shared_ptr<const std::string> payload) {
    SharedFrame f;
    f.header_size_ = static_cast<std::uint8_t>(write_header(f.header_, payload->size()));
    f.storage_ = std::move(payload);
    return f;
  }

  [[nodiscard]] bool empty() const { return !storage_; }
  [[nodiscard]] std::string_view payload() const { return std::string_view(*storage_).substr(payload_offset_); }
  // Header plus payload.
  [[nodiscard]] std::size_t wire_size() const { return header_size_ + storage_->size(); }
  // The frame's bytes as one or two buffers (header, payload), appended to `out`. The header
  // buffer points into this object.
  template <class Buffers>
  void append_buffers(Buffers& out) const {
    if (header_size_ != 0) out.push_back(net::const_buffer(header_.data(), header_size_));
    out.push_back(net::const_buffer(storage_->data(), storage_->size()));
  }
  // How many buffers append_buffers adds.
  [[nodiscard]] std::size_t buffer_count() const { return header_size_ != 0 ? 2 : 1; }
  // The frame's bytes appended to `out` (a copy: for a write that gathers into one buffer).
  void append_to(std::string& out) const {
    out.append(reinterpret_cast<const char*>(header_.data()), header_size_);
    out.append(*storage_);
  }

  // Writes the header of a text frame with `payload` bytes into `out`; returns its length.
  static std::size_t write_header(std::array<unsigned char, kMaxHeader>& out, std::size_t payload) {
    out[0] = 0x81;  // FIN, text
    if (payload < 126) {
      out[1] = static_cast<unsigned char>(payload);
      return 2;
    }
    if (payload <= 0xffff) {
      out[1] = 126;
      out[2] = static_cast<unsigned char>(payload >> 8);
      out[3] = static_cast<unsigned char>(payload & 0xff);
      return 4;
    }
    out[1] = 127;
    for (std::size_t i = 0; i < 8; ++i) out[2 + i] = static_cast<unsigned char>((payload >> (56 - 8 * i)) & 0xff);
    return 10;
  }

 private:
  // The payload, or (framed) the header and the payload.
  std::shared_ptr<const std::string> storage_;
  std::array<unsigned char, kMaxHeader> header_{};  // when not framed
  std::uint8_t header_size_ = 0;                    // 0: storage_ starts with the header
  std::uint8_t payload_offset_ = 0;                 // where the payload starts in storage_
};

}  // namespace lodestone::web
