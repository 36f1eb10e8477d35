#include "lodestone/web/server.hpp"

#include <spdlog/spdlog.h>

#include "http_session.hpp"
#include "static_files.hpp"

namespace lodestone::web {

struct Server::Impl {
  Impl(net::io_context& io, Server& s, Board& board, Api& api)
      : ioc(io),
        acceptor(net::make_strand(io)),
        files(s.options_.web_root),
        ctx{board, api, s.options_, files},
        server(s) {}

  void accept() {
    acceptor.async_accept(net::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
      if (ec == net::error::operation_aborted || !acceptor.is_open()) return;
      if (!ec) {
        if (server.live_->load() >= server.options_.max_connections) {
          // Over the cap: refuse at once rather than queue; the client may retry later.
          beast::error_code ignored;
          socket.close(ignored);
          refused.fetch_add(1);
        } else {
          std::make_shared<HttpSession>(std::move(socket), ctx, server.hub_, server.live_)->run();
        }
      } else {
        spdlog::warn("http: accept failed: {}", ec.message());
      }
      accept();
    });
  }

  net::io_context& ioc;
  tcp::acceptor acceptor;
  StaticFiles files;
  RouterContext ctx;
  Server& server;
  std::atomic<std::uint64_t> refused{0};
};

Server::Server(net::io_context& ioc, ServerOptions options, Board& board, Api& api) : options_(std::move(options)) {
  impl_ = std::make_unique<Impl>(ioc, *this, board, api);
}

Server::~Server() = default;

Result<std::uint16_t> Server::start() {
  beast::error_code ec;
  const auto address = net::ip::make_address(options_.host, ec);
  if (ec) return make_error("listen address '" + options_.host + "': " + ec.message());
  const tcp::endpoint endpoint{address, options_.port};
  auto& acceptor = impl_->acceptor;
  if (acceptor.open(endpoint.protocol(), ec); ec) return make_error("open: " + ec.message());
  if (acceptor.set_option(net::socket_base::reuse_address(true), ec); ec)
    return make_error("reuse_address: " + ec.message());
  if (acceptor.bind(endpoint, ec); ec)
    return make_error("cannot listen on " + options_.host + ":" + std::to_string(options_.port) + ": " + ec.message());
  if (acceptor.listen(net::socket_base::max_listen_connections, ec); ec) return make_error("listen: " + ec.message());
  const auto port = acceptor.local_endpoint().port();
  net::dispatch(acceptor.get_executor(), [this] { impl_->accept(); });
  return port;
}

void Server::stop() {
  net::dispatch(impl_->acceptor.get_executor(), [this] {
    beast::error_code ignored;
    impl_->acceptor.close(ignored);
  });
  hub_->close_all(websocket::close_code::going_away);
}

}  // namespace lodestone::web
