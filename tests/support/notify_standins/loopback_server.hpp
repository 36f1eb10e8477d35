#pragma once
// What every stand-in server (HTTP and SMTP) does alike: listen on a loopback port the kernel
// picks, and stop by closing the listener and each open session on the server's own thread.
#include <cstdint>

#include "lodestone/net/net.hpp"

namespace lodestone::testing::detail {

inline std::uint16_t listen_on_loopback(tcp::acceptor& acceptor) {
  acceptor.open(tcp::v4());
  acceptor.set_option(net::socket_base::reuse_address(true));
  acceptor.bind({net::ip::make_address("127.0.0.1"), 0});
  acceptor.listen();
  return acceptor.local_endpoint().port();
}

// `Server` has io, acceptor, stopping, thread and `open` (weak pointers to sessions that can
// close()). Every pending operation then completes with an error and starts nothing new, so
// run() runs out of work and the thread ends. Idempotent.
template <class Server>
void stop_server(Server& server) {
  if (!server.thread.joinable()) return;
  net::post(server.io, [s = &server] {
    s->stopping = true;
    beast::error_code ec;
    s->acceptor.close(ec);
    for (auto& w : s->open)
      if (auto session = w.lock()) session->close();
  });
  server.thread.join();
}

}  // namespace lodestone::testing::detail
