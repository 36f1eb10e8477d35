#pragma once
// A minimal ESMTP submission server for tests (RFC 5321, STARTTLS RFC 3207, AUTH RFC 4954 with
// PLAIN RFC 4616 and LOGIN), over Asio on 127.0.0.1 on a port the system picks, with its own
// io_context and thread. It checks what a submission server checks before it queues a message:
//   220 greeting; EHLO advertises STARTTLS (before TLS) and AUTH PLAIN LOGIN (after it, as a
//   server that only takes credentials over TLS does); AUTH or MAIL before STARTTLS: 530;
//   wrong credentials: 535; MAIL before AUTH: 530; RCPT before MAIL, DATA before RCPT: 503;
//   DATA read to CRLF.CRLF and dot-unstuffed; the message then checked as RFC 5322 + MIME
//   (mail_message.hpp): a bad one is refused with 550 5.6.0 and the reason; a good one 250.
// Faults on request: 421 at the greeting (the server is not taking mail), 451 or 554 in answer
// to the message, or the connection dropped after the message without an answer.
// The TLS certificate is TestCertificate's: ca_file() is what a client trusts (curl --cacert,
// EmailSettings::ca_file).
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "standin.hpp"

namespace lodestone::testing {

struct SmtpOptions {
  std::string username = "lodestone";
  std::string password = "synthetic-smtp-password";
  NowFunction now;  // empty: the system clock
};

struct SmtpMessage {
  std::string mail_from;             // the address inside MAIL FROM:<...>
  std::vector<std::string> rcpt_to;  // each RCPT TO:<...>
  std::string data;                  // as received, dot-unstuffed, without the final ".\r\n"
  HeaderList headers;                // unfolded
  std::string subject;               // decoded from its encoded-words
  std::string text;                  // the first text/plain part, decoded
  std::string user;                  // who authenticated
  bool tls = false;
  Timestamp arrived;
  int connection = 0;
};

// A 4xx or 5xx reply the server gave, and to what (AUTH lines without their credentials).
struct SmtpRefusal {
  int connection = 0;
  std::string command;
  std::string reply;
};

enum class SmtpFault : std::uint8_t {
  Unavailable421,  // at the greeting: "421 4.3.2 Service not available", then closes
  Temporary451,    // to the message: "451 4.3.0 ..." (try again later)
  Permanent554,    // to the message: "554 5.7.1 Transaction failed"
  DropAfterData,   // reads the whole message, then closes without a reply
};

class SmtpStandIn {
 public:
  explicit SmtpStandIn(SmtpOptions options = {});
  ~SmtpStandIn();  // stops
  SmtpStandIn(const SmtpStandIn&) = delete;
  SmtpStandIn& operator=(const SmtpStandIn&) = delete;
  void stop();

  [[nodiscard]] std::uint16_t port() const;
  [[nodiscard]] std::string url() const;  // "smtp://127.0.0.1:PORT"
  [[nodiscard]] std::string ca_file() const;

  [[nodiscard]] std::vector<SmtpMessage> messages() const;  // accepted (250), in order
  [[nodiscard]] std::size_t message_count() const;
  [[nodiscard]] std::optional<SmtpMessage> wait_for_message(std::size_t n,
                                                            std::chrono::milliseconds timeout = kStandInWait) const;
  [[nodiscard]] std::vector<SmtpRefusal> refusals() const;
  [[nodiscard]] bool wait_for_refusals(std::size_t n, std::chrono::milliseconds timeout = kStandInWait) const;
  // Messages read to their end and then dropped or failed by a fault.
  [[nodiscard]] std::size_t faulted_messages() const;
  [[nodiscard]] std::size_t connection_count() const;

  // Faults queue up; each applies where it belongs (421 to the next connection, the others to
  // the next message), `n` times.
  void fail_next(std::size_t n, SmtpFault fault);
  void fail_until_reset(SmtpFault fault);
  void reset_faults();

  struct Impl;  // the server itself (smtp.cpp)

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace lodestone::testing
