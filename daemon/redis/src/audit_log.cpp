#include "lodestone/redis/audit_log.hpp"

#include <spdlog/spdlog.h>

namespace lodestone::redis {

std::shared_ptr<AuditLog> AuditLog::create(net::any_io_executor executor, AuditLogOptions options, const Clock& clock) {
  return std::shared_ptr<AuditLog>(new AuditLog(std::move(executor), std::move(options), clock));
}

AuditLog::AuditLog(net::any_io_executor executor, AuditLogOptions options, const Clock& clock)
    : options_(std::move(options)) {
  options_.client.name = "lodestone-audit";
  client_ = Client::create(std::move(executor), options_.client, clock);
}

void AuditLog::start() {
  client_->on_connected([w = weak_from_this()] {
    if (auto self = w.lock()) self->flush();
  });
  client_->start();
}

void AuditLog::stop() {
  net::post(client_->strand(), [self = shared_from_this()] {
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
    if (self->client_->connected()) self->flush();  // else on_connected flushes
  });
}

void AuditLog::enqueue(std::string json) {
  if (waiting_entries_.size() >= std::max<std::size_t>(options_.max_buffered, 1)) {
    waiting_entries_.pop_front();
    if (dropped_.fetch_add(1) == 0)
      spdlog::error("audit: Redis has been away for {} entries; the oldest waiting are dropped (counted in /metrics)",
                    options_.max_buffered);
  }
  waiting_entries_.push_back(std::move(json));
  waiting_ = waiting_entries_.size();
}

void AuditLog::flush() {
  std::deque<std::string> now;
  now.swap(waiting_entries_);
  waiting_ = 0;
  for (auto& json : now) send(std::move(json));
}

void AuditLog::send(std::string json) {
  std::vector<std::string> args{"XADD", options_.key, "MAXLEN", "~", std::to_string(options_.maxlen),
                                "*",    "entry",      json};
  client_->command(std::move(args), [self = shared_from_this(), json](Result<Reply> r) mutable {
    if (r && r->type != Reply::Type::Error) {
      self->written_.fetch_add(1);
      return;
    }
    // Redis refused the command itself: writing it again would be refused again.
    if (!r && r.error().code == ErrorCode::bad_request) {
      self->dropped_.fetch_add(1);
      spdlog::error("audit: Redis refused an entry: {}", r.error().message);
      return;
    }
    self->enqueue(std::move(json));  // not written, or not known to be: again once connected
  });
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
