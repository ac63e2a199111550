// EventQueue implementation: radix buckets, the sorted run, lazy cancellation. See event_queue.h.
#include "sim/event_queue.h"

#include <algorithm>

namespace shardsim {
namespace {
// Min-heap order on (key, seq) for the cancelled set (std heap functions build a max-heap).
bool CancelGreater(const EventHandle& a, const EventHandle& b) {
  return a.key != b.key ? a.key > b.key : a.seq > b.seq;
}
}  // namespace

void EventQueue::InsertIntoRun(const QueuedEvent& e) {
  // e has the largest sequence number so far: it goes after every pending event with key <= its
  // own. Usually that is the end of the run, so search from the back.
  if (head_ == run_.size()) {
    run_.clear();
    head_ = 0;
  }
  size_t i = run_.size();
  while (i > head_ && run_[i - 1].key > e.key) --i;
  run_.insert(run_.begin() + static_cast<std::ptrdiff_t>(i), e);
}

bool EventQueue::Cancel(EventHandle& h) {
  if (!h.valid() || h.seq >= next_seq_) return false;
  const EventHandle copy = h;
  h = EventHandle{};
  // Events fire in (key, seq) order, so one at or before the last popped event has fired.
  if (popped_any_ &&
      (copy.key < popped_key_ || (copy.key == popped_key_ && copy.seq <= popped_seq_))) {
    return false;
  }
  cancelled_.push_back(copy);
  std::push_heap(cancelled_.begin(), cancelled_.end(), CancelGreater);
  --size_;
  return true;
}

bool EventQueue::IsCancelled(const QueuedEvent& e) {
  if (cancelled_.empty()) return false;
  const EventHandle& top = cancelled_.front();
  // Every cancelled entry names an event not yet popped, so none is below the one popping now.
  // One that is was cancelled twice (through copies of its handle): its second entry would stay
  // at the top forever and hide every later cancellation.
  SHARDSIM_CHECK(top.key > e.key || (top.key == e.key && top.seq >= e.seq),
                 "an event was cancelled twice through copies of its handle");
  if (top.key != e.key || top.seq != e.seq) return false;
  std::pop_heap(cancelled_.begin(), cancelled_.end(), CancelGreater);
  cancelled_.pop_back();
  return true;
}

// Makes the lowest radix bucket the new run (sorted if small, else redistributed so that its
// minimum key forms the run), if its minimum key is <= limit_key.
bool EventQueue::Refill(uint64_t limit_key) {
  int b = -1;
  for (size_t w = 0; w < occupied_.size(); ++w) {
    if (occupied_[w] != 0) {
      b = static_cast<int>(w * 64) + __builtin_ctzll(occupied_[w]);
      break;
    }
  }
  if (b < 0) return false;
  auto& src = buckets_[b];
  SHARDSIM_CHECK(!src.empty(), "occupancy mask out of sync");
  const uint64_t min_key = bucket_min_[b];
  if (min_key > limit_key) return false;
  run_.clear();
  head_ = 0;
  occupied_[b >> 6] &= ~(uint64_t{1} << (b & 63));
  bucket_min_[b] = ~uint64_t{0};
  if (src.size() <= kSortThreshold) {
    // Every other bucket's keys exceed this bucket's, so the run may take all of it. The bucket
    // is in sequence order, so a stable sort by key alone gives (key, seq) order.
    run_.swap(src);
    QueuedEvent* const r = run_.data();
    const size_t n = run_.size();
    for (size_t i = 1; i < n; ++i) {
      const QueuedEvent e = r[i];
      size_t j = i;
      while (j > 0 && r[j - 1].key > e.key) {
        r[j] = r[j - 1];
        --j;
      }
      r[j] = e;
    }
    last_ = r[n - 1].key;
    return true;
  }
  // Redistribute relative to the minimum: equal keys form the run (in sequence order), the rest
  // land at lower digits, in buckets that are all empty now, so scan order (= sequence order)
  // holds.
  last_ = min_key;
  for (const QueuedEvent& e : src) {
    if (e.key == last_) {
      run_.push_back(e);
    } else {
      AddToBucket(BucketOf(e.key, last_), e);
    }
  }
  src.clear();
  return true;
}

}  // namespace shardsim
