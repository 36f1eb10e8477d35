#pragma once
// The common half of every HTTP stand-in of a notification service (webhook, DingTalk, WeCom,
// Feishu, Telegram, ServerChan): a Beast server on 127.0.0.1, on a port the system picks, with
// its own io_context and thread, plain or TLS. It records every request and what the stand-in
// decided about it, lets a test wait for the n-th accepted message, and can be told to fail the
// way real services and networks fail (hang, 5xx, drop after reading, any scripted answer).
// What the service itself checks (token, signature, timestamp window, body, rate limit) is in
// each service's ServiceRules (webhook.hpp, dingtalk.hpp, ...).
//
// Time: every window and rate limit is measured on the injected `now` (a ManualClock in
// tests), never the wall clock; a request's `arrived` is that clock's reading too.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lodestone/core/clock.hpp"
#include "lodestone/core/time.hpp"

namespace lodestone::testing {

using NowFunction = std::function<Timestamp()>;
// Reads `clock` (which must outlive the stand-in).
NowFunction now_of(const Clock& clock);

// Only a hang ends a wait at this bound: the wait returns as soon as the event happens, and a
// loaded sanitizer build can take seconds.
inline constexpr std::chrono::milliseconds kStandInWait{10'000};

using HeaderList = std::vector<std::pair<std::string, std::string>>;

// One HTTP request as it arrived.
struct ServiceRequest {
  std::string method;  // "POST"
  std::string target;  // path and query as sent: carries the token, never print it outside tests
  HeaderList headers;  // in arrival order, names as sent
  std::string body;
  Timestamp arrived;   // on the stand-in's clock
  int connection = 0;  // which connection it came on (1, 2, ...)
  // The first header of that name (case-insensitive).
  [[nodiscard]] std::optional<std::string> header(std::string_view name) const;
};

struct ServiceReply {
  unsigned status = 200;
  std::string body;
  std::string content_type = "application/json; charset=utf-8";
  HeaderList headers;
};

enum class Decision : std::uint8_t {
  Accepted,   // the service would deliver it
  Duplicate,  // answered as success, but its idempotency key was seen before (webhook-id)
  Refused,    // the service's own error answer: token, signature, window, body, rate limit
  Fault,      // a fault the test asked for (fail_next / fail_until_reset)
};
std::string_view to_string(Decision decision);

struct Verdict {
  Decision decision = Decision::Refused;
  std::string reason;   // "ok", "310000 sign not match", "fault: hang", ...
  ServiceReply reply;   // what went back
  bool replied = true;  // false: nothing went back (hang, drop)

  static Verdict accept(ServiceReply reply, std::string reason = "ok");
  static Verdict refuse(std::string reason, ServiceReply reply);
};

struct Exchange {
  ServiceRequest request;
  Verdict verdict;
};

// How to fail a request instead of deciding it. Every fault reads the whole request first.
struct Fault {
  enum class Kind : std::uint8_t { Hang, Drop, Reply };
  Kind kind = Kind::Reply;
  ServiceReply reply;

  // Never answers; holds the connection until the client gives up or the stand-in stops.
  static Fault hang();
  // Closes the connection without a word. Mind libcurl: when a connection it reused closes
  // with no answer, it sends the request again, once, on a new connection, and the caller sees
  // only that second answer. To make a libcurl sender see the drop, drop two (fail_next(2, ...))
  // or use fail_until_reset.
  static Fault drop();
  // 500, 502 or 503 with a gateway's short body.
  static Fault server_error(unsigned status = 503);
  // Any answer, e.g. 429 with Retry-After, or a 200 whose body says the service is busy.
  static Fault reply_with(unsigned status, std::string body, HeaderList headers = {});
};

// What one service checks. decide() runs on the stand-in's thread with its lock held, so the
// rules keep their state (rate-limit windows, ids seen) without locks of their own.
class ServiceRules {
 public:
  virtual ~ServiceRules() = default;
  virtual Verdict decide(const ServiceRequest& request, Timestamp now) = 0;
  // Forgets rate-limit windows and blocks (a test that moves on to a new scenario).
  virtual void forget_limits() = 0;
};

struct StandInOptions {
  NowFunction now;                    // empty: the system clock
  bool tls = false;                   // https with TestCertificate; trust ca_file()
  std::size_t body_limit = 4u << 20;  // larger bodies: 413 and the connection closed
};

class HttpStandIn {
 public:
  virtual ~HttpStandIn();  // stops
  HttpStandIn(const HttpStandIn&) = delete;
  HttpStandIn& operator=(const HttpStandIn&) = delete;

  // Closes the listener and every connection (a hung request's client sees the close) and
  // joins the thread. Idempotent.
  void stop();

  [[nodiscard]] std::uint16_t port() const;
  // "http://127.0.0.1:PORT" ("https://" with TLS), no trailing slash.
  [[nodiscard]] std::string base_url() const;
  // The CA file that makes the TLS certificate trusted; empty without TLS.
  [[nodiscard]] std::string ca_file() const;

  [[nodiscard]] std::vector<Exchange> exchanges() const;  // every request, in arrival order
  [[nodiscard]] std::vector<Exchange> accepted() const;   // the accepted ones
  [[nodiscard]] std::size_t request_count() const;
  [[nodiscard]] std::size_t accepted_count() const;
  [[nodiscard]] std::size_t connection_count() const;
  // The n-th (1-based) accepted message, waiting for it; nullopt when `timeout` passes first.
  [[nodiscard]] std::optional<Exchange> wait_for_accepted(std::size_t n,
                                                          std::chrono::milliseconds timeout = kStandInWait) const;
  // The n-th (1-based) request with its verdict, whatever it was.
  [[nodiscard]] std::optional<Exchange> wait_for_exchange(std::size_t n,
                                                          std::chrono::milliseconds timeout = kStandInWait) const;
  // Clients that hung up on a request the stand-in was told to hang on.
  [[nodiscard]] std::size_t hangups() const;
  [[nodiscard]] bool wait_for_hangups(std::size_t n, std::chrono::milliseconds timeout = kStandInWait) const;

  // Faults queue up: the next `n` requests get `fault`, then the next queued one applies.
  void fail_next(std::size_t n, Fault fault);
  // Every request gets `fault` until reset_faults().
  void fail_until_reset(Fault fault);
  void reset_faults();
  // Forgets the service's rate-limit windows and blocks.
  void reset_limits();

 protected:
  HttpStandIn(std::unique_ptr<ServiceRules> rules, StandInOptions options);
  // Runs `f` on the rules under the stand-in's lock (for a service's own accessors).
  template <class Rules, class F>
  auto with_rules(F&& f) const {
    std::lock_guard lock(mutex());
    return f(static_cast<const Rules&>(rules()));
  }

 private:
  std::mutex& mutex() const;
  const ServiceRules& rules() const;

 public:
  struct Impl;  // the server itself (standin.cpp)

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace lodestone::testing
