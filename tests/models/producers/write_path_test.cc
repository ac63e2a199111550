// Whole-write-path tests through RunScenario: conservation in every configuration, exact
// admission counts, hot-shard shares against exact key weights, findings, duplicates after
// timeouts, determinism.
#include <gtest/gtest.h>

#include <cmath>

#include "planner/session.h"
#include "reports/result_json.h"
#include "reports/summary.h"
#include "tests/support/run_checks.h"
#include "tests/support/scenarios.h"

namespace shardsim {
namespace {

using support::HasFinding;
using support::RunOk;

Scenario BaseScenario() {
  Scenario s = support::StreamScenario("test", 11, 4, Seconds(20));
  ProducerSpec p = support::FixedSizeProducer("app", 4, 2000, 500);
  p.api.call_latency = LatencySpec::Fixed(Millis(20));
  p.api.max_in_flight_calls = 4;
  s.producers.push_back(p);
  return s;
}

void ExpectConserved(const RunResult& r) {
  EXPECT_TRUE(r.conservation.ok) << r.conservation.detail;
  for (const ProducerResult& p : r.producers) {
    EXPECT_EQ(p.records_produced, p.records_accepted + p.records_dropped + p.records_in_flight)
        << p.name;
  }
  uint64_t stored = 0;
  for (const ShardResult& s : r.shards) stored += s.records_in;
  uint64_t reported = 0;
  for (const ProducerResult& p : r.producers) reported += p.kinesis_records_accepted;
  EXPECT_EQ(stored, reported);
}

// Runs `s` (RunOk) and checks that its records are conserved.
RunResult RunConserved(const Scenario& s) {
  RunResult r = RunOk(s);
  ExpectConserved(r);
  return r;
}

TEST(WritePathTest, UnthrottledStreamAcceptsEveryRecord) {
  const RunResult r = RunConserved(BaseScenario());
  const ProducerResult& p = r.producers[0];
  // 2000/s for 20 s: Poisson count, 5 standard deviations.
  EXPECT_NEAR(static_cast<double>(p.records_produced), 40000.0, 5 * std::sqrt(40000.0));
  EXPECT_EQ(p.records_throttled, 0u);
  EXPECT_EQ(p.records_dropped, 0u);
  EXPECT_EQ(p.duplicates, 0u);
  EXPECT_GT(p.records_accepted, p.records_produced - 2000);  // only the last linger in flight
  EXPECT_FALSE(HasFinding(r, "write_throttling"));
  EXPECT_FALSE(HasFinding(r, "over_provisioned"));  // ~50 % of capacity at peak
}

TEST(WritePathTest, LightlyUsedStreamIsReportedOverProvisioned) {
  Scenario s = BaseScenario();
  s.producers[0].records_per_sec = 300;  // 4 shards at under 10 %
  const RunResult r = RunConserved(s);
  EXPECT_TRUE(HasFinding(r, "over_provisioned"));
}

TEST(WritePathTest, OneShardAdmitsExactlyItsLimitPerSecondWindow) {
  Scenario s = BaseScenario();
  s.stream.shards = 1;
  s.producers[0].records_per_sec = 3000;
  s.producers[0].arrival.process = ArrivalProcess::kConstant;
  s.producers[0].retry.max_attempts = 1;  // no retries: what the shard refuses is dropped
  const RunResult r = RunConserved(s);
  // Every one-second window offers ~3000 records; the window admits exactly 1000. Calls
  // complete 20 ms after their flush, so window 0 starts late and the last one is cut short.
  EXPECT_EQ(r.shards[0].records_in, 20u * 1000u);
  EXPECT_EQ(r.shards[0].peak_records_per_s, 1000.0);
  EXPECT_EQ(r.shards[0].throttled_by_bytes_limit, 0u);
  EXPECT_EQ(r.shards[0].throttled_by_records_limit, r.shards[0].throttled_records);
  EXPECT_EQ(r.producers[0].records_throttled, r.producers[0].records_dropped);
  EXPECT_TRUE(HasFinding(r, "write_throttling"));
  EXPECT_TRUE(HasFinding(r, "records_dropped"));
}

TEST(WritePathTest, LargeRecordsAreLimitedByBytes) {
  Scenario s = BaseScenario();
  s.stream.shards = 1;
  s.producers[0].records_per_sec = 100;
  s.producers[0].record_size.size_bytes = 50 * 1024;  // 100 x 50 KiB = 4.9 MiB/s offered
  s.producers[0].retry.max_attempts = 1;
  const RunResult r = RunConserved(s);
  EXPECT_GT(r.shards[0].throttled_by_bytes_limit, 0u);
  EXPECT_EQ(r.shards[0].throttled_by_records_limit, 0u);
  EXPECT_LE(r.shards[0].peak_bytes_per_s, 1024.0 * 1024.0);
}

// Regression: with max_record_size raised to several MiB, records over the 1 MiB/s bytes limit
// never fit a one-second window: every one was throttled until dropped, and write_throttling asked
// for more shards, which could not help. They are served from burst capacity (fact sheet 1), and
// sizing counts their bytes at their mean rate, not as one second's demand.
TEST(WritePathTest, RecordsOverTheBytesLimitAreStoredFromBurstCapacity) {
  Scenario s = BaseScenario();
  s.duration = Seconds(60);
  s.stream.max_record_size_bytes = 8 * kMiB;
  ProducerSpec big = support::FixedSizeProducer("snapshots", 1, 0.2, 4 * kMiB);
  big.api.type = ApiType::kPutRecord;
  big.api.call_latency = LatencySpec::Fixed(Millis(20));
  s.producers.push_back(big);
  const RunResult r = RunConserved(s);
  const ProducerResult& p = r.producers[1];
  EXPECT_GT(p.records_produced, 5u);
  EXPECT_EQ(p.records_accepted, p.records_produced);
  EXPECT_EQ(p.records_throttled, 0u);
  // ~0.8 MiB/s of snapshots plus ~1 MB/s of small records on 4 shards: about half the capacity.
  EXPECT_LT(r.peak_demand_bytes_per_s, 0.7 * 4 * kMiB);
  for (const ShardResult& shard : r.shards) EXPECT_LT(shard.peak_demand_bytes_per_s, 1.0 * kMiB);
  EXPECT_FALSE(HasFinding(r, "write_throttling"));
  EXPECT_FALSE(HasFinding(r, "hot_shard"));
}

TEST(WritePathTest, OversizedRecordsAreDroppedAndReported) {
  Scenario s = BaseScenario();
  s.producers[0].record_size.dist = SizeDist::kUniform;
  s.producers[0].record_size.min_bytes = 900 * 1024;
  s.producers[0].record_size.max_bytes = 1100 * 1024;
  s.producers[0].records_per_sec = 2;
  const RunResult r = RunConserved(s);
  EXPECT_GT(r.producers[0].records_oversized, 0u);
  EXPECT_TRUE(HasFinding(r, "oversized_records"));
}

TEST(WritePathTest, TimeoutsAfterStoredWritesCreateCountedDuplicates) {
  Scenario s = BaseScenario();
  s.producers[0].api.call_latency = LatencySpec::Lognormal(Millis(50), Millis(400));
  s.producers[0].retry.call_timeout = Millis(150);
  const RunResult r = RunConserved(s);
  const ProducerResult& p = r.producers[0];
  EXPECT_GT(p.calls_timed_out, 0u);
  EXPECT_GT(p.duplicates, 0u);
  // Duplicates are extra stored copies: the stream stored more Kinesis records than unique ones.
  EXPECT_EQ(p.kinesis_records_accepted, p.records_accepted + p.duplicates);
  EXPECT_TRUE(HasFinding(r, "duplicates"));
}

TEST(WritePathTest, RetriesRecoverFromShortThrottlingBursts) {
  Scenario s = BaseScenario();
  s.stream.shards = 2;
  s.producers[0].records_per_sec = 1500;
  s.producers[0].arrival.process = ArrivalProcess::kBursts;
  s.producers[0].arrival.burst_on = Millis(500);
  s.producers[0].arrival.burst_off = Millis(4500);
  s.producers[0].arrival.burst_records_per_sec = 6000;
  s.producers[0].retry.max_attempts = 10;
  const RunResult r = RunConserved(s);
  const ProducerResult& p = r.producers[0];
  EXPECT_GT(p.records_throttled, 0u);
  EXPECT_GT(p.records_retried, 0u);
  EXPECT_EQ(p.records_dropped, 0u);
}

TEST(WritePathTest, ZipfShardSharesMatchExactKeyWeights) {
  Scenario s = BaseScenario();
  s.stream.shards = 8;
  s.duration = Seconds(60);
  s.producers[0].records_per_sec = 2000;  // the hottest shard (27 %) stays below its limit
  s.producers[0].keys.dist = KeyDist::kZipf;
  s.producers[0].keys.count = 20000;
  s.producers[0].keys.zipf_exponent = 1.1;
  const RunResult r = RunConserved(s);
  // Without throttling every offered record is a first attempt, so offered shares are the
  // shares of records routed.
  ASSERT_EQ(r.producers[0].records_throttled, 0u);
  uint64_t offered = 0;
  double expected_total = 0;
  for (const ShardResult& sh : r.shards) {
    offered += sh.records_offered;
    expected_total += sh.expected_share;
  }
  EXPECT_NEAR(expected_total, 1.0, 1e-9);
  for (const ShardResult& sh : r.shards) {
    const double share = static_cast<double>(sh.records_offered) / static_cast<double>(offered);
    const double se =
        std::sqrt(sh.expected_share * (1 - sh.expected_share) / static_cast<double>(offered));
    EXPECT_NEAR(share, sh.expected_share, 5 * se) << sh.shard_id;
  }
}

TEST(WritePathTest, SkewedShardGetsASplitPointInsideItsRange) {
  Scenario s = BaseScenario();
  s.stream.shards = 8;
  s.producers[0].records_per_sec = 3000;
  s.producers[0].keys.dist = KeyDist::kZipf;
  s.producers[0].keys.count = 50000;
  s.producers[0].keys.zipf_exponent = 1.1;  // key 0 alone carries ~12 % of the stream
  s.analysis.hot_shard_threshold = 0.5;
  const RunResult r = RunConserved(s);
  bool found = false;
  for (const Finding& f : r.findings) {
    if (f.kind != FindingKind::kHotShard) continue;
    found = true;
    ASSERT_FALSE(f.new_starting_hash_key.empty()) << f.evidence;
    const ShardResult* shard = nullptr;
    for (const ShardResult& sh : r.shards) {
      if (sh.shard_id == f.subject) shard = &sh;
    }
    ASSERT_NE(shard, nullptr);
    // Decimal strings of equal length compare like numbers.
    auto less = [](const std::string& a, const std::string& b) {
      return a.size() != b.size() ? a.size() < b.size() : a < b;
    };
    EXPECT_TRUE(less(shard->starting_hash_key, f.new_starting_hash_key));
    EXPECT_TRUE(less(f.new_starting_hash_key, shard->ending_hash_key));
  }
  EXPECT_TRUE(found);
}

TEST(WritePathTest, UniformKeysNearCapacityAreACapacityProblemNotAHotShard) {
  Scenario s = BaseScenario();
  s.stream.shards = 4;
  s.producers[0].records_per_sec = 3800;  // 95 % of capacity, spread evenly
  s.producers[0].keys.count = 100000;
  const RunResult r = RunConserved(s);
  EXPECT_FALSE(HasFinding(r, "hot_shard"));
  EXPECT_FALSE(HasFinding(r, "over_provisioned"));
}

TEST(WritePathTest, ProducerThatCannotKeepUpIsReported) {
  Scenario s = BaseScenario();
  s.producers[0].api.type = ApiType::kPutRecord;
  s.producers[0].instances = 1;
  s.producers[0].records_per_sec = 500;  // one call in flight at 20 ms sends at most 50/s
  s.producers[0].api.max_in_flight_calls = 1;
  const RunResult r = RunConserved(s);
  EXPECT_TRUE(HasFinding(r, "producer_backlog"));
}

TEST(WritePathTest, OneKeyOverAShardsLimitIsAHotKeyNotAHotShard) {
  Scenario s = BaseScenario();
  s.stream.shards = 16;
  s.producers[0].records_per_sec = 3000;
  s.producers[0].keys.dist = KeyDist::kHotKey;
  s.producers[0].keys.hot_share = 0.5;  // 1,500 records/s on one key
  s.producers[0].keys.count = 1000;
  const RunResult r = RunConserved(s);
  EXPECT_TRUE(HasFinding(r, "hot_key"));
  EXPECT_TRUE(HasFinding(r, "write_throttling"));
}

TEST(WritePathTest, SameSeedGivesByteIdenticalResults) {
  Scenario s = BaseScenario();
  s.producers[0].keys.dist = KeyDist::kZipf;
  s.producers[0].keys.zipf_exponent = 1.0;
  s.producers[0].records_per_sec = 5000;
  const std::string a = ResultJsonText(RunOk(s));
  const std::string b = ResultJsonText(RunOk(s));
  EXPECT_EQ(a, b);
  s.seed = 12;
  EXPECT_NE(a, ResultJsonText(RunOk(s)));
}

TEST(WritePathTest, PutRecordSendsOneRecordPerCall) {
  Scenario s = BaseScenario();
  s.producers[0].api.type = ApiType::kPutRecord;
  s.producers[0].api.max_batch_records = 1;
  s.producers[0].instances = 200;
  s.producers[0].records_per_sec = 500;
  const RunResult r = RunConserved(s);
  const ProducerResult& p = r.producers[0];
  EXPECT_EQ(p.calls, p.kinesis_records_sent);
}

// A correctly sized stream (70 % of its records limit) fed by twenty batching instances with a
// 1.5 s linger: each instance's batch carries 1.5 s of its records, so instances that flush at the
// same instants put more than a second's limit into one one-second window.
Scenario BatchingFleet(StartPhase phase) {
  Scenario s = support::StreamScenario("fleet", 5, 10, Seconds(20));
  ProducerSpec p = support::FixedSizeProducer("fleet", 20, 7000, 100);
  p.arrival.process = ArrivalProcess::kPoisson;
  p.api.linger = Millis(1500);
  p.api.call_latency = LatencySpec::Fixed(Millis(20));
  p.start_phase = phase;
  s.producers.push_back(p);
  return s;
}

// Regression: every instance opened its first batch at t = 0, so twenty instances flushed their
// batches within a few milliseconds of each other, and a stream with 30 % headroom refused
// thousands of records and dropped hundreds. Random phases spread the flushes over the linger.
TEST(WritePathTest, InstancesStartAtRandomPhasesSoBatchesDoNotFlushTogether) {
  const RunResult random = RunOk(BatchingFleet(StartPhase::kRandom));
  const RunResult aligned = RunOk(BatchingFleet(StartPhase::kAligned));
  ExpectConserved(random);
  ExpectConserved(aligned);
  const auto throttled = [](const RunResult& r) {
    uint64_t n = 0;
    for (const ShardResult& s : r.shards) n += s.throttled_records;
    return n;
  };
  EXPECT_GT(throttled(aligned), 1000u);  // the lock-step fleet a synchronised restart gives
  EXPECT_TRUE(HasFinding(aligned, "records_dropped"));
  EXPECT_LT(throttled(random), throttled(aligned) / 20);
  EXPECT_FALSE(HasFinding(random, "write_throttling"));
  EXPECT_FALSE(HasFinding(random, "records_dropped"));
  // Records are not lost or delayed by the phases: the first batches are only shorter.
  EXPECT_NEAR(static_cast<double>(random.producers[0].records_produced),
              static_cast<double>(aligned.producers[0].records_produced), 5 * std::sqrt(140000.0));
}

// A one-shard stream that a start-up surge overloads for its first 5 s (3,000 records/s, then 500
// /s, no retries), with a 10 s warm-up.
Scenario StartUpSurge(SimDuration warmup) {
  Scenario s = support::StreamScenario("surge", 2, 1, Seconds(60));
  s.warmup = warmup;
  ProducerSpec p = support::FixedSizeProducer("app", 4, 3000, 200);
  p.arrival.process = ArrivalProcess::kSteps;
  p.arrival.steps = {RateStep{Seconds(5), 500}};
  p.api.call_latency = LatencySpec::Fixed(Millis(20));
  p.retry.max_attempts = 1;
  s.producers.push_back(p);
  SloSpec slo;
  slo.max_write_throttle_fraction = 0.001;
  s.slos = slo;
  return s;
}

// Regression: findings and objectives counted what happened during the warm-up, so a stream that
// is fine once started was reported as throttling and losing data.
TEST(WritePathTest, FindingsAndObjectivesJudgeTheRunAfterTheWarmUp) {
  const RunResult cold = RunOk(StartUpSurge(SimDuration::Zero()));
  EXPECT_FALSE(cold.warmup.has_value());
  EXPECT_TRUE(HasFinding(cold, "write_throttling"));  // the control: the surge does throttle
  EXPECT_TRUE(HasFinding(cold, "records_dropped"));
  EXPECT_TRUE(HasFinding(cold, "slo_violated"));

  const RunResult r = RunOk(StartUpSurge(Seconds(10)));
  EXPECT_FALSE(HasFinding(r, "write_throttling"));
  EXPECT_FALSE(HasFinding(r, "records_dropped"));
  EXPECT_FALSE(HasFinding(r, "slo_violated"));
  // The counts still cover the whole run, and the warm-up's part is stated on its own.
  ASSERT_TRUE(r.warmup.has_value());
  EXPECT_EQ(r.warmup->duration_s, 10.0);
  EXPECT_GT(r.warmup->records_throttled, 5000u);
  EXPECT_EQ(r.warmup->records_throttled, r.shards[0].throttled_records);
  EXPECT_EQ(r.warmup->records_dropped, r.producers[0].records_dropped);
  EXPECT_EQ(r.producers[0].records_throttled, r.shards[0].throttled_records);
  EXPECT_GT(r.warmup->records_produced, 15000u);
  EXPECT_LT(r.warmup->records_produced, r.producers[0].records_produced);
  const std::string json = ResultJsonText(r);
  EXPECT_NE(json.find("\"warmup\": {"), std::string::npos);
  EXPECT_NE(SummaryText(r).find("Warm-up: the first 10s (counted in the tables, not in the "),
            std::string::npos)
      << SummaryText(r);
  EXPECT_EQ(ResultJsonText(cold).find("\"warmup\""), std::string::npos);
}

// The 10 ms windows from 1 s to the end in which the stream stored any record.
double ShareOfBusyWindows(const RunResult& r) {
  std::vector<double> in;
  for (const SeriesTable& t : r.series) {
    if (t.name.rfind("shardId-", 0) != 0) continue;
    if (in.size() < t.rows.size()) in.resize(t.rows.size());
    for (size_t w = 0; w < t.rows.size(); ++w) in[w] += t.rows[w][1];
  }
  size_t busy = 0, counted = 0;
  for (size_t w = 100; w < in.size(); ++w, ++counted) busy += in[w] > 0;
  return counted == 0 ? 0.0 : static_cast<double>(busy) / static_cast<double>(counted);
}

// Regression: KPL instances began their RecordMaxBufferedTime cycles at t = 0, so ten of them
// flushed every 100 ms at the same instant and the stream saw its records in bursts.
TEST(WritePathTest, KplInstancesFlushOutOfPhase) {
  auto run = [](StartPhase phase) {
    Scenario s = support::StreamScenario("kpl", 3, 4, Seconds(3));
    s.series_interval = Millis(10);
    ProducerSpec p = support::FixedSizeProducer("kpl", 10, 20000, 100);
    p.arrival.process = ArrivalProcess::kPoisson;
    p.api.type = ApiType::kKpl;
    p.api.call_latency = LatencySpec::Fixed(Millis(20));
    p.start_phase = phase;
    s.producers.push_back(p);
    return RunOk(s);
  };
  // Aligned: all ten flush in one window of each ten. Random: ten flushes spread uniformly over
  // the 100 ms cycle leave a window empty with probability 0.9^10, so 1 - 0.35 = 65 % are busy.
  EXPECT_LT(ShareOfBusyWindows(run(StartPhase::kAligned)), 0.3);
  EXPECT_GT(ShareOfBusyWindows(run(StartPhase::kRandom)), 0.55);
}

}  // namespace
}  // namespace shardsim
