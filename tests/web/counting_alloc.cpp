#include "counting_alloc.hpp"

#include <atomic>
#include <cstddef>
#include <cstdlib>

#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || __has_feature(memory_sanitizer)
#define LODESTONE_COUNT_WITH_SANITIZER 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define LODESTONE_COUNT_WITH_SANITIZER 1
#endif

namespace {
std::atomic<bool> counting{false};
std::atomic<std::uint64_t> allocations{0};
inline void counted() {
  if (counting.load(std::memory_order_relaxed)) allocations.fetch_add(1, std::memory_order_relaxed);
}
}  // namespace

#if defined(LODESTONE_COUNT_WITH_SANITIZER)
#include <sanitizer/allocator_interface.h>

namespace {
void on_malloc(const volatile void*, std::size_t) { counted(); }
void on_free(const volatile void*) {}
// Installed before main (the hooks see every allocation, from operator new and malloc alike).
const bool hooks_installed = __sanitizer_install_malloc_and_free_hooks(on_malloc, on_free) != 0;
}  // namespace

namespace lodestone::test {
bool AllocationCount::available() { return hooks_installed; }
}  // namespace lodestone::test

#else
// glibc's own entry points: the interposed functions count, then hand over. operator new calls
// malloc, so it is counted here too.
extern "C" {
void* __libc_malloc(std::size_t);
void* __libc_calloc(std::size_t, std::size_t);
void* __libc_realloc(void*, std::size_t);
void* __libc_memalign(std::size_t, std::size_t);
void __libc_free(void*);

void* malloc(std::size_t n) {
  counted();
  return __libc_malloc(n);
}
void* calloc(std::size_t n, std::size_t size) {
  counted();
  return __libc_calloc(n, size);
}
void* realloc(void* p, std::size_t n) {
  counted();
  return __libc_realloc(p, n);
}
void* memalign(std::size_t align, std::size_t n) {
  counted();
  return __libc_memalign(align, n);
}
void* aligned_alloc(std::size_t align, std::size_t n) {
  counted();
  return __libc_memalign(align, n);
}
int posix_memalign(void** out, std::size_t align, std::size_t n) {
  counted();
  void* p = __libc_memalign(align, n);
  if (!p) return 12;  // ENOMEM
  *out = p;
  return 0;
}
void free(void* p) { __libc_free(p); }
}

namespace lodestone::test {
bool AllocationCount::available() { return true; }
}  // namespace lodestone::test
#endif

namespace lodestone::test {
void AllocationCount::start() {
  allocations.store(0);
  counting.store(true);
}
void AllocationCount::stop() { counting.store(false); }
std::uint64_t AllocationCount::count() { return allocations.load(); }
}  // namespace lodestone::test
