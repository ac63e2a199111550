// Firehose delivery-stream tests (fact sheet 7), whole runs through LoadScenarioText and
// RunScenario: buffer delay ~ interval at low rates and ~ size / rate at high rates, compression,
// dynamic partitioning (objects and the 1.5x multi-stage delay), transform retries, destination
// retries and backup, Direct PUT quotas, sharing a shard's read limits, 5 KB billing rounding,
// conservation with every failure path, and determinism.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "models/keys/key_model.h"
#include "models/producers/producer.h"
#include "models/spec/loader/scenario_loader.h"
#include "models/stream/stream.h"
#include "models/traffic/arrivals.h"
#include "models/traffic/samplers.h"
#include "planner/session.h"
#include "reports/result_json.h"
#include "sim/simulation.h"

namespace shardsim {
namespace {

constexpr double kGiB = 1073741824.0;

// A scenario with one producer and one firehose consumer; `producer` and `firehose` are the
// JSON members added to each (without braces).
std::string Scenario2(const std::string& duration, const std::string& producer,
                      const std::string& firehose, const std::string& more_consumers = "",
                      int shards = 1, int seed = 11) {
  return R"({"name": "fh-test", "seed": )" + std::to_string(seed) + R"(, "duration": ")" +
         duration + R"(", "producers": [{"name": "p", )" + producer +
         R"(}], "stream": {"shards": )" + std::to_string(shards) +
         R"(}, "consumers": [{"name": "fh", "type": "firehose", )" + firehose + "}" +
         more_consumers + "]}";
}

RunResult RunText(const std::string& text, uint64_t seed_override = 0) {
  const LoadResult loaded = LoadScenarioText(text, "test.json", "");
  std::string errors;
  for (const Diagnostic& d : loaded.errors) errors += d.pointer + ": " + d.message + "\n";
  EXPECT_TRUE(loaded.ok()) << errors << text;
  if (!loaded.ok()) return {};
  RunOptions options;
  if (seed_override != 0) options.seed = seed_override;
  RunOutcome o = RunScenario(*loaded.scenario, options);
  EXPECT_TRUE(o.input_errors.empty());
  EXPECT_TRUE(o.result.has_value());
  if (!o.result.has_value()) return {};
  EXPECT_TRUE(o.result->conservation.ok) << o.result->conservation.detail;
  return *o.result;
}

const ConsumerResult& Firehose(const RunResult& r) {
  for (const ConsumerResult& c : r.consumers) {
    if (c.firehose.has_value()) return c;
  }
  ADD_FAILURE() << "no firehose in the result";
  static const ConsumerResult kNone;
  return kNone;
}

// The identities every Firehose result satisfies.
void ExpectIdentities(const ConsumerResult& c) {
  ASSERT_TRUE(c.firehose.has_value());
  const FirehoseResult& f = *c.firehose;
  EXPECT_EQ(f.records_in, f.records_delivered + f.records_transform_failed + f.records_backed_up +
                              f.records_buffered_at_end);
  EXPECT_EQ(c.records_available,
            c.records_processed + c.records_failed + c.records_unread + c.records_expired);
  EXPECT_EQ(c.records_processed, f.records_delivered);
  EXPECT_EQ(c.records_failed, f.records_transform_failed + f.records_backed_up);
  EXPECT_EQ(f.objects_written, c.deliveries);
  EXPECT_GE(f.flushes_by_size + f.flushes_by_interval, f.objects_written);
  EXPECT_GE(f.s3_put_requests, f.objects_written + f.delivery_attempts_failed);
}

// The run's Firehose, its identities checked.
const ConsumerResult& CheckedFirehose(const RunResult& r) {
  const ConsumerResult& c = Firehose(r);
  ExpectIdentities(c);
  return c;
}

// 10 records/s of 1000 B through Direct PUT (one PutRecord call each, 20 ms apart from
// creation), fixed 100 ms S3 writes.
const char* kSlowProducer =
    R"("rate": "10/s", "arrival": {"process": "constant"}, "record_size": "1000B",
       "api": {"type": "PutRecord", "call_latency": "20ms"}, "target": "fh")";

// 2048 records/s of 1 KiB = 2 MiB/s through Direct PUT in PutRecords batches.
const char* kFastProducer =
    R"("rate": "2048/s", "arrival": {"process": "constant"}, "record_size": "1KiB",
       "api": {"type": "PutRecords", "call_latency": "20ms", "linger": "50ms"}, "target": "fh")";

TEST(FirehoseTest, DelayIsAboutTheIntervalAtLowRates) {
  const RunResult r = RunText(Scenario2("10min", kSlowProducer,
                                        R"("source": "direct_put",
      "buffering": {"size": "5MiB", "interval": "60s"},
      "destination": {"write_latency": "100ms"})"));
  const ConsumerResult& c = CheckedFirehose(r);
  const FirehoseResult& f = *c.firehose;
  // Buffers open at the first record (~0.02 s) and flush 60 s later: at ~60, 120, ... 540 s;
  // the tenth flush (~600.02 s) falls after the end. 600 records of 1000 B never reach 5 MiB.
  EXPECT_EQ(f.flushes_by_size, 0u);
  EXPECT_EQ(f.flushes_by_interval, 9u);
  EXPECT_EQ(f.objects_written, 9u);
  // Each object holds interval x rate records: 600 x 1000 B.
  EXPECT_NEAR(f.object_bytes.mean, 600'000.0, 1'000.0);
  EXPECT_NEAR(static_cast<double>(f.records_buffered_at_end), 600.0, 2.0);
  // Arrivals spread evenly over the 60 s a buffer is open: a record waits interval/2 on
  // average (60 s to 0.1 s, mean 30.05 s) and the interval at most, then the 100 ms write.
  EXPECT_NEAR(f.delivery_latency.mean_ms, 30'050.0 + 100.0, 150.0);
  EXPECT_NEAR(f.delivery_latency.max_ms, 60'100.0, 60'100.0 / 256 + 1);
  // Creation -> written adds the 20 ms PutRecord call.
  EXPECT_NEAR(c.latency.mean_ms - f.delivery_latency.mean_ms, 20.0, 2.0);
  // Per object, the first record -> written is the interval plus the write.
  EXPECT_NEAR(c.latency.max_ms, 60'100.0 + 20.0, 60'120.0 / 256 + 1);
  EXPECT_EQ(f.s3_put_requests, 9u);
}

TEST(FirehoseTest, DelayIsAboutSizeOverRateAtHighRates) {
  const RunResult r = RunText(Scenario2("60s", kFastProducer,
                                        R"("source": "direct_put",
      "buffering": {"size": "1MiB", "interval": "60s"},
      "destination": {"write_latency": "100ms"})"));
  const ConsumerResult& c = CheckedFirehose(r);
  const FirehoseResult& f = *c.firehose;
  // 1 MiB / 2 MiB/s = an object every 0.5 s, each exactly 1024 records of 1 KiB.
  EXPECT_EQ(f.flushes_by_interval, 0u);
  EXPECT_NEAR(static_cast<double>(f.flushes_by_size), 120.0, 1.0);
  EXPECT_EQ(f.object_bytes.p50, static_cast<double>(kMiB));
  EXPECT_EQ(f.object_bytes.max, static_cast<double>(kMiB));
  EXPECT_EQ(f.object_bytes.mean, static_cast<double>(kMiB));
  // Fill time 0.5 s: a record waits 0.25 s on average (arrivals in 50 ms batches move it by
  // at most half a batch), plus the 100 ms write.
  EXPECT_NEAR(f.delivery_latency.mean_ms, 250.0 + 100.0, 30.0);
  EXPECT_LE(f.delivery_latency.max_ms, 500.0 + 100.0 + 60.0);
}

TEST(FirehoseTest, CompressionRatioShrinksObjects) {
  const RunResult r = RunText(Scenario2("30s", kFastProducer,
                                        R"("source": "direct_put",
      "buffering": {"size": "1MiB", "interval": "60s"},
      "compression": {"codec": "gzip", "ratio": 0.3},
      "destination": {"write_latency": "100ms"})"));
  const FirehoseResult& f = *Firehose(r).firehose;
  const double object = std::round(0.3 * static_cast<double>(kMiB));  // 314,573 B
  ASSERT_GT(f.objects_written, 50u);
  EXPECT_EQ(f.object_bytes.mean, object);
  EXPECT_EQ(static_cast<double>(f.bytes_delivered),
            object * static_cast<double>(f.objects_written));
}

TEST(FirehoseTest, DynamicPartitioningMakesTenTimesTheObjectsAndWaitsUpToOneAndAHalfIntervals) {
  const std::string dp = R"("source": "direct_put",
      "buffering": {"size": "5MiB", "interval": "60s"},
      "dynamic_partitioning": {"enabled": true, "partitions": 10},
      "destination": {"write_latency": "100ms"})";
  const RunResult r = RunText(Scenario2("10min", kSlowProducer, dp));
  const ConsumerResult& c = CheckedFirehose(r);
  const FirehoseResult& f = *c.firehose;
  EXPECT_EQ(f.partitions, 10u);
  // A first stage flushing every 30 s feeds 10 partition buffers that flush 60 s after they
  // open (at a first-stage flush): ~30, 90, ..., 570 s: 9 objects each, ~1/10 of the records.
  EXPECT_GE(f.objects_written, 80u);
  EXPECT_LE(f.objects_written, 90u);
  EXPECT_NEAR(f.object_bytes.mean, 60'000.0, 9'000.0);
  // A record waits up to 30 s in the first stage and 60 s in its partition: 1.5 intervals.
  // On average 15 s, then 60 s or 30 s (the partition's two first-stage deposits): 60 s.
  EXPECT_NEAR(f.delivery_latency.max_ms, 90'100.0, 90'100.0 / 256 + 1);
  EXPECT_NEAR(f.delivery_latency.mean_ms, 60'100.0, 1'000.0);
  EXPECT_DOUBLE_EQ(f.dynamic_partitioning_gb, static_cast<double>(f.records_in) * 1000.0 / kGiB);
}

TEST(FirehoseTest, TransformFailingEveryTimeFailsAllRecordsAfterItsRetries) {
  const RunResult r = RunText(Scenario2("10min", kSlowProducer,
                                        R"("source": "direct_put",
      "transform": {"enabled": true, "buffer_size": "1MB", "buffer_interval": "60s",
                    "duration": {"per_batch": "1s"}, "error_rate": 1, "retries": 2},
      "destination": {"write_latency": "100ms"})"));
  const ConsumerResult& c = CheckedFirehose(r);
  const FirehoseResult& f = *c.firehose;
  // Transform buffers flush at ~60, 120, ..., 540 s (600 KB < 1 MB): 9 batches, each invoked
  // three times (1 + 2 retries, 3 s) and then processing-failed.
  EXPECT_EQ(f.transform_invocations, 27u);
  EXPECT_EQ(f.transform_failures, 27u);
  EXPECT_EQ(f.records_delivered, 0u);
  EXPECT_EQ(f.objects_written, 0u);
  EXPECT_EQ(f.s3_put_requests, 0u);
  EXPECT_NEAR(static_cast<double>(f.records_transform_failed), 9 * 600.0, 3.0);
  EXPECT_EQ(c.records_failed, f.records_transform_failed);
}

TEST(FirehoseTest, TransformThatSucceedsAddsItsBufferAndDuration) {
  const RunResult r = RunText(Scenario2("10min", kSlowProducer,
                                        R"("source": "direct_put",
      "transform": {"enabled": true, "buffer_size": "1MB", "buffer_interval": "60s",
                    "duration": {"per_batch": "1s"}, "retries": 2},
      "buffering": {"size": "5MiB", "interval": "60s"},
      "destination": {"write_latency": "100ms"})"));
  const FirehoseResult& f = *Firehose(r).firehose;
  EXPECT_EQ(f.transform_failures, 0u);
  EXPECT_EQ(f.records_transform_failed, 0u);
  // The transform buffer opens at ~0.12 s and flushes every 60.1 s (the next record comes
  // 0.1 s after a flush); batch k reaches the S3 buffer 1 s later, at 61.12 + 60.1 (k - 1) s,
  // opening it; it flushes 60 s later, 0.1 s before batch k + 1 arrives. So each object holds
  // one batch, and a record waits 30.05 s (transform buffer) + 1 s + 60 s + the 100 ms write.
  EXPECT_NEAR(f.delivery_latency.mean_ms, 30'050.0 + 1'000.0 + 60'000.0 + 100.0, 150.0);
  EXPECT_EQ(f.objects_written, 8u);  // S3 flushes at 121.12 + 60.1 (k - 1) <= 600 s
  EXPECT_EQ(f.transform_invocations, 9u);
}

TEST(FirehoseTest, FailedDeliveriesAreRetriedUntilDelivered) {
  const RunResult r = RunText(Scenario2("60s", kFastProducer,
                                        R"("source": "direct_put",
      "buffering": {"size": "1MiB", "interval": "60s"},
      "destination": {"write_latency": "100ms", "error_rate": 0.5})"));
  const ConsumerResult& c = CheckedFirehose(r);
  const FirehoseResult& f = *c.firehose;
  EXPECT_EQ(f.records_backed_up, 0u);
  // ~120 objects, each failing a geometric number of times with mean 1: sd ~sqrt(240).
  EXPECT_GT(f.objects_written, 100u);
  EXPECT_NEAR(static_cast<double>(f.delivery_attempts_failed), 120.0, 50.0);
  // Each failure costs the write plus the 5 s retry interval: ~5.1 s more on average.
  EXPECT_NEAR(f.delivery_latency.mean_ms, 350.0 + 5'100.0, 1'500.0);
  EXPECT_EQ(f.records_in, f.records_delivered + f.records_buffered_at_end);
}

TEST(FirehoseTest, DestinationDownBacksRecordsUpAfterTheRetryDuration) {
  const RunResult r = RunText(Scenario2("120s", kFastProducer,
                                        R"("source": "direct_put",
      "buffering": {"size": "1MiB", "interval": "60s"},
      "destination": {"write_latency": "100ms", "error_rate": 1, "retry_duration": "60s"})"));
  const ConsumerResult& c = CheckedFirehose(r);
  const FirehoseResult& f = *c.firehose;
  EXPECT_EQ(f.records_delivered, 0u);
  EXPECT_EQ(f.objects_written, 0u);
  // Attempts start every 5.1 s (100 ms write + 5 s pause); the 12th fails at 56.2 s and a 13th
  // would start after 60 s: the object is backed up 56.2 s after its flush. Objects flush every
  // 0.5 s, so those flushed by 120 - 56.2 = 63.8 s (127 of them) are backed up by the end.
  ASSERT_EQ(f.records_backed_up % 1024, 0u);
  EXPECT_NEAR(static_cast<double>(f.records_backed_up / 1024), 127.0, 1.0);
  EXPECT_GE(f.delivery_attempts_failed, 12 * (f.records_backed_up / 1024));
  EXPECT_EQ(c.records_failed, f.records_backed_up);
}

TEST(FirehoseTest, ZeroBufferingDeliversWithinSeconds) {
  const RunResult r = RunText(Scenario2("60s", kSlowProducer,
                                        R"("source": "direct_put",
      "buffering": {"size": "5MiB", "interval": "0s"},
      "destination": {"write_latency": "100ms"})"));
  const FirehoseResult& f = *Firehose(r).firehose;
  EXPECT_NEAR(static_cast<double>(f.objects_written), 59.0, 1.0);  // one per second
  EXPECT_LE(f.delivery_latency.max_ms, 1'100.0 + 5.0);
  EXPECT_NEAR(f.delivery_latency.mean_ms, 550.0 + 100.0, 30.0);
}

TEST(FirehoseTest, DirectPutRecordQuotaThrottlesProducers) {
  const RunResult r = RunText(Scenario2("60s",
                                        R"("rate": "2000/s", "arrival": {"process": "constant"},
       "record_size": "100B", "api": {"type": "PutRecords", "linger": "50ms"},
       "retry": {"max_attempts": 1}, "target": "fh")",
                                        R"("source": "direct_put",
      "direct_put_limits": {"records_per_s": "1000/s"},
      "buffering": {"size": "1MiB", "interval": "10s"})"));
  const ProducerResult& p = r.producers[0];
  const double attempts = static_cast<double>(p.records_accepted + p.records_throttled);
  EXPECT_NEAR(static_cast<double>(p.records_throttled) / attempts, 0.5, 0.02);
  // One-second windows admit 1,000 records each.
  EXPECT_NEAR(static_cast<double>(p.records_accepted), 60'000.0, 1'000.0);
  EXPECT_EQ(Firehose(r).firehose->records_in, p.records_accepted);
}

TEST(FirehoseTest, DirectPutRequestQuotaRefusesWholeCalls) {
  ProducerSpec p;
  p.name = "p";
  p.records_per_sec = 2000;
  p.arrival.process = ArrivalProcess::kConstant;
  p.record_size.size_bytes = 100;
  p.api.type = ApiType::kPutRecords;
  p.api.linger = Millis(50);
  p.api.call_latency = LatencySpec::Fixed(Millis(20));
  p.retry.max_attempts = 1;
  p.target = "fh";
  StreamSpec spec;  // as run.cc builds a Direct PUT ingestion stream: one shard, the quotas
  spec.name = "fh";
  spec.shards = 1;
  spec.max_record_size_bytes = kFirehoseMaxRecordBytes;
  spec.write_limits.records_per_sec = 500'000;
  spec.write_limits.bytes_per_sec = 5 * kMiB;
  Stream stream(spec, Seconds(1));
  stream.SetCallLimit(5);
  const SimDuration run = Seconds(30);
  const SimTime end = SimTime::Zero() + run;
  auto profile = RateProfile::FromSpec(p, run);
  std::string error;
  auto keys = KeyModel::Create(p.keys, &error);
  ASSERT_TRUE(profile.ok() && keys.has_value()) << error;
  Simulation sim({.seed = 5});
  auto& group = sim.Emplace<ProducerGroup>(p, *profile.value, *keys,
                                           std::move(*SizeSampler::FromSpec(p.record_size).value),
                                           stream, end, SimTime::Zero(), 0);
  sim.RunUntil(end);
  sim.Finish();
  stream.Finish(end);
  const ProducerResult pr = group.Result();
  // ~20 calls/s (50 ms linger + 20 ms calls, one in flight); 5 per one-second window pass.
  EXPECT_GT(pr.calls, 400u);
  EXPECT_NEAR(static_cast<double>(stream.calls_refused()), static_cast<double>(pr.calls - 150),
              2.0);
  EXPECT_EQ(stream.throttled_by_calls(), pr.records_throttled);
  EXPECT_NEAR(static_cast<double>(pr.records_accepted), 150.0 * 2000 / 20, 150.0 * 2000 / 20 * 0.1);
}

TEST(FirehoseTest, StreamSourceSharesTheShardReadLimitWithPollers) {
  std::string pollers;
  for (int i = 0; i < 5; ++i) {
    pollers += R"(, {"name": "poller)" + std::to_string(i) + R"(", "type": "polling"})";
  }
  auto scenario = [](const std::string& more) {
    return Scenario2("60s",
                     R"("rate": "1000/s", "record_size": "1000B",
       "keys": {"dist": "uniform", "count": 1000}, "api": {"type": "PutRecords"})",
                     R"("source": "stream",
      "buffering": {"size": "1MiB", "interval": "10s"},
      "destination": {"write_latency": "100ms"})",
                     more, 2);
  };
  // Alone, the Firehose calls GetRecords once per second per shard, unthrottled.
  const RunResult alone = RunText(scenario(""));
  const ConsumerResult& a = Firehose(alone);
  EXPECT_NEAR(static_cast<double>(a.get_records_calls), 2 * 60.0, 2.0);
  EXPECT_EQ(a.read_throttles, 0u);
  const RunResult r = RunText(scenario(pollers));
  const ConsumerResult& c = CheckedFirehose(r);
  // ~0.5 MB/s per shard read by 5 pollers and the Firehose is ~3 MB/s of a shard's shared
  // 2 MiB/s: the spent byte budget throttles every reader of the shard, the Firehose too.
  EXPECT_GT(c.read_throttles_by_bytes, 0u);
  for (const ConsumerResult& x : r.consumers) {
    EXPECT_GT(x.read_throttles, 0u) << x.name;
  }
  EXPECT_GT(c.firehose->records_delivered, 0u);
  EXPECT_EQ(c.firehose->source, "stream");
  EXPECT_GT(c.propagation.mean_ms, 0.0);
  EXPECT_GT(c.iterator_age_max_ms, 0.0);
}

TEST(FirehoseTest, BillingRoundsEachRecordUpToFiveKb) {
  for (const auto& [size, billed] : {std::pair{3000, 5120}, std::pair{12000, 15360}}) {
    const RunResult r = RunText(
        Scenario2("20s",
                  R"("rate": "50/s", "arrival": {"process": "constant"}, "record_size": ")" +
                      std::to_string(size) + R"(B", "api": {"type": "PutRecords"}, "target": "fh")",
                  R"("source": "direct_put", "format_conversion": {"enabled": true},
            "buffering": {"size": "64MiB", "interval": "10s"})"));
    const FirehoseResult& f = *Firehose(r).firehose;
    ASSERT_GT(f.records_in, 900u);
    EXPECT_EQ(f.ingested_gb_billed * kGiB, static_cast<double>(f.records_in) * billed) << size;
    EXPECT_EQ(f.format_conversion_gb, f.ingested_gb_billed);
    EXPECT_EQ(f.dynamic_partitioning_gb, 0.0);
  }
}

// Regression: the Firehose counted each record's partition key as delivered data (buffer fill,
// object size, billing). It delivers the data blob only (fact sheet 7): 5,100 B of data under a
// 27-character key are billed as one 5 KB unit, not two.
TEST(FirehoseTest, PartitionKeysAreNotDeliveredBufferedOrBilled) {
  const RunResult r = RunText(
      Scenario2("20s",
                R"("rate": "50/s", "arrival": {"process": "constant"}, "record_size": "5100B",
         "keys": {"dist": "uniform", "count": 10, "format": "a-thirty-character-key-no-{i}"},
         "api": {"type": "PutRecords"})",
                R"("buffering": {"size": "1MiB", "interval": "5s"})"));
  const FirehoseResult& f = *Firehose(r).firehose;
  ASSERT_GT(f.records_in, 800u);
  EXPECT_EQ(r.shards[0].bytes_in, r.shards[0].records_in * (5100 + 27));  // the stream counts it
  EXPECT_EQ(f.bytes_in, f.records_in * 5100);
  EXPECT_EQ(f.bytes_delivered, f.records_delivered * 5100);  // uncompressed objects
  EXPECT_EQ(f.ingested_gb_billed * kGiB, static_cast<double>(f.records_in) * 5120);
  // 1 MiB buffers flush at the 206th record of 5,100 B (the 205th with 27-byte keys).
  EXPECT_EQ(f.object_bytes.max, 206.0 * 5100);
}

// The Firehose de-aggregates KPL records (fact sheet 8): it delivers the user records' data and
// counts them; records_* stay Kinesis records.
TEST(FirehoseTest, KplAggregatesAreDeliveredAsTheirUserRecords) {
  const RunResult r = RunText(
      Scenario2("20s",
                R"("rate": "1000/s", "arrival": {"process": "constant"}, "record_size": "100B",
         "keys": {"dist": "uniform", "count": 50, "format": "k{i}"}, "api": {"type": "KPL"})",
                R"("buffering": {"size": "64MiB", "interval": "5s"})"));
  const ConsumerResult& c = Firehose(r);
  const FirehoseResult& f = *c.firehose;
  ASSERT_GT(f.records_delivered, 50u);
  EXPECT_GT(f.user_records_delivered, 10 * f.records_delivered);
  EXPECT_EQ(f.bytes_delivered, f.user_records_delivered * 100);  // data only, no framing
  EXPECT_EQ(c.user_records_processed, f.user_records_delivered);
  EXPECT_EQ(c.records_processed, f.records_delivered);
  EXPECT_GT(f.user_records_delivered, 12'000u);  // ~15 s of the 20 s of 1,000/s delivered
}

std::string EveryFailurePath(int seed) {
  return Scenario2("3min", R"("rate": "500/s", "record_size": "2KB",
       "api": {"type": "PutRecords"})",
                   R"("source": "stream",
      "buffering": {"size": "1MiB", "interval": "20s"},
      "transform": {"enabled": true, "buffer_size": "500KB", "buffer_interval": "5s",
                    "duration": {"per_batch": "200ms", "per_mib": "1s",
                                 "distribution": "lognormal"},
                    "error_rate": 0.4, "retries": 1},
      "dynamic_partitioning": {"enabled": true, "partitions": 7},
      "compression": {"codec": "snappy"},
      "destination": {"error_rate": 0.4, "retry_duration": "12s"})",
                   "", 3, seed);
}

TEST(FirehoseTest, ConservesRecordsThroughEveryFailurePath) {
  const RunResult r = RunText(EveryFailurePath(21));
  const ConsumerResult& c = CheckedFirehose(r);
  const FirehoseResult& f = *c.firehose;
  EXPECT_GT(f.records_delivered, 0u);
  EXPECT_GT(f.records_transform_failed, 0u);
  EXPECT_GT(f.records_backed_up, 0u);
  EXPECT_GT(f.records_buffered_at_end, 0u);
  EXPECT_GT(f.delivery_attempts_failed, 0u);
  EXPECT_EQ(f.partitions, 7u);
  // Everything the shards stored after the Firehose registered (LATEST at 0) was taken.
  EXPECT_EQ(c.records_skipped, 0u);
  EXPECT_EQ(f.records_in + c.records_unread - f.records_buffered_at_end, c.records_available);
  uint64_t per_shard = 0;
  for (const ConsumerShardResult& s : c.shards) per_shard += s.records_processed;
  EXPECT_EQ(per_shard, f.records_delivered);
  // Each invocation fails with 0.4 (1.4 invocations and 0.56 failures per batch).
  EXPECT_NEAR(
      static_cast<double>(f.transform_failures) / static_cast<double>(f.transform_invocations), 0.4,
      0.08);
}

TEST(FirehoseTest, SameSeedSameResult) {
  const RunResult a = RunText(EveryFailurePath(21));
  const RunResult b = RunText(EveryFailurePath(21));
  EXPECT_EQ(ResultJsonText(a), ResultJsonText(b));
  const RunResult other = RunText(EveryFailurePath(22));
  EXPECT_NE(ResultJsonText(a), ResultJsonText(other));
}

TEST(FirehoseTest, SeriesAndAssumptionsDescribeTheModel) {
  const RunResult r = RunText(Scenario2("60s", kFastProducer,
                                        R"("source": "direct_put",
      "buffering": {"size": "1MiB", "interval": "60s"},
      "destination": {"write_latency": "100ms"})"));
  const SeriesTable* t = nullptr;
  for (const SeriesTable& s : r.series) {
    if (s.name == "consumer-fh") t = &s;
  }
  ASSERT_NE(t, nullptr);
  ASSERT_GE(t->columns.size(), 3u);
  const size_t n = t->columns.size();
  EXPECT_EQ(t->columns[n - 3], "objects_written");
  EXPECT_EQ(t->columns[n - 1], "buffered_bytes");
  double objects = 0, delivered = 0, held_max = 0;
  for (const auto& row : t->rows) {
    objects += row[n - 3];
    delivered += row[1];
    held_max = std::max(held_max, row[n - 1]);
  }
  const FirehoseResult& f = *Firehose(r).firehose;
  EXPECT_EQ(objects, static_cast<double>(f.objects_written));
  EXPECT_EQ(delivered, static_cast<double>(f.records_delivered));
  // At most one full buffer plus the objects in their 100 ms write (~0.2 MiB more).
  EXPECT_GE(held_max, static_cast<double>(kMiB) * 0.9);
  EXPECT_LE(held_max, static_cast<double>(kMiB) * 1.5);
  bool found = false;
  for (const Assumption& a : r.assumptions) {
    found = found || a.name.find("firehose fh: delivery retries") != std::string::npos;
  }
  EXPECT_TRUE(found);
}

}  // namespace
}  // namespace shardsim
