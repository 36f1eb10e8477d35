#pragma once
// The canonical event format (one JSON object per line): the contract for tapes, the HTTP
// ingest endpoint and tests. See issue #2 "Canonical events" and web/PROTOCOL.md.
#include <memory>
#include <string_view>
#include <variant>

#include "lodestone/core/events.hpp"
#include "lodestone/core/result.hpp"

namespace lodestone::feeds {

using CanonicalEvent = std::variant<Quote, Headline>;

// Reusable parser (keeps its buffers between lines). Not thread-safe: one per feed.
class CanonicalParser {
 public:
  CanonicalParser();
  ~CanonicalParser();
  CanonicalParser(const CanonicalParser&) = delete;
  CanonicalParser& operator=(const CanonicalParser&) = delete;

  // Parses one line. The error's code says what kind of wrong, for counters: bad_json (not
  // JSON, truncated, trailing content), bad_encoding (not UTF-8), bad_event (empty, not an
  // object, no or an unknown type), missing_field, bad_price, bad_volume, bad_time, bad_symbol,
  // bad_text (control or bidirectional characters), bad_field; its message names the field and
  // what was wrong with it.
  Result<CanonicalEvent> parse(std::string_view line);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace lodestone::feeds
