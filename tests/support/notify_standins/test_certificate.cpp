#include "test_certificate.hpp"

#include <stdlib.h>
#include <unistd.h>

#include <boost/asio/ssl/context.hpp>
#include <filesystem>
#include <stdexcept>

#include "tls_fixture.hpp"  // tests/feeds: make_self_signed

namespace lodestone::testing {

TestCertificate::TestCertificate() {
  auto pem = feeds::test::make_self_signed();
  cert_pem_ = std::move(pem.cert_pem);
  key_pem_ = std::move(pem.key_pem);
  // A unique name: several stand-ins (and the feed tests' fixture) may live in one process.
  std::string path = (std::filesystem::temp_directory_path() / "lodestone-standin-ca-XXXXXX").string();
  const int fd = ::mkstemp(path.data());
  if (fd < 0) throw std::runtime_error("cannot create the stand-in CA file in " + path);
  const char* data = cert_pem_.data();
  std::size_t left = cert_pem_.size();
  while (left > 0) {
    const ssize_t n = ::write(fd, data, left);
    if (n <= 0) {
      ::close(fd);
      throw std::runtime_error("cannot write the stand-in CA file " + path);
    }
    data += n;
    left -= static_cast<std::size_t>(n);
  }
  ::close(fd);
  ca_file_ = std::move(path);
}

TestCertificate::~TestCertificate() {
  std::error_code ec;
  std::filesystem::remove(ca_file_, ec);
}

net::ssl::context TestCertificate::server_context() const {
  net::ssl::context ssl{net::ssl::context::tls_server};
  ssl.use_certificate_chain(net::buffer(cert_pem_));
  ssl.use_private_key(net::buffer(key_pem_), net::ssl::context::pem);
  return ssl;
}

}  // namespace lodestone::testing
