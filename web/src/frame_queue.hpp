#pragma once
// A FIFO of frames that keeps its memory: a ring that doubles when full and never gives memory
// back on its own (std::deque frees and takes a block every few dozen messages as a queue moves,
// which is an allocation per so many deliveries). An empty, never-used queue holds no memory,
// which matters for 10 000 idle clients; shrink() gives a grown ring back once it is empty.
#include <cstddef>
#include <memory>
#include <utility>

#include "shared_frame.hpp"

namespace lodestone::web {

class FrameQueue {
 public:
  [[nodiscard]] bool empty() const { return size_ == 0; }
  [[nodiscard]] std::size_t size() const { return size_; }
  [[nodiscard]] std::size_t capacity() const { return capacity_; }
  [[nodiscard]] SharedFrame& front() { return slots_[head_]; }
  [[nodiscard]] const SharedFrame& front() const { return slots_[head_]; }

  void push_back(SharedFrame frame) {
    if (size_ == capacity_) grow();
    slots_[(head_ + size_) & (capacity_ - 1)] = std::move(frame);
    ++size_;
  }
  // Removes the oldest frame (the queue must not be empty).
  void pop_front() {
    slots_[head_] = SharedFrame();  // its payload is let go now, not when the slot is reused
    head_ = (head_ + 1) & (capacity_ - 1);
    --size_;
  }
  void clear() {
    while (!empty()) pop_front();
    head_ = 0;
  }
  // Gives the memory back when empty and grown beyond `keep` slots.
  void shrink(std::size_t keep) {
    if (size_ != 0 || capacity_ <= keep) return;
    slots_.reset();
    capacity_ = 0;
    head_ = 0;
  }

 private:
  void grow() {
    const std::size_t bigger = capacity_ == 0 ? 8 : 2 * capacity_;
    auto next = std::make_unique<SharedFrame[]>(bigger);
    for (std::size_t i = 0; i < size_; ++i) next[i] = std::move(slots_[(head_ + i) & (capacity_ - 1)]);
    slots_ = std::move(next);
    capacity_ = bigger;
    head_ = 0;
  }

  std::unique_ptr<SharedFrame[]> slots_;
  std::size_t capacity_ = 0;  // a power of two (or 0)
  std::size_t head_ = 0;
  std::size_t size_ = 0;
};

}  // namespace lodestone::web
