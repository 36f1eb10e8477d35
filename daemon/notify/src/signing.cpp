#include "signing.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>

namespace lodestone::notify::detail {
namespace {

constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::string_view kWebhookSecretPrefix = "whsec_";

int base64_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

}  // namespace

std::string hmac_sha256(std::string_view key, std::string_view message) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  // OpenSSL 3.0 refuses a null key pointer even with length 0 (and Feishu's message is empty):
  // an empty view is passed as a pointer to a real empty buffer.
  static constexpr unsigned char kEmpty[1] = {0};
  const void* key_data = key.empty() ? kEmpty : static_cast<const void*>(key.data());
  const unsigned char* message_data = message.empty() ? kEmpty : reinterpret_cast<const unsigned char*>(message.data());
  const auto* result =
      HMAC(EVP_sha256(), key_data, static_cast<int>(key.size()), message_data, message.size(), digest.data(), &length);
  if (result == nullptr) return {};  // only on allocation failure inside OpenSSL
  return {reinterpret_cast<const char*>(digest.data()), length};
}

std::string base64(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const auto n = (static_cast<unsigned>(static_cast<unsigned char>(bytes[i])) << 16) |
                   (static_cast<unsigned>(static_cast<unsigned char>(bytes[i + 1])) << 8) |
                   static_cast<unsigned>(static_cast<unsigned char>(bytes[i + 2]));
    out += kAlphabet[(n >> 18) & 63U];
    out += kAlphabet[(n >> 12) & 63U];
    out += kAlphabet[(n >> 6) & 63U];
    out += kAlphabet[n & 63U];
  }
  if (const std::size_t rest = bytes.size() - i; rest > 0) {
    auto n = static_cast<unsigned>(static_cast<unsigned char>(bytes[i])) << 16;
    if (rest == 2) n |= static_cast<unsigned>(static_cast<unsigned char>(bytes[i + 1])) << 8;
    out += kAlphabet[(n >> 18) & 63U];
    out += kAlphabet[(n >> 12) & 63U];
    out += rest == 2 ? kAlphabet[(n >> 6) & 63U] : '=';
    out += '=';
  }
  return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  std::string out;
  out.reserve(text.size() / 4 * 3);
  for (std::size_t i = 0; i < text.size(); i += 4) {
    const bool last = i + 4 == text.size();
    const int pad = last ? (text[i + 3] == '=' ? (text[i + 2] == '=' ? 2 : 1) : 0) : 0;
    unsigned n = 0;
    for (std::size_t k = 0; k < 4; ++k) {
      if (k >= 4 - static_cast<std::size_t>(pad)) {
        n <<= 6;
        continue;
      }
      const int v = base64_value(text[i + k]);
      if (v < 0) return std::nullopt;  // a stray '=' inside, whitespace, the URL-safe alphabet
      n = (n << 6) | static_cast<unsigned>(v);
    }
    out += static_cast<char>((n >> 16) & 0xFFU);
    if (pad < 2) out += static_cast<char>((n >> 8) & 0xFFU);
    if (pad < 1) out += static_cast<char>(n & 0xFFU);
  }
  return out;
}

std::string url_encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size() * 3);
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                            c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xFU];
    }
  }
  return out;
}

Result<std::string> webhook_key(std::string_view secret) {
  if (secret.substr(0, kWebhookSecretPrefix.size()) != kWebhookSecretPrefix)
    return make_error(ErrorCode::bad_config,
                      "webhook secret: expected \"whsec_\" followed by base64 (Standard Webhooks)");
  // Secrets are shown with and without their padding: both name the same key.
  std::string text(secret.substr(kWebhookSecretPrefix.size()));
  if (text.find('=') == std::string::npos) text.append((4 - text.size() % 4) % 4, '=');
  auto key = base64_decode(text);
  if (!key || key->empty())
    return make_error(ErrorCode::bad_config, "webhook secret: the part after \"whsec_\" is not base64");
  return std::move(*key);
}

Result<std::string> standard_webhooks_signature(std::string_view secret, std::string_view id, std::int64_t timestamp_s,
                                                std::string_view body) {
  auto key = webhook_key(secret);
  if (!key) return key.error();
  if (id.find('.') != std::string_view::npos)
    return make_error(ErrorCode::bad_field, "webhook-id \"" + std::string(id) + "\" contains '.'");
  std::string content;
  content.reserve(id.size() + body.size() + 24);
  content.append(id);
  content += '.';
  content += std::to_string(timestamp_s);
  content += '.';
  content.append(body);
  return "v1," + base64(hmac_sha256(*key, content));
}

std::string dingtalk_sign(std::string_view secret, std::int64_t timestamp_ms) {
  const std::string string_to_sign = std::to_string(timestamp_ms) + "\n" + std::string(secret);
  return url_encode(base64(hmac_sha256(secret, string_to_sign)));
}

std::string feishu_sign(std::string_view secret, std::int64_t timestamp_s) {
  const std::string string_to_sign = std::to_string(timestamp_s) + "\n" + std::string(secret);
  return base64(hmac_sha256(string_to_sign, {}));
}

}  // namespace lodestone::notify::detail
