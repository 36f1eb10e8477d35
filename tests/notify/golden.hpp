#pragma once
// Golden files: what each service is sent, written out readably (the URL with its token replaced
// by a marker, the headers, the body pretty-printed; an e-mail with its parts decoded after it).
// A mismatch fails with a line diff; LODESTONE_UPDATE_GOLDEN=1 rewrites the files instead.
#include <string>
#include <string_view>

#include "lodestone/notify/outbound.hpp"

namespace lodestone::notify::testing {

// JSON re-indented two spaces a level; strings (and their escapes) byte for byte.
std::string pretty_json(std::string_view json);

// The request as a golden file shows it: "POST <url>", headers, a blank line, the body. Every
// occurrence of the receiver's secret and of "TEST_TOKEN" is replaced by <secret> / <token>.
std::string describe(const OutboundRequest& request, const ReceiverConfig& receiver);

// Compares `actual` with tests/notify/golden/<name>.txt (gtest failure with a diff on mismatch).
void expect_golden(const std::string& name, const std::string& actual);

// A line diff of two texts ("- expected", "+ actual", with two lines of context).
std::string line_diff(std::string_view expected, std::string_view actual);

}  // namespace lodestone::notify::testing
