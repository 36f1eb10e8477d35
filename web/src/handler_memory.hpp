#pragma once
// Recycled memory for an object's asynchronous operations of one kind, started one at a time
// (a session's posted write, its stream's socket write): asio takes an operation's memory from
// the completion handler's associated allocator, and by default that is malloc (its per-thread
// cache holds two blocks, which a broadcast to 1,000 sessions empties at once). With a
// HandlerAllocator bound to the handler, the operation lives in the object's own block, so the
// steady path never reaches malloc. An operation larger than the block, or a second one while
// the first holds it, falls back to operator new: never wrong, only slower.
//
// asio gives an operation's memory back before it runs the handler, so the next operation of
// the same kind, started from that handler, finds the block free. The block must outlive every
// operation that uses it: keep it in the object the handler keeps alive.
#include <atomic>
#include <cstddef>
#include <new>

namespace lodestone::web {

template <std::size_t Size>
class HandlerMemory {
 public:
  HandlerMemory() = default;
  HandlerMemory(const HandlerMemory&) = delete;
  HandlerMemory& operator=(const HandlerMemory&) = delete;

  void* allocate(std::size_t bytes) {
    // The flag is atomic because the operation may be freed on another I/O thread than the one
    // that starts the next (with several I/O threads): the exchange orders the two.
    if (bytes <= Size && !in_use_.exchange(true, std::memory_order_acquire)) return storage_;
    return ::operator new(bytes);
  }
  void deallocate(void* pointer) {
    if (pointer == storage_) {
      in_use_.store(false, std::memory_order_release);
    } else {
      ::operator delete(pointer);
    }
  }

 private:
  alignas(std::max_align_t) unsigned char storage_[Size];
  std::atomic<bool> in_use_{false};
};

// The allocator asio rebinds to each operation's type; all of them share one HandlerMemory.
template <class T, std::size_t Size>
class HandlerAllocator {
 public:
  using value_type = T;
  explicit HandlerAllocator(HandlerMemory<Size>& memory) noexcept : memory_(&memory) {}
  template <class U>
  HandlerAllocator(const HandlerAllocator<U, Size>& other) noexcept : memory_(other.memory_) {}  // NOLINT: rebinding
  template <class U>
  struct rebind {
    using other = HandlerAllocator<U, Size>;
  };

  T* allocate(std::size_t n) {
    static_assert(alignof(T) <= alignof(std::max_align_t), "the block is aligned for max_align_t only");
    return static_cast<T*>(memory_->allocate(sizeof(T) * n));
  }
  void deallocate(T* pointer, std::size_t) noexcept { memory_->deallocate(pointer); }
  template <class U>
  bool operator==(const HandlerAllocator<U, Size>& other) const noexcept {
    return memory_ == other.memory_;
  }

 private:
  template <class, std::size_t>
  friend class HandlerAllocator;
  HandlerMemory<Size>* memory_;
};

}  // namespace lodestone::web
