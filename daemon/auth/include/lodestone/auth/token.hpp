#pragma once
// Bearer tokens: 32 random bytes (randombytes_buf), base64url, behind a short public id:
//
//   lds_<id>_<secret>     id: 8 hex digits, printed by `lodestone user list`, used to revoke
//                         secret: 43 base64url characters (256 bits)
//
// Only a hash of the whole token is stored. The hash is BLAKE2b-256 (crypto_generichash) keyed
// with a fixed, public domain-separation string, not a password hash (argon2id): a 256-bit random
// secret cannot be guessed, so a deliberately slow hash adds no protection, while it would cost
// tens of milliseconds of CPU on every request, per stored hash (argon2id's salt means the
// presented token is hashed once per candidate), and hand anyone who can send requests a lever to
// burn the daemon's CPU. A stolen users file therefore reveals no token, and checking one costs a
// microsecond. (A human-chosen password would need argon2id; Lodestone never accepts one.)
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace lodestone::auth {

using TokenHash = std::array<unsigned char, 32>;

struct NewToken {
  std::string id;     // the public part, also inside `token`
  std::string token;  // shown once to the operator, never stored
  TokenHash hash;
};

// A fresh token with a random id. Throws std::runtime_error if libsodium cannot start (startup).
NewToken new_token();
// A random base64url string of `bytes` random bytes (tickets, ids).
std::string random_base64url(std::size_t bytes);

// BLAKE2b-256 of the token, keyed with the domain-separation constant. Any length is hashed; the
// time it takes depends on the length alone, never on the content.
TokenHash hash_token(std::string_view token);

// The stored form, "blake2b:<64 hex digits>", and back (nullopt when it is not that form).
std::string format_hash(const TokenHash& hash);
std::optional<TokenHash> parse_hash(std::string_view text);

// Whether `id` is a token id (8 lowercase hex digits).
bool valid_token_id(std::string_view id);

// Compares in time that depends only on the sizes (sodium_memcmp).
bool same_hash(const TokenHash& a, const TokenHash& b);

}  // namespace lodestone::auth
