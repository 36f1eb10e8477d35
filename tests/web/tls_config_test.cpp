// http.tls through the real binary: `lodestone check-config` refuses a configuration whose
// certificate or key cannot be loaded, naming the file and what is wrong, and `lodestone serve`
// refuses to start with it (exit 2) instead of serving plain HTTP where TLS was asked for.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <string>

#include "lodestone/testing/daemon_process.hpp"  // lodestone_binary()
#include "lodestone/testing/temp_file.hpp"

namespace lodestone::testing {
namespace {

struct Run {
  int status = -1;
  std::string out;
};

// Runs `command` (bounded by timeout(1): a daemon that starts after all is killed) with stderr.
Run run(const std::string& command) {
  Run r;
  FILE* p = ::popen(("timeout 30 " + command + " 2>&1").c_str(), "r");
  char buf[512];
  while (std::fgets(buf, sizeof buf, p)) r.out += buf;
  const int raw = ::pclose(p);
  r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  return r;
}

TEST(TlsConfig, CheckConfigAndServeRefuseAMissingCertificateNamingIt) {
  const std::string missing = "/nonexistent/lodestone-test-cert.pem";
  const std::string key = temp_file("not a key either\n", "lodestone-tls-key");
  const std::string config =
      temp_file("http:\n  tls:\n    cert: " + missing + "\n    key: " + key + "\n", "lodestone-tls-config");
  const auto check = run(lodestone_binary() + " check-config " + config);
  EXPECT_EQ(check.status, 1) << check.out;
  EXPECT_EQ(check.out, config + ": http.tls.cert " + missing + ": cannot open: No such file or directory\n");
  const auto serve = run(lodestone_binary() + " serve --no-tape --listen 127.0.0.1:0 --config " + config);
  EXPECT_EQ(serve.status, 2) << serve.out;
  EXPECT_NE(serve.out.find("http.tls.cert " + missing + ": cannot open"), std::string::npos) << serve.out;
  std::remove(config.c_str());
  std::remove(key.c_str());
}

TEST(TlsConfig, CheckConfigRefusesACertificateThatIsNotPem) {
  const std::string cert =
      temp_file("-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n", "lodestone-tls-cert");
  const std::string config =
      temp_file("http:\n  tls:\n    cert: " + cert + "\n    key: " + cert + "\n", "lodestone-tls-config");
  const auto check = run(lodestone_binary() + " check-config " + config);
  EXPECT_EQ(check.status, 1) << check.out;
  EXPECT_EQ(check.out.rfind(config + ": http.tls.cert " + cert + ": not a PEM certificate chain", 0), 0U) << check.out;
  std::remove(config.c_str());
  std::remove(cert.c_str());
}

}  // namespace
}  // namespace lodestone::testing
