#pragma once
// Wiring: reference data, stores, pipeline, feeds and the web server on one io_context;
// SIGINT/SIGTERM shut down gracefully, SIGHUP reloads what can be reloaded.
#include <memory>
#include <string>

#include "lodestone/app/config.hpp"
#include "lodestone/core/clock.hpp"

namespace lodestone::app {

struct RunOptions {
  std::string port_file;  // written with the bound port once listening (tests use port 0)
};

// Runs until a shutdown signal; returns the process exit code. Every "now" the daemon reads
// comes from `clock`.
int serve(const Config& config, const RunOptions& options, const Clock& clock = system_clock());

}  // namespace lodestone::app
