#pragma once
// A body of canonical NDJSON (POST /api/v1/ingest, a tape held in memory): one event per line.
// The walker splits the lines, skips blank ones, parses each with the canonical parser and calls
// back once per line, in order, with the line's number (from 1), so the caller can report
// "line N: message" and count each refusal by its ErrorCode.
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

#include "lodestone/core/result.hpp"
#include "lodestone/feeds/canonical.hpp"

namespace lodestone::feeds {

struct NdjsonLine {
  std::size_t number = 0;  // 1-based, blank lines counted
  std::string_view text;   // without the line feed
};

struct NdjsonCallbacks {
  std::function<void(CanonicalEvent& event, const NdjsonLine& line)> on_event;
  std::function<void(const Error& error, const NdjsonLine& line)> on_error;
};

struct NdjsonCounts {
  std::size_t events = 0;
  std::size_t errors = 0;
};

// Walks `body` (a last line without a line feed counts). `parser` is reused between lines.
NdjsonCounts walk_ndjson(std::string_view body, CanonicalParser& parser, const NdjsonCallbacks& callbacks);

// "line 7: field 'last': …", the form ingest reports list their refusals in.
std::string line_message(std::size_t line, std::string_view message);

}  // namespace lodestone::feeds
