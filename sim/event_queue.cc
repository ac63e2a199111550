// EventQueue implementation: radix-heap redistribution and lazy cancellation. See event_queue.h.
#include "sim/event_queue.h"

#include <algorithm>

namespace shardsim {
namespace {
// Min-heap order on (key, seq) for the cancelled set: std heap functions build a max-heap, so the
// comparator is "greater".
bool CancelGreater(const EventHandle& a, const EventHandle& b) {
  return a.key != b.key ? a.key > b.key : a.seq > b.seq;
}
}  // namespace

bool EventQueue::Cancel(EventHandle& h) {
  if (!h.valid() || h.seq >= next_seq_) return false;
  const EventHandle copy = h;
  h = EventHandle{};
  // Events fire in (key, seq) order, so an event whose key is below the last redistribution
  // minimum has fired. Within bucket 0 (key == last_), entries before head0_ have fired.
  if (copy.key < last_) return false;
  if (copy.key == last_) {
    const auto& b0 = buckets_[0];
    if (head0_ >= b0.size() || copy.seq < b0[head0_].seq) return false;
  }
  cancelled_.push_back(copy);
  std::push_heap(cancelled_.begin(), cancelled_.end(), CancelGreater);
  --size_;
  return true;
}

bool EventQueue::IsCancelled(const QueuedEvent& e) {
  if (cancelled_.empty()) return false;
  const EventHandle& top = cancelled_.front();
  if (top.key != e.key || top.seq != e.seq) return false;
  std::pop_heap(cancelled_.begin(), cancelled_.end(), CancelGreater);
  cancelled_.pop_back();
  return true;
}

// Moves the lowest non-empty bucket into bucket 0 if its minimum key is <= limit_key.
bool EventQueue::RefillBucketZero(uint64_t limit_key) {
  auto& b0 = buckets_[0];
  b0.clear();
  head0_ = 0;
  if (occupied_ == 0) return false;
  const int b = __builtin_ctzll(occupied_) + 1;
  auto& src = buckets_[b];
  SHARDSIM_CHECK(!src.empty(), "occupancy mask out of sync");
  uint64_t min_key = src[0].key;
  for (const QueuedEvent& e : src) min_key = std::min(min_key, e.key);
  if (min_key > limit_key) return false;
  last_ = min_key;
  // Every entry of bucket b differs from the new last_ below bit b-1, so it lands in a lower
  // bucket; order within each target bucket stays the scan order, i.e. sequence order.
  for (const QueuedEvent& e : src) {
    const int nb = BucketOf(e.key);
    buckets_[nb].push_back(e);
    if (nb != 0) occupied_ |= uint64_t{1} << (nb - 1);
  }
  src.clear();
  occupied_ &= ~(uint64_t{1} << (b - 1));
  return true;
}

bool EventQueue::PopUntil(uint64_t limit_key, QueuedEvent* out) {
  for (;;) {
    auto& b0 = buckets_[0];
    if (head0_ == b0.size()) {
      if (!RefillBucketZero(limit_key)) return false;
    }
    const QueuedEvent& e = b0[head0_];
    if (e.key > limit_key) return false;
    ++head0_;
    if (IsCancelled(e)) continue;
    *out = e;
    --size_;
    return true;
  }
}

}  // namespace shardsim
