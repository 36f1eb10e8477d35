#include "lodestone/testing/ws_client.hpp"

#include <stdexcept>

namespace lodestone::testing {

WsClient::WsClient(std::uint16_t port, const std::string& target, const std::string& origin) : ws_(ioc_) {
  beast::get_lowest_layer(ws_).expires_after(std::chrono::seconds(5));
  beast::get_lowest_layer(ws_).connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  if (!origin.empty()) {
    ws_.set_option(websocket::stream_base::decorator(
        [origin](websocket::request_type& req) { req.set(http::field::origin, origin); }));
  }
  ws_.handshake("127.0.0.1:" + std::to_string(port), target);
  beast::get_lowest_layer(ws_).expires_never();
}

void WsClient::send(const std::string& text) {
  ws_.text(true);
  ws_.write(net::buffer(text));
}

std::optional<std::string> WsClient::receive(std::chrono::milliseconds timeout) {
  if (closed_) return std::nullopt;
  beast::error_code result = net::error::would_block;
  ws_.async_read(buffer_, [&](beast::error_code ec, std::size_t) { result = ec; });
  ioc_.restart();
  ioc_.run_for(timeout);
  if (result == net::error::would_block) {
    // Timed out: cancel the read and let the handler run before returning.
    beast::get_lowest_layer(ws_).socket().cancel();
    ioc_.restart();
    ioc_.run();
    return std::nullopt;
  }
  if (result) {
    closed_ = true;
    return std::nullopt;
  }
  std::string text = beast::buffers_to_string(buffer_.data());
  buffer_.consume(buffer_.size());
  return text;
}

HttpResult http_request(std::uint16_t port, http::verb method, const std::string& target, const std::string& body,
                        const std::string& token) {
  net::io_context ioc;
  beast::tcp_stream stream(ioc);
  stream.expires_after(std::chrono::seconds(10));
  stream.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  http::request<http::string_body> req{method, target, 11};
  req.set(http::field::host, "127.0.0.1:" + std::to_string(port));
  if (!token.empty()) req.set(http::field::authorization, "Bearer " + token);
  if (!body.empty()) {
    req.set(http::field::content_type, "application/x-ndjson");
    req.body() = body;
  }
  req.prepare_payload();
  http::write(stream, req);
  beast::flat_buffer buffer;
  http::response<http::string_body> res;
  http::read(stream, buffer, res);
  beast::error_code ec;
  stream.socket().shutdown(tcp::socket::shutdown_both, ec);
  HttpResult out;
  out.status = res.result_int();
  out.body = res.body();
  for (const auto& f : res) out.headers.set(f.name_string(), f.value());
  return out;
}

}  // namespace lodestone::testing
