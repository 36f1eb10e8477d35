// http.tls: web::Server in-process on an ephemeral loopback port with the throwaway certificate
// made at test time (tests/support/notify_standins/test_certificate.hpp), reached by a real TLS
// client that verifies it: HTTPS and WSS work, a client that is not TLS (or stalls in the
// handshake) is dropped and counted while the listener goes on, and bad certificate files fail
// at start with the file named. The client runs asynchronously on its own io_context, every step
// bounded by a deadline.
#include "lodestone/web/tls.hpp"

#include <gtest/gtest.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>

#include <array>
#include <boost/asio/ssl.hpp>
#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "lodestone/core/clock.hpp"
#include "lodestone/testing/redis_server.hpp"  // eventually()
#include "lodestone/testing/temp_file.hpp"
#include "lodestone/testing/ws_client.hpp"  // RawSocket
#include "lodestone/web/server.hpp"
#include "notify_standins/test_certificate.hpp"
#include "transport.hpp"  // make_tls_context

namespace lodestone::testing {
namespace {

using namespace std::chrono_literals;
namespace ssl = net::ssl;

struct FakeApi final : web::Api {
  std::vector<feeds::FeedStatus::View> feeds() override { return {}; }
  web::AlertRange alerts_after(std::uint64_t, std::size_t) override { return {}; }
  std::uint64_t last_alert_seq() override { return 0; }
  std::string news_json(std::size_t) override { return R"({"news":[]})"; }
  Status ingest(const feeds::CanonicalEvent&, std::size_t) override { return {}; }
  void ingest_unreadable(const Error&) override {}
  bool ready(std::string&) override { return true; }
  std::string metrics_text() override { return ""; }
};

// The throwaway certificate and its key as the PEM files http.tls names (the key taken from the
// certificate's server context: the stand-ins keep it in memory only).
class CertificateFiles {
 public:
  CertificateFiles() {
    auto context = cert_.server_context();
    EVP_PKEY* key = SSL_CTX_get0_privatekey(context.native_handle());
    BIO* bio = BIO_new(BIO_s_mem());
    PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
    char* data = nullptr;
    const long n = BIO_get_mem_data(bio, &data);
    key_file_ = temp_file(std::string(data, static_cast<std::size_t>(n)), "lodestone-tls-key");
    BIO_free(bio);
  }
  ~CertificateFiles() { std::remove(key_file_.c_str()); }
  CertificateFiles(const CertificateFiles&) = delete;
  CertificateFiles& operator=(const CertificateFiles&) = delete;
  [[nodiscard]] const std::string& cert_file() const { return cert_.ca_file(); }  // self-signed: its own CA
  [[nodiscard]] const std::string& key_file() const { return key_file_; }

 private:
  TestCertificate cert_;
  std::string key_file_;
};

class TlsServer {
 public:
  TlsServer(const CertificateFiles& files, std::int64_t request_timeout_ms = 15'000) : board_(registry_) {
    web::ServerOptions options;
    options.host = "127.0.0.1";
    options.port = 0;
    options.tls_cert = files.cert_file();
    options.tls_key = files.key_file();
    options.request_timeout_ms = request_timeout_ms;
    options.version = "test";
    server_ = std::make_unique<web::Server>(ioc_, std::move(options), board_, api_);
    auto port = server_->start();
    if (!port) throw std::runtime_error(port.error().message);
    port_ = *port;
    thread_ = std::thread([this] { ioc_.run(); });
  }
  ~TlsServer() {
    server_->stop();
    ioc_.stop();
    thread_.join();
  }
  TlsServer(const TlsServer&) = delete;
  TlsServer& operator=(const TlsServer&) = delete;
  [[nodiscard]] std::uint16_t port() const { return port_; }
  web::Server& server() { return *server_; }

 private:
  InstrumentRegistry registry_;
  web::Board board_;
  FakeApi api_;
  net::io_context ioc_;
  std::unique_ptr<web::Server> server_;
  std::uint16_t port_ = 0;
  std::thread thread_;
};

// A TLS client that trusts only the test certificate and checks it names 127.0.0.1. With
// `newest`, it offers no protocol newer than that (an old client's hello).
class TlsClient {
 public:
  TlsClient(const CertificateFiles& files, std::uint16_t port, int newest = 0) : context_(ssl::context::tls_client) {
    if (newest != 0) {
      // OpenSSL 3 will not even offer TLS 1.1 at its default security level.
      SSL_CTX_set_security_level(context_.native_handle(), 0);
      SSL_CTX_set_min_proto_version(context_.native_handle(), 0);
      SSL_CTX_set_max_proto_version(context_.native_handle(), newest);
    }
    context_.load_verify_file(files.cert_file());
    context_.set_verify_mode(ssl::verify_peer);
    stream_.emplace(io_, context_);
    stream_->set_verify_callback(ssl::host_name_verification("127.0.0.1"));
    stream_->next_layer().connect({net::ip::make_address("127.0.0.1"), port});
  }
  ~TlsClient() {
    beast::error_code ignored;
    stream_->next_layer().close(ignored);
    io_.restart();
    io_.poll();  // whatever was pending completes (aborted) before the stream goes
  }
  TlsClient(const TlsClient&) = delete;
  TlsClient& operator=(const TlsClient&) = delete;

  ssl::stream<tcp::socket>& stream() { return *stream_; }

  // Starts an operation with a completion handler and runs until it completes or 10 s pass.
  template <class Start>
  beast::error_code await(Start start) {
    std::optional<beast::error_code> result;
    start([&result](beast::error_code ec, auto&&...) { result = ec; });
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    io_.restart();
    while (!result && std::chrono::steady_clock::now() < deadline) io_.run_for(10ms);
    return result.value_or(net::error::timed_out);
  }
  beast::error_code handshake() {
    return await([&](auto done) { stream_->async_handshake(ssl::stream_base::client, std::move(done)); });
  }
  // GET `target` over this connection; the response, or nullopt when it failed.
  std::optional<http::response<http::string_body>> get(const std::string& target, const std::string& connection = "") {
    http::request<http::empty_body> req{http::verb::get, target, 11};
    req.set(http::field::host, "127.0.0.1");
    if (!connection.empty()) req.set(http::field::connection, connection);
    if (await([&](auto done) { http::async_write(*stream_, req, std::move(done)); })) return std::nullopt;
    http::response<http::string_body> res;
    if (await([&](auto done) { http::async_read(*stream_, buffer_, res, std::move(done)); })) return std::nullopt;
    return res;
  }
  net::io_context& io() { return io_; }

 private:
  net::io_context io_;
  ssl::context context_;
  std::optional<ssl::stream<tcp::socket>> stream_;
  beast::flat_buffer buffer_;
};

std::uint64_t failed_handshakes(web::Server& server) {
  return server.stats().rejected_requests.get(web::RejectedRequest::TlsHandshake);
}

// After a refused client: its handshake is counted once, and a good client is still served.
void expect_one_refusal_and_still_serving(TlsServer& server, const CertificateFiles& files) {
  EXPECT_TRUE(eventually([&] { return failed_handshakes(server.server()) == 1; }));
  TlsClient client(files, server.port());
  ASSERT_FALSE(client.handshake());
  auto res = client.get("/healthz");
  ASSERT_TRUE(res.has_value());
  EXPECT_EQ(res->result_int(), 200U);
}

TEST(Tls, HttpsAnswersHealthzOverTls12OrLater) {
  CertificateFiles files;
  TlsServer server(files);
  TlsClient client(files, server.port());
  ASSERT_FALSE(client.handshake()) << "the client verifies the server's certificate for 127.0.0.1";
  EXPECT_GE(SSL_version(client.stream().native_handle()), TLS1_2_VERSION);
  auto res = client.get("/healthz");
  ASSERT_TRUE(res.has_value());
  EXPECT_EQ(res->result_int(), 200U);
  // Keep-alive works through TLS: a second request on the same connection.
  auto again = client.get("/healthz");
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->result_int(), 200U);
  // Connection: close ends with TLS's close_notify (a clean end of stream, not a truncation).
  auto last = client.get("/healthz", "close");
  ASSERT_TRUE(last.has_value());
  EXPECT_FALSE(last->keep_alive());
  std::array<char, 64> more{};
  const auto end =
      client.await([&](auto done) { client.stream().async_read_some(net::buffer(more), std::move(done)); });
  EXPECT_EQ(end, net::error::eof) << end.message();
  EXPECT_EQ(failed_handshakes(server.server()), 0U);
}

TEST(Tls, WssSendsTheHelloAndClosesCleanly) {
  CertificateFiles files;
  TlsServer server(files);
  TlsClient client(files, server.port());
  ASSERT_FALSE(client.handshake());
  websocket::stream<ssl::stream<tcp::socket>&> ws(client.stream());
  ASSERT_FALSE(client.await([&](auto done) { ws.async_handshake("127.0.0.1", "/ws", std::move(done)); }));
  beast::flat_buffer buffer;
  ASSERT_FALSE(client.await([&](auto done) { ws.async_read(buffer, std::move(done)); }));
  const std::string hello = beast::buffers_to_string(buffer.data());
  EXPECT_NE(hello.find(R"("type":"hello")"), std::string::npos) << hello;
  EXPECT_TRUE(eventually([&] { return server.server().hub().clients() == 1; }));
  // The close handshake through TLS (the server's teardown sends close_notify).
  EXPECT_FALSE(client.await([&](auto done) { ws.async_close(websocket::close_code::normal, std::move(done)); }));
  EXPECT_TRUE(eventually([&] { return server.server().hub().clients() == 0; }));
}

TEST(Tls, PlainHttpToTheTlsPortIsDroppedCountedAndTheListenerGoesOn) {
  CertificateFiles files;
  TlsServer server(files);
  {
    RawSocket plain(server.port());
    ASSERT_TRUE(plain.send_all("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
    // Closed without an HTTP answer (at most a TLS alert record, which is not "HTTP/").
    std::string got;
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (!plain.peer_closed() && std::chrono::steady_clock::now() < deadline) got += plain.read_some(100ms);
    EXPECT_TRUE(plain.peer_closed());
    EXPECT_EQ(got.find("HTTP/"), std::string::npos) << got;
  }
  expect_one_refusal_and_still_serving(server, files);
}

TEST(Tls, AClientThatStallsInTheHandshakeIsDroppedAfterRequestTimeout) {
  CertificateFiles files;
  TlsServer server(files, /*request_timeout_ms=*/300);
  RawSocket silent(server.port());  // connects, never says a word
  EXPECT_TRUE(silent.wait_closed(10s));
  EXPECT_TRUE(eventually([&] { return failed_handshakes(server.server()) == 1; }));
  EXPECT_TRUE(eventually([&] { return server.server().connections() == 0; })) << "its connection slot is freed";
}

TEST(Tls, AClientThatRefusesTheCertificateDoesNotStopTheListener) {
  CertificateFiles files;
  CertificateFiles other;  // the client trusts another certificate: it aborts the handshake
  TlsServer server(files);
  {
    TlsClient stranger(other, server.port());
    EXPECT_TRUE(stranger.handshake());
  }
  expect_one_refusal_and_still_serving(server, files);
}

// A client that speaks TLS 1.1 at most is refused by the server (a protocol_version alert, not a
// client that gave up), counted, and the listener goes on.
TEST(Tls, AClientOfferingOnlyTls11IsRefusedCountedAndTheListenerGoesOn) {
  CertificateFiles files;
  TlsServer server(files);
  {
    TlsClient old(files, server.port(), TLS1_1_VERSION);
    const auto refused = old.handshake();
    ASSERT_TRUE(refused);
    EXPECT_EQ(ERR_GET_REASON(static_cast<unsigned long>(refused.value())), SSL_R_TLSV1_ALERT_PROTOCOL_VERSION)
        << refused.message();
  }
  expect_one_refusal_and_still_serving(server, files);
}

// What the context offers: TLS 1.2 at least, no compression, the server's cipher order.
TEST(Tls, TheContextAllowsTls12AndLaterWithoutCompressionInTheServersCipherOrder) {
  CertificateFiles files;
  auto context = web::make_tls_context(files.cert_file(), files.key_file());
  ASSERT_TRUE(context.ok()) << context.error().message;
  SSL_CTX* native = (*context)->native_handle();
  EXPECT_EQ(SSL_CTX_get_min_proto_version(native), TLS1_2_VERSION);
  const auto options = SSL_CTX_get_options(native);
  EXPECT_NE(options & SSL_OP_NO_COMPRESSION, 0U);
  EXPECT_NE(options & SSL_OP_CIPHER_SERVER_PREFERENCE, 0U);
  EXPECT_NE(options & SSL_OP_NO_RENEGOTIATION, 0U);
}

std::string start_error(const std::string& cert, const std::string& key) {
  InstrumentRegistry registry;
  web::Board board(registry);
  FakeApi api;
  net::io_context io;
  web::ServerOptions options;
  options.host = "127.0.0.1";
  options.port = 0;
  options.tls_cert = cert;
  options.tls_key = key;
  web::Server server(io, std::move(options), board, api);
  auto port = server.start();
  return port ? "" : port.error().message;
}

TEST(Tls, BadCertificateFilesFailAtStartNamingTheFile) {
  CertificateFiles files;
  CertificateFiles other;
  const std::string missing = "/nonexistent/lodestone-cert.pem";
  EXPECT_EQ(start_error(missing, files.key_file()),
            "http.tls.cert " + missing + ": cannot open: No such file or directory");
  EXPECT_EQ(start_error(files.cert_file(), missing),
            "http.tls.key " + missing + ": cannot open: No such file or directory");
  const std::string not_pem = temp_file("this is not a certificate\n", "lodestone-tls-bad");
  EXPECT_EQ(
      start_error(not_pem, files.key_file()).rfind("http.tls.cert " + not_pem + ": not a PEM certificate chain", 0),
      0U);
  EXPECT_EQ(start_error(files.cert_file(), not_pem).rfind("http.tls.key " + not_pem + ": not a PEM private key", 0),
            0U);
  std::remove(not_pem.c_str());
  // Another certificate's key: OpenSSL refuses the pair, and the message says which files.
  const auto mismatch = start_error(files.cert_file(), other.key_file());
  EXPECT_EQ(mismatch.rfind("http.tls.key " + other.key_file() + ": ", 0), 0U) << mismatch;
  EXPECT_NE(mismatch.find("certificate"), std::string::npos) << mismatch;
  // check-config's check gives the same answers, and nothing for plain HTTP.
  EXPECT_FALSE(web::check_tls_files(missing, files.key_file()).ok());
  EXPECT_TRUE(web::check_tls_files(files.cert_file(), files.key_file()).ok());
  EXPECT_TRUE(web::check_tls_files("", "").ok());
}

}  // namespace
}  // namespace lodestone::testing
