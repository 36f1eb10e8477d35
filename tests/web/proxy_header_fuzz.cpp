// PROXY protocol v1 headers from the network (a trusted balancer's, or anything a misconfigured
// one lets through): whatever the bytes, the parser answers within the 107-byte bound.
#include <cstdint>
#include <string_view>

#include "proxy_header.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const auto h = lodestone::web::parse_proxy_header(bytes);
  using State = lodestone::web::ProxyHeader::State;
  if (h.state == State::Done) {
    // The header is all there, ends in its CRLF, and is never longer than the bound.
    if (h.length > lodestone::web::kMaxProxyHeaderV1 || h.length > size) __builtin_trap();
    if (bytes.substr(h.length - 2, 2) != "\r\n" || !bytes.starts_with("PROXY ")) __builtin_trap();
  }
  if (h.state == State::NeedMore && size >= lodestone::web::kMaxProxyHeaderV1) __builtin_trap();
  if (h.state == State::Invalid && h.error.empty()) __builtin_trap();
  // A prefix of a complete header is never refused: the reader would drop a slow balancer.
  if (h.state == State::Done)
    for (std::size_t n = 0; n < h.length; ++n)
      if (lodestone::web::parse_proxy_header(bytes.substr(0, n)).state != State::NeedMore) __builtin_trap();
  return 0;
}
