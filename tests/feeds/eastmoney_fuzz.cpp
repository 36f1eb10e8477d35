// Any bytes as an Eastmoney answer; the first byte picks the scaling mode; every
// quote that comes out holds quote_fuzz_checks.hpp.
#include <cstdint>
#include <string_view>

#include "lodestone/feeds/eastmoney.hpp"
#include "quote_fuzz_checks.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace lodestone::feeds;
  if (size == 0) return 0;
  static EastmoneyParser parsers[3] = {EastmoneyParser(EastmoneyScaling::Auto),
                                       EastmoneyParser(EastmoneyScaling::Decimal),
                                       EastmoneyParser(EastmoneyScaling::Scaled)};
  QuoteBatch batch;
  parsers[data[0] % 3].parse(std::string_view(reinterpret_cast<const char*>(data + 1), size - 1), batch);
  fuzz::check_quotes(batch);
  return 0;
}
