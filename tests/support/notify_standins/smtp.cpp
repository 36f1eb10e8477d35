#include "smtp.hpp"

#include <strings.h>

#include <boost/asio/ssl.hpp>
#include <condition_variable>
#include <deque>
#include <functional>
#include <thread>

#include "checks.hpp"
#include "lodestone/net/net.hpp"
#include "loopback_server.hpp"
#include "mail_message.hpp"
#include "test_certificate.hpp"

namespace lodestone::testing {

namespace {

constexpr std::size_t kMaxLine = 1u << 20;  // a client that never sends CRLF is cut off here
constexpr std::string_view kHost = "127.0.0.1";

std::string upper(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

// The address in "FROM:<a@b> SIZE=1" / "TO: <a@b>"; nullopt when the syntax is wrong.
std::optional<std::string> path_argument(std::string_view arg, std::string_view prefix) {
  if (arg.size() < prefix.size() || ::strncasecmp(arg.data(), prefix.data(), prefix.size()) != 0) return std::nullopt;
  arg.remove_prefix(prefix.size());
  while (!arg.empty() && arg.front() == ' ') arg.remove_prefix(1);
  if (arg.empty() || arg.front() != '<') return std::nullopt;
  const auto close = arg.find('>');
  if (close == std::string_view::npos) return std::nullopt;
  return std::string(arg.substr(1, close - 1));
}

bool is_message_fault(SmtpFault f) { return f != SmtpFault::Unavailable421; }

class SmtpSession;

}  // namespace

struct SmtpStandIn::Impl {
  SmtpOptions options;
  TestCertificate certificate;
  net::ssl::context ssl{certificate.server_context()};
  net::io_context io;
  tcp::acceptor acceptor{io};
  std::uint16_t port = 0;  // read once, before the thread starts: the acceptor is the thread's
  std::thread thread;

  mutable std::mutex mutex;
  mutable std::condition_variable changed;
  std::vector<SmtpMessage> messages;
  std::vector<SmtpRefusal> refusals;
  std::size_t faulted = 0;
  std::size_t connections = 0;
  struct QueuedFault {
    SmtpFault fault;
    std::optional<std::size_t> left;
  };
  std::deque<QueuedFault> faults;

  // Only on the io thread.
  std::vector<std::weak_ptr<SmtpSession>> open;
  bool stopping = false;

  void accept();

  // The fault at the front of the queue, when it applies at this stage (greeting or message).
  std::optional<SmtpFault> take_fault(bool message_stage) {
    std::lock_guard lock(mutex);
    if (faults.empty() || is_message_fault(faults.front().fault) != message_stage) return std::nullopt;
    const SmtpFault f = faults.front().fault;
    if (faults.front().left && --*faults.front().left == 0) faults.pop_front();
    if (message_stage) ++faulted;
    return f;
  }
  template <class F>
  void record(F&& f) {
    {
      std::lock_guard lock(mutex);
      f();
    }
    changed.notify_all();
  }
};

namespace {

// One SMTP conversation. Before STARTTLS it talks on the TCP socket under the TLS stream;
// after it, on the TLS stream.
class SmtpSession final : public std::enable_shared_from_this<SmtpSession> {
 public:
  SmtpSession(SmtpStandIn::Impl& server, tcp::socket socket, int connection)
      : server_(server), stream_(std::move(socket), server.ssl), connection_(connection) {}

  void start() {
    if (server_.take_fault(false)) {
      command_ = "(greeting)";
      reply("421 4.3.2 Service not available, closing transmission channel",
            [self = shared_from_this()] { self->close(); });
      return;
    }
    reply(std::string("220 ") + std::string(kHost) + " ESMTP Lodestone stand-in",
          [self = shared_from_this()] { self->next_command(); });
  }

  void close() {
    beast::error_code ec;
    stream_.next_layer().close(ec);
  }

 private:
  using Then = std::function<void()>;
  using OnLine = std::function<void(std::string)>;

  void reply(std::string text, Then then) {
    if (text[0] == '4' || text[0] == '5')
      server_.record([&] { server_.refusals.push_back({connection_, command_, text.substr(0, text.find("\r\n"))}); });
    out_ = std::move(text) + "\r\n";
    auto done = [self = shared_from_this(), then = std::move(then)](beast::error_code ec, std::size_t) {
      if (!ec) then();
    };
    if (tls_)
      net::async_write(stream_, net::buffer(out_), std::move(done));
    else
      net::async_write(stream_.next_layer(), net::buffer(out_), std::move(done));
  }

  void read_line(OnLine on_line) {
    if (server_.stopping) return;
    auto done = [self = shared_from_this(), on_line = std::move(on_line)](beast::error_code ec, std::size_t n) {
      if (ec) return;  // the client hung up, sent an endless line, or the stand-in is stopping
      std::string line = self->in_.substr(0, n - 2);
      self->in_.erase(0, n);
      on_line(std::move(line));
    };
    if (tls_)
      net::async_read_until(stream_, net::dynamic_buffer(in_, kMaxLine), "\r\n", std::move(done));
    else
      net::async_read_until(stream_.next_layer(), net::dynamic_buffer(in_, kMaxLine), "\r\n", std::move(done));
  }

  void next_command() {
    read_line([self = shared_from_this()](std::string line) { self->on_command(line); });
  }
  Then then_next() {
    return [self = shared_from_this()] { self->next_command(); };
  }

  void reset_transaction() {
    mail_from_.reset();
    rcpt_to_.clear();
    data_.clear();
  }

  void on_command(const std::string& line) {
    const auto space = line.find(' ');
    const std::string verb = upper(line.substr(0, space));
    const std::string arg = space == std::string::npos ? std::string{} : line.substr(space + 1);
    command_ = verb == "AUTH" ? "AUTH " + upper(arg.substr(0, arg.find(' '))) : line;
    if (verb == "EHLO") {
      reset_transaction();
      greeted_ = true;
      reply("250-" + std::string(kHost) + " Hello " + arg + "\r\n250-8BITMIME\r\n" +
                (tls_ ? "250-AUTH PLAIN LOGIN\r\n" : "250-STARTTLS\r\n") + "250 ENHANCEDSTATUSCODES",
            then_next());
    } else if (verb == "HELO") {
      reset_transaction();
      greeted_ = true;
      reply("250 " + std::string(kHost), then_next());
    } else if (verb == "STARTTLS") {
      if (tls_) return reply("503 5.5.1 TLS already active", then_next());
      reply("220 2.0.0 Ready to start TLS", [self = shared_from_this()] { self->start_tls(); });
    } else if (verb == "AUTH") {
      authenticate(arg);
    } else if (verb == "MAIL") {
      if (!greeted_) return reply("503 5.5.1 Error: send HELO/EHLO first", then_next());
      if (!tls_) return reply("530 5.7.0 Must issue a STARTTLS command first", then_next());
      if (user_.empty()) return reply("530 5.7.0 Authentication required", then_next());
      if (mail_from_) return reply("503 5.5.1 Error: nested MAIL command", then_next());
      auto from = path_argument(arg, "FROM:");
      if (!from) return reply("501 5.1.7 Bad sender address syntax", then_next());
      mail_from_ = std::move(*from);
      reply("250 2.1.0 Ok", then_next());
    } else if (verb == "RCPT") {
      if (!mail_from_) return reply("503 5.5.1 Error: need MAIL command", then_next());
      auto to = path_argument(arg, "TO:");
      if (!to || to->find('@') == std::string::npos)
        return reply("501 5.1.3 Bad recipient address syntax", then_next());
      rcpt_to_.push_back(std::move(*to));
      reply("250 2.1.5 Ok", then_next());
    } else if (verb == "DATA") {
      if (rcpt_to_.empty()) return reply("503 5.5.1 Error: need RCPT command", then_next());
      reply("354 End data with <CR><LF>.<CR><LF>", [self = shared_from_this()] { self->read_data(); });
    } else if (verb == "RSET") {
      reset_transaction();
      reply("250 2.0.0 Ok", then_next());
    } else if (verb == "NOOP") {
      reply("250 2.0.0 Ok", then_next());
    } else if (verb == "VRFY") {
      reply("252 2.0.0 Cannot VRFY user", then_next());
    } else if (verb == "QUIT") {
      reply("221 2.0.0 Bye", [self = shared_from_this()] { self->close(); });
    } else {
      reply("502 5.5.2 Error: command not recognized", then_next());
    }
  }

  void start_tls() {
    in_.clear();  // anything sent before the handshake is not to be trusted (STARTTLS injection)
    stream_.async_handshake(net::ssl::stream_base::server, [self = shared_from_this()](beast::error_code ec) {
      if (ec) return self->close();  // a client that does not trust the certificate hangs up here
      self->tls_ = true;
      self->greeted_ = false;  // RFC 3207: the client starts over with EHLO
      self->user_.clear();
      self->reset_transaction();
      self->next_command();
    });
  }

  void authenticate(const std::string& arg) {
    if (!tls_) return reply("530 5.7.0 Must issue a STARTTLS command first", then_next());
    if (!user_.empty()) return reply("503 5.5.1 Already authenticated", then_next());
    const auto space = arg.find(' ');
    const std::string mechanism = upper(arg.substr(0, space));
    const std::string initial = space == std::string::npos ? std::string{} : arg.substr(space + 1);
    auto self = shared_from_this();
    if (mechanism == "PLAIN") {
      if (!initial.empty()) return check_plain(initial);
      return reply("334 ", [self] { self->read_line([self](std::string line) { self->check_plain(line); }); });
    }
    if (mechanism == "LOGIN") {
      // RFC 4954 LOGIN: "Username:" and "Password:", each base64.
      return reply("334 VXNlcm5hbWU6", [self] {
        self->read_line([self](std::string user64) {
          if (user64 == "*") return self->reply("501 5.7.0 Authentication aborted", self->then_next());
          self->reply("334 UGFzc3dvcmQ6", [self, user64] {
            self->read_line([self, user64](std::string pass64) {
              if (pass64 == "*") return self->reply("501 5.7.0 Authentication aborted", self->then_next());
              const auto user = base64_decode(user64);
              const auto pass = base64_decode(pass64);
              if (!user || !pass) return self->reply("501 5.5.2 Cannot decode response", self->then_next());
              self->check_credentials(*user, *pass);
            });
          });
        });
      });
    }
    reply("504 5.5.4 Unrecognized authentication type", then_next());
  }

  // RFC 4616: base64(authzid NUL authcid NUL passwd).
  void check_plain(const std::string& response) {
    if (response == "*") return reply("501 5.7.0 Authentication aborted", then_next());
    const auto decoded = base64_decode(response);
    if (!decoded) return reply("501 5.5.2 Cannot decode response", then_next());
    const auto first = decoded->find('\0');
    const auto second = first == std::string::npos ? std::string::npos : decoded->find('\0', first + 1);
    if (second == std::string::npos) return reply("501 5.5.2 Cannot decode response", then_next());
    check_credentials(decoded->substr(first + 1, second - first - 1), decoded->substr(second + 1));
  }

  void check_credentials(const std::string& user, const std::string& password) {
    if (user != server_.options.username || !constant_time_equal(password, server_.options.password))
      return reply("535 5.7.8 Authentication credentials invalid", then_next());
    user_ = user;
    reply("235 2.7.0 Authentication successful", then_next());
  }

  void read_data() {
    read_line([self = shared_from_this()](std::string line) {
      if (line == ".") return self->end_data();
      // RFC 5321 4.5.2: a line starting with '.' had one more '.' put in front of it.
      self->data_ += line.size() > 0 && line[0] == '.' ? line.substr(1) : line;
      self->data_ += "\r\n";
      self->read_data();
    });
  }

  void end_data() {
    command_ = "DATA (end)";
    const Timestamp arrived = server_.options.now();
    if (const auto fault = server_.take_fault(true)) {
      reset_transaction();
      switch (*fault) {
        case SmtpFault::DropAfterData:
          return close();
        case SmtpFault::Temporary451:
          return reply("451 4.3.0 Temporary failure, try again later", then_next());
        default:
          return reply("554 5.7.1 Transaction failed", then_next());
      }
    }
    MailCheck check = check_mail_message(data_);
    if (check.problem) {
      reset_transaction();
      return reply("550 5.6.0 Message rejected: " + *check.problem, then_next());
    }
    std::size_t id = 0;
    server_.record([&] {
      SmtpMessage m{*mail_from_,
                    rcpt_to_,
                    data_,
                    std::move(check.headers),
                    std::move(check.subject),
                    std::move(check.text),
                    user_,
                    tls_,
                    arrived,
                    connection_};
      server_.messages.push_back(std::move(m));
      id = server_.messages.size();
    });
    reset_transaction();
    reply("250 2.0.0 Ok: queued as " + std::to_string(id), then_next());
  }

  SmtpStandIn::Impl& server_;
  net::ssl::stream<tcp::socket> stream_;
  int connection_;
  bool tls_ = false;
  bool greeted_ = false;
  std::string user_;
  std::optional<std::string> mail_from_;
  std::vector<std::string> rcpt_to_;
  std::string data_;
  std::string in_;
  std::string out_;
  std::string command_;
};

}  // namespace

void SmtpStandIn::Impl::accept() {
  acceptor.async_accept([this](beast::error_code ec, tcp::socket socket) {
    if (ec || stopping) return;
    int n = 0;
    record([&] { n = static_cast<int>(++connections); });
    auto session = std::make_shared<SmtpSession>(*this, std::move(socket), n);
    std::erase_if(open, [](const auto& w) { return w.expired(); });
    open.push_back(session);
    session->start();
    accept();
  });
}

SmtpStandIn::SmtpStandIn(SmtpOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  if (!impl_->options.now) impl_->options.now = [] { return system_clock().now(); };
  impl_->port = detail::listen_on_loopback(impl_->acceptor);
  impl_->accept();
  impl_->thread = std::thread([impl = impl_.get()] { impl->io.run(); });
}

SmtpStandIn::~SmtpStandIn() { stop(); }

void SmtpStandIn::stop() { detail::stop_server(*impl_); }

std::uint16_t SmtpStandIn::port() const { return impl_->port; }
std::string SmtpStandIn::url() const { return "smtp://127.0.0.1:" + std::to_string(port()); }
std::string SmtpStandIn::ca_file() const { return impl_->certificate.ca_file(); }

std::vector<SmtpMessage> SmtpStandIn::messages() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->messages;
}

std::size_t SmtpStandIn::message_count() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->messages.size();
}

std::optional<SmtpMessage> SmtpStandIn::wait_for_message(std::size_t n, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(impl_->mutex);
  if (n == 0 || !impl_->changed.wait_for(lock, timeout, [&] { return impl_->messages.size() >= n; }))
    return std::nullopt;
  return impl_->messages[n - 1];
}

std::vector<SmtpRefusal> SmtpStandIn::refusals() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->refusals;
}

bool SmtpStandIn::wait_for_refusals(std::size_t n, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(impl_->mutex);
  return impl_->changed.wait_for(lock, timeout, [&] { return impl_->refusals.size() >= n; });
}

std::size_t SmtpStandIn::faulted_messages() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->faulted;
}

std::size_t SmtpStandIn::connection_count() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->connections;
}

void SmtpStandIn::fail_next(std::size_t n, SmtpFault fault) {
  if (n == 0) return;
  std::lock_guard lock(impl_->mutex);
  impl_->faults.push_back({fault, n});
}

void SmtpStandIn::fail_until_reset(SmtpFault fault) {
  std::lock_guard lock(impl_->mutex);
  impl_->faults.push_back({fault, std::nullopt});
}

void SmtpStandIn::reset_faults() {
  std::lock_guard lock(impl_->mutex);
  impl_->faults.clear();
}

}  // namespace lodestone::testing
