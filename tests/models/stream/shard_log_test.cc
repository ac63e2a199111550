// Tests for the shard log: order and sequence numbers, starting positions, GetRecords limits and
// response values, retention and per-reader loss, memory release, replays, and a 100k-operation
// random workload checked against a plain std::deque model of the stream.
#include "models/stream/shard_log.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <deque>
#include <vector>

#include "models/keys/key_model.h"
#include "models/spec/scenario.h"
#include "sim/rng.h"

namespace shardsim {
namespace {

constexpr int64_t kMs = 1'000'000;
constexpr uint32_t kMaxRecords = 10'000;   // GetRecords per call (fact sheet 2)
constexpr uint64_t kMaxBytes = 10 * kMiB;  // GetRecords per call (fact sheet 2)

StoredRecord Rec(int64_t arrival_ms, uint32_t bytes = 100, uint32_t key_id = kNoKey,
                 uint32_t producer = 0) {
  return {arrival_ms * kMs - 3 * kMs, arrival_ms * kMs, bytes, key_id,
          static_cast<uint16_t>(producer)};
}

SimTime Ms(int64_t ms) { return SimTime::Millis(ms); }

ReadResult ReadAll(ShardLog& log, ShardLog::CursorId c, SimTime now) {
  return log.Read(c, now, kMaxRecords, kMaxBytes, now);
}

void ExpectConserved(const ShardLog& log, ShardLog::CursorId id) {
  const CursorStats c = log.cursor(id);
  EXPECT_EQ(log.next_sequence() - c.start_sequence + c.replayed - c.skipped,
            c.read + (log.next_sequence() - c.position) + c.expired)
      << "cursor " << id;
}

TEST(ShardLogTest, AssignsConsecutiveSequencesAndReadsInOrder) {
  ShardLog log;
  const ShardLog::CursorId c = log.Register(StartPosition::Latest());
  for (uint32_t i = 0; i < 1000; ++i) {
    EXPECT_EQ(log.Append(Rec(i, 100 + i, i % 7, i % 3)), i);
  }
  const ReadResult r = ReadAll(log, c, Ms(5000));
  ASSERT_EQ(r.records.size(), 1000u);
  EXPECT_EQ(r.first_sequence, 0u);
  uint64_t bytes = 0;
  uint32_t i = 0;
  for (const StoredRecord& rec : r.records) {
    EXPECT_EQ(rec.arrival_ns, int64_t{i} * kMs);
    EXPECT_EQ(rec.created_ns, int64_t{i} * kMs - 3 * kMs);
    EXPECT_EQ(rec.bytes, 100 + i);
    EXPECT_EQ(rec.key_id, i % 7);
    EXPECT_EQ(rec.producer, i % 3);
    bytes += 100 + i;
    ++i;
  }
  EXPECT_EQ(i, 1000u);
  EXPECT_EQ(r.bytes, bytes);
  EXPECT_EQ(log.cursor(c).position, 1000u);
  EXPECT_EQ(log.next_sequence(), 1000u);
}

TEST(ShardLogTest, ViewAcrossTheRingsWrapStaysInSequenceOrder) {
  ShardLog log;
  const ShardLog::CursorId c = log.Register(StartPosition::Latest());
  for (int i = 0; i < 50; ++i) log.Append(Rec(i));
  ASSERT_EQ(ReadAll(log, c, Ms(100)).records.size(), 50u);
  for (int i = 50; i < 100; ++i) log.Append(Rec(i));  // sequences 64.. wrap to the ring's start
  ASSERT_EQ(log.capacity(), 64u);
  const ReadResult r = ReadAll(log, c, Ms(200));
  ASSERT_EQ(r.records.size(), 50u);
  EXPECT_EQ(r.records.first().size(), 14u);
  EXPECT_EQ(r.records.second().size(), 36u);
  int64_t expected_ms = 50;
  for (const StoredRecord& rec : r.records) EXPECT_EQ(rec.arrival_ns, expected_ms++ * kMs);
  EXPECT_EQ(expected_ms, 100);
  EXPECT_EQ(r.records[13].arrival_ns, 63 * kMs);
  EXPECT_EQ(r.records[14].arrival_ns, 64 * kMs);
  EXPECT_EQ(r.records.back().arrival_ns, 99 * kMs);
}

TEST(ShardLogTest, TrimHorizonStartsAtOldestRetainedRecord) {
  ShardLog log({.retention = Seconds(10), .keep_for_replay = true});
  for (int i = 0; i < 20; ++i) log.Append(Rec(i * 1000));  // one record per second
  const ShardLog::CursorId first = log.Register(StartPosition::TrimHorizon());
  EXPECT_EQ(log.cursor(first).position, 0u);
  // Cutoff 15 s - 10 s = 5 s: arrivals 0..5 s expire.
  EXPECT_EQ(log.Expire(Ms(15'000)), 6u);
  const ShardLog::CursorId second = log.Register(StartPosition::TrimHorizon());
  EXPECT_EQ(log.cursor(second).position, 6u);
  EXPECT_EQ(ReadAll(log, second, Ms(15'000)).records[0].arrival_ns, 6'000 * kMs);
}

TEST(ShardLogTest, LatestStartsAfterNewestRecordAtRegistration) {
  ShardLog log({.keep_for_replay = true});
  for (int i = 0; i < 5; ++i) log.Append(Rec(i));
  const ShardLog::CursorId c = log.Register(StartPosition::Latest());
  EXPECT_EQ(log.cursor(c).position, 5u);
  EXPECT_TRUE(ReadAll(log, c, Ms(10)).records.empty());
  log.Append(Rec(7));
  const ReadResult r = ReadAll(log, c, Ms(10));
  ASSERT_EQ(r.records.size(), 1u);
  EXPECT_EQ(r.first_sequence, 5u);
  EXPECT_EQ(r.records[0].arrival_ns, 7 * kMs);
}

TEST(ShardLogTest, AtTimestampStartsAtFirstRecordArrivingAtOrAfterIt) {
  ShardLog log({.keep_for_replay = true});
  for (int i = 1; i <= 10; ++i) log.Append(Rec(i * 100));  // 100, 200, ..., 1000 ms
  EXPECT_EQ(log.cursor(log.Register(StartPosition::AtTimestamp(Ms(300)))).position, 2u);  // exact
  EXPECT_EQ(log.cursor(log.Register(StartPosition::AtTimestamp(Ms(301)))).position, 3u);  // next
  EXPECT_EQ(log.cursor(log.Register(StartPosition::AtTimestamp(Ms(1000)))).position, 9u);
  // After the newest record: like LATEST.
  EXPECT_EQ(log.cursor(log.Register(StartPosition::AtTimestamp(Ms(1001)))).position, 10u);
}

TEST(ShardLogTest, AtTimestampOlderThanTrimHorizonStartsAtTrimHorizon) {
  ShardLog log({.retention = Seconds(1), .keep_for_replay = true});
  for (int i = 1; i <= 10; ++i) log.Append(Rec(i * 100));
  ASSERT_EQ(log.Expire(Ms(1450)), 4u);  // cutoff 450 ms: 100..400 ms expire
  ASSERT_EQ(log.trim_horizon(), 4u);
  EXPECT_EQ(log.cursor(log.Register(StartPosition::AtTimestamp(Ms(0)))).position, 4u);
  EXPECT_EQ(log.cursor(log.Register(StartPosition::AtTimestamp(Ms(200)))).position, 4u);
  EXPECT_EQ(log.cursor(log.Register(StartPosition::AtTimestamp(Ms(500)))).position, 4u);
  EXPECT_EQ(log.cursor(log.Register(StartPosition::AtTimestamp(Ms(550)))).position, 5u);
}

TEST(ShardLogTest, ReadStopsAtTenThousandRecords) {
  ShardLog log;
  const ShardLog::CursorId c = log.Register(StartPosition::Latest());
  for (int i = 0; i < 25'000; ++i) log.Append(Rec(0, 100));
  const SimTime now = Ms(1);
  const ReadResult a = ReadAll(log, c, now);
  EXPECT_EQ(a.records.size(), 10'000u);
  EXPECT_EQ(a.bytes, 1'000'000u);
  const ReadResult b = ReadAll(log, c, now);
  EXPECT_EQ(b.first_sequence, 10'000u);
  EXPECT_EQ(b.records.size(), 10'000u);
  EXPECT_EQ(ReadAll(log, c, now).records.size(), 5'000u);
  EXPECT_TRUE(ReadAll(log, c, now).records.empty());
}

TEST(ShardLogTest, ReadStopsAtTenMiB) {
  struct Case {
    uint32_t record_bytes;
    uint64_t expected;  // floor(10 MiB / record_bytes), computed by hand
  };
  for (const Case k : {Case{2048, 5120}, Case{3000, 3495}, Case{1 << 20, 10}}) {
    ShardLog log;
    const ShardLog::CursorId c = log.Register(StartPosition::Latest());
    for (int i = 0; i < 6000; ++i) log.Append(Rec(0, k.record_bytes));
    const ReadResult r = ReadAll(log, c, Ms(1));
    EXPECT_EQ(r.records.size(), k.expected) << k.record_bytes;
    EXPECT_EQ(r.bytes, k.expected * k.record_bytes);
    EXPECT_LE(r.bytes, kMaxBytes);
    EXPECT_GT(r.bytes + k.record_bytes, kMaxBytes);
  }
}

TEST(ShardLogTest, RecordLargerThanMaxBytesIsReturnedAlone) {
  ShardLog log;
  const ShardLog::CursorId c = log.Register(StartPosition::Latest());
  log.Append(Rec(0, 100));
  log.Append(Rec(0, 5 * kMiB));
  log.Append(Rec(0, 6 * kMiB));
  log.Append(Rec(0, 100));
  const uint64_t limit = kMiB;
  const ReadResult a = log.Read(c, Ms(1), kMaxRecords, limit, Ms(1));
  ASSERT_EQ(a.records.size(), 1u);  // the big one does not join the small one
  EXPECT_EQ(a.bytes, 100u);
  const ReadResult b = log.Read(c, Ms(1), kMaxRecords, limit, Ms(1));
  ASSERT_EQ(b.records.size(), 1u);
  EXPECT_EQ(b.bytes, uint64_t{5} * kMiB);
  const ReadResult d = log.Read(c, Ms(1), kMaxRecords, limit, Ms(1));
  ASSERT_EQ(d.records.size(), 1u);
  EXPECT_EQ(d.bytes, uint64_t{6} * kMiB);
  EXPECT_EQ(log.Read(c, Ms(1), kMaxRecords, limit, Ms(1)).bytes, 100u);
}

TEST(ShardLogTest, ReadReturnsOnlyRecordsVisibleAtTheCutoff) {
  ShardLog log;
  const ShardLog::CursorId c = log.Register(StartPosition::Latest());
  for (int i = 1; i <= 10; ++i) log.Append(Rec(i * 100));
  const ReadResult a = log.Read(c, Ms(1000), kMaxRecords, kMaxBytes, Ms(450));
  EXPECT_EQ(a.records.size(), 4u);
  const ReadResult b = log.Read(c, Ms(1000), kMaxRecords, kMaxBytes, Ms(500));  // inclusive
  ASSERT_EQ(b.records.size(), 1u);
  EXPECT_EQ(b.records[0].arrival_ns, 500 * kMs);
  EXPECT_TRUE(log.Read(c, Ms(1000), kMaxRecords, kMaxBytes, Ms(599)).records.empty());
  EXPECT_EQ(log.Read(c, Ms(1000), kMaxRecords, kMaxBytes, Ms(1000)).records.size(), 5u);
}

TEST(ShardLogTest, MillisBehindLatestAndIteratorAge) {
  ShardLog log;
  const ShardLog::CursorId c = log.Register(StartPosition::Latest());
  for (int i = 1; i <= 10; ++i) log.Append(Rec(i * 100));  // 100..1000 ms
  const ReadResult a = log.Read(c, Ms(2000), 4, kMaxBytes, Ms(2000));
  EXPECT_EQ(a.iterator_age, Millis(2000 - 400));   // last returned arrived at 400 ms
  EXPECT_EQ(a.behind_latest, Millis(2000 - 500));  // next unread arrived at 500 ms
  // Unread records exist but none is visible yet: caught up with what can be read.
  const ReadResult b = log.Read(c, Ms(2000), kMaxRecords, kMaxBytes, Ms(600));
  EXPECT_EQ(b.records.size(), 2u);
  EXPECT_EQ(b.iterator_age, Millis(1400));
  EXPECT_EQ(b.behind_latest, SimDuration::Zero());
  const ReadResult d = log.Read(c, Ms(2500), kMaxRecords, kMaxBytes, Ms(2500));
  EXPECT_EQ(d.records.size(), 4u);
  EXPECT_EQ(d.iterator_age, Millis(1500));
  EXPECT_EQ(d.behind_latest, SimDuration::Zero());
  const ReadResult e = log.Read(c, Ms(3000), kMaxRecords, kMaxBytes, Ms(3000));
  EXPECT_TRUE(e.records.empty());
  EXPECT_EQ(e.iterator_age, SimDuration::Zero());
  EXPECT_EQ(e.behind_latest, SimDuration::Zero());
}

TEST(ShardLogTest, ExpiryWhileSlowReaderIsBehindCountsItsLossAndResumesAtTrimHorizon) {
  ShardLog log({.retention = Seconds(10)});
  const ShardLog::CursorId fast = log.Register(StartPosition::Latest());
  const ShardLog::CursorId slow = log.Register(StartPosition::Latest());
  for (int i = 0; i < 20; ++i) log.Append(Rec(i * 1000));  // arrivals 0..19 s
  ASSERT_EQ(ReadAll(log, fast, Ms(19'000)).records.size(), 20u);
  ASSERT_EQ(log.Read(slow, Ms(19'000), 3, kMaxBytes, Ms(19'000)).records.size(), 3u);
  EXPECT_EQ(log.retained(), 17u);  // the slow reader still needs sequences 3..19

  // Cutoff 20 s - 10 s = 10 s: arrivals 0..10 s are gone; the slow reader lost 3..10.
  EXPECT_EQ(log.Expire(Ms(20'000)), 8u);
  const CursorStats s = log.cursor(slow);
  EXPECT_EQ(s.expired, 8u);
  EXPECT_EQ(s.position, 11u);
  EXPECT_EQ(s.read, 3u);
  EXPECT_EQ(log.cursor(fast).expired, 0u);
  EXPECT_EQ(log.trim_horizon(), 11u);
  const ShardLogStats st = log.stats();
  EXPECT_EQ(st.stored, 20u);
  EXPECT_EQ(st.released, 3u);
  EXPECT_EQ(st.expired, 8u);
  EXPECT_EQ(st.retained, 9u);

  const ReadResult r = ReadAll(log, slow, Ms(20'000));
  EXPECT_EQ(r.first_sequence, 11u);
  ASSERT_EQ(r.records.size(), 9u);
  EXPECT_EQ(r.records[0].arrival_ns, 11'000 * kMs);
  ExpectConserved(log, slow);
  ExpectConserved(log, fast);
  EXPECT_EQ(log.retained(), 0u);
}

TEST(ShardLogTest, DecreasedRetentionDropsOldRecordsAtNextExpire) {
  ShardLog log({.retention = Hours(48), .keep_for_replay = true});
  for (int i = 0; i < 10; ++i) log.Append(Rec(int64_t{i} * 3'600'000));  // one per hour
  EXPECT_EQ(log.Expire(Ms(10 * 3'600'000)), 0u);
  log.set_retention(Hours(5));
  EXPECT_EQ(log.Expire(Ms(10 * 3'600'000)), 6u);  // arrivals 0..5 h are at least 5 h old
  log.set_retention(Hours(48));                   // an increase brings nothing back
  EXPECT_EQ(log.trim_horizon(), 6u);
}

TEST(ShardLogTest, ReleasesRecordsOnceEveryReaderHasPassedThem) {
  ShardLog log;
  const ShardLog::CursorId a = log.Register(StartPosition::Latest());
  for (int i = 0; i < 100; ++i) log.Append(Rec(i));
  EXPECT_EQ(log.retained(), 100u);
  ReadAll(log, a, Ms(200));
  EXPECT_EQ(log.retained(), 0u);
  EXPECT_EQ(log.stats().released, 100u);

  const ShardLog::CursorId b = log.Register(StartPosition::Latest());
  for (int i = 100; i < 200; ++i) log.Append(Rec(i));
  ReadAll(log, a, Ms(300));
  log.Read(b, Ms(300), 10, kMaxBytes, Ms(300));
  EXPECT_EQ(log.retained(), 90u);  // bounded by the slower reader
  EXPECT_EQ(log.trim_horizon(), 110u);
  log.Read(b, Ms(300), 50, kMaxBytes, Ms(300));
  EXPECT_EQ(log.retained(), 40u);
  log.Unregister(b);  // the records only b needed go with it
  EXPECT_EQ(log.retained(), 0u);
  const ShardLogStats st = log.stats();
  EXPECT_EQ(st.released, 200u);
  EXPECT_EQ(st.peak_retained, 100u);
}

TEST(ShardLogTest, SteadyStateReusesTheRingWithoutGrowing) {
  ShardLog log;
  const ShardLog::CursorId c = log.Register(StartPosition::Latest());
  for (int round = 0; round < 1000; ++round) {
    for (int i = 0; i < 100; ++i) log.Append(Rec(round));
    ASSERT_EQ(ReadAll(log, c, Ms(round)).records.size(), 100u);
  }
  EXPECT_EQ(log.capacity(), 128u);  // smallest power of two holding the peak of 100
  EXPECT_EQ(log.stats().peak_retained, 100u);
}

TEST(ShardLogTest, StoresNothingWithoutReaders) {
  ShardLog log;
  for (int i = 0; i < 100'000; ++i) log.Append(Rec(i));
  EXPECT_EQ(log.capacity(), 0u);
  EXPECT_EQ(log.retained(), 0u);
  const ShardLogStats st = log.stats();
  EXPECT_EQ(st.appended, 100'000u);
  EXPECT_EQ(st.stored, 0u);
  EXPECT_EQ(st.peak_retained, 0u);
  // Without keep_for_replay nothing older than the reader's arrival can be read.
  const ShardLog::CursorId c = log.Register(StartPosition::TrimHorizon());
  EXPECT_EQ(log.cursor(c).position, 100'000u);
  EXPECT_TRUE(ReadAll(log, c, Ms(200'000)).records.empty());
  log.Unregister(c);
  log.Append(Rec(100'000));
  EXPECT_EQ(log.stats().stored, 0u);
}

TEST(ShardLogTest, KeepForReplayHoldsReadRecordsUntilRetention) {
  ShardLog log({.retention = Seconds(1), .keep_for_replay = true});
  for (int i = 0; i < 100; ++i) log.Append(Rec(i));  // no reader yet: still stored
  EXPECT_EQ(log.retained(), 100u);
  const ShardLog::CursorId c = log.Register(StartPosition::TrimHorizon());
  EXPECT_EQ(ReadAll(log, c, Ms(200)).records.size(), 100u);
  EXPECT_EQ(log.retained(), 100u);
  log.Unregister(c);
  EXPECT_EQ(log.retained(), 100u);
  EXPECT_EQ(log.Expire(Ms(1049)), 50u);  // cutoff 49 ms
  EXPECT_EQ(log.retained(), 50u);
  EXPECT_EQ(log.cursor(log.Register(StartPosition::TrimHorizon())).position, 50u);
  const ShardLogStats st = log.stats();
  EXPECT_EQ(st.released, 0u);
  EXPECT_EQ(st.expired, 50u);
}

TEST(ShardLogTest, SeekReplaysFromACheckpointAndCountsSkipsAndLoss) {
  ShardLog log({.retention = Seconds(1), .keep_for_replay = true});
  const ShardLog::CursorId c = log.Register(StartPosition::Latest());
  for (int i = 0; i < 100; ++i) log.Append(Rec(i));
  ASSERT_EQ(log.Read(c, Ms(100), 50, kMaxBytes, Ms(100)).records.size(), 50u);

  log.Seek(c, 20);  // lease takeover from checkpoint 20: 30 records are read again
  const ReadResult r = log.Read(c, Ms(100), 30, kMaxBytes, Ms(100));
  EXPECT_EQ(r.first_sequence, 20u);
  EXPECT_EQ(r.records[0].arrival_ns, 20 * kMs);
  EXPECT_EQ(log.cursor(c).replayed, 30u);
  EXPECT_EQ(log.cursor(c).read, 80u);

  log.Seek(c, 90);
  EXPECT_EQ(log.cursor(c).skipped, 40u);
  ExpectConserved(log, c);

  // A checkpoint older than retention: the records in between are this reader's loss.
  ASSERT_EQ(log.Expire(Ms(1039)), 40u);  // cutoff 39 ms
  log.Seek(c, 10);
  EXPECT_EQ(log.cursor(c).position, 40u);
  EXPECT_EQ(log.cursor(c).expired, 30u);
  EXPECT_EQ(log.cursor(c).replayed, 30u + 80u);
  ExpectConserved(log, c);
  EXPECT_EQ(ReadAll(log, c, Ms(1039)).records.size(), 60u);
  ExpectConserved(log, c);
}

TEST(ShardLogDeathTest, SeekIntoReleasedRecordsIsABug) {
  ShardLog log;
  const ShardLog::CursorId c = log.Register(StartPosition::Latest());
  for (int i = 0; i < 10; ++i) log.Append(Rec(i));
  ReadAll(log, c, Ms(10));
  EXPECT_DEATH(log.Seek(c, 5), "replays need keep_for_replay");
}

// ---------------------------------------------------------------- closed shards

TEST(ShardLogTest, AReaderPastAClosedShardsLastRecordIsAtTheEndOfTheShard) {
  ShardLog log;
  const ShardLog::CursorId a = log.Register(StartPosition::TrimHorizon());
  const ShardLog::CursorId b = log.Register(StartPosition::TrimHorizon());
  for (int i = 0; i < 30; ++i) log.Append(Rec(i));
  EXPECT_FALSE(ReadAll(log, a, Ms(10)).end_of_shard);  // open: more may come
  log.Close();
  EXPECT_TRUE(log.closed());
  EXPECT_FALSE(log.AtEnd(a));
  // Records not yet visible keep the reader before the end; the read that passes the last one
  // ends the shard (GetRecords' NextShardIterator is null).
  const ReadResult partial = log.Read(a, Ms(40), kMaxRecords, kMaxBytes, Ms(20));
  EXPECT_EQ(partial.records.size(), 10u);
  EXPECT_FALSE(partial.end_of_shard);
  const ReadResult last = ReadAll(log, a, Ms(40));
  EXPECT_EQ(last.records.size(), 9u);  // arrivals 21..29 ms
  EXPECT_TRUE(last.end_of_shard);
  EXPECT_TRUE(log.AtEnd(a));
  EXPECT_TRUE(ReadAll(log, a, Ms(41)).end_of_shard);  // and stays there
  // A reader limited by the call's size reaches the end on a later call.
  const ReadResult first = log.Read(b, Ms(40), 29, kMaxBytes, Ms(40));
  EXPECT_FALSE(first.end_of_shard);
  EXPECT_TRUE(log.Read(b, Ms(40), 29, kMaxBytes, Ms(40)).end_of_shard);
  ExpectConserved(log, a);
  ExpectConserved(log, b);
}

TEST(ShardLogDeathTest, AClosedShardStoresNoRecords) {
  ShardLog log;
  log.Register(StartPosition::Latest());
  log.Append(Rec(1));
  log.Close();
  EXPECT_DEATH(log.Append(Rec(2)), "closed shard");
}

// The stream as a reader sees it, without any memory management: every appended record stays
// until Expire passes it; readers are positions. Without keep_for_replay the log's trim horizon
// is the slowest reader (records everyone passed are gone), which the model states directly.
class ReferenceLog {
 public:
  struct Reader {
    bool active = true;
    uint64_t start = 0, position = 0, read = 0, expired = 0, replayed = 0, skipped = 0;
  };

  ReferenceLog(SimDuration retention, bool keep) : retention_(retention), keep_(keep) {}

  void Append(const StoredRecord& r) {
    records_.push_back(r);
    ++next_;
  }
  uint64_t next() const { return next_; }
  uint64_t front() const { return next_ - records_.size(); }
  const StoredRecord& at(uint64_t s) const { return records_[s - front()]; }

  uint64_t TrimHorizon() const {
    if (keep_) return front();
    uint64_t horizon = next_;
    for (const Reader& r : readers) {
      if (r.active) horizon = std::min(horizon, r.position);
    }
    return horizon;
  }

  uint64_t Register(StartPosition start) {
    const uint64_t horizon = TrimHorizon();
    uint64_t p = next_;
    if (start.kind == StartPosition::Kind::kTrimHorizon) p = horizon;
    if (start.kind == StartPosition::Kind::kAtTimestamp) {
      for (p = horizon; p < next_ && at(p).arrival_ns < start.timestamp.nanos(); ++p) {
      }
    }
    readers.push_back({.start = p, .position = p});
    return readers.size() - 1;
  }

  struct Expected {
    std::vector<StoredRecord> records;
    uint64_t bytes = 0;
    SimDuration behind, age;
  };
  Expected Read(uint64_t id, SimTime now, uint32_t max_records, uint64_t max_bytes,
                SimTime visible) {
    Reader& r = readers[id];
    Expected e;
    while (r.position < next_ && e.records.size() < max_records) {
      const StoredRecord& rec = at(r.position);
      if (rec.arrival_ns > visible.nanos()) break;
      if (!e.records.empty() && e.bytes + rec.bytes > max_bytes) break;
      e.records.push_back(rec);
      e.bytes += rec.bytes;
      ++r.position;
      ++r.read;
    }
    if (!e.records.empty()) e.age = now - SimTime::FromNanos(e.records.back().arrival_ns);
    if (r.position < next_ && at(r.position).arrival_ns <= visible.nanos()) {
      e.behind = now - SimTime::FromNanos(at(r.position).arrival_ns);
    }
    return e;
  }

  void Seek(uint64_t id, uint64_t s) {
    Reader& r = readers[id];
    if (s >= r.position) {
      r.skipped += s - r.position;
    } else {
      r.replayed += r.position - s;
    }
    const uint64_t horizon = front();
    r.position = std::max(s, horizon);
    if (s < horizon) r.expired += horizon - s;
  }

  // Returns the records the log should report dropped: those past retention that it still held.
  uint64_t Expire(SimTime now) {
    const uint64_t held_from = TrimHorizon();
    const int64_t cutoff = (now - retention_).nanos();
    while (!records_.empty() && records_.front().arrival_ns <= cutoff) records_.pop_front();
    for (Reader& r : readers) {
      if (r.active && r.position < front()) {
        r.expired += front() - r.position;
        r.position = front();
      }
    }
    return std::max(held_from, front()) - held_from;
  }

  SimDuration retention_;
  std::vector<Reader> readers;

 private:
  bool keep_;
  std::deque<StoredRecord> records_;
  uint64_t next_ = 0;
};

void RunRandomWorkload(bool keep_for_replay, uint64_t seed) {
  Rng rng(seed);
  const SimDuration retention = Millis(1000);
  ShardLog log({.retention = retention, .keep_for_replay = keep_for_replay});
  ReferenceLog ref(retention, keep_for_replay);
  std::vector<ShardLog::CursorId> active;  // ids are equal in both: both count registrations
  int64_t now_ns = 0;
  uint64_t expired_total = 0;
  uint64_t reads_checked = 0;
  const auto start = [&]() {
    switch (rng.Below(3)) {
      case 0:
        return StartPosition::TrimHorizon();
      case 1:
        return StartPosition::Latest();
      default:
        return StartPosition::AtTimestamp(
            SimTime::FromNanos(now_ns - static_cast<int64_t>(rng.Below(3000)) * kMs));
    }
  };

  for (int op = 0; op < 100'000; ++op) {
    const uint64_t dice = rng.Below(1000);
    if (dice < 600) {
      now_ns += static_cast<int64_t>(rng.Below(3 * kMs));
      const StoredRecord r{now_ns - static_cast<int64_t>(rng.Below(500 * kMs)), now_ns,
                           static_cast<uint32_t>(1 + rng.Below(rng.Bernoulli(0.01) ? kMiB : 2000)),
                           static_cast<uint32_t>(rng.Below(50)),
                           static_cast<uint16_t>(rng.Below(4))};
      ASSERT_EQ(log.Append(r), ref.next());
      ref.Append(r);
    } else if (dice < 900) {
      if (active.empty()) continue;
      // The longest-registered reader reads less often and less per call, so it falls behind
      // and loses records to retention.
      const size_t k = rng.Below(active.size());
      if (k == 0 && rng.Below(5) != 0) continue;
      const ShardLog::CursorId id = active[k];
      const SimTime now = SimTime::FromNanos(now_ns);
      const SimTime visible = now - Millis(static_cast<int64_t>(rng.Below(300)));
      const uint32_t max_records = k == 0               ? static_cast<uint32_t>(1 + rng.Below(10))
                                   : rng.Bernoulli(0.1) ? kMaxRecords
                                                        : static_cast<uint32_t>(1 + rng.Below(100));
      const uint64_t max_bytes = rng.Bernoulli(0.5) ? kMaxBytes : 1 + rng.Below(50'000);
      const ReadResult got = log.Read(id, now, max_records, max_bytes, visible);
      const ReferenceLog::Expected want = ref.Read(id, now, max_records, max_bytes, visible);
      ASSERT_EQ(got.records.size(), want.records.size()) << "op " << op;
      for (size_t i = 0; i < want.records.size(); ++i) {
        const StoredRecord& g = got.records[i];
        const StoredRecord& w = want.records[i];
        ASSERT_TRUE(g.created_ns == w.created_ns && g.arrival_ns == w.arrival_ns &&
                    g.bytes == w.bytes && g.key_id == w.key_id && g.producer == w.producer)
            << "op " << op << " record " << i;
      }
      ASSERT_EQ(got.bytes, want.bytes);
      ASSERT_EQ(got.iterator_age, want.age);
      ASSERT_EQ(got.behind_latest, want.behind);
      reads_checked += want.records.size();
    } else if (dice < 950) {
      const uint64_t dropped = log.Expire(SimTime::FromNanos(now_ns));
      ASSERT_EQ(dropped, ref.Expire(SimTime::FromNanos(now_ns))) << "op " << op;
      expired_total += dropped;
    } else if (dice < 955) {
      if (active.size() >= 4) continue;
      const StartPosition s = start();
      const ShardLog::CursorId id = log.Register(s);
      ASSERT_EQ(id, ref.Register(s));
      ASSERT_EQ(log.cursor(id).position, ref.readers[id].position) << "op " << op;
      active.push_back(id);
    } else if (dice < 956) {
      if (active.empty()) continue;
      const size_t k = rng.Below(active.size());
      log.Unregister(active[k]);
      ref.readers[active[k]].active = false;
      active.erase(active.begin() + static_cast<std::ptrdiff_t>(k));
    } else if (dice < 998) {
      if (active.empty()) continue;
      const ShardLog::CursorId id = active[rng.Below(active.size())];
      // Near the reader (checkpoint replays are short): with replay, possibly before the trim
      // horizon; without it, only records the log still holds.
      const uint64_t lo =
          keep_for_replay ? ref.front() - std::min<uint64_t>(ref.front(), 100) : ref.TrimHorizon();
      const uint64_t pos = ref.readers[id].position;
      const uint64_t from = std::max(lo, pos - std::min<uint64_t>(pos, 200));
      const uint64_t s = std::min(ref.next(), from + rng.Below(260));
      log.Seek(id, s);
      ref.Seek(id, s);
    } else {
      const SimDuration r = Millis(300 + static_cast<int64_t>(rng.Below(1700)));
      log.set_retention(r);
      ref.retention_ = r;
    }

    // Invariants after every operation.
    const ShardLogStats st = log.stats();
    ASSERT_EQ(log.trim_horizon(), ref.TrimHorizon()) << "op " << op;
    ASSERT_EQ(st.retained, log.next_sequence() - log.trim_horizon());
    ASSERT_EQ(st.stored, st.released + st.expired + st.retained);
    ASSERT_LE(st.stored, st.appended);
    ASSERT_EQ(st.expired, expired_total);
    ASSERT_GE(st.peak_retained, st.retained);
    if (keep_for_replay) {
      ASSERT_EQ(st.stored, st.appended);
    }
    if (!keep_for_replay && active.empty()) {
      ASSERT_EQ(st.retained, 0u);
    }
    if (st.peak_retained > 0) {
      ASSERT_EQ(log.capacity(), std::max<uint64_t>(64, std::bit_ceil(st.peak_retained)));
    }
    for (const ShardLog::CursorId id : active) {
      const CursorStats c = log.cursor(id);
      const ReferenceLog::Reader& w = ref.readers[id];
      ASSERT_EQ(c.position, w.position) << "op " << op;
      ASSERT_EQ(c.read, w.read);
      ASSERT_EQ(c.expired, w.expired);
      ASSERT_EQ(c.replayed, w.replayed);
      ASSERT_EQ(c.skipped, w.skipped);
      // Conservation: records appended since the reader's start (adjusted for seeks) = read +
      // unread + lost to retention.
      ASSERT_EQ(log.next_sequence() - c.start_sequence + c.replayed - c.skipped,
                c.read + (log.next_sequence() - c.position) + c.expired);
    }
  }
  // The workload must have exercised what it claims to.
  EXPECT_GT(reads_checked, 10'000u);
  EXPECT_GT(expired_total, 0u);
  uint64_t lost = 0, replayed = 0, skipped = 0;
  for (const ReferenceLog::Reader& r : ref.readers) {
    lost += r.expired;
    replayed += r.replayed;
    skipped += r.skipped;
  }
  EXPECT_GT(lost, 0u);
  EXPECT_GT(replayed + skipped, 0u);
  if (keep_for_replay) {
    EXPECT_GT(replayed, 0u);
  } else {
    EXPECT_GT(log.stats().released, 0u);
    EXPECT_LT(log.stats().stored, log.stats().appended);  // some were appended with no reader
  }
}

TEST(ShardLogTest, RandomWorkloadMatchesDequeModelWithoutReplay) { RunRandomWorkload(false, 1); }

TEST(ShardLogTest, RandomWorkloadMatchesDequeModelWithReplay) { RunRandomWorkload(true, 2); }

}  // namespace
}  // namespace shardsim
