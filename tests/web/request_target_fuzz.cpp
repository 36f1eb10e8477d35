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
    // Whatever is accepted stays inside the root.
    if (rel->find("..") != std::string::npos || rel->front() == '/') __builtin_trap();
  }
  return 0;
}
