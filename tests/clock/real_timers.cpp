// Preloaded ahead of libfaketime by under_faketime.sh: the timerfd calls go straight to the
// kernel. The clock tests leave the monotonic clock real (FAKETIME_DONT_FAKE_MONOTONIC), yet
// libfaketime 0.9.10 still rewrites an absolute timerfd expiry as if it were on the faked wall
// clock. Asio arms its timerfd (CLOCK_MONOTONIC) with the absolute time 1 ns whenever a timer is
// already due, so under an instant in the past every due timer moved hours ahead, and under one in
// the future it was disarmed: the daemon's zero-delay shutdown step never ran (clock.saturday_0300
// hung once its instant was behind the real clock). A timerfd here is only ever on the monotonic
// clock, which nothing fakes, so the kernel's own answer is the right one.
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <unistd.h>

extern "C" {

int timerfd_settime(int fd, int flags, const struct itimerspec* new_value, struct itimerspec* old_value) {
  return static_cast<int>(::syscall(SYS_timerfd_settime, fd, flags, new_value, old_value));
}

int timerfd_gettime(int fd, struct itimerspec* current) {
  return static_cast<int>(::syscall(SYS_timerfd_gettime, fd, current));
}

}  // extern "C"
