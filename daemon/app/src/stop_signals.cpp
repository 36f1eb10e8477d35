#include "lodestone/app/stop_signals.hpp"

#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <system_error>
#include <utility>

namespace lodestone::app {
namespace {

sigset_t stop_signal_set() {
  sigset_t set;
  ::sigemptyset(&set);
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) ::sigaddset(&set, sig);
  return set;
}

int open_signalfd() {
  const sigset_t set = stop_signal_set();
  const int fd = ::signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
  if (fd < 0) throw std::system_error(errno, std::generic_category(), "signalfd");
  return fd;
}

}  // namespace

void block_stop_signals() {
  const sigset_t set = stop_signal_set();
  if (const int err = ::pthread_sigmask(SIG_BLOCK, &set, nullptr); err != 0)
    throw std::system_error(err, std::generic_category(), "pthread_sigmask");
}

StopSignals::StopSignals(const net::any_io_executor& executor) : fd_(executor, open_signalfd()) {}

void StopSignals::async_wait(Handler handler) {
  fd_.async_wait(boost::asio::posix::descriptor_base::wait_read,
                 [this, handler = std::move(handler)](boost::system::error_code ec) mutable {
                   if (ec) {
                     handler(ec, 0);
                     return;
                   }
                   // One signal per read: the next async_wait finds the rest still readable.
                   signalfd_siginfo info{};
                   const ssize_t n = ::read(fd_.native_handle(), &info, sizeof info);
                   if (n != static_cast<ssize_t>(sizeof info)) {
                     // EAGAIN: another reader took it (there is none) or a spurious wake-up.
                     async_wait(std::move(handler));
                     return;
                   }
                   handler({}, static_cast<int>(info.ssi_signo));
                 });
}

void StopSignals::cancel() {
  boost::system::error_code ignored;
  fd_.cancel(ignored);
}

}  // namespace lodestone::app
