#pragma once
// The stand-ins' TLS identity: the same throwaway self-signed certificate for 127.0.0.1 that the
// feed tests' TLS fixture makes (tests/feeds/tls_fixture.hpp, made with the OpenSSL API at test
// time, nothing committed), written to a file of its own so a client can trust it (curl's
// --cacert, ReceiverConfig::ca_file, EmailSettings::ca_file).
#include <boost/asio/ssl/context.hpp>
#include <string>

#include "lodestone/net/net.hpp"

namespace lodestone::testing {

class TestCertificate {
 public:
  TestCertificate();
  ~TestCertificate();  // removes the CA file
  TestCertificate(const TestCertificate&) = delete;
  TestCertificate& operator=(const TestCertificate&) = delete;

  [[nodiscard]] const std::string& ca_file() const { return ca_file_; }
  [[nodiscard]] const std::string& cert_pem() const { return cert_pem_; }
  // A server context holding the certificate and its key.
  [[nodiscard]] net::ssl::context server_context() const;

 private:
  std::string cert_pem_;
  std::string key_pem_;
  std::string ca_file_;
};

}  // namespace lodestone::testing
