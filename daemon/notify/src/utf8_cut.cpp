#include "utf8_cut.hpp"

#include <vector>

namespace lodestone::notify::detail {

std::size_t utf8_sequence_length(std::string_view s, std::size_t i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) return 1;
  std::size_t n = 0;
  unsigned cp = 0;
  unsigned min = 0;
  if ((b0 & 0xE0U) == 0xC0U) {
    n = 2;
    cp = b0 & 0x1FU;
    min = 0x80;
  } else if ((b0 & 0xF0U) == 0xE0U) {
    n = 3;
    cp = b0 & 0x0FU;
    min = 0x800;
  } else if ((b0 & 0xF8U) == 0xF0U) {
    n = 4;
    cp = b0 & 0x07U;
    min = 0x10000;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0U) != 0x80U) return 0;
    cp = (cp << 6) | (b & 0x3FU);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return n;
}

bool valid_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t n = utf8_sequence_length(s, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

std::string to_valid_utf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t n = utf8_sequence_length(s, i);
    if (n == 0) {
      out += "\xEF\xBF\xBD";
      ++i;
    } else {
      out.append(s.substr(i, n));
      i += n;
    }
  }
  return out;
}

namespace {

// How many `unit`s the character of `n` bytes counts for (n == 0: an ill-formed byte).
std::size_t units_of(std::size_t n, Unit unit) {
  switch (unit) {
    case Unit::Bytes:
      return n == 0 ? 1 : n;
    case Unit::Utf16:
      return n == 4 ? 2 : 1;  // only characters beyond the BMP take a surrogate pair
    case Unit::CodePoints:
      return 1;
  }
  return n;
}

// Byte offsets of every character boundary of s, 0 and s.size() included.
std::vector<std::size_t> boundaries(std::string_view s) {
  std::vector<std::size_t> out;
  out.reserve(s.size() + 1);
  out.push_back(0);
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t n = utf8_sequence_length(s, i);
    i += n == 0 ? 1 : n;
    out.push_back(i);
  }
  return out;
}

}  // namespace

std::size_t measure(std::string_view s, Unit unit) {
  if (unit == Unit::Bytes) return s.size();
  std::size_t total = 0;
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t n = utf8_sequence_length(s, i);
    total += units_of(n, unit);
    i += n == 0 ? 1 : n;
  }
  return total;
}

std::string cut(std::string_view text, std::size_t limit, Unit unit, std::string_view marker) {
  if (measure(text, unit) <= limit) return std::string(text);
  const std::size_t marker_size = measure(marker, unit);
  if (marker_size > limit) return cut(marker, limit, unit, {});
  const std::size_t budget = limit - marker_size;
  std::size_t used = 0;
  std::size_t end = 0;
  while (end < text.size()) {
    const std::size_t n = utf8_sequence_length(text, end);
    const std::size_t units = units_of(n, unit);
    if (used + units > budget) break;
    used += units;
    end += n == 0 ? 1 : n;
  }
  std::string out(text.substr(0, end));
  out += marker;
  return out;
}

std::size_t longest_prefix(std::string_view text, std::size_t budget,
                           const std::function<std::size_t(std::string_view)>& cost) {
  const auto cuts = boundaries(text);
  // The largest index k with cost(prefix up to cuts[k]) <= budget; cuts[0] = 0 may not fit either.
  std::size_t lo = 0;
  std::size_t hi = cuts.size();  // invariant: every index >= hi is too long
  if (cost(text.substr(0, 0)) > budget) return 0;
  while (hi - lo > 1) {
    const std::size_t mid = lo + (hi - lo) / 2;
    if (cost(text.substr(0, cuts[mid])) <= budget) {
      lo = mid;
    } else {
      hi = mid;
    }
  }
  return cuts[lo];
}

}  // namespace lodestone::notify::detail
