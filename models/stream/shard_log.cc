// ShardLog implementation: a power-of-two ring indexed by sequence number, cursors in a small
// vector scanned per call (a shard has a handful of readers), binary search on arrival times.
// Not thread-safe.
#include "models/stream/shard_log.h"

#include <algorithm>

#include "models/keys/key_model.h"

namespace shardsim {

static_assert(StoredRecord{}.key_id == kNoKey, "a default record has no key identity");

namespace {
// 64 records = 2 KiB: small enough for shards nobody reads much, and doubling reaches any
// backlog in a few dozen steps.
constexpr size_t kInitialCapacity = 64;
}  // namespace

ShardLog::ShardLog(const ShardLogOptions& options) : options_(options) {
  SHARDSIM_CHECK(options.retention > SimDuration::Zero(), "retention must be positive");
}

// A hand-written ring rather than boost::circular_buffer: Read hands out spans into the ring that
// must stay readable after the records they show are released, and sequence & mask addressing
// needs the physical layout to follow the sequence numbers.
void ShardLog::Grow() {
  const size_t capacity = std::max(kInitialCapacity, ring_.size() * 2);
  std::vector<StoredRecord> grown(capacity);
  const uint64_t mask = capacity - 1;
  for (uint64_t s = base_; s < next_; ++s) grown[s & mask] = ring_[s & mask_];
  ring_.swap(grown);
  mask_ = mask;
}

// A binary search over sequence numbers by hand: std::ranges::partition_point over
// std::views::iota does not compile with clang 14 and libstdc++ 12 (the sanitizer build's pair).
uint64_t ShardLog::LowerBoundArrival(int64_t t_ns) const {
  uint64_t first = base_;
  uint64_t count = next_ - base_;
  while (count > 0) {  // arrivals are non-decreasing in sequence order
    const uint64_t half = count / 2;
    if (ring_[(first + half) & mask_].arrival_ns < t_ns) {
      first += half + 1;
      count -= half + 1;
    } else {
      count = half;
    }
  }
  return first;
}

void ShardLog::ReleasePassed() {
  if (options_.keep_for_replay) return;
  uint64_t floor = next_;
  for (const Cursor& c : cursors_) {
    if (c.active) floor = std::min(floor, c.stats.position);
  }
  if (floor <= base_) return;
  stats_.released += floor - base_;
  base_ = floor;
  released_through_ = floor;
}

ShardLog::Cursor& ShardLog::Active(CursorId cursor) {
  SHARDSIM_CHECK(cursor < cursors_.size() && cursors_[cursor].active, "no such reader");
  return cursors_[cursor];
}

ShardLog::CursorId ShardLog::Register(StartPosition start) {
  uint64_t position = next_;
  switch (start.kind) {
    case StartPosition::Kind::kTrimHorizon:
      position = base_;
      break;
    case StartPosition::Kind::kLatest:
      position = next_;
      break;
    case StartPosition::Kind::kAtTimestamp:
      // A time older than the trim horizon lands on it, as AWS's AT_TIMESTAMP does.
      position = LowerBoundArrival(start.timestamp.nanos());
      break;
  }
  SHARDSIM_CHECK(cursors_.size() < std::numeric_limits<CursorId>::max(), "too many readers");
  Cursor c;
  c.stats.start_sequence = position;
  c.stats.position = position;
  cursors_.push_back(c);
  ++active_cursors_;
  return static_cast<CursorId>(cursors_.size() - 1);
}

void ShardLog::Unregister(CursorId cursor) {
  Active(cursor).active = false;
  --active_cursors_;
  ReleasePassed();
}

ReadResult ShardLog::Read(CursorId cursor, SimTime now, uint32_t max_records, uint64_t max_bytes,
                          SimTime visible_through) {
  SHARDSIM_CHECK(max_records >= 1 && max_bytes >= 1, "a read must allow one record");
  SHARDSIM_CHECK(visible_through <= now, "records from the future cannot be visible");
  CursorStats& c = Active(cursor).stats;
  const uint64_t from = c.position;
  const uint64_t limit = std::min<uint64_t>(next_ - from, max_records);
  const int64_t visible_ns = visible_through.nanos();
  uint64_t n = 0;
  uint64_t bytes = 0;
  for (; n < limit; ++n) {
    const StoredRecord& r = ring_[(from + n) & mask_];
    if (r.arrival_ns > visible_ns) break;  // arrivals never decrease: nothing later is visible
    if (n > 0 && bytes + r.bytes > max_bytes) break;
    bytes += r.bytes;
  }

  ReadResult result;
  result.first_sequence = from;
  result.bytes = bytes;
  if (n > 0) {
    const size_t offset = from & mask_;
    const size_t first = std::min<size_t>(n, ring_.size() - offset);
    result.records = RecordView(std::span<const StoredRecord>(ring_.data() + offset, first),
                                std::span<const StoredRecord>(ring_.data(), n - first));
    result.iterator_age = now - SimTime::FromNanos(result.records.back().arrival_ns);
    c.position += n;
    c.read += n;
  }
  if (c.position < next_) {
    const int64_t next_arrival_ns = ring_[c.position & mask_].arrival_ns;
    if (next_arrival_ns <= visible_ns)
      result.behind_latest = now - SimTime::FromNanos(next_arrival_ns);
  }
  result.end_of_shard = closed_ && c.position == next_;
  if (n > 0) ReleasePassed();
  return result;
}

bool ShardLog::AtEnd(CursorId cursor) const {
  SHARDSIM_CHECK(cursor < cursors_.size() && cursors_[cursor].active, "no such reader");
  return closed_ && cursors_[cursor].stats.position == next_;
}

void ShardLog::Seek(CursorId cursor, uint64_t sequence) {
  SHARDSIM_CHECK(sequence <= next_, "seek past the newest record");
  SHARDSIM_CHECK(sequence >= released_through_,
                 "records every reader had passed were released; replays need keep_for_replay");
  CursorStats& c = Active(cursor).stats;
  if (sequence >= c.position) {
    c.skipped += sequence - c.position;
  } else {
    c.replayed += c.position - sequence;
  }
  if (sequence < base_) {  // [sequence, base_) left through retention
    c.expired += base_ - sequence;
    c.position = base_;
  } else {
    c.position = sequence;
  }
  ReleasePassed();
}

uint64_t ShardLog::Expire(SimTime now) {
  const int64_t cutoff_ns = now.nanos() - options_.retention.nanos();
  const uint64_t horizon = LowerBoundArrival(cutoff_ns + 1);  // first arrival > cutoff
  if (horizon == base_) return 0;
  for (Cursor& cursor : cursors_) {
    CursorStats& c = cursor.stats;
    if (cursor.active && c.position < horizon) {
      c.expired += horizon - c.position;
      c.position = horizon;
    }
  }
  const uint64_t dropped = horizon - base_;
  stats_.expired += dropped;
  base_ = horizon;
  return dropped;
}

void ShardLog::set_retention(SimDuration retention) {
  SHARDSIM_CHECK(retention > SimDuration::Zero(), "retention must be positive");
  options_.retention = retention;
}

ShardLogStats ShardLog::stats() const {
  ShardLogStats s = stats_;
  s.appended = next_;
  s.retained = next_ - base_;
  return s;
}

CursorStats ShardLog::cursor(CursorId cursor) const {
  SHARDSIM_CHECK(cursor < cursors_.size(), "no such reader");
  return cursors_[cursor].stats;
}

}  // namespace shardsim
