// Findings for Lambda mappings and Firehose streams (read_findings.cc) and the SLO check
// (slo_check.cc), on hand-built results: each fires on the numbers that define it and stays
// quiet just inside them.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <utility>

#include "analysis/read_findings.h"
#include "analysis/slo_check.h"

namespace shardsim {
namespace {

const Finding* Find(const RunResult& r, const std::string& kind) {
  const auto it = std::find_if(r.findings.begin(), r.findings.end(),
                               [&](const Finding& f) { return FindingKindName(f.kind) == kind; });
  return it == r.findings.end() ? nullptr : &*it;
}

Scenario WithConsumer(ConsumerSpec c) {
  Scenario s;
  s.stream.shards = 1;
  s.consumers.push_back(std::move(c));
  return s;
}

RunResult OneShardResult() {
  RunResult r;
  r.duration_s = 600;
  ShardResult s;
  s.shard_id = "shardId-000000000000";
  r.shards.push_back(s);
  return r;
}

ConsumerSpec Spec(std::string name, ConsumerType type) {
  ConsumerSpec c;
  c.name = std::move(name);
  c.type = type;
  return c;
}

// A Firehose named "archive"; `source` empty: left unset.
ConsumerResult FirehoseConsumer(std::string source) {
  ConsumerResult c;
  c.name = "archive";
  c.type = "firehose";
  c.firehose.emplace();
  if (!source.empty()) c.firehose->source = std::move(source);
  return c;
}

ConsumerResult LambdaConsumer() {
  ConsumerResult c;
  c.name = "fn";
  c.type = "lambda";
  c.lambda.emplace();
  c.shards.push_back({});
  c.shards[0].shard_id = "shardId-000000000000";
  return c;
}

TEST(ManagedFindingsTest, PoisonStallIsCriticalAndNamesTheMissingSafeguards) {
  ConsumerSpec spec = Spec("fn", ConsumerType::kLambda);
  const Scenario s = WithConsumer(spec);
  RunResult r = OneShardResult();
  ConsumerResult c = LambdaConsumer();
  c.lambda->max_stall_ms = 120'000;
  c.lambda->max_stall_shard = "shardId-000000000000";
  c.lambda->poison_records = 1;
  r.consumers.push_back(c);
  AddReadPathFindings(s, &r);
  const Finding* f = Find(r, "lambda_shard_stalled");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->severity, Severity::kCritical);
  EXPECT_NE(f->evidence.find("shardId-000000000000"), std::string::npos);
  EXPECT_NE(f->recommendation.find("maximum_retry_attempts"), std::string::npos);
  EXPECT_NE(f->recommendation.find("bisect_batch_on_function_error"), std::string::npos);

  // A 5 s stall in a 10-minute run is a retry, not a stalled shard.
  RunResult quiet = OneShardResult();
  c.lambda->max_stall_ms = 5'000;
  quiet.consumers.push_back(c);
  AddReadPathFindings(s, &quiet);
  EXPECT_EQ(Find(quiet, "lambda_shard_stalled"), nullptr);
}

TEST(ManagedFindingsTest, LambdaPollingThatThrottlesOtherAppsSuggestsEnhancedFanOut) {
  Scenario s;
  s.stream.shards = 1;
  ConsumerSpec fn = Spec("fn", ConsumerType::kLambda);
  ConsumerSpec poller = Spec("poller", ConsumerType::kPolling);
  s.consumers = {fn, poller};
  RunResult r = OneShardResult();
  ConsumerResult c = LambdaConsumer();
  c.get_records_calls = 600;
  ConsumerResult p;
  p.read_throttles_by_call_rate = 300;
  p.name = "poller";
  p.type = "polling";
  p.get_records_calls = 1000;
  p.read_throttles = 300;
  r.consumers = {c, p};
  AddReadPathFindings(s, &r);
  const Finding* f = Find(r, "lambda_read_contention");
  ASSERT_NE(f, nullptr);
  EXPECT_NE(f->evidence.find("poller"), std::string::npos);
  EXPECT_NE(f->recommendation.find("efo"), std::string::npos);
  EXPECT_NE(f->evidence.find("300 of 1,300 calls"), std::string::npos) << f->evidence;

  // 5 throttled calls of 1,005 (under 1 %) are a catch-up burst, not contention.
  RunResult few = OneShardResult();
  ConsumerResult q = p;
  q.read_throttles = 5;
  few.consumers = {c, q};
  AddReadPathFindings(s, &few);
  EXPECT_EQ(Find(few, "lambda_read_contention"), nullptr);

  // With its own enhanced fan-out pipe the mapping takes nothing from the pollers.
  s.consumers[0].lambda.source = LambdaSource::kEfo;
  RunResult efo = OneShardResult();
  efo.consumers = {c, p};
  AddReadPathFindings(s, &efo);
  EXPECT_EQ(Find(efo, "lambda_read_contention"), nullptr);
}

TEST(ManagedFindingsTest, FallingBehindLambdaGetsTheParallelizationArithmetic) {
  ConsumerSpec spec = Spec("fn", ConsumerType::kLambda);
  spec.lambda.parallelization_factor = 2;
  spec.lambda.batch_size = 100;
  const Scenario s = WithConsumer(spec);
  RunResult r = OneShardResult();
  r.shards[0].records_in = 600 * 900;  // 900 records/s arrive
  ConsumerResult c = LambdaConsumer();
  c.lambda->batch_records.mean = 100;
  c.lambda->duration.mean_ms = 500;  // cap = 100 x 2 / 0.5 s = 400 records/s
  c.records_processed = 600 * 400;
  c.shards[0].records_processed = 600 * 400;
  c.iterator_age_growth = 0.5;
  c.iterator_age_max_ms = 150'000;
  c.behind_at_end_ms = 150'000;
  c.shards[0].behind_at_end_ms = 150'000;
  r.consumers.push_back(c);
  AddReadPathFindings(s, &r);
  const Finding* f = Find(r, "iterator_age_growing");
  ASSERT_NE(f, nullptr);
  EXPECT_NE(f->recommendation.find("400 records/s"), std::string::npos) << f->recommendation;
  EXPECT_NE(f->recommendation.find("Raise parallelization_factor"), std::string::npos);
  EXPECT_NE(f->recommendation.find("raise batch_size"), std::string::npos);
}

TEST(ManagedFindingsTest, ConcurrencyLimitedLambdaIsToldToRaiseConcurrencyNotParallelization) {
  ConsumerSpec spec = Spec("fn", ConsumerType::kLambda);
  spec.lambda.parallelization_factor = 2;
  spec.lambda.function.concurrency_limit = 2;
  Scenario s = WithConsumer(spec);
  s.stream.shards = 4;
  RunResult r = OneShardResult();
  r.shards.resize(4);
  ConsumerResult c = LambdaConsumer();
  c.shards.resize(4);
  for (int i = 0; i < 4; ++i) {
    r.shards[i].records_in = 600 * 500;  // 2,000 records/s in all
    c.shards[i].records_processed = 600 * 166;
    c.shards[i].behind_at_end_ms = 120'000;
  }
  c.lambda->throttles = 1200;
  c.lambda->batch_records.mean = 100;
  c.lambda->duration.mean_ms = 300;  // 333 records/s per running batch
  c.iterator_age_growth = 0.7;
  c.iterator_age_max_ms = 120'000;
  c.behind_at_end_ms = 120'000;
  r.consumers.push_back(c);
  AddReadPathFindings(s, &r);
  const Finding* f = Find(r, "iterator_age_growing");
  ASSERT_NE(f, nullptr);
  // 2 x 333 = 667 records/s; 2,000 / (0.8 x 333) -> 8 = all of 4 shards x PF 2.
  EXPECT_NE(f->recommendation.find("concurrency limit of 2"), std::string::npos)
      << f->recommendation;
  EXPECT_NE(f->recommendation.find("about 667 records/s"), std::string::npos);
  EXPECT_NE(f->recommendation.find("to about 8"), std::string::npos);
  EXPECT_EQ(f->recommendation.find("Raise parallelization_factor"), std::string::npos);
  ASSERT_NE(Find(r, "lambda_concurrency_throttled"), nullptr);
}

TEST(ManagedFindingsTest, StaleIteratorAgesDoNotLookLikeCatchingUp) {
  ConsumerSpec spec = Spec("fn", ConsumerType::kLambda);
  const Scenario s = WithConsumer(spec);
  RunResult r = OneShardResult();
  r.shards[0].records_in = 600 * 500;
  ConsumerResult c = LambdaConsumer();
  c.iterator_age_growth = -0.3;  // sampled ages slope down ...
  c.iterator_age_max_ms = 90'000;
  c.behind_at_end_ms = 180'000;  // ... but the lag at the end is the worst yet
  c.shards[0].behind_at_end_ms = 180'000;
  r.consumers.push_back(c);
  AddReadPathFindings(s, &r);
  EXPECT_EQ(Find(r, "catching_up"), nullptr);
  EXPECT_NE(Find(r, "iterator_age_growing"), nullptr);

  RunResult down = OneShardResult();
  c.iterator_age_max_ms = 400'000;  // the lag came down from 400 s to 180 s
  down.consumers.push_back(c);
  AddReadPathFindings(s, &down);
  EXPECT_NE(Find(down, "catching_up"), nullptr);
}

TEST(ManagedFindingsTest, FirehoseDeliveryFailingBeforeAnythingIsBackedUp) {
  ConsumerSpec spec = Spec("archive", ConsumerType::kFirehose);
  const Scenario s = WithConsumer(spec);
  RunResult r = OneShardResult();
  ConsumerResult c = FirehoseConsumer("stream");
  c.firehose->delivery_attempts_failed = 71;
  c.firehose->records_buffered_at_end = 23'999;
  r.consumers.push_back(c);
  AddReadPathFindings(s, &r);
  const Finding* f = Find(r, "firehose_delivery_failed");
  ASSERT_NE(f, nullptr);
  EXPECT_NE(f->evidence.find("71 of 71"), std::string::npos) << f->evidence;

  // One failed attempt in ten is retried and delivered: no finding.
  RunResult ok = OneShardResult();
  c.firehose->delivery_attempts_failed = 1;
  c.firehose->objects_written = 9;
  c.firehose->records_buffered_at_end = 0;
  ok.consumers.push_back(c);
  AddReadPathFindings(s, &ok);
  EXPECT_EQ(Find(ok, "firehose_delivery_failed"), nullptr);
}

TEST(ManagedFindingsTest, FirehoseTinyObjectsAndFailedDeliveries) {
  ConsumerSpec spec = Spec("archive", ConsumerType::kFirehose);
  spec.firehose.buffering.interval = Seconds(60);
  const Scenario s = WithConsumer(spec);
  RunResult r = OneShardResult();
  ConsumerResult c = FirehoseConsumer("stream");
  c.firehose->objects_written = 200;
  c.firehose->s3_put_requests = 200;
  c.firehose->object_bytes.mean = 300 * 1024;
  c.firehose->flushes_by_interval = 200;
  c.firehose->partitions = 20;
  c.firehose->records_backed_up = 5;
  r.consumers.push_back(c);
  AddReadPathFindings(s, &r);
  const Finding* small = Find(r, "firehose_small_objects");
  ASSERT_NE(small, nullptr);
  // 200 PUTs in 10 minutes = 876,000 a month (730 h).
  EXPECT_NE(small->evidence.find("876,000"), std::string::npos) << small->evidence;
  EXPECT_NE(small->evidence.find("300KiB"), std::string::npos) << small->evidence;
  EXPECT_NE(small->recommendation.find("interval"), std::string::npos);
  ASSERT_NE(Find(r, "firehose_delivery_failed"), nullptr);

  // Objects of 2 MiB are not tiny.
  RunResult big = OneShardResult();
  c.firehose->object_bytes.mean = 2.0 * 1024 * 1024;
  c.firehose->records_backed_up = 0;
  big.consumers.push_back(c);
  AddReadPathFindings(s, &big);
  EXPECT_EQ(Find(big, "firehose_small_objects"), nullptr);
  EXPECT_EQ(Find(big, "firehose_delivery_failed"), nullptr);
}

TEST(ManagedFindingsTest, DirectPutThrottlingNamesTheProducerAndTheQuotas) {
  ConsumerSpec spec = Spec("archive", ConsumerType::kFirehose);
  spec.firehose.source = FirehoseSource::kDirectPut;
  spec.firehose.direct_put_limits.records_per_sec = 1000;
  Scenario s = WithConsumer(spec);
  ProducerSpec p;
  p.name = "gw";
  p.target = "archive";
  s.producers.push_back(p);
  RunResult r = OneShardResult();
  ProducerResult pr;
  pr.name = "gw";
  pr.records_accepted = 1000;
  pr.records_throttled = 1000;
  r.producers.push_back(pr);
  ConsumerResult c = FirehoseConsumer("direct_put");
  c.firehose->direct_put_throttled_by_records = 1000;
  r.consumers.push_back(c);
  AddReadPathFindings(s, &r);
  const Finding* f = Find(r, "direct_put_throttling");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->subject, "producer gw");
  EXPECT_NE(f->evidence.find("50.0%"), std::string::npos) << f->evidence;
  EXPECT_NE(f->evidence.find("1,000 by 1000/s"), std::string::npos) << f->evidence;
  EXPECT_NE(f->recommendation.find("higher Direct PUT quota"), std::string::npos);
}

TEST(SloCheckTest, FirehoseOverItsFreshnessObjectiveIsToldToLowerTheInterval) {
  ConsumerSpec spec = Spec("archive", ConsumerType::kFirehose);
  spec.firehose.buffering.interval = Seconds(300);
  Scenario s = WithConsumer(spec);
  s.slos.emplace();
  s.slos->p99_latency = Seconds(120);
  RunResult r = OneShardResult();
  ConsumerResult c = FirehoseConsumer("");
  c.firehose->delivery_latency.p99_ms = 301'000;  // the interval + 1 s of delivery
  c.latency.count = 100;
  c.latency.p99_ms = 301'500;
  r.consumers.push_back(c);
  AddSloFindings(s, &r);
  const Finding* f = Find(r, "slo_violated");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->subject, "archive");
  // Room: (120 s - 1 s of delivery) x 0.8 = 95 s.
  EXPECT_NE(f->recommendation.find("about 95s"), std::string::npos) << f->recommendation;

  RunResult met = OneShardResult();
  c.latency.p99_ms = 119'000;
  met.consumers.push_back(c);
  AddSloFindings(s, &met);
  EXPECT_EQ(Find(met, "slo_violated"), nullptr);
}

TEST(SloCheckTest, WriteObjectivesUseTheStreamsShards) {
  Scenario s;
  s.slos.emplace();
  s.slos->max_write_throttle_fraction = 0.01;
  s.slos->max_shard_utilization = 0.8;
  RunResult r = OneShardResult();
  r.write_limit_records_per_sec = 1000;
  r.write_limit_bytes_per_sec = 1 << 20;
  r.shards[0].records_offered = 1000;
  r.shards[0].throttled_records = 20;           // 2 %
  r.shards[0].peak_demand_records_per_s = 900;  // 90 %
  AddSloFindings(s, &r);
  EXPECT_EQ(std::count_if(r.findings.begin(), r.findings.end(),
                          [](const Finding& f) { return f.kind == FindingKind::kSloViolated; }),
            2);
  RunResult ok = OneShardResult();
  ok.write_limit_records_per_sec = 1000;
  ok.write_limit_bytes_per_sec = 1 << 20;
  ok.shards[0].records_offered = 1000;
  ok.shards[0].throttled_records = 10;
  ok.shards[0].peak_demand_records_per_s = 800;
  AddSloFindings(s, &ok);
  EXPECT_TRUE(ok.findings.empty());
}

}  // namespace
}  // namespace shardsim
