#include "proxy_header_reader.hpp"

#include <array>

namespace lodestone::web {
namespace {
ProxyHeader failed(std::string why) {
  ProxyHeader h;
  h.state = ProxyHeader::State::Invalid;
  h.error = std::move(why);
  return h;
}
}  // namespace

ProxyHeaderReader::ProxyHeaderReader(tcp::socket&& socket, std::chrono::milliseconds deadline)
    : socket_(std::move(socket)), timer_(socket_.get_executor()), deadline_(deadline) {}

void ProxyHeaderReader::run(Done done) {
  done_ = std::move(done);
  net::dispatch(socket_.get_executor(), [self = shared_from_this()] {
    self->timer_.expires_after(self->deadline_);
    self->timer_.async_wait([self](beast::error_code ec) {
      if (!ec) self->finish(failed("no PROXY header within the request timeout"));
    });
    self->wait();
  });
}

void ProxyHeaderReader::wait() {
  socket_.async_wait(tcp::socket::wait_read,
                     [self = shared_from_this()](beast::error_code ec) { self->on_readable(ec); });
}

void ProxyHeaderReader::on_readable(beast::error_code ec) {
  if (!done_) return;  // timed out meanwhile
  if (ec) return finish(failed("connection failed before its PROXY header: " + ec.message()));
  std::array<char, kMaxProxyHeaderV1> peeked{};
  const std::size_t room = kMaxProxyHeaderV1 - got_.size();
  socket_.non_blocking(true, ec);
  const std::size_t n = ec ? 0 : socket_.receive(net::buffer(peeked.data(), room), tcp::socket::message_peek, ec);
  if (ec == net::error::would_block || ec == net::error::try_again) return wait();
  if (ec || n == 0) return finish(failed("connection closed before its PROXY header"));
  const std::string seen = got_ + std::string(peeked.data(), n);
  ProxyHeader header = parse_proxy_header(seen);
  if (header.state == ProxyHeader::State::Invalid) return finish(std::move(header));
  // Take the header's bytes (all that was peeked while its CRLF has not come yet): they are in
  // the socket's buffer, so the reads return at once.
  const std::size_t take = header.state == ProxyHeader::State::Done ? header.length - got_.size() : n;
  std::size_t taken = 0;
  while (taken < take) {
    const std::size_t r = socket_.receive(net::buffer(peeked.data() + taken, take - taken), 0, ec);
    if (ec) return finish(failed("connection failed inside its PROXY header: " + ec.message()));
    taken += r;
  }
  if (header.state == ProxyHeader::State::Done) return finish(std::move(header));
  got_ = seen;
  wait();
}

void ProxyHeaderReader::finish(ProxyHeader header) {
  if (!done_) return;
  timer_.cancel();
  beast::error_code ignored;
  socket_.cancel(ignored);
  auto done = std::move(done_);
  done_ = nullptr;
  done(std::move(socket_), std::move(header));
}

}  // namespace lodestone::web
