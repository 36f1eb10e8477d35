#include "golden.hpp"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <vector>

#include "signing.hpp"

namespace lodestone::notify::testing {
namespace {

std::vector<std::string> lines_of(std::string_view text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < text.size()) {
    const auto end = std::min(text.find('\n', start), text.size());
    out.emplace_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

void replace_all(std::string& text, std::string_view what, std::string_view with) {
  if (what.empty()) return;
  for (auto pos = text.find(what); pos != std::string::npos; pos = text.find(what, pos + with.size()))
    text.replace(pos, what.size(), with);
}

std::string without_cr(std::string_view text) {
  std::string out;
  for (const char c : text)
    if (c != '\r') out += c;
  return out;
}

// The base64 body of each MIME part after the blank line that ends its headers, decoded.
std::string decoded_parts(std::string_view message) {
  std::string out;
  const std::string text = without_cr(message);
  std::size_t pos = 0;
  while ((pos = text.find("Content-Transfer-Encoding: base64\n\n", pos)) != std::string::npos) {
    const std::size_t type = text.rfind("Content-Type: ", pos);
    const std::size_t start = pos + std::string_view("Content-Transfer-Encoding: base64\n\n").size();
    const std::size_t end = text.find("\n--", start);
    std::string b64;
    for (std::size_t i = start; i < end; ++i)
      if (text[i] != '\n') b64 += text[i];
    const auto decoded = detail::base64_decode(b64);
    out += "--- decoded " + text.substr(type + 14, text.find(';', type) - type - 14) + " ---\n";
    out += decoded ? without_cr(*decoded) : "(not base64)\n";
    pos = end;
  }
  return out;
}

// The message text inside a JSON body, unescaped, so a golden file shows what the reader sees.
std::string message_texts(const std::string& body) {
  static constexpr std::string_view kPointers[] = {
      "/markdown/text", "/markdown/content", "/text/content", "/card/elements/0/text/content", "/text", "/desp"};
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  const simdjson::padded_string padded(body);
  if (parser.parse(padded).get(root)) return {};
  std::string out;
  for (const auto pointer : kPointers) {
    std::string_view text;
    if (root.at_pointer(pointer).get_string().get(text)) continue;
    out += "--- " + std::string(pointer) + " as shown ---\n" + std::string(text) + "\n";
  }
  return out;
}

}  // namespace

std::string pretty_json(std::string_view json) {
  std::string out;
  int depth = 0;
  bool in_string = false;
  auto newline = [&] {
    out += '\n';
    out.append(static_cast<std::size_t>(depth) * 2, ' ');
  };
  for (std::size_t i = 0; i < json.size(); ++i) {
    const char c = json[i];
    if (in_string) {
      out += c;
      if (c == '\\' && i + 1 < json.size()) {
        out += json[++i];
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    switch (c) {
      case '"':
        in_string = true;
        out += c;
        break;
      case '{':
      case '[':
        // An empty container stays on one line.
        if (i + 1 < json.size() && (json[i + 1] == '}' || json[i + 1] == ']')) {
          out += c;
          out += json[++i];
          break;
        }
        out += c;
        ++depth;
        newline();
        break;
      case '}':
      case ']':
        --depth;
        newline();
        out += c;
        break;
      case ',':
        out += c;
        newline();
        break;
      case ':':
        out += ": ";
        break;
      default:
        out += c;
    }
  }
  out += '\n';
  return out;
}

std::string describe(const OutboundRequest& request, const ReceiverConfig& receiver) {
  std::string out;
  const auto timeout = std::to_string(request.timeout.count()) + " ms";
  if (request.transport == OutboundRequest::Transport::Smtp) {
    out += "SMTP " + request.url + "\n";
    out += "MAIL FROM: " + request.mail_from + "\n";
    for (const auto& r : request.rcpt_to) out += "RCPT TO: " + r + "\n";
    out += "AUTH: " + request.smtp_user + " / " + request.smtp_password + "\n";
    out += std::string("STARTTLS: ") + (request.starttls ? "required" : "no") + ", CA: " + request.ca_file + "\n";
    out += "timeout: " + timeout + "\n\n";
    out += without_cr(request.body);
    out += decoded_parts(request.body);
  } else {
    out += "POST " + request.url + "\n";
    for (const auto& [k, v] : request.headers) out += k + ": " + v + "\n";
    out += "timeout: " + timeout + "\n\n";
    if (request.body.empty() || request.body.front() != '{') {
      out += request.body + "\n";
    } else {
      out += pretty_json(request.body);
      out += message_texts(request.body);
    }
  }
  replace_all(out, receiver.secret, "<secret>");
  replace_all(out, "TEST_TOKEN", "<token>");
  return out;
}

std::string line_diff(std::string_view expected, std::string_view actual) {
  const auto a = lines_of(expected);
  const auto b = lines_of(actual);
  // Longest common subsequence over lines (golden files are small).
  std::vector<std::vector<std::size_t>> lcs(a.size() + 1, std::vector<std::size_t>(b.size() + 1, 0));
  for (std::size_t i = a.size(); i-- > 0;)
    for (std::size_t j = b.size(); j-- > 0;)
      lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
  struct Line {
    char tag;
    std::string text;
    std::size_t line;
  };
  std::vector<Line> script;
  std::size_t i = 0;
  std::size_t j = 0;
  while (i < a.size() || j < b.size()) {
    if (i < a.size() && j < b.size() && a[i] == b[j]) {
      script.push_back({' ', a[i], i + 1});
      ++i;
      ++j;
    } else if (i < a.size() && (j == b.size() || lcs[i + 1][j] >= lcs[i][j + 1])) {
      script.push_back({'-', a[i], i + 1});
      ++i;
    } else {
      script.push_back({'+', b[j], j + 1});
      ++j;
    }
  }
  std::ostringstream out;
  for (std::size_t k = 0; k < script.size(); ++k) {
    bool near = false;
    for (std::size_t d = (k >= 2 ? k - 2 : 0); d <= k + 2 && d < script.size(); ++d)
      near = near || script[d].tag != ' ';
    if (!near) continue;
    out << script[k].tag << ' ' << script[k].line << ": " << script[k].text << "\n";
  }
  return out.str();
}

void expect_golden(const std::string& name, const std::string& actual) {
  const std::string path = std::string(LODESTONE_SOURCE_DIR) + "/tests/notify/golden/" + name + ".txt";
  const char* update = std::getenv("LODESTONE_UPDATE_GOLDEN");
  if (update != nullptr && std::string_view(update) == "1") {
    std::ofstream(path, std::ios::binary) << actual;
    return;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    ADD_FAILURE() << "no golden file " << path << " (run with LODESTONE_UPDATE_GOLDEN=1 to write it)";
    return;
  }
  std::ostringstream expected;
  expected << in.rdbuf();
  if (expected.str() == actual) return;
  ADD_FAILURE() << "golden mismatch: " << path << " (- golden, + now; LODESTONE_UPDATE_GOLDEN=1 rewrites it)\n"
                << line_diff(expected.str(), actual);
}

}  // namespace lodestone::notify::testing
