// Request targets from the network: query parameters, percent-decoding, static file paths.
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
  return 0;
}
