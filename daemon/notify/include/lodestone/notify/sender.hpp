#pragma once
// The one piece of notify that touches the network: a request out, the service's answer back.
// CurlSender runs libcurl's multi interface on a thread of its own, so a service that hangs
// until its timeout holds up nothing else, and no I/O thread of the daemon ever blocks on a
// chat robot. SMTP (with STARTTLS) goes the same way: libcurl speaks it, not our code.
#include <functional>
#include <memory>

#include "lodestone/notify/outbound.hpp"

namespace lodestone::notify {

class Sender {
 public:
  using Done = std::function<void(ServiceAnswer)>;
  virtual ~Sender() = default;
  // `done` runs once, on the sender's own thread, unless the sender stops first: a request in
  // flight at stop() is abandoned and its `done` never runs (the outbox still holds its entry).
  virtual void send(OutboundRequest request, Done done) = 0;
  // Abandons what is in flight and joins the thread. Idempotent.
  virtual void stop() = 0;
};

class CurlSender final : public Sender {
 public:
  // `max_body` bounds what is kept of an answer (the ledger shows its start).
  explicit CurlSender(std::size_t max_body = std::size_t{64} * 1024);
  ~CurlSender() override;
  CurlSender(const CurlSender&) = delete;
  CurlSender& operator=(const CurlSender&) = delete;

  void send(OutboundRequest request, Done done) override;
  void stop() override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace lodestone::notify
