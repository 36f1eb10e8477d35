#pragma once
// `lodestone notify-test RECEIVER [--config FILE]`: sends a test message to one receiver through
// the real path (render, sign, send, classify) and prints the service's answer, so an operator
// sees at once whether a token, a secret or a robot's keyword is right.
#include <iosfwd>
#include <string>

#include "lodestone/core/clock.hpp"
#include "lodestone/notify/sender.hpp"

namespace lodestone::app {

struct NotifyTestCommand {
  std::string receiver;
  std::string config;  // "" = the built-in defaults (which configure no receivers)
};

// 0 when the service took the message; 1 when it refused or could not be reached (its answer
// on `out`); 2 for a configuration error (on `err`). The receiver's URL and secret are never
// printed.
int run_notify_test(const NotifyTestCommand& command, const Clock& clock, notify::Sender& sender, std::ostream& out,
                    std::ostream& err);

}  // namespace lodestone::app
