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
  // The raw value query_param reads as the token (the first "token=" pair after the '?'): when it
  // is alphanumeric (so the same raw and decoded), at least 8 long and appears nowhere else in the
  // target, the log line must not contain it: the marker and separators are not alphanumeric.
  if (const auto q = target.find('?'); q != std::string_view::npos) {
    std::string_view rest = target.substr(q + 1);
    std::string_view raw;
    bool found = false;
    while (!found) {
      const auto amp = rest.find('&');
      const std::string_view pair = rest.substr(0, amp);
      const auto eq = pair.find('=');
      if (pair.substr(0, eq) == "token") {
        raw = eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1);
        found = true;
      }
      if (amp == std::string_view::npos) break;
      rest.remove_prefix(amp + 1);
    }
    const bool alnum = raw.size() >= 8 && std::all_of(raw.begin(), raw.end(), [](char c) {
                         return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
                       });
    const auto first = target.find(raw);
    if (found && alnum && target.find(raw, first + 1) == std::string_view::npos &&
        std::string_view("redacted").find(raw) == std::string_view::npos && logged.find(raw) != std::string::npos)
      __builtin_trap();
  }
  return 0;
}
