// Diagnostic only, never used by default: LD_PRELOAD=liblodestone_nodelay_shim.so sets
// TCP_NODELAY on every socket the process accepts. bench/ws/compare.py runs Lodestone once more
// with it ("lodestone+nodelay", reported apart from the comparison) to show what turning Nagle's
// algorithm off on the daemon's connections would change, without touching web/ (whose owner
// decides the real fix, e.g. `socket.set_option(tcp::no_delay(true))` on accept).
#include <dlfcn.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

namespace {
void nodelay(int fd) {
  if (fd >= 0) {
    int one = 1;
    (void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }
}
using accept_fn = int (*)(int, sockaddr*, socklen_t*);
using accept4_fn = int (*)(int, sockaddr*, socklen_t*, int);
}  // namespace

extern "C" int accept(int fd, sockaddr* addr, socklen_t* len) {
  static auto real = reinterpret_cast<accept_fn>(dlsym(RTLD_NEXT, "accept"));
  const int s = real(fd, addr, len);
  nodelay(s);
  return s;
}

extern "C" int accept4(int fd, sockaddr* addr, socklen_t* len, int flags) {
  static auto real = reinterpret_cast<accept4_fn>(dlsym(RTLD_NEXT, "accept4"));
  const int s = real(fd, addr, len, flags);
  nodelay(s);
  return s;
}
