#pragma once
#include <sodium.h>

#include <stdexcept>

namespace lodestone::auth {

// sodium_init() once per process before the first call into libsodium (it is idempotent and
// thread-safe itself; a failure means the library cannot work at all: a startup error).
inline void ensure_sodium() {
  static const bool ok = sodium_init() >= 0;
  if (!ok) throw std::runtime_error("libsodium could not be initialised");
}

}  // namespace lodestone::auth
