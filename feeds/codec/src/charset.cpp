#include "lodestone/feeds/charset.hpp"

#include <iconv.h>

#include <cerrno>
#include <stdexcept>

namespace lodestone::feeds {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i])) return false;
  return true;
}

// Length of the valid UTF-8 sequence at s[i], or 0 if it is not one (overlong forms,
// surrogates and code points past U+10FFFF are invalid).
std::size_t utf8_sequence(std::string_view s, std::size_t i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) return 1;
  std::size_t n = 0;
  unsigned lo = 0x80;
  unsigned hi = 0xBF;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    n = 2;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    n = 3;
    if (b0 == 0xE0) lo = 0xA0;
    if (b0 == 0xED) hi = 0x9F;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    n = 4;
    if (b0 == 0xF0) lo = 0x90;
    if (b0 == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  const auto b1 = static_cast<unsigned char>(s[i + 1]);
  if (b1 < lo || b1 > hi) return 0;
  for (std::size_t k = 2; k < n; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if (b < 0x80 || b > 0xBF) return 0;
  }
  return n;
}

Decoded sanitize_utf8(std::string_view bytes) {
  Decoded out;
  out.text.reserve(bytes.size());
  std::size_t i = 0;
  while (i < bytes.size()) {
    // Copy runs of ASCII at once: almost all of a quote answer.
    std::size_t j = i;
    while (j < bytes.size() && static_cast<unsigned char>(bytes[j]) < 0x80) ++j;
    out.text.append(bytes.data() + i, j - i);
    i = j;
    if (i == bytes.size()) break;
    if (std::size_t n = utf8_sequence(bytes, i); n > 0) {
      out.text.append(bytes.data() + i, n);
      i += n;
    } else {
      out.text.append(kReplacement);
      ++out.invalid;
      ++i;
    }
  }
  return out;
}

// One converter per thread: iconv_open costs far more than converting a quote answer.
class Gb18030Converter {
 public:
  Gb18030Converter() : cd_(iconv_open("UTF-8", "GB18030")) {
    // NOLINTNEXTLINE(performance-no-int-to-ptr): iconv_open reports failure as (iconv_t)-1
    if (cd_ == reinterpret_cast<iconv_t>(-1)) throw std::runtime_error("iconv has no GB18030 converter");
  }
  ~Gb18030Converter() { iconv_close(cd_); }
  Gb18030Converter(const Gb18030Converter&) = delete;
  Gb18030Converter& operator=(const Gb18030Converter&) = delete;

  Decoded convert(std::string_view bytes) {
    Decoded out;
    iconv(cd_, nullptr, nullptr, nullptr, nullptr);
    out.text.resize(bytes.size() * 2 + 16);
    char* in = const_cast<char*>(bytes.data());  // iconv's signature is not const-correct
    std::size_t in_left = bytes.size();
    std::size_t used = 0;
    while (in_left > 0) {
      char* dst = out.text.data() + used;
      std::size_t dst_left = out.text.size() - used;
      const std::size_t rc = iconv(cd_, &in, &in_left, &dst, &dst_left);
      used = out.text.size() - dst_left;
      if (rc != static_cast<std::size_t>(-1)) break;
      if (errno == E2BIG) {
        out.text.resize(out.text.size() * 2);
        continue;
      }
      // EILSEQ (invalid) or EINVAL (cut short at the end): replace one byte and go on.
      if (out.text.size() - used < kReplacement.size()) out.text.resize(out.text.size() * 2);
      out.text.replace(used, kReplacement.size(), kReplacement);
      used += kReplacement.size();
      ++out.invalid;
      ++in;
      --in_left;
      iconv(cd_, nullptr, nullptr, nullptr, nullptr);
    }
    out.text.resize(used);
    return out;
  }

 private:
  iconv_t cd_;
};

}  // namespace

Charset charset_from_content_type(std::string_view content_type, Charset fallback) {
  std::size_t pos = 0;
  while (pos < content_type.size()) {
    std::size_t semi = content_type.find(';', pos);
    if (semi == std::string_view::npos) semi = content_type.size();
    std::string_view param = content_type.substr(pos, semi - pos);
    pos = semi + 1;
    while (!param.empty() && (param.front() == ' ' || param.front() == '\t')) param.remove_prefix(1);
    if (param.size() < 8 || !iequals(param.substr(0, 8), "charset=")) continue;
    std::string_view name = param.substr(8);
    while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) name.remove_suffix(1);
    if (name.size() >= 2 && name.front() == '"' && name.back() == '"') name = name.substr(1, name.size() - 2);
    if (iequals(name, "utf-8") || iequals(name, "utf8") || iequals(name, "us-ascii")) return Charset::Utf8;
    if (iequals(name, "gbk") || iequals(name, "gb2312") || iequals(name, "gb18030") || iequals(name, "cp936") ||
        iequals(name, "x-gbk")) {
      return Charset::Gb18030;
    }
    return fallback;
  }
  return fallback;
}

Decoded to_utf8(std::string_view bytes, Charset charset) {
  if (charset == Charset::Utf8) return sanitize_utf8(bytes);
  // Pure ASCII (an answer of codes and numbers) needs no conversion.
  bool ascii = true;
  for (char c : bytes) {
    if (static_cast<unsigned char>(c) >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (ascii) return Decoded{std::string(bytes), 0};
  thread_local Gb18030Converter converter;
  return converter.convert(bytes);
}

}  // namespace lodestone::feeds
