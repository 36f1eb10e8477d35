#include "lodestone/auth/token.hpp"

#include <vector>

#include "sodium_init.hpp"

namespace lodestone::auth {
namespace {

// Public and fixed: it separates Lodestone's token hashes from any other BLAKE2b use of the same
// bytes. It is not a secret (it is in the source); the token's own 256 bits are.
constexpr std::string_view kDomain = "lodestone users-file token v1";
static_assert(kDomain.size() >= crypto_generichash_KEYBYTES_MIN && kDomain.size() <= crypto_generichash_KEYBYTES_MAX);
constexpr std::string_view kHashPrefix = "blake2b:";
constexpr std::string_view kTokenPrefix = "lds_";

std::string to_hex(const unsigned char* data, std::size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(n * 2);
  for (std::size_t i = 0; i < n; ++i) {
    out.push_back(kDigits[data[i] >> 4]);
    out.push_back(kDigits[data[i] & 0x0F]);
  }
  return out;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

}  // namespace

std::string random_base64url(std::size_t bytes) {
  ensure_sodium();
  std::vector<unsigned char> raw(bytes);
  randombytes_buf(raw.data(), raw.size());
  std::string out(sodium_base64_ENCODED_LEN(bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(out.data(), out.size(), raw.data(), raw.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(out.find('\0'));
  sodium_memzero(raw.data(), raw.size());
  return out;
}

NewToken new_token() {
  ensure_sodium();
  std::array<unsigned char, 4> id_bytes{};
  randombytes_buf(id_bytes.data(), id_bytes.size());
  NewToken t;
  t.id = to_hex(id_bytes.data(), id_bytes.size());
  t.token = std::string(kTokenPrefix) + t.id + "_" + random_base64url(32);
  t.hash = hash_token(t.token);
  return t;
}

TokenHash hash_token(std::string_view token) {
  ensure_sodium();
  TokenHash out{};
  crypto_generichash(out.data(), out.size(), reinterpret_cast<const unsigned char*>(token.data()), token.size(),
                     reinterpret_cast<const unsigned char*>(kDomain.data()), kDomain.size());
  return out;
}

std::string format_hash(const TokenHash& hash) { return std::string(kHashPrefix) + to_hex(hash.data(), hash.size()); }

std::optional<TokenHash> parse_hash(std::string_view text) {
  if (!text.starts_with(kHashPrefix)) return std::nullopt;
  text.remove_prefix(kHashPrefix.size());
  TokenHash out{};
  if (text.size() != out.size() * 2) return std::nullopt;
  for (std::size_t i = 0; i < out.size(); ++i) {
    const int hi = hex_digit(text[2 * i]);
    const int lo = hex_digit(text[2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out[i] = static_cast<unsigned char>(hi * 16 + lo);
  }
  return out;
}

bool valid_token_id(std::string_view id) {
  if (id.size() != 8) return false;
  for (char c : id)
    if (hex_digit(c) < 0) return false;
  return true;
}

bool same_hash(const TokenHash& a, const TokenHash& b) {
  ensure_sodium();
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace lodestone::auth
