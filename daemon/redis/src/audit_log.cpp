#include "lodestone/redis/audit_log.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstddef>

namespace lodestone::redis {

std::shared_ptr<AuditLog> AuditLog::create(net::any_io_executor executor, AuditLogOptions options, const Clock& clock) {
  return std::shared_ptr<AuditLog>(new AuditLog(std::move(executor), std::move(options), clock));
}

AuditLog::AuditLog(net::any_io_executor executor, AuditLogOptions options, const Clock& clock)
    : options_(std::move(options)) {
  options_.client.name = "lodestone-audit";
  client_ = Client::create(std::move(executor), options_.client, clock);
  retry_timer_.emplace(client_->strand());
}

void AuditLog::start() {
  client_->on_connected([w = weak_from_this()] {
    if (auto self = w.lock()) self->write_next();
  });
  client_->start();
}

void AuditLog::stop() {
  net::post(client_->strand(), [self = shared_from_this()] {
    self->retry_timer_->cancel();
    if (!self->waiting_entries_.empty())
      spdlog::warn("audit: {} entries never reached Redis ({}) and are lost", self->waiting_entries_.size(),
                   self->options_.key);
    self->client_->stop();
  });
}

std::string AuditLog::describe() const {
  return "audit stream " + options_.key + " in " + redis::describe(client_->endpoint());
}

void AuditLog::append(const auth::AuditEntry& entry) {
  net::post(client_->strand(), [self = shared_from_this(), json = auth::to_json(entry)]() mutable {
    self->enqueue(std::move(json));
    self->write_next();
  });
}

void AuditLog::enqueue(std::string json) {
  if (waiting_entries_.size() >= std::max<std::size_t>(options_.max_buffered, 1)) {
    if (dropped_.fetch_add(1) == 0)
      spdlog::error("audit: Redis has been away for {} entries; the oldest waiting are dropped (counted in /metrics)",
                    options_.max_buffered);
    // The oldest that is not being written (its answer is on its way); with room for one only,
    // the new entry.
    const std::size_t oldest = writing_ ? 1 : 0;
    if (oldest == waiting_entries_.size()) return;
    waiting_entries_.erase(waiting_entries_.begin() + static_cast<std::ptrdiff_t>(oldest));
  }
  waiting_entries_.push_back(std::move(json));
  waiting_ = waiting_entries_.size();
}

// One XADD at a time: an entry is written only once every older one is, so no failure in
// between (a dropped connection, an OOM answer) can put a later action before an earlier one.
// Audit entries are people's actions, a few a minute, so a round trip each costs nothing.
void AuditLog::write_next() {
  if (writing_ || waiting_entries_.empty() || !client_->connected()) return;  // on_connected comes back here
  writing_ = true;
  std::vector<std::string> args{
      "XADD", options_.key, "MAXLEN", "~", std::to_string(options_.maxlen), "*", "entry", waiting_entries_.front()};
  client_->command(std::move(args), [self = shared_from_this()](const Result<Reply>& r) { self->written_front(r); });
}

void AuditLog::written_front(const Result<Reply>& r) {
  writing_ = false;
  if (r && r->type != Reply::Type::Error) {
    written_.fetch_add(1);
  } else if (!r && r.error().code == ErrorCode::bad_request) {
    // Redis refused the command itself: writing it again would be refused again.
    dropped_.fetch_add(1);
    spdlog::error("audit: Redis refused an entry: {}", r.error().message);
  } else {
    // Not written, or not known to be: the entry stays first. If the connection is gone,
    // on_connected writes it; if Redis refused it for now, it is tried again after a pause.
    if (client_->connected()) {
      retry_timer_->expires_after(options_.retry_pause);
      retry_timer_->async_wait([w = weak_from_this()](const boost::system::error_code& ec) {
        if (auto self = w.lock(); self && !ec) self->write_next();
      });
    }
    return;
  }
  waiting_entries_.pop_front();
  waiting_ = waiting_entries_.size();
  write_next();
}

void AuditLog::recent(std::size_t limit, std::function<void(Result<std::vector<auth::AuditEntry>>)> reply) {
  std::vector<std::string> args{"XREVRANGE", options_.key, "+", "-", "COUNT", std::to_string(limit)};
  client_->command(std::move(args), [reply = std::move(reply)](Result<Reply> r) {
    if (!r)
      return reply(make_error(ErrorCode::unavailable, "the audit stream cannot be read now: " + r.error().message));
    std::vector<auth::AuditEntry> out;
    // [[id, [field, value, …]], …]
    for (const auto& item : r->elements) {
      if (item.elements.size() != 2) continue;
      const auto& fields = item.elements[1].elements;
      for (std::size_t i = 0; i + 1 < fields.size(); i += 2) {
        if (fields[i].str != "entry") continue;
        if (auto e = auth::parse_audit_json(fields[i + 1].str)) out.push_back(std::move(*e));
      }
    }
    reply(std::move(out));
  });
}

}  // namespace lodestone::redis
