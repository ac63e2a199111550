// EventQueue: the future event set, a radix heap (Ahuja, Mehlhorn, Orlin & Tarjan 1990) over a
// 64-bit key = (time_ns << 3) | phase. Events fire in (time, phase, sequence) order: equal times
// run in phase order, and equal (time, phase) in the order they were scheduled (FIFO).
//
// It relies on the monotonicity of discrete-event simulation: an event is never scheduled before
// the (time, phase) of the last event popped. Given that, each bucket is kept in sequence order
// (a bucket only receives a redistribution while empty, and later pushes carry larger sequence
// numbers), so FIFO needs no extra comparisons.
//
// Cost per operation, n = pending events, c = pending cancellations:
//   Push         O(1): one xor + count-leading-zeros + vector append.
//   Pop          amortized O(1) moves per bucket level an event descends; at most 64 levels per
//                event over its lifetime, in practice 2-4 for exponential-like delays. Scans
//                are sequential (cache friendly), unlike a binary heap's random sift-down.
//   Cancel       O(log c): the handle's key goes into a min-heap of cancelled keys; the event is
//                skipped when it reaches the front (lazy cancellation).
// Memory: 24 bytes per pending event (plus cancelled-but-not-yet-popped ones). Bucket vectors keep
// their capacity, so the steady state performs no heap allocation.
// Not thread-safe: one queue per simulation.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "sim/check.h"
#include "sim/time.h"

namespace shardsim {

// Same-instant ordering. Lower phases run first at equal times.
enum class Phase : uint8_t {
  kBoundary = 1,  // window and period boundaries roll before anything else at that instant
  kDefault = 4,   // ordinary work
  kObserve = 7,   // sampling and end-of-instant statistics see the instant's final state
};
inline constexpr int kPhaseBits = 3;
inline constexpr int64_t kMaxQueueTimeNanos = (int64_t{1} << (63 - kPhaseBits)) - 1;

// Identifies one scheduled event. A handle is stale once its event has fired or been cancelled:
// the key and the unique sequence number act as the generation, so a stale handle can never
// cancel a different event.
struct EventHandle {
  uint64_t key = 0;
  uint64_t seq = ~uint64_t{0};
  bool valid() const { return seq != ~uint64_t{0}; }
};

struct QueuedEvent {
  uint64_t key;     // (time_ns << kPhaseBits) | phase
  uint64_t seq;     // schedule order, unique
  uint32_t target;  // handler index
  uint32_t tag;     // handler-defined payload
  SimTime time() const { return SimTime::FromNanos(static_cast<int64_t>(key >> kPhaseBits)); }
  Phase phase() const { return static_cast<Phase>(key & ((1u << kPhaseBits) - 1)); }
};

class EventQueue {
 public:
  EventQueue() = default;
  EventQueue(const EventQueue&) = delete;
  EventQueue& operator=(const EventQueue&) = delete;

  static uint64_t MakeKey(SimTime t, Phase p) {
    return (static_cast<uint64_t>(t.nanos()) << kPhaseBits) | static_cast<uint64_t>(p);
  }

  // REQUIRES: 0 <= t <= kMaxQueueTimeNanos and (t, p) not before the last popped event.
  EventHandle Push(SimTime t, Phase p, uint32_t target, uint32_t tag) {
    SHARDSIM_CHECK(t.nanos() >= 0 && t.nanos() <= kMaxQueueTimeNanos, "event time out of range");
    const uint64_t key = MakeKey(t, p);
    SHARDSIM_CHECK(key >= last_, "event scheduled before the current (time, phase)");
    const QueuedEvent e{key, next_seq_++, target, tag};
    const int b = BucketOf(key);
    buckets_[b].push_back(e);
    if (b != 0) occupied_ |= uint64_t{1} << (b - 1);
    ++size_;
    return EventHandle{key, e.seq};
  }

  // Marks the event cancelled and resets h. Returns false for a handle whose event already fired
  // or that is already reset (stale). REQUIRES: the event was not cancelled before through a copy
  // of the handle.
  bool Cancel(EventHandle& h);

  // Pops the next live event if its key is <= limit_key. Returns false (and changes nothing
  // observable) when the queue is empty or the next event is later than limit_key.
  bool PopUntil(uint64_t limit_key, QueuedEvent* out);
  bool Pop(QueuedEvent* out) { return PopUntil(~uint64_t{0}, out); }

  // Live events pending (scheduled, not fired, not cancelled).
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  uint64_t last_key() const { return last_; }

 private:
  static constexpr int kBuckets = 65;
  int BucketOf(uint64_t key) const {
    const uint64_t x = key ^ last_;
    return x == 0 ? 0 : 64 - __builtin_clzll(x);
  }
  bool IsCancelled(const QueuedEvent& e);
  bool RefillBucketZero(uint64_t limit_key);

  std::array<std::vector<QueuedEvent>, kBuckets> buckets_{};
  size_t head0_ = 0;        // next unread index of bucket 0 (FIFO)
  uint64_t occupied_ = 0;   // bit i set => bucket i+1 may be non-empty
  uint64_t last_ = 0;       // key of the last redistribution minimum (<= every pending key)
  uint64_t next_seq_ = 0;
  size_t size_ = 0;
  std::vector<EventHandle> cancelled_;  // min-heap by (key, seq)
};

}  // namespace shardsim
