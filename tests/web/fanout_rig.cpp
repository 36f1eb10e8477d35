#include "fanout_rig.hpp"

#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>

#include "lodestone/web/api.hpp"
#include "websocket_session.hpp"

namespace lodestone::web {
namespace {

struct QuietApi final : Api {
  std::vector<feeds::FeedStatus::View> feeds() override { return {}; }
  AlertRange alerts_after(std::uint64_t, std::size_t) override { return {}; }
  std::uint64_t last_alert_seq() override { return 0; }
  std::string news_json(std::size_t) override { return R"({"news":[]})"; }
  Status ingest(const feeds::CanonicalEvent&, std::size_t) override { return {}; }
  void ingest_unreadable(const Error&) override {}
  bool ready(std::string&) override { return true; }
  std::string metrics_text() override { return ""; }
};

http::request<http::string_body> upgrade_request() {
  http::request<http::string_body> req{http::verb::get, "/ws", 11};
  req.set(http::field::host, "127.0.0.1");
  req.set(http::field::upgrade, "websocket");
  req.set(http::field::connection, "Upgrade");
  req.set(http::field::sec_websocket_key, "dGhlIHNhbXBsZSBub25jZQ==");
  req.set(http::field::sec_websocket_version, "13");
  return req;
}

}  // namespace

FanoutRig::FanoutRig(std::size_t clients, Buffers buffers)
    : wanted_(clients),
      buffers_(buffers),
      board_(registry_),
      api_(std::make_unique<QuietApi>()),
      hub_(std::make_shared<Hub>()),
      read_buffer_(256 * 1024),
      io_(std::make_unique<net::io_context>(1)) {
  options_.io_threads = 1;            // the benchmark's configuration: direct delivery, no strands
  options_.resume_grace_ms = 0;       // no resume hold: every message goes out at once
  options_.heartbeat_ms = 3'600'000;  // no heartbeat inside a measurement
  options_.idle_timeout_ms = 3'600'000;
  options_.max_queue = 1 << 20;
}

FanoutRig::~FanoutRig() {
  for (int fd : client_fds_) ::close(fd);
  // Each session reads the end of its connection and stops; bounded.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (hub_->clients() > 0 && std::chrono::steady_clock::now() < deadline) {
    io_->restart();
    io_->run_for(std::chrono::milliseconds(10));
  }
  io_.reset();
}

bool FanoutRig::open(std::chrono::milliseconds limit) {
  tcp::acceptor acceptor(*io_, {net::ip::make_address("127.0.0.1"), 0});
  acceptor.listen(4096);
  const auto port = acceptor.local_endpoint().port();
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(port);
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const auto request = upgrade_request();
  for (std::size_t i = 0; i < wanted_; ++i) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return false;
    if (buffers_.client_receive > 0)  // before connecting: the window is agreed in the handshake
      (void)::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buffers_.client_receive, sizeof buffers_.client_receive);
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&to), sizeof to) != 0) {
      ::close(fd);
      return false;
    }
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
    client_fds_.push_back(fd);
    tcp::socket server_side = acceptor.accept();
    server_side.set_option(tcp::no_delay(true));  // as Server::admit does
    if (buffers_.server_send > 0) server_side.set_option(net::socket_base::send_buffer_size(buffers_.server_send));
    std::make_shared<WebSocketSession>(std::move(server_side), board_, hub_, *api_, options_)->run(request);
    if (i % 64 == 63) {
      poll();
      (void)drain();
    }
  }
  const bool all = run_until_sent(wanted_, limit);  // every hello written
  (void)drain();
  return all && hub_->clients() == wanted_;
}

void FanoutRig::prepare(std::size_t count, std::size_t bytes) {
  messages_.clear();
  for (std::size_t i = 0; i < count; ++i) {
    std::string m =
        R"({"type":"news","id":"synthetic-)" + std::to_string(i) + R"(","source":"bench","title":"synthetic headline )";
    while (m.size() + 3 < bytes) m.push_back('x');
    m += "\"}";
    messages_.push_back(SharedFrame::framed(m));
  }
}

void FanoutRig::broadcast(std::size_t i) { hub_->broadcast(messages_[i % messages_.size()]); }

void FanoutRig::broadcast_together(std::size_t i, std::size_t count) {
  hub_->broadcast(std::span<const SharedFrame>(messages_).subspan(i, count));
}

void FanoutRig::poll() {
  if (io_->stopped()) io_->restart();
  io_->poll();
}

bool FanoutRig::run_until_sent(std::uint64_t sent, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  for (std::uint64_t round = 0;; ++round) {
    poll();
    if (hub_->messages_sent() >= sent) return true;
    // A client whose socket buffer filled holds its session's write: read it out.
    if (round % 64 == 63) {
      (void)drain();
      if (std::chrono::steady_clock::now() > deadline) return false;
    }
  }
}

std::string FanoutRig::receive(std::size_t client, std::size_t bytes, std::chrono::milliseconds limit) {
  std::string got;
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (got.size() < bytes && std::chrono::steady_clock::now() < deadline) {
    poll();
    const auto n = ::recv(client_fds_.at(client), read_buffer_.data(), read_buffer_.size(), MSG_DONTWAIT);
    if (n > 0) got.append(read_buffer_.data(), static_cast<std::size_t>(n));
    if (n == 0) break;  // closed
  }
  return got;
}

std::string FanoutRig::wire(std::size_t i) const {
  std::string out;
  messages_.at(i).append_to(out);
  return out;
}

std::size_t FanoutRig::drain() {
  std::size_t total = 0;
  for (int fd : client_fds_) {
    for (int i = 0; i < 64; ++i) {
      const auto n = ::recv(fd, read_buffer_.data(), read_buffer_.size(), MSG_DONTWAIT);
      if (n <= 0) break;
      total += static_cast<std::size_t>(n);
      if (static_cast<std::size_t>(n) < read_buffer_.size()) break;
    }
  }
  return total;
}

}  // namespace lodestone::web
