// Request targets from the network: query parameters, percent-decoding, static file paths.
#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>

#include "http_util.hpp"
#include "static_files.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view target(reinterpret_cast<const char*>(data), size);
  (void)lodestone::web::query_param(target, "after");
  (void)lodestone::web::query_param(target, "token");
  (void)lodestone::web::percent_decode(target);
  if (auto rel = lodestone::web::safe_relative_path(lodestone::web::path_of(target))) {
    // Whatever is accepted stays inside the root: relative, no '.'/'..'/hidden segment, no control byte.
    if (rel->empty() || rel->front() == '/') __builtin_trap();
    std::size_t start = 0;
    for (;;) {
      const auto slash = rel->find('/', start);
      const std::string seg = rel->substr(start, slash == std::string::npos ? std::string::npos : slash - start);
      if (seg.empty() || seg.front() == '.') __builtin_trap();
      if (slash == std::string::npos) break;
      start = slash + 1;
    }
    for (char c : *rel)
      if (static_cast<unsigned char>(c) < 0x20) __builtin_trap();
  }
  // The access log's view of the target: bounded, no control bytes, and the token never in it.
  const auto logged = lodestone::web::loggable_target(target);
  if (logged.size() > 256 + 3) __builtin_trap();
  for (char c : logged)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) __builtin_trap();
  if (target.find('?') == std::string_view::npos && target.size() <= 256 && logged.size() != target.size())
    __builtin_trap();
  if (auto token = lodestone::web::query_param(target, "token")) {
    // An alphanumeric token that appears once in the target (and is not part of the marker) can
    // only reach the log line through a redaction bug: the marker and separators are not alphanumeric.
    const bool alnum = token->size() >= 8 && std::all_of(token->begin(), token->end(), [](char c) {
                         return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
                       });
    const auto first = target.find(*token);
    if (alnum && first != std::string_view::npos && target.find(*token, first + 1) == std::string_view::npos &&
        std::string_view("redacted").find(*token) == std::string_view::npos && logged.find(*token) != std::string::npos)
      __builtin_trap();
  }
  return 0;
}
