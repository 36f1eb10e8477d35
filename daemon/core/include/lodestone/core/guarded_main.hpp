#pragma once
// A program's main around its real work: what escapes `run` is a start-up failure (exceptions
// are for start-up and programmer errors), so it is said on stderr with the program's name and
// the exit status is 1, rather than terminate() and a core dump under systemd.
#include <cstdio>
#include <exception>

namespace lodestone {

template <class Run>
int guarded_main(const char* program, Run&& run) noexcept {
  try {
    return run();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: %s\n", program, e.what());
  } catch (...) {
    std::fprintf(stderr, "%s: an unknown exception\n", program);
  }
  return 1;
}

}  // namespace lodestone
