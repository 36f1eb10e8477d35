#pragma once
// The daemon's three signals (SIGINT, SIGTERM: stop; SIGHUP: reload) are read from a signalfd,
// never taken by a handler. asio::signal_set puts the default action back when it is destroyed,
// and a SIGTERM landing in that moment (systemd or a test sending a second one while the daemon
// exits) killed a process that was stopping cleanly: status 143 instead of 0. Blocked in every
// thread from the start, the signals wait to be read; one that comes after the last read dies
// with the process, unread and harmless.
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/system/error_code.hpp>
#include <functional>

#include "lodestone/net/net.hpp"

namespace lodestone::app {

// Blocks SIGINT, SIGTERM and SIGHUP in the calling thread. Call it before any thread starts:
// threads inherit the mask, and a thread that did not block them would take their default action.
void block_stop_signals();

class StopSignals {
 public:
  using Handler = std::function<void(boost::system::error_code, int)>;

  // Opens the signalfd for the blocked signals; throws std::system_error (start-up) if it cannot.
  explicit StopSignals(const net::any_io_executor& executor);

  // `handler(ec, signal)` for the next signal, once; like signal_set, wait again for the next.
  // On cancel() the handler gets operation_aborted.
  void async_wait(Handler handler);
  void cancel();

 private:
  boost::asio::posix::stream_descriptor fd_;
};

}  // namespace lodestone::app
