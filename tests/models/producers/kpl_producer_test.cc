// Tests for models/kpl_producer: whole runs of a KplProducerGroup against a Stream on a small
// Simulation, checked against values computed independently -- aggregate sizes from KplAggregator
// and protobuf arithmetic, the limiter's token-bucket bound, fixed-window shard admission, and a
// renewal-reward formula for the buffered-time latency -- with conservation in every run.
#include "models/producers/kpl_producer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <string>

#include "models/keys/routing.h"
#include "models/producers/kpl_format.h"
#include "models/stream/stream.h"
#include "models/traffic/arrivals.h"
#include "models/traffic/samplers.h"
#include "sim/simulation.h"

namespace shardsim {
namespace {

constexpr double kMiBd = 1024.0 * 1024.0;

struct Outcome {
  ProducerResult producer;
  std::vector<ShardResult> shards;
  uint64_t events = 0;
};

ProducerSpec KplSpec(double records_per_sec, int64_t data_bytes) {
  ProducerSpec p;
  p.name = "kpl";
  p.instances = 1;
  p.records_per_sec = records_per_sec;
  p.arrival.process = ArrivalProcess::kConstant;
  p.record_size.dist = SizeDist::kFixed;
  p.record_size.size_bytes = data_bytes;
  p.api.type = ApiType::kKpl;
  p.api.call_latency = LatencySpec::Fixed(Millis(20));
  // The exact arithmetic below is that of an instance starting with empty buffers at t = 0.
  p.start_phase = StartPhase::kAligned;
  return p;
}

KeySpec OneKey(const std::string& key) {
  KeySpec k;
  k.dist = KeyDist::kWeighted;
  k.weighted_keys = {{key, 1.0}};
  return k;
}

StreamSpec Shards(int64_t n) {
  StreamSpec s;
  s.shards = n;
  return s;
}

// Runs one KPL producer group for `duration` and checks the identities every run must satisfy.
Outcome RunKpl(const StreamSpec& stream_spec, const ProducerSpec& spec, SimDuration duration,
               uint64_t seed = 7) {
  Stream stream(stream_spec, Seconds(1));
  Parsed<RateProfile> profile = RateProfile::FromSpec(spec, duration);
  EXPECT_TRUE(profile.ok()) << profile.error;
  std::string error;
  std::optional<KeyModel> keys = KeyModel::Create(spec.keys, &error);
  EXPECT_TRUE(keys.has_value()) << error;
  Parsed<SizeSampler> sizes = SizeSampler::FromSpec(spec.record_size);
  EXPECT_TRUE(sizes.ok()) << sizes.error;
  if (!profile.ok() || !keys || !sizes.ok()) std::abort();
  const SimTime end = SimTime::Zero() + duration;
  Simulation sim({.seed = seed});
  KplProducerGroup& group = sim.Emplace<KplProducerGroup>(spec, *profile.value, *keys,
                                                          std::move(*sizes.value), stream, end);
  sim.RunUntil(end);
  sim.Finish();
  stream.Finish(end);

  Outcome o{group.Result(), stream.ShardResults(), sim.events_processed()};
  const ProducerResult& r = o.producer;
  EXPECT_EQ(r.api, "KPL");
  // Conservation of user records.
  EXPECT_EQ(r.records_produced, r.records_accepted + r.records_dropped + r.records_in_flight);
  // The stream stored exactly the Kinesis records the producer saw accepted.
  uint64_t stored = 0, stored_bytes = 0, offered = 0;
  for (const ShardResult& s : o.shards) {
    stored += s.records_in;
    stored_bytes += s.bytes_in;
    offered += s.records_offered;
  }
  EXPECT_EQ(stored, r.kinesis_records_accepted);
  EXPECT_EQ(stored_bytes, r.bytes_accepted);
  EXPECT_EQ(offered, r.kinesis_records_sent);
  return o;
}

// User records per aggregate for one key and one size: filled with KplAggregator until the next
// record no longer fits, as the KPL's reducer does.
int64_t RecordsPerAggregate(const std::string& key, size_t data_bytes, size_t limit,
                            size_t* aggregate_bytes) {
  KplAggregator agg;
  while (agg.TryAdd(limit, key, std::nullopt, data_bytes)) {
  }
  *aggregate_bytes = agg.size_bytes();
  return static_cast<int64_t>(agg.record_count());
}

TEST(KplProducerTest, AggregationShrinksRecordRateByExactFactor) {
  // Fact sheet 8: 1,000 x 512 B user records/s become about 10 Kinesis records/s of ~50 KB.
  ProducerSpec spec = KplSpec(1000, 512);
  spec.keys = OneKey("pk-0001");
  size_t aggregate_bytes = 0;
  const int64_t per_aggregate = RecordsPerAggregate("pk-0001", 512, 51'200, &aggregate_bytes);
  // Protobuf arithmetic by hand: key table 1 + 1 + 7, each record 1 + 2 + (1 + 1 + 1 + 2 + 512),
  // 20 bytes of magic and MD5: 29 + 520 n <= 51,200 gives n = 98.
  ASSERT_EQ(per_aggregate, 98);
  ASSERT_EQ(aggregate_bytes, 20u + 9u + 520u * 98u);

  const Outcome o = RunKpl(Shards(1), spec, Seconds(10));
  const ProducerResult& r = o.producer;
  EXPECT_GE(r.records_produced, 9'999u);
  EXPECT_EQ(r.records_throttled, 0u);
  EXPECT_EQ(r.records_dropped, 0u);
  // 98 records take 97 ms at 1 ms spacing, so every aggregate closes full, before its 100 ms
  // deadline; only the last one is still buffered at the end.
  EXPECT_EQ(r.records_accepted, static_cast<uint64_t>(per_aggregate) * r.kinesis_records_accepted);
  EXPECT_EQ(r.bytes_accepted, r.kinesis_records_accepted * (aggregate_bytes + 1));  // key "a"
  EXPECT_LT(r.records_in_flight, static_cast<uint64_t>(per_aggregate) + 20);
  const double kinesis_per_sec = static_cast<double>(r.kinesis_records_accepted) / 10.0;
  EXPECT_NEAR(kinesis_per_sec, 1000.0 / 98.0, 0.2);
  // The 256 KiB per-shard collection limit is never reached: each aggregate leaves in its own call
  // at its first record's deadline (calls count when sent, Kinesis records when answered).
  EXPECT_GE(r.calls, r.kinesis_records_sent);
  EXPECT_LE(r.calls, r.kinesis_records_sent + 1);
  EXPECT_EQ(r.put_latency.count, r.kinesis_records_sent);
}

TEST(KplProducerTest, LowRateLatencyIsBufferedTimePlusCallLatency) {
  // Poisson arrivals, 20 records/s per instance over 4 shards: aggregates never fill, so every
  // instance flushes everything 100 ms after the oldest buffered record. Renewal-reward: a cycle
  // holds its first record (waits 100 ms) and N ~ Poisson(20 * 0.1 = 2) more (each waits U(0,
  // 100) ms, 50 on average), then the next cycle starts at the next arrival (memoryless), so the
  // mean latency is (100 + 50 * 2) / (1 + 2) + 20 ms of call = 86.67 ms, and a cycle lasts 100 ms
  // plus 50 ms on average.
  ProducerSpec spec = KplSpec(40, 200);
  spec.instances = 2;
  spec.arrival.process = ArrivalProcess::kPoisson;
  spec.keys.dist = KeyDist::kUniform;
  spec.keys.count = 1000;
  const double seconds = 60;
  const Outcome o = RunKpl(Shards(4), spec, Seconds(60));
  const ProducerResult& r = o.producer;
  EXPECT_EQ(r.records_throttled, 0u);
  EXPECT_EQ(r.records_dropped, 0u);
  const double tolerance = 1 + LogHistogram::kMaxRelativeError;
  EXPECT_LE(r.record_latency.p99_ms, 120.0 * tolerance);
  EXPECT_LE(r.record_latency.max_ms, 120.0 * tolerance);
  EXPECT_GE(r.record_latency.max_ms, 120.0 / tolerance);  // each cycle's first record
  // ~2,400 records, latency sd ~30 ms, correlated within cycles: SE ~1 ms.
  EXPECT_NEAR(r.record_latency.mean_ms, 100.0 * 2 / 3 + 20, 3.0);
  // One call per cycle per instance: 2 x 60 s / 150 ms = 800; cycle sd 50 ms gives a count sd
  // of about 0.33 * sqrt(800) = 9.4.
  EXPECT_NEAR(static_cast<double>(r.calls), 2 * seconds / 0.150, 40.0);
  EXPECT_EQ(r.put_latency.count, r.calls);
  EXPECT_NEAR(r.put_latency.max_ms, 20.0, 20.0 * LogHistogram::kMaxRelativeError);
}

TEST(KplProducerTest, RateLimitHoldsHotShardAtOneAndAHalfTimesItsLimit) {
  // 4,000 x 1,000 B records/s, all with one key: ~4 MB/s for one shard. FailIfThrottled drops the
  // throttled ones, so every aggregate is full and identical and the counts are exact.
  ProducerSpec spec = KplSpec(4000, 1000);
  spec.keys = OneKey("hot");  // 3 bytes: the real key text is used for keys under 4 bytes
  spec.api.fail_if_throttled = true;
  size_t aggregate_bytes = 0;
  const int64_t n = RecordsPerAggregate("hot", 1000, 51'200, &aggregate_bytes);
  ASSERT_EQ(n, 50);  // 20 + (1 + 1 + 3) + 1,008 n <= 51,200
  const auto put_bytes = static_cast<int64_t>(aggregate_bytes) + 1;
  const double seconds = 20;
  const Outcome o = RunKpl(Shards(2), spec, Seconds(20));
  const ProducerResult& r = o.producer;

  // The limiter: a token bucket of 1 MiB refilled at 150 % of 1 MiB/s (bytes are the aggregate's
  // accurate size, without the partition key). Records pass when it holds a whole record, checked
  // at least every 25 ms; up to one call of 20 ms is still out at the end.
  const double passed = (kMiBd + 1.5 * kMiBd * seconds) / static_cast<double>(aggregate_bytes);
  EXPECT_LE(static_cast<double>(r.kinesis_records_sent), passed);
  EXPECT_GE(static_cast<double>(r.kinesis_records_sent), passed - 3);
  const double offered_ratio = static_cast<double>(r.kinesis_records_sent) *
                               static_cast<double>(aggregate_bytes) / seconds / kMiBd;
  EXPECT_NEAR(offered_ratio, 1.5 + 1.0 / seconds, 0.01);

  // The shard admits whole records in fixed one-second windows of 1 MiB.
  const int64_t per_second = kMiB / put_bytes;
  ASSERT_EQ(per_second, 20);
  EXPECT_EQ(r.kinesis_records_accepted, static_cast<uint64_t>(per_second * 20));
  EXPECT_EQ(r.records_accepted, r.kinesis_records_accepted * static_cast<uint64_t>(n));
  EXPECT_EQ(r.records_throttled,
            (r.kinesis_records_sent - r.kinesis_records_accepted) * static_cast<uint64_t>(n));
  EXPECT_EQ(r.records_dropped, r.records_throttled);  // FailIfThrottled
  EXPECT_EQ(r.records_retried, 0u);
  // Everything went to one shard.
  uint64_t busy = 0;
  for (const ShardResult& s : o.shards) busy += s.records_offered > 0 ? 1 : 0;
  EXPECT_EQ(busy, 1u);
}

TEST(KplProducerTest, RetriedHotShardStillCappedByLimiter) {
  // The same overload with the default retries: throttled user records rejoin the aggregator
  // (50 ms deadline, no backoff), so aggregates are no longer identical, but the limiter still
  // caps what reaches the shard and the shard still stores at most 1 MiB per second.
  ProducerSpec spec = KplSpec(4000, 1000);
  spec.keys = OneKey("hot");
  const Outcome o = RunKpl(Shards(2), spec, Seconds(20));
  const ProducerResult& r = o.producer;
  EXPECT_GT(r.records_throttled, 0u);
  EXPECT_GT(r.records_retried, 0u);
  EXPECT_EQ(r.records_dropped, 0u);  // the backlog's oldest record waits ~12 s < 30 s TTL
  EXPECT_LE(static_cast<double>(r.bytes_accepted), 20 * kMiBd);
  EXPECT_GE(static_cast<double>(r.bytes_accepted), 0.95 * 20 * kMiBd);
  double peak_offered = 0;
  for (const ShardResult& s : o.shards)
    peak_offered = std::max(peak_offered, s.peak_offered_bytes_per_s);
  // The first second may carry the bucket's 1 MiB on top of 1.5 MiB; one record of slack.
  EXPECT_LE(peak_offered, 2.5 * kMiBd + 51'201);
  EXPECT_GE(peak_offered, 1.5 * kMiBd - 51'201);
}

TEST(KplProducerTest, TtlDropsRecordsUnderSustainedOverload) {
  // 3 MB/s for a 1 MiB/s shard with RecordTtl 2 s: the backlog in the limiter expires.
  ProducerSpec spec = KplSpec(3000, 1000);
  spec.keys = OneKey("hot");
  spec.api.record_ttl = Seconds(2);
  const double seconds = 10;
  const Outcome o = RunKpl(Shards(1), spec, Seconds(10));
  const ProducerResult& r = o.producer;
  // Each accepted user record carries at least 1,008 bytes of aggregate.
  const double accepted_max = seconds * kMiBd / 1008.0;
  EXPECT_LE(static_cast<double>(r.records_accepted), accepted_max);
  EXPECT_GE(static_cast<double>(r.records_accepted), 0.9 * accepted_max);
  // Only records younger than TTL + buffering can still be held at the end.
  EXPECT_LE(static_cast<double>(r.records_in_flight), 3000 * 2.3);
  EXPECT_GE(static_cast<double>(r.records_dropped),
            static_cast<double>(r.records_produced) - accepted_max - 3000 * 2.3);
  EXPECT_GT(r.records_dropped, 10'000u);
  // A record is only sent while younger than its TTL: then buffering, a poll and the call.
  EXPECT_LE(r.record_latency.max_ms,
            (2000.0 + 100 + 25 + 20) * (1 + LogHistogram::kMaxRelativeError));
}

TEST(KplProducerTest, WithoutAggregationEveryUserRecordIsAKinesisRecord) {
  ProducerSpec spec = KplSpec(500, 200);
  spec.arrival.process = ArrivalProcess::kPoisson;
  spec.api.aggregation = false;
  spec.keys.dist = KeyDist::kWeighted;
  spec.keys.weighted_keys = {{"key-a", 1.0}, {"key-b", 1.0}};
  const Outcome o = RunKpl(Shards(2), spec, Seconds(20));
  const ProducerResult& r = o.producer;
  EXPECT_EQ(r.records_throttled, 0u);
  EXPECT_EQ(r.kinesis_records_accepted, r.records_accepted);
  EXPECT_EQ(r.kinesis_records_sent, r.records_accepted);
  EXPECT_EQ(r.bytes_accepted, r.records_accepted * (200 + 5));
  // One call per 100 ms deadline cycle: 100 ms plus the 2 ms mean wait for the next arrival.
  EXPECT_NEAR(static_cast<double>(r.calls), 20 / 0.102, 12.0);
  const double tolerance = 1 + LogHistogram::kMaxRelativeError;
  EXPECT_LE(r.record_latency.max_ms, 120.0 * tolerance);
}

TEST(KplProducerTest, AggregateCountsAsOneRecordAgainstShardRecordLimit) {
  // 5,000 tiny records/s to one shard: five times its 1,000 records/s. Aggregated they make a few
  // Kinesis records per second and nothing is throttled; unaggregated every user record is a
  // Kinesis record, the KPL's limiter does not apply (no predicted shard), and the shard's fixed
  // one-second windows admit exactly 1,000 per second.
  ProducerSpec spec = KplSpec(5000, 10);
  spec.keys = OneKey("tiny-key");
  const Outcome aggregated = RunKpl(Shards(1), spec, Seconds(5));
  EXPECT_EQ(aggregated.producer.records_throttled, 0u);
  EXPECT_LE(aggregated.producer.kinesis_records_accepted, 5u * 12);  // deadline-bound: ~10/s
  EXPECT_GE(aggregated.producer.records_accepted, 24'000u);

  spec.api.aggregation = false;
  const Outcome single = RunKpl(Shards(1), spec, Seconds(5));
  EXPECT_EQ(single.producer.kinesis_records_accepted, 5u * 1000);
  EXPECT_EQ(single.producer.records_accepted, 5u * 1000);
  EXPECT_GT(single.producer.records_throttled, 10'000u);
  EXPECT_GT(single.producer.records_retried, 10'000u);
}

TEST(KplProducerTest, MaxConnectionsBoundsCallsInFlight) {
  // A flush every ~100 ms but calls that take 1 s and only 2 connections: 2 calls per second go
  // out, the rest wait for a connection with their records.
  ProducerSpec spec = KplSpec(100, 100);
  spec.keys = OneKey("key-1");
  spec.api.call_latency = LatencySpec::Fixed(Seconds(1));
  spec.api.max_connections = 2;
  const Outcome o = RunKpl(Shards(1), spec, Seconds(10));
  const ProducerResult& r = o.producer;
  EXPECT_LE(r.calls, r.put_latency.count + 2);  // sent = answered + at most 2 out
  EXPECT_GE(r.put_latency.count, 2u * 10 - 2);
  EXPECT_LE(r.put_latency.count, 2u * 10);
  // About 10 flushes per second were formed, so records wait: the queue ages by ~0.4 s per s.
  EXPECT_GT(r.records_in_flight, 300u);
  EXPECT_GT(r.record_latency.max_ms, 3000.0);
}

TEST(KplProducerTest, CallTimeoutsResendStoredRecordsAsDuplicates) {
  // One record per second and every call takes 7 s, beyond the KPL's 6 s RequestTimeout: the shard
  // stores the record, the client cannot know and sends it again. Record i (created at t) is sent
  // at t + 100 ms, stored at t + 6.1 s, re-buffered with a 50 ms deadline, sent at t + 6.15 s and
  // stored again (a duplicate) at t + 12.15 s; then it is older than its 10 s TTL and given up.
  // 12 connections stay busy at most, under MaxConnections 24.
  ProducerSpec spec = KplSpec(1, 100);
  spec.keys.dist = KeyDist::kUniform;
  spec.keys.count = 100;
  spec.api.call_latency = LatencySpec::Fixed(Seconds(7));
  spec.api.record_ttl = Seconds(10);
  const Outcome o = RunKpl(Shards(2), spec, Seconds(40));
  const ProducerResult& r = o.producer;
  EXPECT_EQ(r.calls_timed_out, r.put_latency.count);
  EXPECT_EQ(r.records_throttled, 0u);
  EXPECT_EQ(r.records_dropped, 0u);  // stored on the first attempt, so never lost
  // Accepted: created by 40 - 6.1 = 33.9 s; duplicated: created by 40 - 12.15 = 27.85 s.
  EXPECT_GE(r.records_accepted, 33u);
  EXPECT_LE(r.records_accepted, 34u);
  EXPECT_GE(r.records_accepted - r.duplicates, 6u);
  EXPECT_LE(r.records_accepted - r.duplicates, 7u);
  EXPECT_EQ(r.records_retried, r.duplicates);  // every resend was answered by a stored copy
  EXPECT_NEAR(r.put_latency.max_ms, 6000.0, 6000.0 * LogHistogram::kMaxRelativeError);
}

TEST(KplProducerTest, ExplicitHashKeysFitTheAggregationLimit) {
  ProducerSpec spec = KplSpec(3000, 300);
  spec.arrival.process = ArrivalProcess::kPoisson;
  spec.keys.dist = KeyDist::kExplicitHashKey;
  spec.keys.count = 1000;
  const Outcome o = RunKpl(Shards(1), spec, Seconds(5));
  const ProducerResult& r = o.producer;
  EXPECT_GT(r.kinesis_records_accepted, 0u);
  // Per record at least data + an ExplicitHashKey table entry of 1 + 1 + 39 bytes.
  const double per_record =
      static_cast<double>(r.bytes_accepted) / static_cast<double>(r.records_accepted);
  EXPECT_GT(per_record, 300.0 + 41);
  EXPECT_LE(static_cast<double>(r.bytes_accepted),
            static_cast<double>(r.kinesis_records_accepted) * 51'201);
}

// Regression: with aggregation_max_size equal to the stream's record limit, an aggregate of
// exactly that size plus its one-byte partition key "a" exceeded the limit and was throttled until
// its records expired. Aggregates are capped so that aggregate + key fit.
TEST(KplProducerTest, AnAggregateAndItsKeyNeverExceedTheRecordLimit) {
  constexpr int64_t kLimit = int64_t{1} << 20;
  // Ten records of 104,845 B under the 4-byte key "pk-1" make an aggregate of exactly 1 MiB.
  size_t full_bytes = 0;
  ASSERT_EQ(RecordsPerAggregate("pk-1", 104'845, kLimit, &full_bytes), 10);
  ASSERT_EQ(full_bytes, static_cast<size_t>(kLimit));
  size_t capped_bytes = 0;
  const int64_t per_aggregate = RecordsPerAggregate("pk-1", 104'845, kLimit - 1, &capped_bytes);
  ASSERT_EQ(per_aggregate, 9);

  ProducerSpec spec = KplSpec(4, 104'845);
  spec.keys = OneKey("pk-1");
  spec.api.aggregation_max_size_bytes = kLimit;    // = the stream's max_record_size (valid)
  spec.api.record_max_buffered_time = Seconds(5);  // aggregates close full, not by deadline
  const Outcome o = RunKpl(Shards(1), spec, Seconds(60));
  const ProducerResult& r = o.producer;
  EXPECT_EQ(r.records_throttled, 0u);
  EXPECT_EQ(r.records_dropped, 0u);
  EXPECT_GT(r.kinesis_records_accepted, 20u);
  EXPECT_EQ(r.records_accepted, static_cast<uint64_t>(per_aggregate) * r.kinesis_records_accepted);
  EXPECT_EQ(r.bytes_accepted, r.kinesis_records_accepted * (capped_bytes + 1));
}

// With max_record_size above 1 MiB the KPL's limiter, like the shard, serves records over its
// bytes rate from burst capacity: they are sent, not held until their TTL.
TEST(KplProducerTest, RecordsOverTheLimitersByteRateAreSentOnALargeRecordStream) {
  ProducerSpec spec = KplSpec(0.25, 3 * (int64_t{1} << 20));  // 0.75 MiB/s
  spec.keys = OneKey("doc-1");
  StreamSpec stream = Shards(1);
  stream.max_record_size_bytes = 8 * (int64_t{1} << 20);
  const Outcome o = RunKpl(stream, spec, Seconds(60));
  const ProducerResult& r = o.producer;
  EXPECT_GE(r.records_accepted, 14u);
  EXPECT_EQ(r.records_throttled, 0u);
  EXPECT_EQ(r.records_dropped, 0u);
  EXPECT_EQ(r.records_oversized, 0u);
}

TEST(KplProducerTest, SameSeedGivesIdenticalResults) {
  ProducerSpec spec = KplSpec(2000, 700);
  spec.instances = 3;
  spec.arrival.process = ArrivalProcess::kPoisson;
  spec.keys.dist = KeyDist::kZipf;
  spec.keys.count = 5000;
  spec.keys.zipf_exponent = 1.1;
  const Outcome a = RunKpl(Shards(2), spec, Seconds(5), 11);
  const Outcome b = RunKpl(Shards(2), spec, Seconds(5), 11);
  EXPECT_EQ(a.producer.records_produced, b.producer.records_produced);
  EXPECT_EQ(a.producer.records_accepted, b.producer.records_accepted);
  EXPECT_EQ(a.producer.records_throttled, b.producer.records_throttled);
  EXPECT_EQ(a.producer.kinesis_records_sent, b.producer.kinesis_records_sent);
  EXPECT_EQ(a.producer.bytes_accepted, b.producer.bytes_accepted);
  EXPECT_EQ(a.producer.calls, b.producer.calls);
  EXPECT_EQ(a.producer.record_latency.mean_ms, b.producer.record_latency.mean_ms);
  EXPECT_EQ(a.events, b.events);
  // Events are per flush, poll and call, not per record.
  EXPECT_LT(a.events, a.producer.records_produced / 4);
}

}  // namespace
}  // namespace shardsim
