// Tests for the stream's write side: per-record decisions in request order, per-limit and
// per-shard throttle counts, peaks, demand by creation second, and series windows.
#include "models/stream/stream.h"

#include <gtest/gtest.h>

namespace shardsim {
namespace {

StreamSpec OneShard() {
  StreamSpec s;
  s.shards = 1;
  return s;
}

TEST(StreamTest, PutRecordsPartialFailureIsDecidedPerRecordInRequestOrder) {
  Stream stream(OneShard(), Seconds(1));
  const Stream::Instant t0 = stream.At(SimTime::Millis(100));
  for (int i = 0; i < 990; ++i) ASSERT_EQ(stream.Put(0, t0, 100, true, t0.now), WriteLimit::kNone);
  // One call of 20 records at one instant: the first 10 fit the records limit, the rest are
  // refused, each on its own.
  const Stream::Instant t1 = stream.At(SimTime::Millis(200));
  std::vector<WriteLimit> results;
  for (int i = 0; i < 20; ++i) results.push_back(stream.Put(0, t1, 100, true, t1.now));
  for (int i = 0; i < 20; ++i) {
    EXPECT_EQ(results[i], i < 10 ? WriteLimit::kNone : WriteLimit::kRecords) << i;
  }
  const ShardResult r = stream.ShardResults()[0];
  EXPECT_EQ(r.records_in, 1000u);
  EXPECT_EQ(r.throttled_records, 10u);
  EXPECT_EQ(r.throttled_by_records_limit, 10u);
  EXPECT_EQ(r.throttled_by_bytes_limit, 0u);
}

TEST(StreamTest, ARefusedLargeRecordDoesNotStopASmallerOneBehindIt) {
  Stream stream(OneShard(), Seconds(1));
  const Stream::Instant t = stream.At(SimTime::Millis(10));
  ASSERT_EQ(stream.Put(0, t, 1000 * 1024, true, t.now), WriteLimit::kNone);  // 1000 KiB used
  EXPECT_EQ(stream.Put(0, t, 100 * 1024, true, t.now), WriteLimit::kBytes);  // would pass 1 MiB
  EXPECT_EQ(stream.Put(0, t, 10 * 1024, true, t.now), WriteLimit::kNone);    // still fits
  const ShardResult r = stream.ShardResults()[0];
  EXPECT_EQ(r.throttled_by_bytes_limit, 1u);
  EXPECT_EQ(r.bytes_in, 1010u * 1024u);
}

// Regression: a record over the 1 MiB/s bytes limit (max_record_size up to 10 MiB) never fit a
// one-second window, so a stream with large records stored none of them.
TEST(StreamTest, StoresRecordsLargerThanTheBytesLimitFromBurstCapacity) {
  StreamSpec spec = OneShard();
  spec.max_record_size_bytes = 6 * kMiB;
  Stream stream(spec, Seconds(1));
  const Stream::Instant t = stream.At(SimTime::Millis(10));
  EXPECT_EQ(stream.Put(0, t, 5 * kMiB, true, t.now), WriteLimit::kNone);
  EXPECT_EQ(stream.Put(0, t, 6 * kMiB, true, t.now), WriteLimit::kBytes);  // 5 MiB left
  const Stream::Instant later = stream.At(SimTime::Millis(1010));
  EXPECT_EQ(stream.Put(0, later, 6 * kMiB, true, later.now), WriteLimit::kNone);
  const ShardResult r = stream.ShardResults()[0];
  EXPECT_EQ(r.records_in, 2u);
  EXPECT_EQ(r.bytes_in, static_cast<uint64_t>(11 * kMiB));
  EXPECT_EQ(r.throttled_by_bytes_limit, 1u);
}

TEST(StreamTest, RoutesEachShardsCountsSeparately) {
  StreamSpec spec;
  spec.shards = 3;
  Stream stream(spec, Seconds(1));
  const Stream::Instant t = stream.At(SimTime::Seconds(1));
  for (int i = 0; i < 1500; ++i) stream.Put(1, t, 10, true, t.now);
  stream.Put(2, t, 10, true, t.now);
  const std::vector<ShardResult> r = stream.ShardResults();
  EXPECT_EQ(r[0].records_offered, 0u);
  EXPECT_EQ(r[1].records_in, 1000u);
  EXPECT_EQ(r[1].throttled_records, 500u);
  EXPECT_EQ(r[2].records_in, 1u);
  EXPECT_EQ(r[2].throttled_records, 0u);
  EXPECT_EQ(stream.total_throttled(), 500u);
}

TEST(StreamTest, PeaksSeriesAndDemandFollowTheirWindows) {
  Stream stream(OneShard(), Millis(500));
  // 300 records in second 0 (all in its first half), 700 in second 2; 200 retries in second 2
  // that were created in second 0.
  const Stream::Instant a = stream.At(SimTime::Millis(100));
  for (int i = 0; i < 300; ++i) stream.Put(0, a, 1000, true, a.now);
  const Stream::Instant b = stream.At(SimTime::Millis(2600));
  for (int i = 0; i < 700; ++i) stream.Put(0, b, 1000, true, b.now);
  for (int i = 0; i < 200; ++i) stream.Put(0, b, 1000, false, SimTime::Millis(100));
  stream.Finish(SimTime::Seconds(3));
  const ShardResult r = stream.ShardResults()[0];
  EXPECT_EQ(r.peak_records_per_s, 900.0);
  EXPECT_EQ(r.peak_offered_records_per_s, 900.0);
  EXPECT_EQ(r.peak_demand_records_per_s, 700.0);
  EXPECT_EQ(r.first_attempts, 1000u);
  EXPECT_EQ(r.records_offered, 1200u);
  EXPECT_EQ(stream.peak_demand_records_per_s(), 700.0);
  const SeriesTable t = stream.ShardSeries()[0];
  ASSERT_EQ(t.rows.size(), 6u);  // 3 s in 500 ms windows
  EXPECT_EQ(t.rows[0][1], 300.0);
  EXPECT_EQ(t.rows[1][1], 0.0);
  EXPECT_EQ(t.rows[5][1], 900.0);
  EXPECT_EQ(t.rows[5][0], 2.5);
}

// Regression: per-shard demand was counted in the second of each first attempt, so a producer
// backlog released in one second (a throttled large-records run) showed per-shard demand peaks
// ~1.8x the stream-level figure. Both count by creation second now.
TEST(StreamTest, ShardDemandCountsFirstAttemptsByTheSecondTheirRecordWasCreated) {
  Stream stream(OneShard(), Seconds(1));
  // 100 records created in each of seconds 0..3, all first attempted at 4.5 s (a backlog).
  const Stream::Instant late = stream.At(SimTime::Millis(4500));
  for (int sec = 0; sec < 4; ++sec) {
    for (int i = 0; i < 100; ++i) {
      stream.Put(0, late, 1000, true, SimTime::Millis(sec * 1000 + 10 * i));
    }
  }
  // And 50 created and sent in second 6.
  const Stream::Instant b = stream.At(SimTime::Millis(6200));
  for (int i = 0; i < 50; ++i) stream.Put(0, b, 1000, true, b.now);
  stream.Finish(SimTime::Seconds(7));
  const ShardResult r = stream.ShardResults()[0];
  EXPECT_EQ(r.peak_demand_records_per_s, 100.0);
  EXPECT_EQ(r.peak_demand_bytes_per_s, 100'000.0);
  EXPECT_EQ(r.peak_demand_records_per_s, stream.peak_demand_records_per_s());
  EXPECT_EQ(r.peak_demand_bytes_per_s, stream.peak_demand_bytes_per_s());
  EXPECT_EQ(r.peak_offered_records_per_s, 400.0);  // offered load stays by attempt second
  EXPECT_EQ(r.first_attempts, 450u);
}

TEST(StreamTest, ShardDemandSkipsWarmupCreationSecondsAndSurvivesLongRuns) {
  Stream stream(OneShard(), Hours(1), Seconds(2));
  // 800 created in the warm-up but sent after it; then 300 in second 10; then one a second for
  // two hours (far past the per-shard ring).
  const Stream::Instant a = stream.At(SimTime::Millis(2500));
  for (int i = 0; i < 800; ++i) stream.Put(0, a, 10, true, SimTime::Millis(1500));
  const Stream::Instant b = stream.At(SimTime::Seconds(10));
  for (int i = 0; i < 300; ++i) stream.Put(0, b, 10, true, b.now);
  for (int64_t sec = 11; sec < 7200; ++sec) {
    const Stream::Instant t = stream.At(SimTime::Seconds(sec));
    stream.Put(0, t, 10, true, t.now);
  }
  stream.Finish(SimTime::Seconds(7200));
  const ShardResult r = stream.ShardResults()[0];
  EXPECT_EQ(r.peak_demand_records_per_s, 300.0);
  EXPECT_EQ(r.peak_demand_bytes_per_s, 3000.0);
  EXPECT_EQ(stream.peak_demand_records_per_s(), 300.0);
}

TEST(StreamTest, WarmupSecondsDoNotCountTowardPeaks) {
  Stream stream(OneShard(), Seconds(1), Seconds(2));
  const Stream::Instant a = stream.At(SimTime::Millis(500));
  for (int i = 0; i < 800; ++i) stream.Put(0, a, 10, true, a.now);
  const Stream::Instant b = stream.At(SimTime::Millis(2500));
  for (int i = 0; i < 100; ++i) stream.Put(0, b, 10, true, b.now);
  stream.Finish(SimTime::Seconds(3));
  const ShardResult r = stream.ShardResults()[0];
  EXPECT_EQ(r.peak_records_per_s, 100.0);
  EXPECT_EQ(r.records_in, 900u);
  EXPECT_EQ(stream.peak_demand_records_per_s(), 100.0);
}

TEST(StreamTest, DemandPeakSurvivesLongRunsInConstantMemory) {
  Stream stream(OneShard(), Hours(1));
  // A 300-record second early on, then one record per second for two hours (past the ring).
  const Stream::Instant a = stream.At(SimTime::Seconds(10));
  for (int i = 0; i < 300; ++i) stream.Put(0, a, 10, true, a.now);
  for (int64_t sec = 11; sec < 7200; ++sec) {
    const Stream::Instant t = stream.At(SimTime::Seconds(sec));
    stream.Put(0, t, 10, true, t.now);
  }
  EXPECT_EQ(stream.peak_demand_records_per_s(), 300.0);
  EXPECT_EQ(stream.peak_demand_bytes_per_s(), 3000.0);
}

TEST(StreamTest, StoredRecordsCarryKeyProducerAndTheFirstMatchingRecordIsPoisoned) {
  Stream stream(OneShard(), Seconds(1));
  // Trigger 1: the first record created at or after 2 s with key 7 of producer 1; trigger 2: the
  // first record created at or after 1 s, any key.
  const uint32_t keyed = stream.AddPoison(SimTime::Seconds(2), {{1, 7}});
  const uint32_t any = stream.AddPoison(SimTime::Seconds(1), {});
  EXPECT_EQ(keyed, 1u);
  EXPECT_EQ(any, 2u);
  ShardLogOptions options;
  options.keep_for_replay = true;
  stream.EnableReads(options);
  ShardLog& log = stream.log(0);
  const ShardLog::CursorId cursor = log.Register(StartPosition::TrimHorizon());
  auto put = [&](double at_s, double created_s, uint32_t key, uint32_t producer) {
    const Stream::Instant t = stream.At(SimTime::Zero() + SimDuration::FromSeconds(at_s));
    ASSERT_EQ(stream.Put(0, t, 10, true, SimTime::Zero() + SimDuration::FromSeconds(created_s), key,
                         producer),
              WriteLimit::kNone);
  };
  put(0.5, 0.5, 7, 1);  // 0: too early for both
  put(1.5, 1.5, 3, 0);  // 1: any-key trigger
  put(2.1, 2.0, 7, 0);  // 2: key 7 but producer 0
  put(2.2, 2.1, 7, 1);  // 3: keyed trigger
  put(2.3, 2.2, 7, 1);  // 4: triggers fire once
  const ReadResult rr = log.Read(cursor, SimTime::Seconds(3), 100, 1 << 20, SimTime::Seconds(3));
  std::vector<StoredRecord> got;
  for (const auto run : {rr.records.first(), rr.records.second()}) {
    for (const StoredRecord& r : run) got.push_back(r);
  }
  ASSERT_EQ(got.size(), 5u);
  const uint32_t expected_poison[] = {0, any, 0, keyed, 0};
  for (size_t i = 0; i < got.size(); ++i) EXPECT_EQ(stream.PoisonAt(0, i), expected_poison[i]) << i;
  EXPECT_EQ(stream.NextPoison(0, 0), 1u);
  EXPECT_EQ(stream.NextPoison(0, 2), 3u);
  EXPECT_EQ(stream.NextPoison(0, 4), std::numeric_limits<uint64_t>::max());
  EXPECT_EQ(got[2].key_id, 7u);
  EXPECT_EQ(got[2].producer, 0u);
  EXPECT_EQ(got[3].producer, 1u);
  EXPECT_EQ(got[3].data_bytes, 10u);  // no key bytes given: the data is the record
  EXPECT_EQ(got[3].user_records, 1u);
}

TEST(StreamTest, CallLimitRefusesWholeRequestsPerSecondAndCountsTheirRecords) {
  Stream stream(OneShard(), Seconds(1));
  stream.SetCallLimit(2);
  const Stream::Instant a = stream.At(SimTime::Millis(100));
  EXPECT_TRUE(stream.AdmitCall(a));
  EXPECT_TRUE(stream.AdmitCall(a));
  EXPECT_FALSE(stream.AdmitCall(a));
  for (int i = 0; i < 3; ++i) stream.Refuse(0, a, 50, true, a.now);
  const Stream::Instant b = stream.At(SimTime::Millis(1000));  // a new one-second window
  EXPECT_TRUE(stream.AdmitCall(b));
  EXPECT_EQ(stream.calls_refused(), 1u);
  EXPECT_EQ(stream.throttled_by_calls(), 3u);
  const ShardResult r = stream.ShardResults()[0];
  EXPECT_EQ(r.throttled_records, 3u);
  EXPECT_EQ(r.records_offered, 3u);
  EXPECT_EQ(r.records_in, 0u);
  EXPECT_EQ(r.first_attempts, 3u);
}

// ---------------------------------------------------------------- shard lifecycle

// Records what it hears, and what the stream looked like then.
class RecordingListener : public ShardListener {
 public:
  explicit RecordingListener(const Stream& stream) : stream_(stream) {}
  void OnReshard(const Reshard& r) override {
    heard.push_back(r);
    for (uint32_t c : r.children) {
      children_open_when_heard =
          children_open_when_heard && !stream_.log(c).closed() &&
          stream_.shard_map().shard(static_cast<int>(c)).state == ShardState::kOpen;
    }
    for (uint32_t p : r.parents) parents_closed_when_heard &= stream_.log(p).closed();
  }
  std::vector<Reshard> heard;
  bool children_open_when_heard = true;
  bool parents_closed_when_heard = true;

 private:
  const Stream& stream_;
};

TEST(StreamTest, SplitAndMergeCloseParentsOpenChildrenAndTellListenersAfterwards) {
  StreamSpec spec;
  spec.shards = 2;
  Stream stream(spec, Seconds(1));
  stream.EnableReads({});
  RecordingListener listener(stream);
  stream.AddListener(&listener);
  const Stream::Instant t1 = stream.At(SimTime::Seconds(1));
  for (int i = 0; i < 10; ++i) ASSERT_EQ(stream.Put(0, t1, 100, true, t1.now), WriteLimit::kNone);
  const HashRange range = stream.shard_map().shard(0).range;
  const HashKey mid(range.start.value() + (range.end.value() - range.start.value()) / 2);
  const ReshardResult split = stream.Split(0, mid, SimTime::Seconds(2));
  ASSERT_TRUE(split.ok()) << split.error;
  EXPECT_EQ(split.children, (std::vector<int>{2, 3}));
  EXPECT_EQ(stream.routing().epoch(), 1u);
  ASSERT_EQ(listener.heard.size(), 1u);
  EXPECT_EQ(listener.heard[0].parents, (std::vector<uint32_t>{0}));
  EXPECT_EQ(listener.heard[0].children, (std::vector<uint32_t>{2, 3}));
  EXPECT_EQ(listener.heard[0].at, SimTime::Seconds(2));
  EXPECT_TRUE(listener.children_open_when_heard);
  EXPECT_TRUE(listener.parents_closed_when_heard);
  EXPECT_EQ(stream.log(0).next_sequence(), 10u);  // the parent keeps what it stored

  // Children take writes with fresh limits.
  const Stream::Instant t3 = stream.At(SimTime::Seconds(3));
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(stream.Put(2, t3, 10, true, t3.now), WriteLimit::kNone);
  EXPECT_EQ(stream.Put(3, t3, 10, true, t3.now), WriteLimit::kNone);
  // A request Kinesis refuses changes nothing.
  EXPECT_FALSE(stream.Split(0, mid, SimTime::Seconds(3)).ok());
  EXPECT_FALSE(stream.Merge(1, 2, SimTime::Seconds(3)).ok());  // the lower child is not next to 1
  EXPECT_EQ(listener.heard.size(), 1u);
  EXPECT_EQ(stream.routing().epoch(), 1u);
  const ReshardResult merge = stream.Merge(3, 2, SimTime::Seconds(4));
  ASSERT_TRUE(merge.ok()) << merge.error;
  EXPECT_EQ(merge.children, (std::vector<int>{4}));
  ASSERT_EQ(listener.heard.size(), 2u);
  EXPECT_EQ(listener.heard[1].parents, (std::vector<uint32_t>{3, 2}));
  stream.shard_map().CheckInvariants();

  stream.Finish(SimTime::Seconds(5));
  const std::vector<ShardResult> r = stream.ShardResults();
  ASSERT_EQ(r.size(), 5u);
  EXPECT_EQ(r[0].state, "CLOSED");
  EXPECT_EQ(r[0].records_in, 10u);
  EXPECT_EQ(r[2].records_in, 1000u);
  EXPECT_EQ(r[2].parent_shard_ids, (std::vector<std::string>{"shardId-000000000000"}));
  EXPECT_EQ(r[4].state, "OPEN");
  EXPECT_EQ(r[4].parent_shard_ids.size(), 2u);
  EXPECT_EQ(stream.total_records_in(), 1011u);
  const std::vector<SeriesTable> series = stream.ShardSeries();
  ASSERT_EQ(series.size(), 5u);
  for (const SeriesTable& t : series) EXPECT_EQ(t.rows.size(), 5u) << t.name;
}

TEST(StreamDeathTest, ARecordOfferedToAClosedShardIsABug) {
  StreamSpec spec;
  spec.shards = 1;
  Stream stream(spec, Seconds(1));
  ASSERT_TRUE(stream.Split(0, HashKey(Uint128{1} << 100), SimTime::Seconds(1)).ok());
  const Stream::Instant t = stream.At(SimTime::Seconds(2));
  EXPECT_DEATH(stream.Put(0, t, 10, true, t.now), "closed shard");
}

}  // namespace
}  // namespace shardsim
