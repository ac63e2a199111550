// Counters past 2^32 and 10^10 through the accumulators' bulk paths and the result contract: a
// histogram recording 10^10 samples of a 365-day age at once, the producer counters' conversion to
// the result, and result.json written and read back, every count exact. What a 10^10-record run
// would produce, in milliseconds (simulating it would take hours; stream_bounds_tests offers
// 2^32 + 3,000 records to one shard through the per-record path, label "long").
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

#include "models/producers/producer_counters.h"
#include "models/result/histogram.h"
#include "reports/result_json.h"
#include "reports/result_json_reader.h"
#include "sim/stats.h"
#include "sim/time.h"

namespace shardsim {
namespace {

constexpr uint64_t kTenToTheTen = 10'000'000'000;
constexpr uint64_t kPast32 = (uint64_t{1} << 32) + 5;
constexpr uint64_t kYearNs = uint64_t{365} * 24 * 3600 * 1'000'000'000;  // 3.15e16 ns

TEST(CounterWidthTest, AHistogramCountsAndSumsPastTenToTheTenExactly) {
  LogHistogram h;
  h.Record(kYearNs, kTenToTheTen);  // 3.15e26 ns in all: past 2^64
  h.Record(1, kPast32);
  h.Record(7);
  EXPECT_EQ(h.Count(), kTenToTheTen + kPast32 + 1);
  EXPECT_EQ(h.Sum(), Uint128{kYearNs} * kTenToTheTen + kPast32 + 7);
  EXPECT_EQ(h.Max(), kYearNs);
  EXPECT_EQ(h.Min(), 1u);
  EXPECT_NEAR(h.Quantile(0.99), static_cast<double>(kYearNs), kYearNs / 256.0);
  EXPECT_LE(h.Quantile(0.2), 1u);  // kPast32 of 1.43e10 samples are 1
  uint64_t in_buckets = 0;
  h.ForEachNonEmptyBucket([&](uint64_t, uint64_t c) { in_buckets += c; });
  EXPECT_EQ(in_buckets, h.Count());
}

TEST(CounterWidthTest, ProducerCountsPastTenToTheTenReachResultJsonAndReadBackExactly) {
  ProducerCounters c;
  c.produced = kTenToTheTen + 3;
  c.accepted = kTenToTheTen + 1;
  c.throttled = kPast32;
  c.retried = kPast32 + 1;
  c.calls = kTenToTheTen / 500;
  c.bytes_accepted = std::numeric_limits<uint64_t>::max() - 1;  // 10^10 records of ~1.8 GB: no
  c.kinesis_sent = kTenToTheTen + 3;
  c.kinesis_accepted = kTenToTheTen + 1;
  c.record_latency_ns.Record(kYearNs, kTenToTheTen);
  c.record_latency_ns.Record(1'000'000, 1);
  c.put_latency_ns.Record(20'000'000, c.calls);
  ProducerSpec spec;
  spec.name = "p";
  RunResult r;
  r.producers.push_back(c.Result(spec, "PutRecords"));
  ShardResult shard;
  shard.shard_id = "shardId-000000000000";
  shard.records_in = kTenToTheTen + 9;
  shard.records_offered = kTenToTheTen + kPast32;
  shard.throttled_records = kPast32;
  shard.first_attempts = kTenToTheTen;
  r.shards.push_back(shard);
  const ProducerResult& p = r.producers[0];
  EXPECT_EQ(p.records_produced, kTenToTheTen + 3);
  EXPECT_EQ(p.record_latency_histogram.count, kTenToTheTen + 1);
  EXPECT_EQ(p.record_latency_histogram.sum, Uint128{kYearNs} * kTenToTheTen + 1'000'000);

  const ResultRead read = ReadResultJson(ResultJsonText(r));
  ASSERT_TRUE(read.ok()) << (read.errors.empty()
                                 ? ""
                                 : read.errors[0].pointer + ": " + read.errors[0].message);
  const RunResult& b = *read.result;
  ASSERT_EQ(b.producers.size(), 1u);
  EXPECT_EQ(b.producers[0].records_produced, kTenToTheTen + 3);
  EXPECT_EQ(b.producers[0].records_accepted, kTenToTheTen + 1);
  EXPECT_EQ(b.producers[0].records_throttled, kPast32);
  EXPECT_EQ(b.producers[0].records_retried, kPast32 + 1);
  EXPECT_EQ(b.producers[0].bytes_accepted, std::numeric_limits<uint64_t>::max() - 1);
  EXPECT_EQ(b.producers[0].kinesis_records_accepted, kTenToTheTen + 1);
  EXPECT_EQ(b.producers[0].record_latency_histogram, p.record_latency_histogram);
  EXPECT_EQ(b.producers[0].put_latency.count, kTenToTheTen / 500);
  ASSERT_EQ(b.shards.size(), 1u);
  EXPECT_EQ(b.shards[0].records_in, kTenToTheTen + 9);
  EXPECT_EQ(b.shards[0].records_offered, kTenToTheTen + kPast32);
  EXPECT_EQ(b.shards[0].throttled_records, kPast32);
  EXPECT_EQ(b.shards[0].first_attempts, kTenToTheTen);
}

}  // namespace
}  // namespace shardsim
