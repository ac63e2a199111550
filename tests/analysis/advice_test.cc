// Advice that fits its context, on hand-built results: each test builds a run whose numbers point
// at one cause and checks that the finding names that cause, points only to findings of the same
// run, and advises nothing the scenario's settings already rule out (a setting at its minimum or
// maximum, a lever that the binding term does not move).
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "analysis/analyze.h"
#include "analysis/read_findings.h"
#include "analysis/slo_check.h"
#include "analysis/write_findings.h"
#include "models/keys/hash_key.h"
#include "models/keys/key_model.h"
#include "models/keys/shard_map.h"
#include "tests/support/findings.h"

namespace shardsim {
namespace {

constexpr double kKiB = 1024;

const auto& Find = support::FindFinding;
const auto& Shard = support::NumberedShard;

bool Has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// Every "see <kind>" in the findings' texts names a finding of the same result.
void ExpectReferencesExist(const RunResult& r) {
  for (const Finding& f : r.findings) {
    for (const std::string* text : {&f.evidence, &f.recommendation}) {
      for (int k = 0; k < kFindingKinds; ++k) {
        const auto kind = static_cast<FindingKind>(k);
        const std::string see = "see " + std::string(FindingKindName(kind));
        if (Has(*text, see) || Has(*text, "See " + std::string(FindingKindName(kind)))) {
          EXPECT_NE(Find(r, kind), nullptr)
              << FindingKindName(f.kind) << " points to " << FindingKindName(kind)
              << ", which this run does not have: " << *text;
        }
      }
    }
  }
}

// A 4-shard stream written by one PutRecords producer, 60 s.
struct WriteCase : support::WriteCase {
  WriteCase() {
    scenario.producers.resize(1);
    scenario.producers[0].name = "bus";
    for (ShardResult& shard : result.shards) shard.records_offered = 12'000;
    result.producers.resize(1);
    result.producers[0].name = "bus";
    result.producers[0].records_produced = 48'000;
  }
};

// ---------------------------------------------------------------- 1: write_throttling's cause

TEST(AdviceTest, ThrottlingByAHotKeyNamesTheKeyAndNeverSaysRetriesAbsorbIt) {
  WriteCase w;
  ShardResult& s = w.result.shards[2];
  s.peak_demand_records_per_s = 2000;  // one key alone needs 1,800 records/s
  s.peak_demand_bytes_per_s = 800 * kKiB;
  s.top_keys = {{"tenant-acme", 1800, 0.9}};
  s.expected_share = 0.4;
  s.throttled_records = 50'000;
  s.throttled_by_records_limit = 50'000;
  s.records_offered = 80'000;
  w.result.peak_demand_records_per_s = 2600;  // 65 % of the stream: capacity suffices
  w.result.producers[0].records_dropped = 10'000;
  w.Analyze();
  ASSERT_NE(Find(w.result, FindingKind::kHotKey), nullptr);
  const Finding* t = Find(w.result, FindingKind::kWriteThrottling);
  ASSERT_NE(t, nullptr);
  EXPECT_TRUE(Has(t->recommendation, "hot_key")) << t->recommendation;
  EXPECT_TRUE(Has(t->recommendation, "tenant-acme")) << t->recommendation;
  EXPECT_FALSE(Has(t->recommendation, "absorb them")) << t->recommendation;
  EXPECT_FALSE(Has(t->recommendation, "no shard is hot")) << t->recommendation;
  EXPECT_TRUE(Has(t->recommendation, "10,000 records were dropped")) << t->recommendation;
  const Finding* d = Find(w.result, FindingKind::kRecordsDropped);
  ASSERT_NE(d, nullptr);
  // More write capacity cannot place a single key's records.
  EXPECT_FALSE(Has(d->recommendation, "Add write capacity")) << d->recommendation;
  EXPECT_TRUE(Has(d->recommendation, "hot_key")) << d->recommendation;
  ExpectReferencesExist(w.result);
}

TEST(AdviceTest, BurstThrottlingThatDroppedRecordsDoesNotClaimRetriesAbsorbedIt) {
  WriteCase w;
  for (ShardResult& s : w.result.shards) s.peak_demand_records_per_s = 500;
  w.result.shards[1].throttled_records = 300;
  w.result.shards[1].throttled_by_records_limit = 300;
  w.result.peak_demand_records_per_s = 2000;  // 50 %
  w.result.producers[0].records_dropped = 40;
  w.Analyze();
  const Finding* t = Find(w.result, FindingKind::kWriteThrottling);
  ASSERT_NE(t, nullptr);
  EXPECT_FALSE(Has(t->recommendation, "Retries with backoff absorb")) << t->recommendation;
  EXPECT_TRUE(Has(t->recommendation, "40 records were dropped")) << t->recommendation;
  ExpectReferencesExist(w.result);

  // Nothing dropped: then retries did absorb the bursts, and it says so.
  WriteCase kept;
  for (ShardResult& s : kept.result.shards) s.peak_demand_records_per_s = 500;
  kept.result.shards[1].throttled_records = 300;
  kept.result.peak_demand_records_per_s = 2000;
  kept.Analyze();
  const Finding* k = Find(kept.result, FindingKind::kWriteThrottling);
  ASSERT_NE(k, nullptr);
  EXPECT_TRUE(Has(k->recommendation, "absorbed")) << k->recommendation;
}

// Shards that resharding closed throttle too: the count of throttled shards is out of every shard
// the stream had, never more than its denominator ("on 5 of 4 shards").
TEST(AdviceTest, ThrottledShardsAreCountedOutOfEveryShardTheStreamHad) {
  WriteCase w;
  // Shards 0 and 1 were split during the run: four children, six open at the end.
  const auto middle = [&](int i) {
    const HashRange& r = w.map.shard(i).range;
    return HashKey(r.start.value() + (r.end.value() - r.start.value()) / 2);
  };
  w.map.Split(0, middle(0));
  w.map.Split(1, middle(1));
  for (int i = 4; i < 8; ++i) w.result.shards.push_back(Shard(i));
  for (ShardResult& s : w.result.shards) {
    s.peak_demand_records_per_s = 900;
    s.throttled_records = 100;
    s.throttled_by_records_limit = 100;
  }
  w.result.peak_demand_records_per_s = 5400;
  w.Analyze();
  const Finding* t = Find(w.result, FindingKind::kWriteThrottling);
  ASSERT_NE(t, nullptr);
  EXPECT_TRUE(Has(t->evidence, "on 8 of the 8 shards the stream had (6 open at the end)"))
      << t->evidence;
}

// ---------------------------------------------------------------- 3: only findings that exist

TEST(AdviceTest, MissedWriteObjectivesPointOnlyToFindingsOfTheRun) {
  WriteCase w;
  for (ShardResult& s : w.result.shards) {
    s.peak_demand_records_per_s = 880;  // keys even, every shard near its limit
    s.top_keys = {{"k-" + std::to_string(s.index), 10, 0.001}};
  }
  w.result.shards[0].throttled_records = 600;
  w.result.shards[0].throttled_by_records_limit = 600;
  w.result.peak_demand_records_per_s = 3000;  // 75 %: under the 80 % target, so bursts
  SloSpec slo;
  slo.max_write_throttle_fraction = 0.001;
  slo.max_shard_utilization = 0.8;
  w.scenario.slos = slo;
  w.Analyze();
  AddSloFindings(w.scenario, &w.result);
  EXPECT_EQ(Find(w.result, FindingKind::kHotShard), nullptr);
  int violations = 0;
  for (const Finding& f : w.result.findings) {
    if (f.kind != FindingKind::kSloViolated) continue;
    ++violations;
    EXPECT_FALSE(Has(f.recommendation, "hot_shard")) << f.recommendation;
    EXPECT_FALSE(Has(f.recommendation, "hot shard")) << f.recommendation;
  }
  EXPECT_EQ(violations, 2);
  ExpectReferencesExist(w.result);
}

TEST(AdviceTest, MissedIteratorAgeObjectiveWithoutALagFindingNamesNoneThatIsMissing) {
  Scenario s;
  s.stream.shards = 1;
  ConsumerSpec spec;
  spec.name = "reader";
  spec.type = ConsumerType::kPolling;
  s.consumers.push_back(spec);
  SloSpec slo;
  slo.max_iterator_age = Seconds(30);
  s.slos = slo;
  RunResult r;
  r.duration_s = 600;
  r.shards.push_back(Shard(0));
  ConsumerResult c;
  c.name = "reader";
  c.type = "polling";
  c.shards.push_back({});
  c.shards[0].shard_id = r.shards[0].shard_id;
  c.iterator_age_max_ms = 45'000;  // one peak, caught up by the end: no lag finding
  c.iterator_age_p99_ms = 20'000;
  r.consumers.push_back(c);
  AddReadPathFindings(s, &r);
  AddSloFindings(s, &r);
  const Finding* f = Find(r, FindingKind::kSloViolated);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(Find(r, FindingKind::kIteratorAgeGrowing), nullptr);
  EXPECT_FALSE(Has(f->recommendation, "iterator_age_growing")) << f->recommendation;
  ExpectReferencesExist(r);
}

TEST(AdviceTest, ExpiredRecordsPointToOtherFindingsOnlyWhenThereAreSome) {
  Scenario s;
  s.stream.shards = 1;
  s.stream.retention = Hours(24);
  ConsumerSpec spec;
  spec.name = "reader";
  spec.type = ConsumerType::kPolling;
  s.consumers.push_back(spec);
  RunResult r;
  r.duration_s = 600;
  r.shards.push_back(Shard(0));
  ConsumerResult c;
  c.name = "reader";
  c.type = "polling";
  c.shards.push_back({});
  c.shards[0].shard_id = r.shards[0].shard_id;
  c.shards[0].records_expired = 50;
  c.records_expired = 50;  // a TRIM_HORIZON reader that started past the retention
  r.consumers.push_back(c);
  AddReadPathFindings(s, &r);
  const Finding* f = Find(r, FindingKind::kRecordsExpired);
  ASSERT_NE(f, nullptr);
  EXPECT_FALSE(Has(f->recommendation, "other findings")) << f->recommendation;
  ExpectReferencesExist(r);
}

// ---------------------------------------------------------------- 2: Lambda levers

// One Lambda mapping on one shard that receives 750 records/s of 600 B for 600 s.
struct LambdaCase {
  Scenario scenario;
  RunResult result;

  LambdaCase() {
    scenario.stream.shards = 1;
    ConsumerSpec spec;
    spec.name = "fn";
    spec.type = ConsumerType::kLambda;
    spec.lambda.batch_size = 100;
    spec.lambda.function.duration.per_batch = Millis(20);
    spec.lambda.function.duration.per_record = Millis(2);  // 220 ms a full batch
    scenario.consumers.push_back(spec);
    scenario.producers.resize(1);
    scenario.producers[0].name = "app";
    result.duration_s = 600;
    result.shards.push_back(Shard(0));
    result.shards[0].records_in = 600 * 750;
    result.shards[0].bytes_in = 600 * 750 * 600;
    result.producers.resize(1);
    result.producers[0].name = "app";
    ConsumerResult c;
    c.name = "fn";
    c.type = "lambda";
    c.lambda.emplace();
    c.shards.push_back({});
    c.shards[0].shard_id = result.shards[0].shard_id;
    result.consumers.push_back(c);
  }
  LambdaSpec& spec() { return scenario.consumers[0].lambda; }
  ConsumerResult& consumer() { return result.consumers[0]; }
  // Falling behind with full batches of `batch` records taking `duration_ms` on average.
  void Behind(double batch, double duration_ms, double processed_per_s) {
    ConsumerResult& c = consumer();
    c.lambda->batch_records.mean = batch;
    c.lambda->duration.mean_ms = duration_ms;
    c.lambda->duration.p99_ms = 2 * duration_ms;
    c.records_processed = static_cast<uint64_t>(600 * processed_per_s);
    c.shards[0].records_processed = c.records_processed;
    c.iterator_age_growth = 0.4;
    c.iterator_age_max_ms = 120'000;
    c.iterator_age_p99_ms = 110'000;
    c.behind_at_end_ms = 120'000;
    c.shards[0].behind_at_end_ms = 120'000;
  }
  void Analyze() {
    AddReadPathFindings(scenario, &result);
    AddSloFindings(scenario, &result);
  }
};

TEST(AdviceTest, PerRecordTimeBindsSoLargerBatchesAreNoAdvice) {
  LambdaCase l;
  l.Behind(100, 220, 450);  // 100 / 0.22 s = 455 records/s, 200 of the 220 ms per record
  l.Analyze();
  const Finding* f = Find(l.result, FindingKind::kIteratorAgeGrowing);
  ASSERT_NE(f, nullptr);
  EXPECT_FALSE(Has(f->recommendation, "raise batch_size")) << f->recommendation;
  EXPECT_TRUE(Has(f->recommendation, "Per-record time binds")) << f->recommendation;
  EXPECT_TRUE(Has(f->recommendation, "parallelization_factor to about 3")) << f->recommendation;
}

TEST(AdviceTest, PerInvocationOverheadBindsSoLargerBatchesAreAdvised) {
  LambdaCase l;
  l.spec().function.duration.per_batch = Millis(300);
  l.spec().function.duration.per_record = Micros(100);  // 310 ms a full batch, 300 fixed
  l.Behind(100, 310, 320);
  l.Analyze();
  const Finding* f = Find(l.result, FindingKind::kIteratorAgeGrowing);
  ASSERT_NE(f, nullptr);
  EXPECT_TRUE(Has(f->recommendation, "raise batch_size to about")) << f->recommendation;
  EXPECT_TRUE(Has(f->recommendation, "Per-invocation overhead binds")) << f->recommendation;
}

TEST(AdviceTest, ParallelizationFactorAtItsMaximumIsNeverToBeRaised) {
  LambdaCase l;
  l.spec().parallelization_factor = 10;
  l.spec().function.duration.per_record = Millis(20);  // 10 x 100 / 2.02 s = 495 records/s
  SloSpec slo;
  slo.p99_latency = Seconds(5);
  l.scenario.slos = slo;
  l.Behind(100, 2020, 495);
  l.consumer().latency = {1000, 40'000, 38'000, 50'000, 60'000, 61'000, 62'000};
  l.Analyze();
  int checked = 0;
  for (const Finding& f : l.result.findings) {
    if (f.consumer != 0) continue;
    ++checked;
    EXPECT_FALSE(Has(f.recommendation, "aise parallelization_factor")) << f.recommendation;
    EXPECT_FALSE(Has(f.recommendation, "raise batch_size")) << f.recommendation;
  }
  EXPECT_EQ(checked, 2);  // iterator_age_growing and slo_violated
  const Finding* f = Find(l.result, FindingKind::kIteratorAgeGrowing);
  ASSERT_NE(f, nullptr);
  EXPECT_TRUE(Has(f->recommendation, "Add shards")) << f->recommendation;
  ExpectReferencesExist(l.result);
}

TEST(AdviceTest, ALatencyObjectiveNeverAsksToLowerAZeroBatchingWindow) {
  LambdaCase l;
  l.result.shards[0].records_in = 600 * 100;  // 100 records/s: the mapping keeps up
  ConsumerResult& c = l.consumer();
  c.lambda->batch_records.mean = 20;
  c.lambda->duration.mean_ms = 60;
  c.lambda->duration.p99_ms = 90;
  c.propagation = {1000, 900, 850, 1200, 1500, 1600, 1700};
  c.latency = {1000, 1100, 1050, 1600, 2500, 2600, 2700};
  SloSpec slo;
  slo.p99_latency = Seconds(2);
  l.scenario.slos = slo;
  ASSERT_EQ(l.spec().batching_window, SimDuration::Zero());
  l.Analyze();
  const Finding* f = Find(l.result, FindingKind::kSloViolated);
  ASSERT_NE(f, nullptr);
  EXPECT_FALSE(Has(f->recommendation, "batching_window")) << f->recommendation;
  EXPECT_FALSE(Has(f->recommendation, "parallelization_factor")) << f->recommendation;
  EXPECT_TRUE(Has(f->recommendation, "efo")) << f->recommendation;  // reading is the largest part
}

TEST(AdviceTest, ConcurrencyThrottlesNeverAskToLowerAParallelizationFactorOfOne) {
  LambdaCase l;
  l.spec().function.concurrency_limit = 1;
  l.consumer().lambda->throttles = 50;
  l.consumer().lambda->concurrency_max = 1;
  l.Analyze();
  const Finding* f = Find(l.result, FindingKind::kLambdaConcurrencyThrottled);
  ASSERT_NE(f, nullptr);
  EXPECT_FALSE(Has(f->recommendation, "lower parallelization_factor")) << f->recommendation;
}

// ---------------------------------------------------------------- 4: producer-side latency

TEST(AdviceTest, LatencyObjectiveMissedInTheProducerBlamesItsBufferTime) {
  LambdaCase l;
  l.result.shards[0].records_in = 600 * 100;
  ProducerSpec& p = l.scenario.producers[0];
  p.api.type = ApiType::kKpl;
  p.api.record_max_buffered_time = Seconds(6);
  ProducerResult& pr = l.result.producers[0];
  pr.records_accepted = 60'000;
  pr.record_latency = {60'000, 3500, 3000, 5500, 5900, 6000, 6100};
  ConsumerResult& c = l.consumer();
  c.lambda->batch_records.mean = 20;
  c.lambda->duration.mean_ms = 60;
  c.lambda->duration.p99_ms = 90;
  c.latency = {60'000, 4200, 4000, 6000, 6500, 6600, 6700};
  c.propagation = {1000, 500, 450, 600, 700, 800, 900};
  SloSpec slo;
  slo.p99_latency = Seconds(3);
  l.scenario.slos = slo;
  l.Analyze();
  const Finding* f = Find(l.result, FindingKind::kSloViolated);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->producer, 0);
  EXPECT_TRUE(Has(f->recommendation, "record_max_buffered_time")) << f->recommendation;
  EXPECT_FALSE(Has(f->recommendation, "function")) << f->recommendation;
  EXPECT_FALSE(Has(f->recommendation, "batching_window")) << f->recommendation;
  EXPECT_TRUE(Has(f->evidence, "5900ms in the producers")) << f->evidence;
}

TEST(AdviceTest, RecordsWaitingOutALongLingerAreNoProducerBacklog) {
  WriteCase w;
  ProducerSpec& p = w.scenario.producers[0];
  p.api.type = ApiType::kPutRecords;
  p.api.linger = Seconds(10);
  ProducerResult& pr = w.result.producers[0];
  pr.records_produced = 60 * 40;  // 40 records/s
  pr.records_in_flight = 400;     // 10 s of production: one linger's worth
  pr.put_latency.p99_ms = 100;
  pr.calls = 6;
  w.result.peak_demand_records_per_s = 2000;
  w.Analyze();
  EXPECT_EQ(Find(w.result, FindingKind::kProducerBacklog), nullptr);

  // Four times that is a backlog beyond what the linger explains.
  WriteCase more;
  more.scenario.producers[0].api = p.api;
  more.result.producers[0] = pr;
  more.result.producers[0].records_in_flight = 1600;
  more.result.peak_demand_records_per_s = 2000;
  more.Analyze();
  const Finding* f = Find(more.result, FindingKind::kProducerBacklog);
  ASSERT_NE(f, nullptr);
  EXPECT_FALSE(Has(f->recommendation, "batch more")) << f->recommendation;
}

// ---------------------------------------------------------------- 5: over_provisioned

TEST(AdviceTest, OverProvisionedNeverSuggestsFewerShardsThanALambdaMappingNeeds) {
  // 8 shards at 20 % of their write capacity, read by a mapping whose invocations complete
  // 100 / (20 ms + 100 x 3 ms) = 312 records/s per shard: 1,600 records/s need 7 shards at 80 %.
  Scenario s;
  s.stream.shards = 8;
  ConsumerSpec spec;
  spec.name = "enricher";
  spec.type = ConsumerType::kLambda;
  spec.lambda.batch_size = 100;
  spec.lambda.function.duration.per_batch = Millis(20);
  spec.lambda.function.duration.per_record = Millis(3);
  s.consumers.push_back(spec);
  const ShardMap map = ShardMap::CreateStream(8);
  RunResult r;
  r.duration_s = 60;
  for (int i = 0; i < 8; ++i) {
    r.shards.push_back(Shard(i));
    r.shards.back().expected_share = 0.125;
    r.shards.back().records_in = 60 * 200;
    r.shards.back().bytes_in = 60 * 200 * 700;
  }
  r.peak_demand_records_per_s = 1600;
  r.peak_demand_bytes_per_s = 1600 * 700;
  AddWritePathFindings(s, map, {}, &r);
  const Finding* f = Find(r, FindingKind::kOverProvisioned);
  ASSERT_NE(f, nullptr);
  double shards = 0;
  for (const FindingFigure& x : f->figures) {
    if (x.name == "shards_needed") shards = x.value;
  }
  EXPECT_EQ(shards, 7);
  EXPECT_TRUE(Has(f->recommendation, "enricher")) << f->recommendation;
  EXPECT_TRUE(Has(f->recommendation, "shardsim size")) << f->recommendation;

  // A slower function needs all 8: then fewer shards is no advice at all.
  s.consumers[0].lambda.function.duration.per_record = Millis(4);
  RunResult all = r;
  all.findings.clear();
  AddWritePathFindings(s, map, {}, &all);
  EXPECT_EQ(Find(all, FindingKind::kOverProvisioned), nullptr);
}

TEST(AdviceTest, OneShardIsSingular) {
  WriteCase w;
  w.result.peak_demand_records_per_s = 300;
  w.Analyze();
  const Finding* f = Find(w.result, FindingKind::kOverProvisioned);
  ASSERT_NE(f, nullptr);
  EXPECT_TRUE(Has(f->recommendation, "1 shard would")) << f->recommendation;
  EXPECT_FALSE(Has(f->recommendation, "1 shards")) << f->recommendation;
}

// ---------------------------------------------------------------- 6: a dominant key's side

TEST(AdviceTest, DominantKeySplitSaysWhoSharesItsSideAndHowToIsolateIt) {
  WriteCase w;
  // One big key and forty small ones: on the big key's shard it carries well over half.
  KeySpec spec;
  spec.dist = KeyDist::kWeighted;
  spec.weighted_keys.push_back({"big", 0.3});
  for (int i = 0; i < 40; ++i) spec.weighted_keys.push_back({"small-" + std::to_string(i), 0.0175});
  std::string error;
  const std::optional<KeyModel> keys = KeyModel::Create(spec, &error);
  ASSERT_TRUE(keys.has_value()) << error;
  const std::vector<double> shares = keys->ExpectedShardShares(w.map);
  const std::vector<uint32_t> shard_of = keys->ShardsOn(w.map);
  const int hot = static_cast<int>(shard_of[0]);
  for (int i = 0; i < 4; ++i) w.result.shards[static_cast<size_t>(i)].expected_share = shares[i];
  ShardResult& s = w.result.shards[static_cast<size_t>(hot)];
  s.peak_demand_records_per_s = 900;
  s.top_keys = {{"big", 500, 0.3 / shares[hot]}};
  w.result.peak_demand_records_per_s = 1500;
  w.Analyze({{&*keys, 1.0, {}}});
  const Finding* f = Find(w.result, FindingKind::kHotShard);
  ASSERT_NE(f, nullptr);
  EXPECT_FALSE(Has(f->recommendation, "the split isolates it")) << f->recommendation;
  EXPECT_TRUE(Has(f->recommendation, "One key, \"big\"")) << f->recommendation;
  // What shares the big key's side, from the key weights.
  const Uint128 cut = ParseHashKey(f->new_starting_hash_key, &error, "")->value();
  const Uint128 big = keys->KeyHash(0).value();
  double others = 0;
  for (uint32_t id = 1; id < keys->key_count(); ++id) {
    if (static_cast<int>(shard_of[id]) != hot) continue;
    if ((keys->KeyHash(id).value() >= cut) == (big >= cut)) others += 0.0175 / shares[hot];
  }
  ASSERT_GE(others, 0.05) << "the key set no longer exercises a shared side";
  EXPECT_TRUE(Has(f->recommendation, "together with keys carrying")) << f->recommendation;
  for (const FindingFigure& x : f->figures) {
    if (x.name == "dominant_key_side_others_share") {
      EXPECT_NEAR(x.value, others, 1e-9);
    }
  }
  // The two splits it gives leave the big key alone in the middle child.
  const std::string marker = "then split the upper child at ";
  const size_t at = f->recommendation.find(marker);
  ASSERT_NE(at, std::string::npos) << f->recommendation;
  const size_t first_at = f->recommendation.find("instead, SplitShard");
  ASSERT_NE(first_at, std::string::npos);
  const size_t first_key = f->recommendation.find("NewStartingHashKey ", first_at) + 19;
  const std::string first =
      f->recommendation.substr(first_key, f->recommendation.find(',', first_key) - first_key);
  const size_t second_key = at + marker.size();
  const std::string second =
      f->recommendation.substr(second_key, f->recommendation.find(':', second_key) - second_key);
  ShardMap map = w.map;
  const ReshardResult one = map.Split(hot, *ParseHashKey(first, &error, ""));
  const int upper = one.children.back();
  const ReshardResult two = map.Split(upper, *ParseHashKey(second, &error, ""));
  const int middle = two.children.front();
  EXPECT_EQ(map.Lookup(keys->KeyHash(0)), middle);
  for (uint32_t id = 1; id < keys->key_count(); ++id) {
    EXPECT_NE(map.Lookup(keys->KeyHash(id)), middle) << keys->KeyString(id);
  }
}

// ---------------------------------------------------------------- 8: wording and settings

TEST(AdviceTest, OneOfAnythingIsSingular) {
  LambdaCase l;
  ConsumerResult& c = l.consumer();
  c.lambda->max_stall_ms = 120'000;
  c.lambda->max_stall_shard = l.result.shards[0].shard_id;
  c.lambda->invocations_failed = 1;
  c.lambda->poison_records = 1;
  c.lambda->throttles = 1;
  c.lambda->records_dropped = 1;
  l.spec().function.concurrency_limit = 1;
  l.Analyze();
  for (const Finding& f : l.result.findings) {
    for (const char* wrong :
         {"1 poison records", "1 failed invocations", "1 invocations were", "1 records were"}) {
      EXPECT_FALSE(Has(f.evidence, wrong)) << f.evidence;
    }
  }
  const Finding* stalled = Find(l.result, FindingKind::kLambdaShardStalled);
  ASSERT_NE(stalled, nullptr);
  EXPECT_TRUE(Has(stalled->evidence, "1 failed invocation, 1 poison record)")) << stalled->evidence;

  WriteCase w;
  ProducerResult& p = w.result.producers[0];
  p.records_oversized = 1;
  p.records_dropped = 1;
  p.calls_timed_out = 1;
  p.duplicates = 1;
  w.result.peak_demand_records_per_s = 2000;
  w.Analyze();
  for (const Finding& f : w.result.findings) {
    for (const char* wrong : {"1 records", "1 calls", "1 duplicate records"}) {
      EXPECT_FALSE(Has(f.evidence, wrong)) << f.evidence;
    }
  }
}

TEST(AdviceTest, SettingsAtTheirMaximumAreNeverToBeRaised) {
  // Records over a 10 MiB maximum record size: MaxRecordSizeInKiB cannot go higher.
  WriteCase w;
  w.scenario.stream.max_record_size_bytes = 10 * kMiB;
  w.result.producers[0].records_oversized = 3;
  w.result.producers[0].records_dropped = 3;
  w.result.peak_demand_records_per_s = 2000;
  w.Analyze();
  const Finding* o = Find(w.result, FindingKind::kOversizedRecords);
  ASSERT_NE(o, nullptr);
  EXPECT_FALSE(Has(o->recommendation, "raise MaxRecordSizeInKiB")) << o->recommendation;

  // Small objects with a 900 s interval and one partition: the interval cannot go higher.
  Scenario s;
  s.stream.shards = 1;
  ConsumerSpec spec;
  spec.name = "archive";
  spec.type = ConsumerType::kFirehose;
  spec.firehose.buffering.interval = Seconds(900);
  s.consumers.push_back(spec);
  RunResult r;
  r.duration_s = 3600;
  r.shards.push_back(Shard(0));
  ConsumerResult c;
  c.name = "archive";
  c.type = "firehose";
  c.firehose.emplace();
  c.firehose->source = "stream";
  c.firehose->objects_written = 12;
  c.firehose->object_bytes.mean = 100 * kKiB;
  c.firehose->flushes_by_interval = 12;
  c.firehose->partitions = 1;
  c.shards.push_back({});
  c.shards[0].shard_id = r.shards[0].shard_id;
  r.consumers.push_back(c);
  AddReadPathFindings(s, &r);
  const Finding* f = Find(r, FindingKind::kFirehoseSmallObjects);
  ASSERT_NE(f, nullptr);
  EXPECT_FALSE(Has(f->recommendation, "raise buffering.interval")) << f->recommendation;

  // Records expiring with retention at 8760 h: retention cannot go higher.
  s.stream.retention = Hours(8760);
  RunResult e = r;
  e.findings.clear();
  e.consumers[0].records_expired = 5;
  e.consumers[0].shards[0].records_expired = 5;
  AddReadPathFindings(s, &e);
  const Finding* x = Find(e, FindingKind::kRecordsExpired);
  ASSERT_NE(x, nullptr);
  EXPECT_FALSE(Has(x->recommendation, "Raise the stream's retention")) << x->recommendation;
}

}  // namespace
}  // namespace shardsim
