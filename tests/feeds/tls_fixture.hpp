#pragma once
// A loopback HTTPS server with a throwaway self-signed certificate for 127.0.0.1 (made with the
// OpenSSL API at test time, nothing committed), answering every request with one fixed body.
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <unistd.h>

#include <atomic>
#include <boost/asio/ssl.hpp>
#include <boost/beast/ssl.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <thread>

#include "lodestone/net/net.hpp"

namespace lodestone::feeds::test {

struct SelfSigned {
  std::string cert_pem;
  std::string key_pem;
};

inline SelfSigned make_self_signed() {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  X509* cert = X509_new();
  if (key == nullptr || cert == nullptr) throw std::runtime_error("OpenSSL key or certificate");
  X509_set_version(cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
  X509_set_pubkey(cert, key);
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("127.0.0.1"), -1, -1, 0);
  X509_set_issuer_name(cert, name);
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  for (auto [nid, value] :
       {std::pair{NID_subject_alt_name, "IP:127.0.0.1"}, std::pair{NID_basic_constraints, "critical,CA:TRUE"}}) {
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
    X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
  }
  X509_sign(cert, key, EVP_sha256());
  auto to_pem = [](auto write) {
    BIO* bio = BIO_new(BIO_s_mem());
    write(bio);
    char* data = nullptr;
    const long len = BIO_get_mem_data(bio, &data);
    std::string out(data, static_cast<std::size_t>(len));
    BIO_free(bio);
    return out;
  };
  SelfSigned s;
  s.cert_pem = to_pem([&](BIO* b) { PEM_write_bio_X509(b, cert); });
  s.key_pem = to_pem([&](BIO* b) { PEM_write_bio_PrivateKey(b, key, nullptr, nullptr, 0, nullptr, nullptr); });
  X509_free(cert);
  EVP_PKEY_free(key);
  return s;
}

class TlsFixture {
 public:
  explicit TlsFixture(std::string body) : body_(std::move(body)), pem_(make_self_signed()) {
    ca_path_ =
        (std::filesystem::temp_directory_path() / ("lodestone-ca-" + std::to_string(::getpid()) + ".pem")).string();
    std::ofstream(ca_path_) << pem_.cert_pem;
    ssl_.use_certificate_chain(net::buffer(pem_.cert_pem));
    ssl_.use_private_key(net::buffer(pem_.key_pem), net::ssl::context::pem);
    acceptor_.open(tcp::v4());
    acceptor_.bind({net::ip::make_address("127.0.0.1"), 0});
    acceptor_.listen();
    thread_ = std::thread([this] { run(); });
  }
  ~TlsFixture() {
    stopping_ = true;
    beast::error_code ec;
    tcp::socket poke(poke_io_);
    poke.connect({net::ip::make_address("127.0.0.1"), port()}, ec);
    poke.close(ec);
    thread_.join();
    std::filesystem::remove(ca_path_);
  }
  [[nodiscard]] unsigned short port() const { return acceptor_.local_endpoint().port(); }
  [[nodiscard]] const std::string& ca_file() const { return ca_path_; }
  int handshakes() const { return handshakes_.load(); }
  int requests() const { return requests_.load(); }

 private:
  void run() {
    while (!stopping_) {
      tcp::socket socket(io_);
      beast::error_code ec;
      acceptor_.accept(socket, ec);
      if (ec || stopping_) return;
      beast::ssl_stream<tcp::socket> stream(std::move(socket), ssl_);
      stream.handshake(net::ssl::stream_base::server, ec);
      if (ec) continue;  // a client that does not trust us hangs up here
      ++handshakes_;
      beast::flat_buffer buffer;
      // One request per connection keeps the loop simple; the client reconnects for the next.
      http::request<http::string_body> req;
      http::read(stream, buffer, req, ec);
      if (ec) continue;
      ++requests_;
      http::response<http::string_body> res{http::status::ok, 11};
      res.set(http::field::content_type, "application/json");
      res.keep_alive(false);
      res.body() = body_;
      res.prepare_payload();
      http::write(stream, res, ec);
      stream.shutdown(ec);
    }
  }

  std::string body_;
  SelfSigned pem_;
  std::string ca_path_;
  net::io_context io_;
  net::io_context poke_io_;
  net::ssl::context ssl_{net::ssl::context::tls_server};
  tcp::acceptor acceptor_{io_};
  std::thread thread_;
  std::atomic<bool> stopping_{false};
  std::atomic<int> handshakes_{0};
  std::atomic<int> requests_{0};
};

}  // namespace lodestone::feeds::test
