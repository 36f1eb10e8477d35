// E-mail: one RFC 5322 message, multipart/alternative (text/plain and text/html, UTF-8, base64
// bodies), handed to the SMTP sender (libcurl) with the envelope and the receiver's credentials.
//
// Headers: From, To, Subject (RFC 2047 encoded-words "=?UTF-8?B?…?=", each at most 75
// characters), Date (RFC 5322 §3.3, exchange time +0800), Message-ID (from the notification id,
// so a retry of one notification carries the same id), References (every e-mail about one alert
// names the same thread root "<alert-KEY@domain>", so mail clients that thread by References
// keep an alert's firing, updates and resolution together, as GitHub's notification mails do),
// MIME-Version, Auto-Submitted: auto-generated (RFC 3834: no auto-replies to it).
#include <openssl/sha.h>

#include <array>

#include "alert_text.hpp"
#include "layout.hpp"
#include "render_services.hpp"
#include "signing.hpp"
#include "utf8_cut.hpp"

namespace lodestone::notify::detail {
namespace {

constexpr std::string_view kCrlf = "\r\n";

struct Address {
  std::string display;  // may be empty
  std::string mailbox;  // local@domain
};

bool has_line_break(std::string_view s) { return s.find_first_of("\r\n") != std::string_view::npos; }

// "Name <local@domain>" or "local@domain".
std::optional<Address> parse_address(std::string_view text) {
  if (has_line_break(text)) return std::nullopt;
  Address a;
  const auto open = text.rfind('<');
  if (open != std::string_view::npos) {
    const auto close = text.find('>', open);
    if (close == std::string_view::npos || close + 1 != text.size()) return std::nullopt;
    a.mailbox = std::string(text.substr(open + 1, close - open - 1));
    std::string_view name = text.substr(0, open);
    while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
    while (!name.empty() && name.front() == ' ') name.remove_prefix(1);
    if (name.size() >= 2 && name.front() == '"' && name.back() == '"') name = name.substr(1, name.size() - 2);
    a.display = std::string(name);
  } else {
    a.mailbox = std::string(text);
  }
  const auto at = a.mailbox.find('@');
  if (at == std::string::npos || at == 0 || at + 1 == a.mailbox.size() ||
      a.mailbox.find_first_of(" <>\"") != std::string::npos)
    return std::nullopt;
  return a;
}

bool plain_ascii_phrase(std::string_view s) {
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    const bool ok = (u >= 'A' && u <= 'Z') || (u >= 'a' && u <= 'z') || (u >= '0' && u <= '9') || c == ' ' ||
                    c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

// RFC 2047 encoded-words of at most 45 bytes of UTF-8 each (60 base64 characters, 72 with the
// "=?UTF-8?B?" and "?=" around them), cut only between characters, joined by folding whitespace.
std::string encoded_words(std::string_view text) {
  std::string out;
  std::size_t i = 0;
  const std::string valid = to_valid_utf8(text);
  const std::string_view s(valid);
  while (i < s.size()) {
    std::size_t end = i;
    while (end < s.size()) {
      const std::size_t n = std::max<std::size_t>(utf8_sequence_length(s, end), 1);
      if (end + n - i > 45) break;
      end += n;
    }
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?" + base64(s.substr(i, end - i)) + "?=";
    i = end;
  }
  return out;
}

std::string address_header(const Address& a) {
  if (a.display.empty()) return a.mailbox;
  if (plain_ascii_phrase(a.display)) return a.display + " <" + a.mailbox + ">";
  return encoded_words(a.display) + " <" + a.mailbox + ">";
}

// "Mon, 09 Feb 2026 14:31:05 +0800".
std::string rfc5322_date(Timestamp t) {
  static constexpr std::array<std::string_view, 7> kDays{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr std::array<std::string_view, 12> kMonths{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const Date d = exchange_date(t);
  const CivilDate c = civil(d);
  const std::string iso = format_timestamp(t);  // "2026-02-09T14:31:05.000+08:00"
  return std::string(kDays[weekday(d)]) + ", " + iso.substr(8, 2) + " " + std::string(kMonths[c.month - 1]) + " " +
         iso.substr(0, 4) + " " + iso.substr(11, 8) + " +0800";
}

std::string hex_digest(std::string_view text, std::size_t bytes) {
  std::array<unsigned char, SHA256_DIGEST_LENGTH> digest{};
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest.data());
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < bytes && i < digest.size(); ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 0xFU];
  }
  return out;
}

// A Message-ID's right side: the sender's domain, letters, digits, '-' and '.' only.
std::string id_domain(const Address& from) {
  std::string out;
  for (const char c : from.mailbox.substr(from.mailbox.find('@') + 1)) {
    const auto u = static_cast<unsigned char>(c);
    if ((u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') || c == '-' || c == '.') out += c;
  }
  return out.empty() ? "lodestone.invalid" : out;
}

// A thread root every e-mail about the alert names: the key as dot-atom text.
std::string thread_id(const std::string& key, const std::string& domain) {
  std::string atom;
  for (const char c : key) {
    const auto u = static_cast<unsigned char>(c);
    atom += (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') || c == '-' ? c : '-';
  }
  return "<alert-" + atom + "@" + domain + ">";
}

std::string base64_lines(std::string_view bytes) {
  const std::string b = base64(bytes);
  std::string out;
  for (std::size_t i = 0; i < b.size(); i += 76) {
    out += b.substr(i, 76);
    out += kCrlf;
  }
  return out;
}

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string_view css_colour(Severity severity, bool resolved) {
  if (resolved) return "#2e7d32";
  switch (severity) {
    case Severity::Critical:
      return "#c62828";
    case Severity::Warning:
      return "#ef6c00";
    case Severity::Info:
      return "#1565c0";
  }
  return "#ef6c00";
}

const Markup& html_markup() {
  static const Markup kHtml{
      [](std::string_view text, const Section& s) {
        return "<h3 style=\"color:" + std::string(css_colour(s.severity, s.resolved)) + "\">" + html_escape(text) +
               "</h3>\n";
      },
      [](std::string_view label, std::string_view value) {
        return "<div><b>" + html_escape(label) + "</b>: " + html_escape(value) + "</div>\n";
      },
      [](std::string_view text) {
        return "<blockquote style=\"border-left:3px solid #ccc;margin:0 0 8px;padding-left:8px\">" + html_escape(text) +
               "</blockquote>\n";
      },
      [](std::string_view text, std::string_view url) {
        return "<p><a href=\"" + html_escape(url) + "\">" + html_escape(text) + "</a></p>\n";
      },
      [](std::string_view text, std::string_view url, const Section& s) {
        std::string line =
            "<div style=\"color:" + std::string(css_colour(s.severity, s.resolved)) + "\">" + html_escape(text);
        if (!url.empty()) line += " <a href=\"" + html_escape(url) + "\">查看 open</a>";
        return line + "</div>\n";
      },
      [](std::string_view text) { return "<p>" + html_escape(text) + "</p>\n"; },
      "<hr>\n",
  };
  return kHtml;
}

// CRLF line ends throughout, as RFC 5322 requires of the message handed to SMTP.
std::string crlf(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 32);
  for (const char c : text) {
    if (c == '\n') out += '\r';
    out += c;
  }
  return out;
}

}  // namespace

Result<OutboundRequest> render_email(const ReceiverConfig& r, const Notification& n, Timestamp now) {
  if (r.url.empty()) return receiver_error(r, "url (smtp:// or smtps://) is empty");
  const auto from = parse_address(r.email.from);
  if (!from) return receiver_error(r, "email.from \"" + r.email.from + "\" is not an address");
  if (r.email.to.empty()) return receiver_error(r, "email.to names no recipient");
  std::vector<Address> to;
  for (const auto& text : r.email.to) {
    auto a = parse_address(text);
    if (!a) return receiver_error(r, "email.to \"" + text + "\" is not an address");
    to.push_back(std::move(*a));
  }
  const Message message = compose_message(r, n, now);
  const Budget unlimited{SIZE_MAX, byte_count};
  const std::string text = crlf(lay_out(message, plain_markup(), unlimited));
  const std::string html =
      "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"></head>\n<body style=\"font-family:sans-serif\">\n" +
      lay_out(message, html_markup(), unlimited) + "</body></html>\n";

  const std::string domain = id_domain(*from);
  const std::string boundary = "lodestone-" + hex_digest("boundary|" + n.id, 12);
  std::string m;
  m += "From: " + address_header(*from) + std::string(kCrlf);
  m += "To: ";
  for (std::size_t i = 0; i < to.size(); ++i) m += (i ? ",\r\n " : "") + address_header(to[i]);
  m += kCrlf;
  m += "Subject: " + encoded_words(message.title) + std::string(kCrlf);
  m += "Date: " + rfc5322_date(now) + std::string(kCrlf);
  m += "Message-ID: <" + hex_digest(n.id, 16) + "@" + domain + ">" + std::string(kCrlf);
  if (n.kind == NotificationKind::Alerts && n.alerts.size() == 1)
    m += "References: " + thread_id(alert_key(n.alerts.front()), domain) + std::string(kCrlf);
  m += "MIME-Version: 1.0\r\n";
  m += "Auto-Submitted: auto-generated\r\n";
  m += "Content-Type: multipart/alternative; boundary=\"" + boundary + "\"\r\n";
  m += kCrlf;
  m += "--" + boundary + "\r\n";
  m += "Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n";
  m += base64_lines(text);
  m += "--" + boundary + "\r\n";
  m += "Content-Type: text/html; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n";
  m += base64_lines(crlf(html));
  m += "--" + boundary + "--\r\n";

  OutboundRequest req;
  req.transport = OutboundRequest::Transport::Smtp;
  req.url = r.url;
  req.body = std::move(m);
  req.mail_from = from->mailbox;
  for (const auto& a : to) req.rcpt_to.push_back(a.mailbox);
  req.smtp_user = r.email.username;
  req.smtp_password = r.secret;
  req.starttls = r.email.starttls;
  req.ca_file = r.email.ca_file.empty() ? r.ca_file : r.email.ca_file;
  req.timeout = r.timeout;
  return req;
}

}  // namespace lodestone::notify::detail
