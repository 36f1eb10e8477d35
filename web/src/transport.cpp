#include "transport.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <cerrno>
#include <fstream>
#include <system_error>

#include "lodestone/web/tls.hpp"

namespace lodestone::web {

tcp::socket& Transport::socket() noexcept {
  if (auto* s = std::get_if<tcp::socket>(&stream_)) return *s;
  if (auto* s = std::get_if<beast::tcp_stream>(&stream_)) return s->socket();
  return std::get_if<TlsStream>(&stream_)->next_layer().socket();
}

void Transport::expires_after(std::chrono::steady_clock::duration d) {
  if (auto* s = std::get_if<beast::tcp_stream>(&stream_)) s->expires_after(d);
  if (auto* s = std::get_if<TlsStream>(&stream_)) s->next_layer().expires_after(d);
}

void Transport::expires_never() {
  if (auto* s = std::get_if<beast::tcp_stream>(&stream_)) s->expires_never();
  if (auto* s = std::get_if<TlsStream>(&stream_)) s->next_layer().expires_never();
}

std::size_t Transport::read_some_now(net::mutable_buffer buffer, beast::error_code& ec) {
  if (tls()) {
    ec = net::error::would_block;
    return 0;
  }
  auto& s = socket();
  if (!s.non_blocking()) s.non_blocking(true, ec);
  return s.read_some(buffer, ec);
}

void Transport::end(std::shared_ptr<void> owner) {
  beast::error_code ignored;
  auto* tls_stream = std::get_if<TlsStream>(&stream_);
  if (!tls_stream) {
    socket().shutdown(tcp::socket::shutdown_send, ignored);
    return;
  }
  // close_notify tells the client the answer is whole (a truncation attack is otherwise
  // indistinguishable from the end). asio then waits for the client's own close_notify, bounded
  // by the request deadline still running on the tcp_stream.
  tls_stream->async_shutdown([this, owner = std::move(owner)](beast::error_code) {
    beast::error_code ec;
    socket().shutdown(tcp::socket::shutdown_send, ec);
  });
}

void Transport::close() {
  beast::error_code ignored;
  if (auto* s = std::get_if<beast::tcp_stream>(&stream_)) return s->close();  // and its timer
  if (auto* s = std::get_if<TlsStream>(&stream_)) return s->next_layer().close();
  socket().close(ignored);
}

Transport Transport::for_websocket() && {
  if (auto* s = std::get_if<beast::tcp_stream>(&stream_)) {
    s->expires_never();
    return Transport(s->release_socket());
  }
  expires_never();
  return std::move(*this);
}

void Transport::teardown(beast::role_type role, beast::error_code& ec) {
  with_stream([&](auto& s) {
    using websocket::teardown;
    teardown(role, s, ec);
  });
}

namespace {

// OpenSSL's reason for the last failure, for the message ("no start line", "key values
// mismatch"), and its queue cleared so the next caller starts clean.
std::string openssl_reason(const beast::error_code& ec) {
  std::string why = ec ? ec.message() : std::string();
  if (const unsigned long e = ERR_peek_last_error(); e != 0) {
    if (const char* reason = ERR_reason_error_string(e)) why = reason;
  }
  ERR_clear_error();
  return why.empty() ? "unknown OpenSSL error" : why;
}

Error tls_error(const std::string& what, const std::string& file, const std::string& why) {
  return make_error(ErrorCode::bad_config, "http.tls." + what + " " + file + ": " + why);
}

// Opened before OpenSSL sees it, so "not there" and "not readable" are told apart from "not PEM".
Status readable(const std::string& what, const std::string& file) {
  std::ifstream in(file);
  if (!in) return tls_error(what, file, "cannot open: " + std::generic_category().message(errno));
  return {};
}

}  // namespace

Result<std::shared_ptr<net::ssl::context>> make_tls_context(const std::string& cert_file, const std::string& key_file) {
  if (cert_file.empty() || key_file.empty())
    return make_error(ErrorCode::bad_config, "http.tls needs both cert and key (PEM files)");
  if (auto st = readable("cert", cert_file); !st) return st.error();
  if (auto st = readable("key", key_file); !st) return st.error();
  auto context = std::make_shared<net::ssl::context>(net::ssl::context::tls_server);
  beast::error_code ec;
  // TLS 1.2 and later; no compression (CRIME); the server's cipher order, not the client's;
  // no renegotiation (a client-driven CPU cost, and nothing here needs it).
  context->set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
                           net::ssl::context::no_sslv3 | net::ssl::context::no_tlsv1 | net::ssl::context::no_tlsv1_1 |
                           net::ssl::context::no_compression | net::ssl::context::single_dh_use,
                       ec);
  SSL_CTX* native = context->native_handle();
  if (ec || SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION) != 1)
    return make_error(ErrorCode::bad_config, "http.tls: cannot restrict to TLS 1.2+: " + openssl_reason(ec));
  SSL_CTX_set_options(native, SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_RENEGOTIATION);
  if (context->use_certificate_chain_file(cert_file, ec); ec)
    return tls_error("cert", cert_file, "not a PEM certificate chain (" + openssl_reason(ec) + ")");
  if (context->use_private_key_file(key_file, net::ssl::context::pem, ec); ec)
    return tls_error("key", key_file, "not a PEM private key for that certificate (" + openssl_reason(ec) + ")");
  if (SSL_CTX_check_private_key(native) != 1)
    return tls_error("key", key_file, "does not match the certificate " + cert_file + " (" + openssl_reason({}) + ")");
  return context;
}

Status check_tls_files(const std::string& cert_file, const std::string& key_file) {
  if (cert_file.empty() && key_file.empty()) return {};
  auto context = make_tls_context(cert_file, key_file);
  if (!context) return context.error();
  return {};
}

}  // namespace lodestone::web
