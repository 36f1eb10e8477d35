// Signatures against vectors computed elsewhere: GitHub's documented HMAC example, the Standard
// Webhooks reference libraries' published vector, and DingTalk/Feishu values computed with the
// openssl command line (and checked again with Python's hmac module):
//   printf '%s\n%s' 1770618665000 "$SEC" | openssl dgst -sha256 -hmac "$SEC" -binary | base64
//   printf '' | openssl dgst -sha256 -mac HMAC -macopt key:"$(printf '%s\n%s' 1770618665 "$SECRET")" -binary | base64
#include "signing.hpp"

#include <gtest/gtest.h>

namespace lodestone::notify::detail {
namespace {

std::string hex(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (const char c : bytes) {
    out += kHex[static_cast<unsigned char>(c) >> 4];
    out += kHex[static_cast<unsigned char>(c) & 0xFU];
  }
  return out;
}

TEST(Hmac, GitHubsDocumentedVector) {
  // docs.github.com "Validating webhook deliveries": secret "It's a Secret to Everybody",
  // payload "Hello, World!".
  EXPECT_EQ(hex(hmac_sha256("It's a Secret to Everybody", "Hello, World!")),
            "757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17");
}

TEST(Base64, Rfc4648Vectors) {
  const std::pair<const char*, const char*> kVectors[] = {{"", ""},
                                                          {"f", "Zg=="},
                                                          {"fo", "Zm8="},
                                                          {"foo", "Zm9v"},
                                                          {"foob", "Zm9vYg=="},
                                                          {"fooba", "Zm9vYmE="},
                                                          {"foobar", "Zm9vYmFy"}};
  for (const auto& [plain, encoded] : kVectors) {
    EXPECT_EQ(base64(plain), encoded);
    const auto decoded = base64_decode(encoded);
    ASSERT_TRUE(decoded) << encoded;
    EXPECT_EQ(*decoded, plain);
  }
}

TEST(Base64, DecodingIsStrict) {
  EXPECT_FALSE(base64_decode("Zm9"));        // not a multiple of 4
  EXPECT_FALSE(base64_decode("Zm9v YmFy"));  // whitespace
  EXPECT_FALSE(base64_decode("Zm=v"));       // padding inside
  EXPECT_FALSE(base64_decode("Zm9-"));       // the URL-safe alphabet
  EXPECT_FALSE(base64_decode("=Zm9"));
}

TEST(UrlEncode, EverythingButUnreserved) {
  EXPECT_EQ(url_encode("a+b/c=d"), "a%2Bb%2Fc%3Dd");
  EXPECT_EQ(url_encode("A-z_0.9~"), "A-z_0.9~");
  EXPECT_EQ(url_encode("稀"), "%E7%A8%80");
}

TEST(StandardWebhooks, ThePublishedReferenceVector) {
  // The Standard Webhooks / Svix reference libraries' test vector (e.g. svix-webhooks' PHP test
  // testSignFunctionWorks), reproduced with: openssl dgst -sha256 -mac HMAC -macopt
  // hexkey:<base64-decoded MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw> over "msg_….1614265330.{…}".
  auto sig = standard_webhooks_signature("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek",
                                         1614265330, R"({"test": 2432232314})");
  ASSERT_TRUE(sig) << sig.error().message;
  EXPECT_EQ(*sig, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
}

TEST(StandardWebhooks, ASecretWithoutThePrefixOrNotBase64IsAConfigurationMistake) {
  for (const char* secret : {"MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whsec_not base64!", "whsec_", "WHSEC_MfKQ9r8G"}) {
    auto sig = standard_webhooks_signature(secret, "id", 1, "{}");
    ASSERT_FALSE(sig) << secret;
    EXPECT_EQ(sig.error().code, ErrorCode::bad_config) << secret;
    if (std::string_view(secret).size() > 6)
      EXPECT_EQ(sig.error().message.find(secret), std::string::npos) << "the error never repeats the secret";
  }
}

TEST(StandardWebhooks, AnIdWithADotIsRefused) {
  auto sig = standard_webhooks_signature("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "a.b", 1, "{}");
  ASSERT_FALSE(sig);
  EXPECT_EQ(sig.error().code, ErrorCode::bad_field);
}

TEST(DingTalk, SignatureMatchesOpensslAndIsUrlEncoded) {
  // SYNTHETIC secret; timestamp 2026-02-09 14:31:05 +08:00 in ms. openssl gave
  // genyhkjDs6A8SvSUuCpJileyXyFfZ+ssEATTyAoChrA= ; '+' and '=' must be percent-encoded.
  EXPECT_EQ(dingtalk_sign("SECb6c1d3e5f7a9b0c2d4e6f8a1b3c5d7e9f0a2b4c6d8e1f3a5b7c9d0e2f4a6b8c", 1770618665000),
            "genyhkjDs6A8SvSUuCpJileyXyFfZ%2BssEATTyAoChrA%3D");
}

TEST(Feishu, SignatureUsesTheStringAsKeyOverAnEmptyMessage) {
  // SYNTHETIC secret; timestamp in seconds. openssl gave x0GBCJuvRFn12wxQyvdhsfPy3nXZGP+z26oV0ewY+jE=
  EXPECT_EQ(feishu_sign("feishu-synthetic-secret", 1770618665), "x0GBCJuvRFn12wxQyvdhsfPy3nXZGP+z26oV0ewY+jE=");
  // DingTalk's arrangement (secret as key, string as message) gives another value: the swap shows.
  EXPECT_NE(base64(hmac_sha256("feishu-synthetic-secret", "1770618665\nfeishu-synthetic-secret")),
            feishu_sign("feishu-synthetic-secret", 1770618665));
}

}  // namespace
}  // namespace lodestone::notify::detail
