#pragma once
// What the web layer asks of the daemon. Implemented by the daemon's wiring; every method may
// be called from any I/O thread.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "lodestone/bus/alert_store.hpp"

namespace lodestone::web {

struct IngestReport {
  std::size_t accepted = 0;
  std::size_t rejected = 0;
  std::vector<std::string> errors;  // "line 3: field 'last': missing", first few only
};

using bus::AlertRange;

struct HttpAnswer {
  unsigned status = 200;
  std::string body;
  std::string content_type = "application/json";
};

class Api {
 public:
  virtual ~Api() = default;
  virtual std::string feeds_json() = 0;
  virtual AlertRange alerts_after(std::uint64_t after_seq, std::size_t limit) = 0;
  // The highest alert seq the store has handed out (sent in hello, so a client can tell a
  // store that restarted its numbering).
  virtual std::uint64_t last_alert_seq() = 0;
  virtual std::string news_json(std::size_t limit) = 0;
  virtual IngestReport ingest(std::string_view ndjson) = 0;
  // "ok", or why the daemon is degraded (it still serves).
  virtual bool ready(std::string& why) = 0;
  virtual std::string metrics_text() = 0;
  // Endpoints the daemon adds (rules, silences, acknowledgements): nullopt-like 404 when unknown.
  virtual HttpAnswer extra(std::string_view method, std::string_view target, std::string_view body) = 0;
};

}  // namespace lodestone::web
