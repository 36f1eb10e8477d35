#pragma once
// Connection accounting: a slot per open connection (HTTP or WebSocket), bounded in total and per
// client address. A slot moves from the HTTP session to the WebSocket session on an upgrade and is
// released when the last of them closes the socket.
#include <cstddef>
#include <memory>
#include <mutex>
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
    Slot(std::shared_ptr<ConnectionLimiter> owner, net::ip::address address)
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

   private:
    void release() {
      if (owner_) owner_->release(address_);
      owner_.reset();
    }
    std::shared_ptr<ConnectionLimiter> owner_;
    net::ip::address address_;
  };

  // A held slot, or an empty one with `why` set.
  Slot acquire(const net::ip::address& address, RefusedConnection& why);
  [[nodiscard]] std::size_t total() const;
  [[nodiscard]] std::size_t from(const net::ip::address& address) const;

 private:
  void release(const net::ip::address& address);
  const std::size_t max_total_;
  const std::size_t max_per_ip_;
  mutable std::mutex mutex_;
  std::size_t total_ = 0;
  std::unordered_map<std::string, std::size_t> per_ip_;
};

}  // namespace lodestone::web
