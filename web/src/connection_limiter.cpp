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

ConnectionLimiter::Slot ConnectionLimiter::acquire_unaddressed(RefusedConnection& why) {
  std::lock_guard lock(mutex_);
  if (total_ >= max_total_) {
    why = RefusedConnection::MaxConnections;
    return {};
  }
  ++total_;
  return Slot(shared_from_this(), std::nullopt);
}

bool ConnectionLimiter::move(std::optional<net::ip::address>& from, const net::ip::address& to,
                             RefusedConnection& why) {
  const auto key = key_of(to);
  std::lock_guard lock(mutex_);
  if (from && key_of(*from) == key) return true;
  auto& n = per_ip_[key];
  if (n >= max_per_ip_) {
    if (n == 0) per_ip_.erase(key);
    why = RefusedConnection::PerIp;
    return false;
  }
  ++n;
  if (from) {
    auto it = per_ip_.find(key_of(*from));
    if (it != per_ip_.end() && --it->second == 0) per_ip_.erase(it);
  }
  from = to;
  return true;
}

void ConnectionLimiter::release(const std::optional<net::ip::address>& address) {
  std::lock_guard lock(mutex_);
  --total_;
  if (!address) return;
  auto it = per_ip_.find(key_of(*address));
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
