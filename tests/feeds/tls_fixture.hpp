#pragma once
// A loopback HTTPS server: fixture_server.hpp's HttpFixture with a throwaway self-signed
// certificate for 127.0.0.1 (made with the OpenSSL API at test time, nothing committed),
// answering every request with one fixed body.
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <unistd.h>

#include <boost/asio/ssl.hpp>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

#include "fixture_server.hpp"

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

// An HttpFixture over TLS that answers every request with `body` (JSON) and closes the
// connection: the client reconnects, and handshakes, for the next.
class TlsFixture {
 public:
  explicit TlsFixture(std::string body)
      : pem_(make_self_signed()),
        ca_path_(write_ca_file(pem_.cert_pem)),
        ssl_(server_context(pem_)),
        http_(
            [body = std::move(body)](const SeenRequest&, int) {
              Reply r;
              r.body = body;
              r.content_type = "application/json";
              r.close = true;
              return r;
            },
            &ssl_) {}
  ~TlsFixture() { std::filesystem::remove(ca_path_); }
  TlsFixture(const TlsFixture&) = delete;
  TlsFixture& operator=(const TlsFixture&) = delete;

  [[nodiscard]] unsigned short port() const { return http_.port(); }
  [[nodiscard]] const std::string& ca_file() const { return ca_path_; }
  int handshakes() const { return http_.handshakes(); }
  int requests() const { return static_cast<int>(http_.requests().size()); }

 private:
  // The certificate as a file a client can trust (FeedConfig::ca_file).
  static std::string write_ca_file(const std::string& cert_pem) {
    std::string path =
        (std::filesystem::temp_directory_path() / ("lodestone-ca-" + std::to_string(::getpid()) + ".pem")).string();
    std::ofstream(path) << cert_pem;
    return path;
  }
  static net::ssl::context server_context(const SelfSigned& pem) {
    net::ssl::context ssl{net::ssl::context::tls_server};
    ssl.use_certificate_chain(net::buffer(pem.cert_pem));
    ssl.use_private_key(net::buffer(pem.key_pem), net::ssl::context::pem);
    return ssl;
  }

  SelfSigned pem_;
  std::string ca_path_;
  net::ssl::context ssl_;
  HttpFixture http_;  // last: it stops serving before the context it uses goes
};

}  // namespace lodestone::feeds::test
