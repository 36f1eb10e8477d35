#include "connection_limiter.hpp"

namespace lodestone::web {
namespace {
// IPv4-mapped IPv6 addresses count as their IPv4 address.
std::string key_of(const net::ip::address& a) {
  if (a.is_v6() && a.to_v6().is_v4_mapped()) return net::ip::make_address_v4(net::ip::v4_mapped, a.to_v6()).to_string();
  return a.to_string();
}
}  // namespace

ConnectionLimiter::Slot ConnectionLimiter::acquire(const net::ip::address& address, RefusedConnection& why) {
  const auto key = key_of(address);
  std::lock_guard lock(mutex_);
  if (total_ >= max_total_) {
    why = RefusedConnection::MaxConnections;
    return {};
  }
  auto& n = per_ip_[key];
  if (n >= max_per_ip_) {
    why = RefusedConnection::PerIp;
    return {};
  }
  ++n;
  ++total_;
  return Slot(shared_from_this(), address);
}

void ConnectionLimiter::release(const net::ip::address& address) {
  const auto key = key_of(address);
  std::lock_guard lock(mutex_);
  --total_;
  auto it = per_ip_.find(key);
  if (it != per_ip_.end() && --it->second == 0) per_ip_.erase(it);
}

std::size_t ConnectionLimiter::total() const {
  std::lock_guard lock(mutex_);
  return total_;
}

std::size_t ConnectionLimiter::from(const net::ip::address& address) const {
  std::lock_guard lock(mutex_);
  auto it = per_ip_.find(key_of(address));
  return it == per_ip_.end() ? 0 : it->second;
}

}  // namespace lodestone::web
