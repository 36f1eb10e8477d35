#include "mail_message.hpp"

#include <strings.h>

#include <algorithm>
#include <cctype>

#include "checks.hpp"

namespace lodestone::testing {

namespace {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

constexpr std::size_t kMaxLine = 998;  // RFC 5322 2.1.1, without the CRLF

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && ::strncasecmp(a.data(), b.data(), a.size()) == 0;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::size_t count_of(const HeaderList& headers, std::string_view name) {
  return static_cast<std::size_t>(
      std::count_if(headers.begin(), headers.end(), [&](const auto& h) { return iequals(h.first, name); }));
}

std::optional<std::string_view> header_of(const HeaderList& headers, std::string_view name) {
  for (const auto& [k, v] : headers)
    if (iequals(k, name)) return std::string_view(v);
  return std::nullopt;
}

// Splits a header section from its body, unfolding continuation lines.
std::optional<std::string> split_entity(std::string_view data, HeaderList& headers, std::string_view& body) {
  std::size_t pos = 0;
  body = {};
  while (pos < data.size()) {
    const auto eol = data.find("\r\n", pos);
    const std::string_view line = data.substr(pos, eol == std::string_view::npos ? std::string_view::npos : eol - pos);
    if (line.empty()) {
      body = data.substr(eol + 2);
      return std::nullopt;
    }
    if (line.size() > kMaxLine) return "a header line is longer than 998 characters";
    for (const char c : line) {
      if (static_cast<unsigned char>(c) >= 0x80)
        return "non-ASCII byte in a header field (non-ASCII text must be an RFC 2047 encoded-word)";
      if (static_cast<unsigned char>(c) < 0x20 && c != '\t') return "control character in a header field";
    }
    if (line[0] == ' ' || line[0] == '\t') {
      if (headers.empty()) return "continuation line before any header field";
      headers.back().second += line;
    } else {
      const auto colon = line.find(':');
      if (colon == std::string_view::npos || colon == 0 ||
          line.substr(0, colon).find_first_of(" \t") != std::string_view::npos)
        return "malformed header line \"" + std::string(line.substr(0, 40)) + "\"";
      headers.emplace_back(std::string(line.substr(0, colon)), std::string(trim(line.substr(colon + 1))));
    }
    if (eol == std::string_view::npos) break;
    pos = eol + 2;
  }
  return std::nullopt;  // headers only, no body
}

struct ContentType {
  std::string type;  // "text/plain", lower case
  std::vector<std::pair<std::string, std::string>> params;
  [[nodiscard]] std::string param(std::string_view name) const {
    for (const auto& [k, v] : params)
      if (k == name) return v;
    return {};
  }
};

ContentType parse_content_type(std::string_view value) {
  ContentType ct;
  auto semi = value.find(';');
  ct.type = lower(trim(value.substr(0, semi)));
  while (semi != std::string_view::npos) {
    value = value.substr(semi + 1);
    semi = value.find(';');
    const std::string_view item = trim(value.substr(0, semi));
    const auto eq = item.find('=');
    if (eq == std::string_view::npos) continue;
    std::string_view v = trim(item.substr(eq + 1));
    if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
    ct.params.emplace_back(lower(trim(item.substr(0, eq))), std::string(v));
  }
  return ct;
}

// RFC 5322 3.3: [day-of-week ","] day month year hour ":" minute [":" second] zone
bool rfc5322_date(std::string_view s) {
  s = trim(s);
  std::size_t i = 0;
  auto skip_space = [&] {
    const std::size_t from = i;
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
    return i > from;
  };
  auto number = [&](std::size_t min, std::size_t max) {
    const std::size_t from = i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])) && i - from < max) ++i;
    return i - from >= min;
  };
  auto one_of = [&](std::initializer_list<std::string_view> names) {
    for (auto n : names)
      if (s.substr(i, n.size()) == n) {
        i += n.size();
        return true;
      }
    return false;
  };
  if (one_of({"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"})) {
    if (i >= s.size() || s[i] != ',') return false;
    ++i;
    skip_space();
  }
  if (!number(1, 2) || !skip_space()) return false;
  if (!one_of({"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}) || !skip_space())
    return false;
  if (!number(4, 4) || !skip_space()) return false;
  if (!number(2, 2) || i >= s.size() || s[i++] != ':' || !number(2, 2)) return false;
  if (i < s.size() && s[i] == ':') {
    ++i;
    if (!number(2, 2)) return false;
  }
  if (!skip_space()) return false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    ++i;
    if (!number(4, 4)) return false;
  } else if (!one_of({"UT", "GMT"})) {
    return false;
  }
  skip_space();
  return i == s.size() || s[i] == '(';  // a trailing comment such as "(CST)"
}

std::optional<std::string> quoted_printable(std::string_view in) {
  std::string out;
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '=') {
      out += in[i];
      continue;
    }
    if (in.substr(i + 1, 2) == "\r\n") {  // soft line break
      i += 2;
      continue;
    }
    if (i + 2 >= in.size() || !std::isxdigit(static_cast<unsigned char>(in[i + 1])) ||
        !std::isxdigit(static_cast<unsigned char>(in[i + 2])))
      return std::nullopt;
    out += static_cast<char>(std::stoi(std::string(in.substr(i + 1, 2)), nullptr, 16));
    i += 2;
  }
  return out;
}

std::optional<std::string> check_entity(const HeaderList& headers, std::string_view body, int depth,
                                        MailCheck& result) {
  if (depth > 5) return "MIME parts nested too deep";
  for (std::size_t pos = 0; pos < body.size();) {
    const auto eol = body.find("\r\n", pos);
    const std::size_t end = eol == std::string_view::npos ? body.size() : eol;
    if (end - pos > kMaxLine) return "a body line is longer than 998 characters (use base64 or quoted-printable)";
    pos = end + 2;
  }
  const ContentType ct = parse_content_type(header_of(headers, "Content-Type").value_or("text/plain"));
  if (ct.type.rfind("multipart/", 0) == 0) {
    const std::string boundary = ct.param("boundary");
    if (boundary.empty()) return "multipart Content-Type without a boundary";
    const std::string delimiter = "--" + boundary;
    std::string_view rest = body;
    if (rest.find(delimiter + "--") == std::string_view::npos) return "multipart body without its closing boundary";
    auto at = rest.find(delimiter);
    int parts = 0;
    while (true) {
      rest = rest.substr(at + delimiter.size());
      if (rest.substr(0, 2) == "--") break;  // the closing delimiter
      if (rest.substr(0, 2) != "\r\n") return "malformed multipart boundary line";
      rest = rest.substr(2);
      at = rest.find("\r\n" + delimiter);
      if (at == std::string_view::npos) return "multipart body without its closing boundary";
      HeaderList part_headers;
      std::string_view part_body;
      if (auto p = split_entity(rest.substr(0, at), part_headers, part_body)) return p;
      if (auto p = check_entity(part_headers, part_body, depth + 1, result)) return p;
      ++parts;
      at += 2;  // past the CRLF that belongs to the delimiter
    }
    if (parts == 0) return "multipart body without parts";
    return std::nullopt;
  }
  const std::string encoding = lower(trim(header_of(headers, "Content-Transfer-Encoding").value_or("7bit")));
  // Only an 8bit body may carry 8-bit bytes: 7bit, base64 and quoted-printable are ASCII.
  if (encoding != "8bit" &&
      std::any_of(body.begin(), body.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; }))
    return "8-bit bytes in a " + encoding + " body (declare 8bit, or encode it as base64 or quoted-printable)";
  std::string decoded;
  if (encoding == "7bit" || encoding == "8bit") {
    decoded = std::string(body);
  } else if (encoding == "base64") {
    std::string compact;
    for (const char c : body)
      if (c != '\r' && c != '\n' && c != ' ' && c != '\t') compact += c;
    auto bytes = base64_decode(compact);
    if (!bytes) return "body is not valid base64";
    decoded = std::move(*bytes);
  } else if (encoding == "quoted-printable") {
    auto text = quoted_printable(body);
    if (!text) return "body is not valid quoted-printable";
    decoded = std::move(*text);
  } else {
    return "unknown Content-Transfer-Encoding \"" + encoding + "\"";
  }
  if (ct.type.rfind("text/", 0) == 0) {
    const std::string charset = lower(ct.param("charset"));
    if ((charset.empty() || charset == "us-ascii") &&
        std::any_of(decoded.begin(), decoded.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; }))
      return "non-ASCII text without a charset (say charset=UTF-8)";
    if (charset == "utf-8" && !valid_utf8(decoded)) return "text part is not valid UTF-8";
    if (ct.type == "text/plain" && result.text.empty()) result.text = decoded;
  }
  return std::nullopt;
}

bool address_list(std::string_view value) {
  // Each comma-separated mailbox holds an addr-spec (display names are encoded-words).
  if (trim(value).empty()) return false;
  std::size_t start = 0;
  bool quoted = false;
  for (std::size_t i = 0; i <= value.size(); ++i) {
    if (i < value.size() && value[i] == '"') quoted = !quoted;
    if (i == value.size() || (value[i] == ',' && !quoted)) {
      const std::string_view mailbox = value.substr(start, i - start);
      if (mailbox.find('@') == std::string_view::npos) return false;
      if (std::count(mailbox.begin(), mailbox.end(), '<') != std::count(mailbox.begin(), mailbox.end(), '>'))
        return false;
      start = i + 1;
    }
  }
  return true;
}

}  // namespace

std::optional<std::string> decode_encoded_words(std::string_view value) {
  std::string out;
  std::string pending_space;
  bool after_word = false;
  std::size_t i = 0;
  while (i < value.size()) {
    if (value.substr(i, 2) == "=?") {
      const auto q1 = value.find('?', i + 2);
      if (q1 == std::string_view::npos || q1 + 2 >= value.size() || value[q1 + 2] != '?') return std::nullopt;
      const auto end = value.find("?=", q1 + 3);
      if (end == std::string_view::npos) return std::nullopt;
      if (end + 2 - i > 75) return std::nullopt;  // RFC 2047 2: an encoded-word is at most 75 characters
      std::string charset = lower(value.substr(i + 2, q1 - i - 2));
      charset = charset.substr(0, charset.find('*'));  // RFC 2231 language suffix
      if (charset != "utf-8") return std::nullopt;
      const char encoding = static_cast<char>(std::toupper(static_cast<unsigned char>(value[q1 + 1])));
      const std::string_view text = value.substr(q1 + 3, end - q1 - 3);
      std::string decoded;
      if (encoding == 'B') {
        auto bytes = base64_decode(text);
        if (!bytes) return std::nullopt;
        decoded = std::move(*bytes);
      } else if (encoding == 'Q') {
        for (std::size_t k = 0; k < text.size(); ++k) {
          if (text[k] == '_') {
            decoded += ' ';
          } else if (text[k] == '=') {
            if (k + 2 >= text.size() || !std::isxdigit(static_cast<unsigned char>(text[k + 1])) ||
                !std::isxdigit(static_cast<unsigned char>(text[k + 2])))
              return std::nullopt;
            decoded += static_cast<char>(std::stoi(std::string(text.substr(k + 1, 2)), nullptr, 16));
            k += 2;
          } else {
            decoded += text[k];
          }
        }
      } else {
        return std::nullopt;
      }
      // RFC 2047 5: each encoded-word holds whole characters; a character split across two
      // words shows as two replacement characters in many mail clients.
      if (!valid_utf8(decoded)) return std::nullopt;
      if (!after_word) out += pending_space;  // space between two encoded-words is not text
      pending_space.clear();
      out += decoded;
      after_word = true;
      i = end + 2;
    } else if (value[i] == ' ' || value[i] == '\t') {
      pending_space += value[i++];
    } else {
      out += pending_space;
      pending_space.clear();
      out += value[i++];
      after_word = false;
    }
  }
  out += pending_space;
  if (!valid_utf8(out)) return std::nullopt;
  return out;
}

MailCheck check_mail_message(std::string_view data) {
  MailCheck result;
  for (std::size_t i = 0; i < data.size(); ++i) {
    if (data[i] == '\n' && (i == 0 || data[i - 1] != '\r')) {
      result.problem = "bare LF (every line must end in CRLF)";
      return result;
    }
    if (data[i] == '\r' && (i + 1 == data.size() || data[i + 1] != '\n')) {
      result.problem = "bare CR (every line must end in CRLF)";
      return result;
    }
  }
  std::string_view body;
  if (auto p = split_entity(data, result.headers, body)) {
    result.problem = std::move(p);
    return result;
  }
  for (const char* name : {"From", "To", "Subject", "Date", "MIME-Version", "Content-Type"}) {
    const auto n = count_of(result.headers, name);
    if (n == 0) {
      result.problem = std::string("no ") + name + " header field";
      return result;
    }
    if (n > 1) {
      result.problem = std::string("more than one ") + name + " header field";
      return result;
    }
  }
  if (trim(*header_of(result.headers, "MIME-Version")).substr(0, 3) != "1.0") {
    result.problem = "MIME-Version is not 1.0";
    return result;
  }
  if (!rfc5322_date(*header_of(result.headers, "Date"))) {
    result.problem = "Date is not an RFC 5322 date-time (e.g. \"Mon, 09 Feb 2026 10:15:03 +0800\")";
    return result;
  }
  for (const char* name : {"From", "To"}) {
    const auto value = *header_of(result.headers, name);
    if (!decode_encoded_words(value) || !address_list(value)) {
      result.problem = std::string(name) + " is not a list of addresses (with encoded-word display names)";
      return result;
    }
  }
  auto subject = decode_encoded_words(*header_of(result.headers, "Subject"));
  if (!subject) {
    result.problem = "Subject has a malformed, over-long or non-UTF-8 encoded-word";
    return result;
  }
  result.subject = std::move(*subject);
  result.problem = check_entity(result.headers, body, 0, result);
  return result;
}

}  // namespace lodestone::testing
