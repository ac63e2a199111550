// EventTag<Kind, kKindBits>: a component's 32-bit event tag (Component::OnEvent) as the pair
// (index, kind): tag = index << kKindBits | kind, where index names the object the event is for
// (a call, a shard, a slot) and kind what happens to it. Packing checks that the index fits in the
// 32 - kKindBits bits left: a wrapped index would deliver the event to another object silently.
// Stateless; thread-safe.
#pragma once

#include <cstdint>
#include <type_traits>

#include "sim/check.h"

namespace shardsim {

template <class Kind, int kKindBits>
struct EventTag {
  static_assert(kKindBits >= 1 && kKindBits <= 8, "a few bits of kind, the rest for the index");
  static constexpr uint32_t kKindMask = (uint32_t{1} << kKindBits) - 1;
  static constexpr uint64_t kMaxIndex = ~uint32_t{0} >> kKindBits;

  // REQUIRES: index <= kMaxIndex (checked); kind < 2^kKindBits (checked, folded for constants).
  static uint32_t Pack(uint64_t index, Kind kind) {
    SHARDSIM_CHECK(index <= kMaxIndex, "event tag index out of range");
    const auto k = static_cast<uint32_t>(kind);
    SHARDSIM_CHECK(k <= kKindMask, "event kind does not fit its tag bits");
    return static_cast<uint32_t>(index) << kKindBits | k;
  }
  static uint32_t Index(uint32_t tag) { return tag >> kKindBits; }
  static Kind KindOf(uint32_t tag) { return static_cast<Kind>(tag & kKindMask); }
};

}  // namespace shardsim
