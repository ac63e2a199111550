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
  if (occupied_ == 0) return false;
  const int b = __builtin_ctzll(occupied_);
  auto& src = buckets_[b];
  SHARDSIM_CHECK(!src.empty(), "occupancy mask out of sync");
  uint64_t min_key = src[0].key;
  for (const QueuedEvent& e : src) min_key = std::min(min_key, e.key);
  if (min_key > limit_key) return false;
  run_.clear();
  head_ = 0;
  occupied_ &= ~(uint64_t{1} << b);
  if (src.size() <= kSortThreshold) {
    // Every other bucket's keys exceed this bucket's, so the run may take all of it.
    run_.swap(src);
    if (run_.size() > 1) {
      std::sort(run_.begin(), run_.end(), [](const QueuedEvent& x, const QueuedEvent& y) {
        return x.key != y.key ? x.key < y.key : x.seq < y.seq;
      });
    }
    last_ = run_.back().key;
    return true;
  }
  // Redistribute relative to the minimum: equal keys form the run (in sequence order), the rest
  // land in lower buckets, each of which is empty now, so scan order (= sequence order) holds.
  last_ = min_key;
  for (const QueuedEvent& e : src) {
    const uint64_t x = e.key ^ last_;
    if (x == 0) {
      run_.push_back(e);
    } else {
      const int nb = 64 - __builtin_clzll(x);
      buckets_[nb].push_back(e);
      occupied_ |= uint64_t{1} << nb;
    }
  }
  src.clear();
  return true;
}

}  // namespace shardsim
