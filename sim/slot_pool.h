// SlotPool<T>: objects named by dense 32-bit ids and recycled through a free list, so that event
// tags can carry an object's id and the steady state allocates nothing: a recycled slot keeps its
// members' capacity (and its other contents: the caller resets what it needs after Allocate).
// Ids are reused most recently freed first. Memory: the most slots ever live at once.
// Not thread-safe: one pool per component.
#pragma once

#include <cstdint>
#include <vector>

#include "sim/check.h"

namespace shardsim {

template <class T>
class SlotPool {
 public:
  SlotPool() = default;
  SlotPool(const SlotPool&) = delete;
  SlotPool& operator=(const SlotPool&) = delete;
  SlotPool(SlotPool&&) noexcept = default;
  SlotPool& operator=(SlotPool&&) noexcept = default;

  // The id of a free slot: the most recently freed one, or a new value-initialised slot on which
  // `on_new(T&)` runs first (to reserve capacity, say).
  template <class OnNew>
  uint32_t Allocate(OnNew&& on_new) {
    if (!free_.empty()) {
      const uint32_t id = free_.back();
      free_.pop_back();
      live_[id] = 1;
      return id;
    }
    SHARDSIM_CHECK(slots_.size() < kMaxSlots, "slot pool exhausted");
    const auto id = static_cast<uint32_t>(slots_.size());
    slots_.emplace_back();
    live_.push_back(1);
    on_new(slots_.back());
    return id;
  }
  uint32_t Allocate() {
    return Allocate([](T&) {});
  }

  // Returns a slot to the pool. REQUIRES: `id` is allocated (a double free aborts).
  void Free(uint32_t id) {
    SHARDSIM_CHECK(id < live_.size() && live_[id], "slot freed twice or never allocated");
    live_[id] = 0;
    free_.push_back(id);
  }

  // REQUIRES: id < size(). Unchecked, like std::vector: ids come from Allocate.
  T& operator[](uint32_t id) { return slots_[id]; }
  const T& operator[](uint32_t id) const { return slots_[id]; }
  // Whether `id` is allocated (for end-of-run sweeps over size()).
  bool live(uint32_t id) const { return id < live_.size() && live_[id] != 0; }
  // Slots ever created, live or free; ids are [0, size()).
  uint32_t size() const { return static_cast<uint32_t>(slots_.size()); }

 private:
  static constexpr size_t kMaxSlots = ~uint32_t{0};  // ids are 32 bits, ~0 reserved as "none"
  std::vector<T> slots_;
  std::vector<uint8_t> live_;
  std::vector<uint32_t> free_;
};

}  // namespace shardsim
