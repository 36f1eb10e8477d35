#include "lodestone/auth/ticket_book.hpp"

namespace lodestone::auth {

TicketBook::TicketBook(const Clock& clock, std::chrono::milliseconds ttl, std::size_t max_outstanding)
    : clock_(clock), ttl_(ttl), max_(std::max<std::size_t>(max_outstanding, 1)) {}

void TicketBook::forget_expired(Clock::Steady now) {
  while (!order_.empty() && (order_.front().first <= now || held_.size() > max_)) {
    held_.erase(order_.front().second);  // a redeemed ticket is already gone: a no-op
    order_.pop_front();
  }
}

TicketBook::Issued TicketBook::issue(const Principal& holder) {
  std::string ticket = random_base64url(32);
  const TokenHash key = hash_token(ticket);
  const auto expires = clock_.steady() + ttl_;
  std::lock_guard lock(mutex_);
  held_[key] = Held{holder, expires};
  order_.emplace_back(expires, key);
  forget_expired(clock_.steady());
  return {std::move(ticket), ttl_};
}

std::optional<Principal> TicketBook::redeem(std::string_view ticket) {
  if (ticket.empty() || ticket.size() > 128) return std::nullopt;
  const TokenHash key = hash_token(ticket);
  std::lock_guard lock(mutex_);
  const auto now = clock_.steady();
  forget_expired(now);
  auto it = held_.find(key);
  if (it == held_.end()) return std::nullopt;
  Held held = std::move(it->second);
  held_.erase(it);  // single use, whatever comes next
  if (held.expires <= now) return std::nullopt;
  return std::move(held.holder);
}

std::size_t TicketBook::outstanding() const {
  std::lock_guard lock(mutex_);
  return held_.size();
}

}  // namespace lodestone::auth
