// The SMTP stand-in against the curl command line, libcurl (what the e-mail sender uses) and a
// raw socket: STARTTLS with the stand-in's CA, AUTH PLAIN and LOGIN, the message checks, and
// every fault as a client sees it. Synthetic addresses and text throughout.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>

#include "lodestone/net/net.hpp"
#include "notify_standins/smtp.hpp"
#include "standins_client.hpp"

namespace lodestone::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using ::testing::HasSubstr;

const std::string kSubject = "[盯盘] 600519 涨停 (synthetic)";

std::string mail(std::string subject_field = "=?UTF-8?B?" + b64(kSubject) + "?=", bool with_date = true,
                 std::string body = "") {
  if (body.empty()) body = b64("600519 贵州茅台 涨停 1850.00 (synthetic)\r\n");
  std::string m = "From: Lodestone <alerts@example.com>\r\nTo: desk@example.com\r\nSubject: " + subject_field + "\r\n";
  if (with_date) m += "Date: Mon, 09 Feb 2026 10:15:03 +0800\r\n";
  m += "Message-ID: <synthetic-1@lodestone.test>\r\nMIME-Version: 1.0\r\n"
       "Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
       body + "\r\n";
  return m;
}

struct MailOptions {
  std::string user = "lodestone";
  std::string password = "synthetic-smtp-password";
  std::string login_options;  // "AUTH=LOGIN"
  bool trust = true;
};

// Sends `message` with libcurl's SMTP, as the e-mail sender does.
CURLcode send_mail(const SmtpStandIn& smtp, const std::string& message, const MailOptions& o = {}) {
  struct Upload {
    std::string_view left;
  } upload{message};
  auto read = +[](char* buffer, std::size_t size, std::size_t n, void* user) -> std::size_t {
    auto* u = static_cast<Upload*>(user);
    const std::size_t k = std::min(size * n, u->left.size());
    std::memcpy(buffer, u->left.data(), k);
    u->left.remove_prefix(k);
    return k;
  };
  CURL* curl = curl_easy_init();
  curl_slist* rcpt = curl_slist_append(nullptr, "<desk@example.com>");
  curl_easy_setopt(curl, CURLOPT_URL, smtp.url().c_str());
  curl_easy_setopt(curl, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
  if (o.trust) curl_easy_setopt(curl, CURLOPT_CAINFO, smtp.ca_file().c_str());
  curl_easy_setopt(curl, CURLOPT_USERNAME, o.user.c_str());
  curl_easy_setopt(curl, CURLOPT_PASSWORD, o.password.c_str());
  if (!o.login_options.empty()) curl_easy_setopt(curl, CURLOPT_LOGIN_OPTIONS, o.login_options.c_str());
  curl_easy_setopt(curl, CURLOPT_MAIL_FROM, "<alerts@example.com>");
  curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, rcpt);
  curl_easy_setopt(curl, CURLOPT_READFUNCTION, read);
  curl_easy_setopt(curl, CURLOPT_READDATA, &upload);
  curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 10'000L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  const CURLcode result = curl_easy_perform(curl);
  curl_slist_free_all(rcpt);
  curl_easy_cleanup(curl);
  return result;
}

// A plain-socket SMTP client for what libcurl will not do (AUTH before STARTTLS).
class RawSmtp {
 public:
  explicit RawSmtp(std::uint16_t port) : socket_(io_) { socket_.connect({net::ip::make_address("127.0.0.1"), port}); }
  // One whole reply (each line of a multi-line one, '\n'-joined), "" when none comes in time.
  std::string reply(milliseconds timeout = seconds(10)) {
    std::string out;
    for (;;) {
      beast::error_code result = net::error::would_block;
      std::size_t n = 0;
      net::async_read_until(socket_, net::dynamic_buffer(buffer_), "\r\n", [&](beast::error_code ec, std::size_t k) {
        result = ec;
        n = k;
      });
      io_.restart();
      io_.run_for(timeout);
      if (result == net::error::would_block) {
        socket_.cancel();
        io_.restart();
        io_.run();
        return out;
      }
      if (result) return out;
      const std::string line = buffer_.substr(0, n - 2);
      buffer_.erase(0, n);
      out += line + "\n";
      if (line.size() < 4 || line[3] == ' ') return out;
    }
  }
  std::string command(const std::string& line) {
    net::write(socket_, net::buffer(line + "\r\n"));
    return reply();
  }

 private:
  net::io_context io_;
  tcp::socket socket_;
  std::string buffer_;
};

TEST(SmtpStandIn, TheCurlCommandLineSendsAChineseMailOverStartTls) {
  ManualClock clock(morning());
  SmtpStandIn smtp(SmtpOptions{.now = now_of(clock)});
  const std::string file =
      (std::filesystem::temp_directory_path() / ("lodestone-mail-" + std::to_string(::getpid()))).string();
  std::ofstream(file, std::ios::binary) << mail();
  const std::string cmd = "curl --silent --show-error --ssl-reqd --max-time 10 --url " + smtp.url() +
                          " --mail-from alerts@example.com --mail-rcpt desk@example.com --upload-file " + file +
                          " --user lodestone:synthetic-smtp-password --cacert " + smtp.ca_file() + " 2>&1";
  FILE* p = ::popen(cmd.c_str(), "r");
  ASSERT_NE(p, nullptr);
  std::string output;
  char chunk[256];
  while (std::fgets(chunk, sizeof chunk, p) != nullptr) output += chunk;
  const int status = ::pclose(p);
  std::filesystem::remove(file);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << output;
  const auto m = smtp.wait_for_message(1);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->mail_from, "alerts@example.com");
  EXPECT_EQ(m->rcpt_to, std::vector<std::string>{"desk@example.com"});
  EXPECT_EQ(m->subject, kSubject) << "decoded from its encoded-word";
  EXPECT_EQ(m->text, "600519 贵州茅台 涨停 1850.00 (synthetic)\r\n");
  EXPECT_EQ(m->user, "lodestone");
  EXPECT_TRUE(m->tls);
  EXPECT_EQ(m->arrived, morning());
  EXPECT_EQ(m->data, mail());
}

TEST(SmtpStandIn, LibcurlAuthenticatesWithPlainAndLogin) {
  SmtpStandIn smtp;
  EXPECT_EQ(send_mail(smtp, mail()), CURLE_OK);
  EXPECT_EQ(send_mail(smtp, mail(), {.login_options = "AUTH=LOGIN"}), CURLE_OK);
  EXPECT_EQ(smtp.message_count(), 2u);
  EXPECT_TRUE(smtp.refusals().empty());
}

TEST(SmtpStandIn, RefusesWrongCredentialsAndAnUntrustedCertificateStopsTheClient) {
  SmtpStandIn smtp;
  EXPECT_EQ(send_mail(smtp, mail(), {.password = "wrong"}), CURLE_LOGIN_DENIED);
  ASSERT_TRUE(smtp.wait_for_refusals(1));
  EXPECT_EQ(smtp.refusals()[0].reply, "535 5.7.8 Authentication credentials invalid");
  EXPECT_EQ(smtp.refusals()[0].command, "AUTH PLAIN") << "never the credentials";
  EXPECT_EQ(send_mail(smtp, mail(), {.trust = false}), CURLE_PEER_FAILED_VERIFICATION);
  EXPECT_EQ(smtp.message_count(), 0u);
}

TEST(SmtpStandIn, RefusesAuthAndMailBeforeStartTls) {
  SmtpStandIn smtp;
  RawSmtp raw(smtp.port());
  EXPECT_THAT(raw.reply(), HasSubstr("220 127.0.0.1 ESMTP"));
  const std::string ehlo = raw.command("EHLO client.test");
  EXPECT_THAT(ehlo, HasSubstr("250-STARTTLS"));
  EXPECT_THAT(ehlo, ::testing::Not(HasSubstr("AUTH"))) << "credentials are taken over TLS only";
  EXPECT_EQ(raw.command("AUTH PLAIN " + b64(std::string("\0lodestone\0synthetic-smtp-password", 34))),
            "530 5.7.0 Must issue a STARTTLS command first\n");
  EXPECT_EQ(raw.command("MAIL FROM:<alerts@example.com>"), "530 5.7.0 Must issue a STARTTLS command first\n");
  EXPECT_EQ(raw.command("RCPT TO:<desk@example.com>"), "503 5.5.1 Error: need MAIL command\n");
  EXPECT_EQ(raw.command("DATA"), "503 5.5.1 Error: need RCPT command\n");
  EXPECT_EQ(raw.command("XYZZY"), "502 5.5.2 Error: command not recognized\n");
  EXPECT_EQ(raw.command("QUIT"), "221 2.0.0 Bye\n");
  EXPECT_EQ(smtp.refusals().size(), 5u);
}

TEST(SmtpStandIn, UndoesDotStuffing) {
  SmtpStandIn smtp;
  const std::string body = ".a line that starts with a dot\r\n..and one with two\r\n.";
  std::string message = mail();
  message.replace(message.find("Content-Transfer-Encoding: base64"), 33, "Content-Transfer-Encoding: 8bit");
  message = message.substr(0, message.find("\r\n\r\n") + 4) + body + "\r\n";
  ASSERT_EQ(send_mail(smtp, message), CURLE_OK);
  const auto m = smtp.wait_for_message(1);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->data, message) << "libcurl doubled each leading dot, the stand-in took one away";
  EXPECT_EQ(m->text, body + "\r\n");
}

TEST(SmtpStandIn, RefusesAMessageThatIsNotRfc5322) {
  SmtpStandIn smtp;
  EXPECT_NE(send_mail(smtp, mail(kSubject)), CURLE_OK);  // raw UTF-8 in a header
  EXPECT_NE(send_mail(smtp, mail("=?UTF-8?B?" + b64(kSubject) + "?=", false)), CURLE_OK);
  std::string long_word = "=?UTF-8?B?" + b64(kSubject + kSubject) + "?=";  // over 75 characters
  EXPECT_NE(send_mail(smtp, mail(long_word)), CURLE_OK);
  ASSERT_TRUE(smtp.wait_for_refusals(3));
  const auto refusals = smtp.refusals();
  EXPECT_THAT(refusals[0].reply, HasSubstr("550 5.6.0 Message rejected: non-ASCII byte in a header field"));
  EXPECT_THAT(refusals[1].reply, HasSubstr("no Date header field"));
  EXPECT_THAT(refusals[2].reply, HasSubstr("Subject"));
  EXPECT_EQ(smtp.message_count(), 0u);
}

TEST(SmtpStandIn, FailsEveryWayItIsTold) {
  SmtpStandIn smtp;
  smtp.fail_next(1, SmtpFault::Unavailable421);
  smtp.fail_next(1, SmtpFault::Temporary451);
  smtp.fail_next(1, SmtpFault::Permanent554);
  smtp.fail_next(1, SmtpFault::DropAfterData);
  for (int i = 0; i < 4; ++i) EXPECT_NE(send_mail(smtp, mail()), CURLE_OK) << i;
  EXPECT_EQ(smtp.faulted_messages(), 3u);
  const auto refusals = smtp.refusals();
  ASSERT_EQ(refusals.size(), 3u);
  EXPECT_THAT(refusals[0].reply, HasSubstr("421 4.3.2"));
  EXPECT_THAT(refusals[1].reply, HasSubstr("451 4.3.0"));
  EXPECT_THAT(refusals[2].reply, HasSubstr("554 5.7.1"));
  EXPECT_EQ(smtp.message_count(), 0u);
  smtp.fail_until_reset(SmtpFault::Temporary451);
  EXPECT_NE(send_mail(smtp, mail()), CURLE_OK);
  smtp.reset_faults();
  EXPECT_EQ(send_mail(smtp, mail()), CURLE_OK);
  EXPECT_EQ(smtp.message_count(), 1u);
  EXPECT_EQ(smtp.connection_count(), 6u);
}

}  // namespace
}  // namespace lodestone::testing
