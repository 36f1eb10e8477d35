// Any bytes as a Tencent answer: decoded as GBK, parsed; every quote that comes out holds quote_fuzz_checks.hpp.
#include <cstdint>
#include <string_view>

#include "lodestone/feeds/charset.hpp"
#include "lodestone/feeds/tencent.hpp"
#include "quote_fuzz_checks.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace lodestone::feeds;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  QuoteBatch batch;
  parse_tencent(to_utf8(bytes, Charset::Gb18030).text, batch);
  parse_tencent(bytes, batch);
  fuzz::check_quotes(batch);
  return 0;
}
