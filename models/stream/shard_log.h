// ShardLog: the records one shard stores, in sequence order, with reader cursors, starting
// positions, retention, per-reader data-loss counts and the end of a closed shard (fact sheet
// sections 2, 3 and 4).
// Invariants: the retained records are exactly sequences [trim_horizon(), next_sequence()) with
// non-decreasing arrival times, and every registered cursor lies in that range or at its end.
// Not thread-safe: one per shard, owned by one simulation.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <limits>
#include <span>
#include <vector>

#include "sim/check.h"
#include "sim/time.h"

namespace shardsim {

// One stored Kinesis record: a small value the read path copies around. A KPL aggregate is one
// Kinesis record holding user_records user records (fact sheet 8); readers that de-aggregate (the
// KCL, Firehose, a Lambda function with the deaggregation library) process those. Poison records
// (Lambda) are marked beside the log: Stream::PoisonAt.
struct StoredRecord {
  int64_t created_ns = 0;          // when the producer created it (an aggregate: its first record)
  int64_t arrival_ns = 0;          // ApproximateArrivalTimestamp: when the shard stored it
  uint32_t bytes = 0;              // data + partition key, as stored: what the limits count
  uint32_t key_id = ~uint32_t{0};  // KeyModel key id, or kNoKey (models/keys/key_model.h)
  uint16_t producer = 0;           // producer group index (at most 1,000 groups)
  uint16_t user_records = 1;       // user records inside: a KPL aggregate's (<= 65,535), else 1
  // The user data a reader gets: the data blob without its partition key; for an aggregate, its
  // user records' data without the aggregation framing.
  uint32_t data_bytes = 0;
};
static_assert(sizeof(StoredRecord) <= 32, "records travel by value through ring buffers");

// The records one Read returned: one or two contiguous runs of the log's ring buffer, in
// sequence order. Valid until the next Append on the log; releasing records never overwrites
// them, so a view of records just released by the same Read stays readable.
class RecordView {
 public:
  class Iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = StoredRecord;
    using difference_type = std::ptrdiff_t;
    using pointer = const StoredRecord*;
    using reference = const StoredRecord&;

    Iterator() = default;
    reference operator*() const { return *p_; }
    pointer operator->() const { return p_; }
    Iterator& operator++() {
      if (++p_ == jump_from_) p_ = jump_to_;
      return *this;
    }
    Iterator operator++(int) {
      Iterator old = *this;
      ++*this;
      return old;
    }
    bool operator==(const Iterator& o) const { return p_ == o.p_; }

   private:
    friend class RecordView;
    Iterator(pointer p, pointer jump_from, pointer jump_to)
        : p_(p), jump_from_(jump_from), jump_to_(jump_to) {}
    pointer p_ = nullptr;
    pointer jump_from_ = nullptr;  // end of the first run
    pointer jump_to_ = nullptr;    // start of the second run (or the first run's end)
  };

  RecordView() = default;
  // REQUIRES: second is empty if first is.
  RecordView(std::span<const StoredRecord> first, std::span<const StoredRecord> second)
      : first_(first), second_(second) {
    SHARDSIM_CHECK(!first.empty() || second.empty(), "a view's second run follows its first");
  }

  size_t size() const { return first_.size() + second_.size(); }
  bool empty() const { return first_.empty(); }
  const StoredRecord& operator[](size_t i) const {
    return i < first_.size() ? first_[i] : second_[i - first_.size()];
  }
  const StoredRecord& back() const { return second_.empty() ? first_.back() : second_.back(); }
  // The two runs, for loops that want contiguous memory.
  std::span<const StoredRecord> first() const { return first_; }
  std::span<const StoredRecord> second() const { return second_; }

  Iterator begin() const {
    const StoredRecord* first_end = first_.data() + first_.size();
    return Iterator(first_.data(), first_end, second_.empty() ? first_end : second_.data());
  }
  Iterator end() const {
    const StoredRecord* last_end =
        second_.empty() ? first_.data() + first_.size() : second_.data() + second_.size();
    return Iterator(last_end, nullptr, nullptr);
  }

 private:
  std::span<const StoredRecord> first_;
  std::span<const StoredRecord> second_;
};

// Where a new reader starts (GetShardIterator's ShardIteratorType; AT/AFTER_SEQUENCE_NUMBER are
// Register + Seek).
struct StartPosition {
  enum class Kind { kTrimHorizon, kLatest, kAtTimestamp };
  Kind kind = Kind::kLatest;
  SimTime timestamp;  // kAtTimestamp only

  static StartPosition TrimHorizon() { return {Kind::kTrimHorizon, SimTime::Zero()}; }
  static StartPosition Latest() { return {Kind::kLatest, SimTime::Zero()}; }
  static StartPosition AtTimestamp(SimTime t) { return {Kind::kAtTimestamp, t}; }
};

struct ShardLogOptions {
  // How long a record stays readable after its arrival. AWS: 24 h default, 24 h..8,760 h (the
  // loader enforces the range; tests use shorter ones).
  SimDuration retention = Hours(24);
  // false: records every reader has passed are released at once, so memory follows the slowest
  // reader and TRIM_HORIZON / AT_TIMESTAMP / backward Seek cannot reach them.
  // true: records stay until retention, for replays and readers registered later.
  bool keep_for_replay = false;
};

// What a GetRecords response carries besides the records.
struct ReadResult {
  RecordView records;
  uint64_t first_sequence = 0;  // sequence of records[0]: the cursor's position before the read
  uint64_t bytes = 0;           // sum of the records' bytes
  // MillisBehindLatest, in ns: now - arrival of the next unread record if one is visible after
  // this read, else zero (caught up with everything visible). AWS: "how far behind current time
  // the consumer is"; measuring from the newest record instead would report a reader hours
  // behind on a busy shard as milliseconds behind.
  SimDuration behind_latest;
  // GetRecords.IteratorAge: now - arrival of the last record returned; zero if none returned.
  SimDuration iterator_age;
  // The shard is closed (resharded) and this read left the reader past its last record:
  // GetRecords' NextShardIterator is null, the reader moves on to the shard's children.
  bool end_of_shard = false;
};

// Per-reader counters. Conservation, for every cursor at every moment:
//   (next_sequence - start_sequence) + replayed - skipped == read + unread + expired
// where unread = next_sequence - position.
struct CursorStats {
  uint64_t start_sequence = 0;  // position at registration
  uint64_t position = 0;        // next sequence this reader will read
  uint64_t read = 0;            // records returned by Read
  uint64_t expired = 0;         // records this reader lost to retention (its data loss)
  uint64_t replayed = 0;        // records rewound over by backward Seeks (read again)
  uint64_t skipped = 0;         // records jumped over by forward Seeks (never read)
};

// Log-wide counters: appended = stored + (never stored: no reader and no replay wanted them);
// stored = released + expired + retained.
struct ShardLogStats {
  uint64_t appended = 0;
  uint64_t stored = 0;
  uint64_t released = 0;  // dropped from memory because every reader had passed them
  uint64_t expired = 0;   // dropped by retention while still retained
  uint64_t retained = 0;
  uint64_t peak_retained = 0;
};

class ShardLog {
 public:
  using CursorId = uint32_t;

  explicit ShardLog(const ShardLogOptions& options = {});
  ShardLog(const ShardLog&) = delete;
  ShardLog& operator=(const ShardLog&) = delete;
  ShardLog(ShardLog&&) = default;
  ShardLog& operator=(ShardLog&&) = default;

  // Stores `record` and returns its sequence number. Ours are positions 0, 1, 2, ...; real
  // Kinesis sequence numbers grow but are not contiguous, so nothing may depend on their gaps.
  // With no reader and no keep_for_replay the record is counted, not stored. O(1) amortised; it
  // allocates only when more records are retained than ever before.
  // REQUIRES: created_ns <= arrival_ns; arrival_ns >= every earlier arrival (the simulated shard
  // stores in time order; real ApproximateArrivalTimestamps carry no such guarantee).
  uint64_t Append(const StoredRecord& record) {
    SHARDSIM_CHECK(!closed_, "a closed shard stores no records");
    SHARDSIM_CHECK(record.created_ns <= record.arrival_ns, "stored before it was created");
    SHARDSIM_CHECK(record.arrival_ns >= newest_arrival_ns_, "arrival times went backwards");
    newest_arrival_ns_ = record.arrival_ns;
    const uint64_t sequence = next_;
    if (active_cursors_ == 0 && !options_.keep_for_replay) {
      next_ = base_ = released_through_ = sequence + 1;
      return sequence;
    }
    if (sequence - base_ == ring_.size()) Grow();
    ring_[sequence & mask_] = record;
    // The next slot's cache line is likely cold (a shard's ring holds its readers' backlog):
    // fetching it now hides the miss behind the appends to other shards in between.
    __builtin_prefetch(ring_.data() + ((sequence + 2) & mask_), 1);
    next_ = sequence + 1;
    ++stats_.stored;
    const uint64_t retained = next_ - base_;
    if (retained > stats_.peak_retained) stats_.peak_retained = retained;
    return sequence;
  }

  // The shard was closed by SplitShard or MergeShards: it takes no more records, and a reader
  // that reads past its last one is at the end of the shard. Retention still applies.
  void Close() { closed_ = true; }
  bool closed() const { return closed_; }
  // Whether `cursor` is past the last record of a closed shard. REQUIRES: cursor registered.
  bool AtEnd(CursorId cursor) const;

  CursorId Register(StartPosition start);
  // The reader leaves; records only it still needed are released. Ids are not reused.
  void Unregister(CursorId cursor);

  // GetRecords for `cursor`: the next records with arrival <= visible_through (the propagation
  // delay is the caller's), at most max_records and max_bytes in total - except that a single
  // record larger than max_bytes is returned alone - and advances the cursor past them.
  // REQUIRES: cursor registered; max_records >= 1; max_bytes >= 1.
  ReadResult Read(CursorId cursor, SimTime now, uint32_t max_records, uint64_t max_bytes,
                  SimTime visible_through);

  // Moves `cursor` to `sequence` (checkpoint replay, lease takeover). A sequence older than the
  // trim horizon because of retention lands on the trim horizon, and the records in between
  // count as expired for this reader. REQUIRES: sequence <= next_sequence(), and the records
  // from `sequence` on were not released (replays of passed records need keep_for_replay).
  void Seek(CursorId cursor, uint64_t sequence);

  // Drops records with arrival <= now - retention; readers behind them lose them and move to the
  // new trim horizon. Returns the records dropped.
  uint64_t Expire(SimTime now);
  // A decrease takes effect at the next Expire: AWS makes older records inaccessible almost
  // immediately, and an increase never brings back expired ones. REQUIRES: retention > 0.
  void set_retention(SimDuration retention);
  SimDuration retention() const { return options_.retention; }

  uint64_t next_sequence() const { return next_; }
  uint64_t trim_horizon() const { return base_; }  // oldest retained (== next when none)
  uint64_t retained() const { return next_ - base_; }
  size_t capacity() const { return ring_.size(); }  // records the ring holds without growing
  // REQUIRES: trim_horizon() <= sequence < next_sequence().
  const StoredRecord& At(uint64_t sequence) const {
    SHARDSIM_CHECK(sequence >= base_ && sequence < next_, "record not retained");
    return ring_[sequence & mask_];
  }
  ShardLogStats stats() const;
  // REQUIRES: cursor was returned by Register (it may have left since).
  CursorStats cursor(CursorId cursor) const;
  uint32_t active_cursors() const { return active_cursors_; }

 private:
  struct Cursor {
    CursorStats stats;
    bool active = true;
  };

  void Grow();
  // First retained sequence with arrival >= t, or next_ if none.
  uint64_t LowerBoundArrival(int64_t t_ns) const;
  // Without keep_for_replay, drops the records every active reader has passed.
  void ReleasePassed();
  Cursor& Active(CursorId cursor);

  ShardLogOptions options_;
  std::vector<StoredRecord> ring_;  // power-of-two size; sequence s lives at s & mask_
  uint64_t mask_ = 0;
  uint64_t base_ = 0;  // trim horizon
  uint64_t next_ = 0;  // next sequence to issue
  // Records below this were released or never stored: they cannot be replayed. Records between
  // it and base_ left through retention.
  uint64_t released_through_ = 0;
  int64_t newest_arrival_ns_ = std::numeric_limits<int64_t>::min();
  std::vector<Cursor> cursors_;
  uint32_t active_cursors_ = 0;
  bool closed_ = false;
  ShardLogStats stats_;  // appended and retained are derived in stats()
};

}  // namespace shardsim
