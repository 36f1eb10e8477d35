#include "standin.hpp"

#include <strings.h>

#include <algorithm>
#include <boost/asio/ssl.hpp>
#include <condition_variable>
#include <deque>
#include <thread>

#include "lodestone/net/net.hpp"
#include "loopback_server.hpp"
#include "test_certificate.hpp"

namespace lodestone::testing {

NowFunction now_of(const Clock& clock) {
  return [&clock] { return clock.now(); };
}

std::optional<std::string> ServiceRequest::header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (k.size() == name.size() && ::strncasecmp(k.data(), name.data(), k.size()) == 0) return v;
  return std::nullopt;
}

std::string_view to_string(Decision decision) {
  switch (decision) {
    case Decision::Accepted:
      return "accepted";
    case Decision::Duplicate:
      return "duplicate";
    case Decision::Refused:
      return "refused";
    case Decision::Fault:
      return "fault";
  }
  return "?";
}

Verdict Verdict::accept(ServiceReply reply, std::string reason) {
  return Verdict{Decision::Accepted, std::move(reason), std::move(reply), true};
}

Verdict Verdict::refuse(std::string reason, ServiceReply reply) {
  return Verdict{Decision::Refused, std::move(reason), std::move(reply), true};
}

Fault Fault::hang() { return Fault{Kind::Hang, {}}; }
Fault Fault::drop() { return Fault{Kind::Drop, {}}; }
Fault Fault::server_error(unsigned status) {
  // What a gateway in front of the service says, not the service's own JSON.
  return reply_with(status, "<html><body><h1>" + std::to_string(status) + "</h1></body></html>",
                    {{"Content-Type", "text/html"}});
}
Fault Fault::reply_with(unsigned status, std::string body, HeaderList headers) {
  Fault f{Kind::Reply, {}};
  f.reply.status = status;
  f.reply.body = std::move(body);
  for (auto& [k, v] : headers) {
    if (::strcasecmp(k.c_str(), "Content-Type") == 0)
      f.reply.content_type = v;
    else
      f.reply.headers.emplace_back(std::move(k), std::move(v));
  }
  return f;
}

namespace {

// What the server does with one request once decided.
struct Action {
  enum class Kind : std::uint8_t { Reply, Hang, Drop } kind = Kind::Reply;
  http::response<http::string_body> response;
};

class Connection {
 public:
  virtual ~Connection() = default;
  virtual void close() = 0;
};

}  // namespace

struct HttpStandIn::Impl {
  std::unique_ptr<ServiceRules> rules;
  StandInOptions options;
  std::optional<TestCertificate> certificate;
  std::optional<net::ssl::context> ssl;
  net::io_context io;
  tcp::acceptor acceptor{io};
  std::uint16_t port = 0;  // read once, before the thread starts: the acceptor is the thread's
  std::thread thread;

  // Guarded by `mutex`: everything a test reads or sets.
  mutable std::mutex mutex;
  mutable std::condition_variable changed;
  std::vector<Exchange> exchanges;
  std::vector<std::size_t> accepted_at;  // indices into exchanges
  std::size_t hangups = 0;
  std::size_t connections = 0;
  struct QueuedFault {
    Fault fault;
    std::optional<std::size_t> left;  // nullopt: until reset
  };
  std::deque<QueuedFault> faults;

  // Only on the io thread.
  std::vector<std::weak_ptr<Connection>> open;
  bool stopping = false;

  void accept();
  template <class Stream>
  void serve(Stream stream, int connection);
  Action handle(http::request<http::string_body>&& req, int connection);
  void hung_up() {
    std::lock_guard lock(mutex);
    ++hangups;
    changed.notify_all();
  }
};

namespace {

template <class Stream>
constexpr bool kTls = !std::is_same_v<Stream, tcp::socket>;

// One connection: reads requests, answers each as the server decides.
template <class Stream>
class Session final : public Connection, public std::enable_shared_from_this<Session<Stream>> {
 public:
  Session(HttpStandIn::Impl& server, Stream stream, int connection)
      : server_(server), stream_(std::move(stream)), connection_(connection) {}

  void start() {
    if constexpr (kTls<Stream>) {
      stream_.async_handshake(net::ssl::stream_base::server, [self = this->shared_from_this()](beast::error_code ec) {
        if (!ec) self->read();  // a client that does not trust us hangs up here
      });
    } else {
      read();
    }
  }

  void close() override {
    beast::error_code ec;
    beast::get_lowest_layer(stream_).close(ec);
  }

 private:
  void read() {
    if (server_.stopping) return;
    parser_.emplace();
    parser_->body_limit(server_.options.body_limit);
    http::async_read_header(
        stream_, buffer_, *parser_, [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
          if (ec) return self->on_read(ec);
          // libcurl asks before sending a large body and waits a second for the answer.
          if (beast::iequals(self->parser_->get()[http::field::expect], "100-continue")) {
            self->continue_ = {http::status::continue_, 11};
            return http::async_write(self->stream_, self->continue_, [self](beast::error_code e, std::size_t) {
              if (e) return;
              self->read_body();
            });
          }
          self->read_body();
        });
  }

  void read_body() {
    http::async_read(stream_, buffer_, *parser_,
                     [self = this->shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
  }

  void on_read(beast::error_code ec) {
    if (ec == http::error::body_limit) {
      response_ = {http::status::payload_too_large, 11};
      response_.keep_alive(false);
      response_.prepare_payload();
      write();
      return;
    }
    if (ec) return;  // the client hung up (or the stand-in is stopping)
    Action action = server_.handle(parser_->release(), connection_);
    switch (action.kind) {
      case Action::Kind::Reply:
        response_ = std::move(action.response);
        write();
        return;
      case Action::Kind::Drop:
        close();
        return;
      case Action::Kind::Hang:
        hold();
        return;
    }
  }

  void write() {
    http::async_write(stream_, response_, [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return;
      if (self->response_.keep_alive())
        self->read();
      else
        self->close();
    });
  }

  // A hung request: read (and discard) until the client gives up. The stand-in's own stop
  // aborts the read, which is not the client hanging up.
  void hold() {
    stream_.async_read_some(net::buffer(scratch_),
                            [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                              if (ec == net::error::operation_aborted || self->server_.stopping) return;
                              if (ec) {
                                self->server_.hung_up();
                                return;
                              }
                              self->hold();
                            });
  }

  HttpStandIn::Impl& server_;
  Stream stream_;
  int connection_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::string_body> response_;
  http::response<http::empty_body> continue_;
  std::array<char, 512> scratch_{};
};

}  // namespace

void HttpStandIn::Impl::accept() {
  acceptor.async_accept([this](beast::error_code ec, tcp::socket socket) {
    if (ec || stopping) return;
    int n = 0;
    {
      std::lock_guard lock(mutex);
      n = static_cast<int>(++connections);
    }
    if (ssl)
      serve(net::ssl::stream<tcp::socket>(std::move(socket), *ssl), n);
    else
      serve(std::move(socket), n);
    accept();
  });
}

template <class Stream>
void HttpStandIn::Impl::serve(Stream stream, int connection) {
  auto session = std::make_shared<Session<Stream>>(*this, std::move(stream), connection);
  std::erase_if(open, [](const auto& w) { return w.expired(); });
  open.push_back(session);
  session->start();
}

Action HttpStandIn::Impl::handle(http::request<http::string_body>&& req, int connection) {
  ServiceRequest seen;
  seen.method = std::string(req.method_string());
  seen.target = std::string(req.target());
  for (const auto& field : req) seen.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  seen.body = std::move(req.body());
  seen.arrived = options.now();
  seen.connection = connection;

  Action action;
  Verdict verdict;
  {
    std::lock_guard lock(mutex);
    if (!faults.empty()) {
      auto& front = faults.front();
      const Fault fault = front.fault;
      if (front.left && --*front.left == 0) faults.pop_front();
      switch (fault.kind) {
        case Fault::Kind::Hang:
          action.kind = Action::Kind::Hang;
          verdict = {Decision::Fault, "fault: hang", {}, false};
          break;
        case Fault::Kind::Drop:
          action.kind = Action::Kind::Drop;
          verdict = {Decision::Fault, "fault: drop", {}, false};
          break;
        case Fault::Kind::Reply:
          verdict = {Decision::Fault, "fault: " + std::to_string(fault.reply.status), fault.reply, true};
          break;
      }
    } else {
      verdict = rules->decide(seen, seen.arrived);
    }
    if (verdict.replied) {
      auto& res = action.response;
      res.version(req.version());
      res.result(verdict.reply.status);
      res.set(http::field::server, "lodestone-standin");
      res.set(http::field::content_type, verdict.reply.content_type);
      for (const auto& [k, v] : verdict.reply.headers) res.set(k, v);
      res.keep_alive(req.keep_alive());
      res.body() = verdict.reply.body;
      res.prepare_payload();
    }
    if (verdict.decision == Decision::Accepted) accepted_at.push_back(exchanges.size());
    exchanges.push_back({std::move(seen), std::move(verdict)});
  }
  changed.notify_all();
  return action;
}

HttpStandIn::HttpStandIn(std::unique_ptr<ServiceRules> rules, StandInOptions options)
    : impl_(std::make_unique<Impl>()) {
  impl_->rules = std::move(rules);
  impl_->options = std::move(options);
  if (!impl_->options.now) impl_->options.now = [] { return system_clock().now(); };
  if (impl_->options.tls) {
    impl_->certificate.emplace();
    impl_->ssl.emplace(impl_->certificate->server_context());
  }
  impl_->port = detail::listen_on_loopback(impl_->acceptor);
  impl_->accept();
  impl_->thread = std::thread([impl = impl_.get()] { impl->io.run(); });
}

HttpStandIn::~HttpStandIn() { stop(); }

void HttpStandIn::stop() { detail::stop_server(*impl_); }

std::uint16_t HttpStandIn::port() const { return impl_->port; }

std::string HttpStandIn::base_url() const {
  return std::string(impl_->options.tls ? "https" : "http") + "://127.0.0.1:" + std::to_string(port());
}

std::string HttpStandIn::ca_file() const { return impl_->certificate ? impl_->certificate->ca_file() : std::string{}; }

std::vector<Exchange> HttpStandIn::exchanges() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->exchanges;
}

std::vector<Exchange> HttpStandIn::accepted() const {
  std::lock_guard lock(impl_->mutex);
  std::vector<Exchange> out;
  for (auto i : impl_->accepted_at) out.push_back(impl_->exchanges[i]);
  return out;
}

std::size_t HttpStandIn::request_count() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->exchanges.size();
}

std::size_t HttpStandIn::accepted_count() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->accepted_at.size();
}

std::size_t HttpStandIn::connection_count() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->connections;
}

std::optional<Exchange> HttpStandIn::wait_for_accepted(std::size_t n, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(impl_->mutex);
  if (n == 0 || !impl_->changed.wait_for(lock, timeout, [&] { return impl_->accepted_at.size() >= n; }))
    return std::nullopt;
  return impl_->exchanges[impl_->accepted_at[n - 1]];
}

std::optional<Exchange> HttpStandIn::wait_for_exchange(std::size_t n, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(impl_->mutex);
  if (n == 0 || !impl_->changed.wait_for(lock, timeout, [&] { return impl_->exchanges.size() >= n; }))
    return std::nullopt;
  return impl_->exchanges[n - 1];
}

std::size_t HttpStandIn::hangups() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->hangups;
}

bool HttpStandIn::wait_for_hangups(std::size_t n, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(impl_->mutex);
  return impl_->changed.wait_for(lock, timeout, [&] { return impl_->hangups >= n; });
}

void HttpStandIn::fail_next(std::size_t n, Fault fault) {
  if (n == 0) return;
  std::lock_guard lock(impl_->mutex);
  impl_->faults.push_back({std::move(fault), n});
}

void HttpStandIn::fail_until_reset(Fault fault) {
  std::lock_guard lock(impl_->mutex);
  impl_->faults.push_back({std::move(fault), std::nullopt});
}

void HttpStandIn::reset_faults() {
  std::lock_guard lock(impl_->mutex);
  impl_->faults.clear();
}

void HttpStandIn::reset_limits() {
  std::lock_guard lock(impl_->mutex);
  impl_->rules->forget_limits();
}

std::mutex& HttpStandIn::mutex() const { return impl_->mutex; }
const ServiceRules& HttpStandIn::rules() const { return *impl_->rules; }

}  // namespace lodestone::testing
