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

  // Parses one line. The error names the field and what was wrong with it.
  Result<CanonicalEvent> parse(std::string_view line);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace lodestone::feeds
