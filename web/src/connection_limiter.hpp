#pragma once
// Connection accounting: a slot per open connection (HTTP or WebSocket), bounded in total and per
// client address. A slot moves from the HTTP session to the WebSocket session on an upgrade and is
// released when the last of them closes the socket.
//
// Behind a load balancer (client_address.hpp) one connection from a trusted proxy carries many
// clients: it holds a slot without an address (counted in the total only) until a WebSocket
// upgrade names its client, then the slot moves to that client's address, under its cap.
#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_map>

#include "lodestone/net/net.hpp"
#include "lodestone/web/stats.hpp"

namespace lodestone::web {

class ConnectionLimiter : public std::enable_shared_from_this<ConnectionLimiter> {
 public:
  ConnectionLimiter(std::size_t max_total, std::size_t max_per_ip) : max_total_(max_total), max_per_ip_(max_per_ip) {}

  class Slot {
   public:
    Slot() = default;
    Slot(std::shared_ptr<ConnectionLimiter> owner, std::optional<net::ip::address> address)
        : owner_(std::move(owner)), address_(std::move(address)) {}
    Slot(Slot&& other) noexcept = default;
    Slot& operator=(Slot&& other) noexcept {
      if (this != &other) {
        release();
        owner_ = std::move(other.owner_);
        address_ = std::move(other.address_);
      }
      return *this;
    }
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;
    ~Slot() { release(); }
    [[nodiscard]] bool held() const { return owner_ != nullptr; }
    // The address it counts against; empty for a trusted proxy's connection.
    [[nodiscard]] const std::optional<net::ip::address>& address() const { return address_; }
    // Counts this held slot against `to` instead, if `to` is under its cap (the total does not
    // change); false with `why` set otherwise, and the slot stays as it was.
    bool move_to(const net::ip::address& to, RefusedConnection& why) {
      return owner_ && owner_->move(address_, to, why);
    }

   private:
    void release() {
      if (owner_) owner_->release(address_);
      owner_.reset();
    }
    std::shared_ptr<ConnectionLimiter> owner_;
    std::optional<net::ip::address> address_;
  };

  // A held slot, or an empty one with `why` set.
  Slot acquire(const net::ip::address& address, RefusedConnection& why);
  // A slot under the total cap only: a trusted proxy's connection, before its client is known.
  Slot acquire_unaddressed(RefusedConnection& why);
  [[nodiscard]] std::size_t total() const;
  [[nodiscard]] std::size_t from(const net::ip::address& address) const;

 private:
  void release(const std::optional<net::ip::address>& address);
  bool move(std::optional<net::ip::address>& from, const net::ip::address& to, RefusedConnection& why);
  const std::size_t max_total_;
  const std::size_t max_per_ip_;
  mutable std::mutex mutex_;
  std::size_t total_ = 0;
  std::unordered_map<std::string, std::size_t> per_ip_;
};

}  // namespace lodestone::web
