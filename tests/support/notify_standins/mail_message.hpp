#pragma once
// What the SMTP stand-in checks a submitted message against: RFC 5322 (header fields, dates,
// line lengths, CRLF only) and MIME (RFC 2045-2047: MIME-Version, Content-Type, transfer
// encodings, encoded-words for non-ASCII header text). A mail server takes more than this; a
// mail client shows less than this well. The checks are what makes a Chinese subject arrive
// readable: headers are ASCII, a non-ASCII Subject is a UTF-8 encoded-word.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lodestone::testing {

struct MailCheck {
  std::optional<std::string> problem;                        // the first thing wrong; nullopt when the message is fine
  std::vector<std::pair<std::string, std::string>> headers;  // unfolded, in order
  std::string subject;                                       // decoded from its encoded-words
  std::string text;                                          // the first text/plain part, decoded (for tests to read)
};

// `data`: the message as received after DATA, dot-unstuffed, CRLF line ends.
MailCheck check_mail_message(std::string_view data);

// RFC 2047 encoded-words in a header value ("=?UTF-8?B?...?=", "=?utf-8?Q?...?="), decoded;
// nullopt when one is malformed, longer than 75 characters, in a charset other than UTF-8, or
// holds a character split with the next word (each word must decode to whole UTF-8 characters).
std::optional<std::string> decode_encoded_words(std::string_view value);

}  // namespace lodestone::testing
