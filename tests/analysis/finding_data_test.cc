// Findings as data: on hand-built results, every kind names the shard (by ShardResult::index, not
// by position or id), producer or consumer it concerns, and carries the numbers its text states
// as figures. One test per rule group; each checks the figures against arithmetic done here.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>
#include <set>
#include <string>
#include <vector>

#include "analysis/read_findings.h"
#include "analysis/slo_check.h"
#include "analysis/write_findings.h"
#include "models/keys/key_model.h"
#include "models/keys/shard_map.h"
#include "tests/support/findings.h"

namespace shardsim {
namespace {

constexpr double kKiB = 1024;

using support::WriteCase;
const auto& Find = support::FindFinding;
const auto& Shard = support::NumberedShard;

// The figure `name` of `f`; NaN (and a test failure) if it has none.
double Fig(const Finding& f, const std::string& name) {
  for (const FindingFigure& x : f.figures) {
    if (x.name == name) return x.value;
  }
  ADD_FAILURE() << FindingKindName(f.kind) << " has no figure " << name;
  return std::numeric_limits<double>::quiet_NaN();
}

bool HasFig(const Finding& f, const std::string& name) {
  return std::any_of(f.figures.begin(), f.figures.end(),
                     [&](const FindingFigure& x) { return x.name == name; });
}

// Lower-case words of letters and digits joined by single underscores: "p99_latency_ms".
bool IsSnakeCase(const std::string& name) {
  if (name.empty() || !std::islower(static_cast<unsigned char>(name.front())) ||
      name.back() == '_' || name.find("__") != std::string::npos) {
    return false;
  }
  return std::all_of(name.begin(), name.end(), [](char c) {
    return c == '_' || std::islower(static_cast<unsigned char>(c)) ||
           std::isdigit(static_cast<unsigned char>(c));
  });
}

// Every figure name is snake_case and unique within its finding, every value finite.
void ExpectWellFormedFigures(const RunResult& r) {
  for (const Finding& f : r.findings) {
    std::set<std::string> seen;
    EXPECT_FALSE(f.figures.empty()) << FindingKindName(f.kind) << " has no figures";
    for (const FindingFigure& x : f.figures) {
      EXPECT_TRUE(IsSnakeCase(x.name)) << x.name;
      EXPECT_TRUE(seen.insert(x.name).second) << FindingKindName(f.kind) << ": " << x.name;
      EXPECT_TRUE(std::isfinite(x.value)) << FindingKindName(f.kind) << ": " << x.name;
    }
  }
}

// ---------------------------------------------------------------- write path

TEST(FindingDataTest, HotKeyNamesItsShardAndTheKeysRates) {
  WriteCase w;
  ShardResult& s = w.result.shards[2];
  s.peak_demand_records_per_s = 2000;
  s.peak_demand_bytes_per_s = 800 * kKiB;
  s.top_keys = {{"tenant-acme", 1800, 0.9}};
  w.result.peak_demand_records_per_s = 2600;
  w.Analyze();
  const Finding* f = Find(w.result, FindingKind::kHotKey);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->shard, 2);
  EXPECT_EQ(f->producer, -1);
  EXPECT_EQ(f->consumer, -1);
  EXPECT_DOUBLE_EQ(Fig(*f, "key_share"), 0.9);
  EXPECT_DOUBLE_EQ(Fig(*f, "key_records_per_s"), 1800);
  EXPECT_DOUBLE_EQ(Fig(*f, "key_bytes_per_s"), 720 * kKiB);
  EXPECT_DOUBLE_EQ(Fig(*f, "write_limit_records_per_s"), 1000);  // the limit the key exceeds
  EXPECT_FALSE(HasFig(*f, "write_limit_bytes_per_s"));
  ExpectWellFormedFigures(w.result);
}

TEST(FindingDataTest, HotShardUsesTheShardsIndexNotItsPosition) {
  WriteCase w;
  // After resharding a result lists shards whose indexes are not their positions.
  w.result.shards = {Shard(5), Shard(6)};
  w.result.shards[0].expected_share = 0.3;
  ShardResult& s = w.result.shards[1];
  s.expected_share = 0.7;
  s.peak_demand_records_per_s = 900;
  s.peak_demand_bytes_per_s = 100 * kKiB;
  s.throttled_records = 50;
  s.records_offered = 10'000;
  s.top_keys = {{"k1", 200, 0.2}, {"k2", 100, 0.1}};
  w.result.peak_demand_records_per_s = 1600;
  w.Analyze();
  const Finding* f = Find(w.result, FindingKind::kHotShard);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->shard, 6);
  EXPECT_EQ(f->severity, Severity::kCritical);  // throttled
  EXPECT_DOUBLE_EQ(Fig(*f, "utilization"), 0.9);
  EXPECT_DOUBLE_EQ(Fig(*f, "write_limit_records_per_s"), 1000);  // records bind, not bytes
  EXPECT_DOUBLE_EQ(Fig(*f, "peak_demand_records_per_s"), 900);
  EXPECT_DOUBLE_EQ(Fig(*f, "peak_demand_bytes_per_s"), 100 * kKiB);
  EXPECT_DOUBLE_EQ(Fig(*f, "throttled_records"), 50);
  EXPECT_DOUBLE_EQ(Fig(*f, "stream_utilization"), 0.4);  // 1600 / (4 x 1000)
  EXPECT_DOUBLE_EQ(Fig(*f, "expected_share"), 0.7);
  EXPECT_DOUBLE_EQ(Fig(*f, "uniform_share"), 0.25);
  EXPECT_DOUBLE_EQ(Fig(*f, "top_key_share"), 0.2);
  EXPECT_FALSE(HasFig(*f, "split_lower_share"));  // no key usage: no split point
  ExpectWellFormedFigures(w.result);
}

TEST(FindingDataTest, HotShardSplitFiguresDescribeTheRecommendedSplit) {
  WriteCase w;
  KeySpec spec;
  spec.dist = KeyDist::kHotKey;
  spec.count = 100;
  spec.format = "key-{i}";
  spec.hot_share = 0.6;
  spec.hot_key = "key-0";
  std::string error;
  const std::optional<KeyModel> keys = KeyModel::Create(spec, &error);
  ASSERT_TRUE(keys.has_value()) << error;
  const std::vector<double> shares = keys->ExpectedShardShares(w.map);
  const int hot = static_cast<int>(std::max_element(shares.begin(), shares.end()) - shares.begin());
  for (int i = 0; i < 4; ++i) w.result.shards[static_cast<size_t>(i)].expected_share = shares[i];
  ShardResult& s = w.result.shards[static_cast<size_t>(hot)];
  s.peak_demand_records_per_s = 900;  // the hot key's 60 % is under a shard's limit
  w.result.peak_demand_records_per_s = 1300;
  w.Analyze({{&*keys, 1.0, {}}});
  const Finding* f = Find(w.result, FindingKind::kHotShard);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->shard, hot);
  EXPECT_FALSE(f->new_starting_hash_key.empty());
  const double lower = Fig(*f, "split_lower_share");
  EXPECT_GT(lower, 0);
  EXPECT_LT(lower, 1);
  EXPECT_DOUBLE_EQ(Fig(*f, "split_upper_share"), 1 - lower);
  ExpectWellFormedFigures(w.result);
}

TEST(FindingDataTest, WriteThrottlingShortOfCapacityStatesTheShardsNeeded) {
  WriteCase w;
  for (ShardResult& s : w.result.shards) {
    s.peak_demand_records_per_s = 750;
    s.records_offered = 1000;
  }
  w.result.shards[1].throttled_records = 30;
  w.result.shards[1].throttled_by_records_limit = 30;
  w.result.shards[3].throttled_records = 10;
  w.result.shards[3].throttled_by_bytes_limit = 10;
  w.result.peak_demand_records_per_s = 3400;  // 85 % of 4 shards' capacity
  w.Analyze();
  const Finding* f = Find(w.result, FindingKind::kWriteThrottling);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->shard, -1);  // the stream
  EXPECT_DOUBLE_EQ(Fig(*f, "throttled_records"), 40);
  EXPECT_DOUBLE_EQ(Fig(*f, "offered_records"), 4000);
  EXPECT_DOUBLE_EQ(Fig(*f, "throttled_fraction"), 0.01);
  EXPECT_DOUBLE_EQ(Fig(*f, "throttled_by_records_limit"), 30);
  EXPECT_DOUBLE_EQ(Fig(*f, "throttled_by_bytes_limit"), 10);
  EXPECT_DOUBLE_EQ(Fig(*f, "throttled_shards"), 2);
  EXPECT_DOUBLE_EQ(Fig(*f, "open_shards"), 4);
  EXPECT_DOUBLE_EQ(Fig(*f, "stream_utilization"), 0.85);
  EXPECT_DOUBLE_EQ(Fig(*f, "target_utilization"), 0.8);
  EXPECT_DOUBLE_EQ(Fig(*f, "shards_needed"), 5);  // ceil(3400 / 800)
  ExpectWellFormedFigures(w.result);
}

TEST(FindingDataTest, WriteThrottlingFromSkewHasNoSizing) {
  WriteCase w;
  w.result.shards[0].records_offered = 100;
  w.result.shards[0].throttled_records = 5;
  w.result.peak_demand_records_per_s = 400;
  w.Analyze();
  const Finding* f = Find(w.result, FindingKind::kWriteThrottling);
  ASSERT_NE(f, nullptr);
  EXPECT_DOUBLE_EQ(Fig(*f, "stream_utilization"), 0.1);
  EXPECT_FALSE(HasFig(*f, "shards_needed"));  // capacity suffices: the text sizes nothing
}

TEST(FindingDataTest, OverProvisionedStatesUtilisationAndShardsNeeded) {
  WriteCase w;
  w.result.peak_demand_records_per_s = 400;
  w.result.peak_demand_bytes_per_s = 200 * kKiB;
  w.Analyze();
  const Finding* f = Find(w.result, FindingKind::kOverProvisioned);
  ASSERT_NE(f, nullptr);
  EXPECT_DOUBLE_EQ(Fig(*f, "stream_utilization"), 0.1);
  EXPECT_DOUBLE_EQ(Fig(*f, "peak_demand_records_per_s"), 400);
  EXPECT_DOUBLE_EQ(Fig(*f, "peak_demand_bytes_per_s"), 200 * kKiB);
  EXPECT_DOUBLE_EQ(Fig(*f, "open_shards"), 4);
  EXPECT_DOUBLE_EQ(Fig(*f, "shards_needed"), 1);
  EXPECT_DOUBLE_EQ(Fig(*f, "target_utilization"), 0.8);
  ExpectWellFormedFigures(w.result);
}

TEST(FindingDataTest, ProducerFindingsNameTheirProducerByIndex) {
  WriteCase w;
  w.scenario.producers.resize(2);
  w.result.peak_demand_records_per_s = 2000;  // 50 %: not over-provisioned
  w.result.producers.resize(2);
  w.result.producers[0].name = "quiet";
  ProducerResult& p = w.result.producers[1];
  p.name = "busy";
  p.records_produced = 6000;  // 100 records/s over 60 s
  p.records_in_flight = 1500;
  p.record_latency.p50_ms = 2000;
  p.record_latency.p99_ms = 9000;
  p.calls = 70;
  p.records_oversized = 3;
  p.records_dropped = 10;  // 3 oversized + 7 lost
  p.calls_timed_out = 4;
  p.duplicates = 9;
  p.put_latency.p99_ms = 120;
  w.Analyze();

  const Finding* backlog = Find(w.result, FindingKind::kProducerBacklog);
  ASSERT_NE(backlog, nullptr);
  EXPECT_EQ(backlog->producer, 1);
  EXPECT_EQ(backlog->shard, -1);
  EXPECT_DOUBLE_EQ(Fig(*backlog, "records_in_flight"), 1500);
  EXPECT_DOUBLE_EQ(Fig(*backlog, "backlog_s"), 15);
  EXPECT_DOUBLE_EQ(Fig(*backlog, "record_latency_p50_ms"), 2000);
  EXPECT_DOUBLE_EQ(Fig(*backlog, "record_latency_p99_ms"), 9000);
  EXPECT_DOUBLE_EQ(Fig(*backlog, "calls"), 70);

  const Finding* oversized = Find(w.result, FindingKind::kOversizedRecords);
  ASSERT_NE(oversized, nullptr);
  EXPECT_EQ(oversized->producer, 1);
  EXPECT_DOUBLE_EQ(Fig(*oversized, "records_oversized"), 3);
  EXPECT_DOUBLE_EQ(Fig(*oversized, "max_record_bytes"), 1024 * kKiB);

  const Finding* dropped = Find(w.result, FindingKind::kRecordsDropped);
  ASSERT_NE(dropped, nullptr);
  EXPECT_EQ(dropped->producer, 1);
  EXPECT_DOUBLE_EQ(Fig(*dropped, "records_dropped"), 7);
  EXPECT_DOUBLE_EQ(Fig(*dropped, "records_produced"), 6000);

  const Finding* duplicates = Find(w.result, FindingKind::kDuplicates);
  ASSERT_NE(duplicates, nullptr);
  EXPECT_EQ(duplicates->producer, 1);
  EXPECT_DOUBLE_EQ(Fig(*duplicates, "calls_timed_out"), 4);
  EXPECT_DOUBLE_EQ(Fig(*duplicates, "duplicates"), 9);
  EXPECT_DOUBLE_EQ(Fig(*duplicates, "put_latency_p99_ms"), 120);
  ExpectWellFormedFigures(w.result);
}

// ---------------------------------------------------------------- read path

struct ReadCase {
  Scenario scenario;
  RunResult result;

  ReadCase() {
    scenario.stream.shards = 2;
    result.duration_s = 600;
    // Indexes 4 and 5: a stream resharded once; positions and indexes differ.
    result.shards = {Shard(4), Shard(5)};
    result.consumers.reserve(8);  // Add returns references that must outlive later Adds
  }
  // A consumer of `type` reading both shards, added to the scenario and the result.
  ConsumerResult& Add(const std::string& name, ConsumerType type, const std::string& type_name) {
    ConsumerSpec spec;
    spec.name = name;
    spec.type = type;
    scenario.consumers.push_back(spec);
    ConsumerResult c;
    c.name = name;
    c.type = type_name;
    for (const ShardResult& s : result.shards) {
      c.shards.push_back({});
      c.shards.back().shard_id = s.shard_id;
    }
    result.consumers.push_back(c);
    return result.consumers.back();
  }
  void Analyze() { AddReadPathFindings(scenario, &result); }
};

TEST(FindingDataTest, ReadThrottlingNamesItsConsumerAndEachLimitsShare) {
  ReadCase rc;
  rc.Add("quiet", ConsumerType::kPolling, "polling");
  ConsumerResult& c = rc.Add("reader", ConsumerType::kPolling, "polling");
  c.get_records_calls = 900;
  c.read_throttles = 100;
  c.read_throttles_by_call_rate = 70;
  c.read_throttles_by_bytes = 20;
  c.read_throttles_by_penalty = 10;
  rc.Analyze();
  const Finding* f = Find(rc.result, FindingKind::kReadThrottling);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->consumer, 1);
  EXPECT_EQ(f->shard, -1);
  EXPECT_DOUBLE_EQ(Fig(*f, "read_throttles"), 100);
  EXPECT_DOUBLE_EQ(Fig(*f, "get_records_attempts"), 1000);
  EXPECT_DOUBLE_EQ(Fig(*f, "throttled_fraction"), 0.1);
  EXPECT_DOUBLE_EQ(Fig(*f, "throttled_by_call_rate"), 70);
  EXPECT_DOUBLE_EQ(Fig(*f, "throttled_by_bytes"), 20);
  EXPECT_DOUBLE_EQ(Fig(*f, "throttled_by_penalty"), 10);
  EXPECT_DOUBLE_EQ(Fig(*f, "read_limit_calls_per_s"), 5);
  EXPECT_DOUBLE_EQ(Fig(*f, "read_limit_bytes_per_s"), 2048 * kKiB);
  EXPECT_DOUBLE_EQ(Fig(*f, "penalty_ms"), 5000);
  EXPECT_DOUBLE_EQ(Fig(*f, "max_bytes_per_call"), 10240 * kKiB);
  EXPECT_DOUBLE_EQ(Fig(*f, "polling_applications"), 2);
  ExpectWellFormedFigures(rc.result);
}

TEST(FindingDataTest, IteratorAgeGrowingNamesTheShardFurthestBehindByIndex) {
  ReadCase rc;
  rc.Add("first", ConsumerType::kPolling, "polling");
  ConsumerResult& c = rc.Add("slow", ConsumerType::kPolling, "polling");
  rc.result.shards[0].records_in = 600 * 100;  // 100 records/s each
  rc.result.shards[1].records_in = 600 * 100;
  c.shards[0].records_processed = 600 * 100;
  c.shards[1].records_processed = 600 * 50;  // 50 records/s: falls behind
  c.shards[1].behind_at_end_ms = 50'000;
  c.records_processed = 600 * 150;
  c.iterator_age_growth = 0.2;
  c.iterator_age_max_ms = 60'000;
  c.behind_at_end_ms = 50'000;
  rc.Analyze();
  const Finding* f = Find(rc.result, FindingKind::kIteratorAgeGrowing);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->consumer, 1);
  EXPECT_EQ(f->shard, 5);  // the second shard, index 5
  EXPECT_DOUBLE_EQ(Fig(*f, "iterator_age_growth"), 0.2);
  EXPECT_DOUBLE_EQ(Fig(*f, "iterator_age_max_ms"), 60'000);
  EXPECT_DOUBLE_EQ(Fig(*f, "behind_at_end_ms"), 50'000);
  EXPECT_DOUBLE_EQ(Fig(*f, "shard_arrivals_per_s"), 100);
  EXPECT_DOUBLE_EQ(Fig(*f, "shard_processed_per_s"), 50);
  // Processor advice: 200 records/s over 80 % of 50 per processor -> 5 shards.
  EXPECT_DOUBLE_EQ(Fig(*f, "processor_records_per_s"), 50);
  EXPECT_DOUBLE_EQ(Fig(*f, "shards_needed"), 5);
  EXPECT_DOUBLE_EQ(Fig(*f, "stream_arrivals_per_s"), 200);
  EXPECT_DOUBLE_EQ(Fig(*f, "shards"), 2);
  EXPECT_FALSE(HasFig(*f, "workers"));  // not a KCL application
  ExpectWellFormedFigures(rc.result);
}

TEST(FindingDataTest, IteratorAgeGrowingDuringAnOutageStatesWhenItBegan) {
  ReadCase rc;
  ConsumerResult& c = rc.Add("down", ConsumerType::kPolling, "polling");
  rc.scenario.consumers[0].outages = {{Seconds(400), Seconds(700)}};
  c.iterator_age_growth = 1.0;
  c.behind_at_end_ms = 200'000;
  c.shards[0].behind_at_end_ms = 200'000;
  rc.Analyze();
  const Finding* f = Find(rc.result, FindingKind::kIteratorAgeGrowing);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->severity, Severity::kInfo);
  EXPECT_EQ(f->shard, 4);
  EXPECT_DOUBLE_EQ(Fig(*f, "outage_from_ms"), 400'000);
}

TEST(FindingDataTest, ConcurrencyLimitedLambdaStatesTheConcurrencyArithmetic) {
  ReadCase rc;
  ConsumerResult& c = rc.Add("fn", ConsumerType::kLambda, "lambda");
  LambdaSpec& l = rc.scenario.consumers[0].lambda;
  l.parallelization_factor = 2;
  l.function.concurrency_limit = 2;
  c.lambda.emplace();
  c.lambda->throttles = 100;
  c.lambda->batch_records.mean = 100;
  c.lambda->duration.mean_ms = 500;  // 200 records/s per running batch
  for (size_t i = 0; i < 2; ++i) {
    rc.result.shards[i].records_in = 600 * 400;  // 800 records/s in all
    c.shards[i].behind_at_end_ms = 100'000;
  }
  c.iterator_age_growth = 0.5;
  c.behind_at_end_ms = 100'000;
  rc.Analyze();
  const Finding* f = Find(rc.result, FindingKind::kIteratorAgeGrowing);
  ASSERT_NE(f, nullptr);
  EXPECT_DOUBLE_EQ(Fig(*f, "batch_records_mean"), 100);
  EXPECT_DOUBLE_EQ(Fig(*f, "duration_mean_ms"), 500);
  EXPECT_DOUBLE_EQ(Fig(*f, "concurrency_limit"), 2);
  EXPECT_DOUBLE_EQ(Fig(*f, "records_per_s_at_limit"), 400);
  EXPECT_DOUBLE_EQ(Fig(*f, "stream_arrivals_per_s"), 800);
  EXPECT_DOUBLE_EQ(Fig(*f, "concurrency_needed"), 4);  // min(ceil(800 / 160), 2 x 2)
  EXPECT_DOUBLE_EQ(Fig(*f, "max_concurrency"), 4);
  const Finding* throttled = Find(rc.result, FindingKind::kLambdaConcurrencyThrottled);
  ASSERT_NE(throttled, nullptr);
  EXPECT_EQ(throttled->consumer, 0);
  EXPECT_DOUBLE_EQ(Fig(*throttled, "throttles"), 100);
  EXPECT_DOUBLE_EQ(Fig(*throttled, "concurrency_limit"), 2);
  EXPECT_DOUBLE_EQ(Fig(*throttled, "concurrency_needed"), 4);
  ExpectWellFormedFigures(rc.result);
}

TEST(FindingDataTest, CatchingUpStatesThePaceAndWhenItIsCaughtUp) {
  ReadCase rc;
  rc.Add("first", ConsumerType::kPolling, "polling");
  ConsumerResult& c = rc.Add("recovering", ConsumerType::kPolling, "polling");
  c.iterator_age_growth = -0.5;
  c.iterator_age_max_ms = 300'000;
  c.behind_at_end_ms = 130'000;
  rc.Analyze();
  const Finding* f = Find(rc.result, FindingKind::kCatchingUp);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->consumer, 1);
  EXPECT_DOUBLE_EQ(Fig(*f, "behind_at_end_ms"), 130'000);
  EXPECT_DOUBLE_EQ(Fig(*f, "shrink_s_per_s"), 0.5);
  EXPECT_DOUBLE_EQ(Fig(*f, "caught_up_after_end_ms"), 260'000);
  ExpectWellFormedFigures(rc.result);
}

TEST(FindingDataTest, RetentionFindingsStateTheRetention) {
  ReadCase rc;
  ConsumerResult& lost = rc.Add("lost", ConsumerType::kPolling, "polling");
  lost.records_expired = 42;
  ConsumerResult& old = rc.Add("old", ConsumerType::kPolling, "polling");
  old.iterator_age_max_ms = 50'000'000;  // over half of 24 h
  rc.Analyze();
  const Finding* expired = Find(rc.result, FindingKind::kRecordsExpired);
  ASSERT_NE(expired, nullptr);
  EXPECT_EQ(expired->consumer, 0);
  EXPECT_DOUBLE_EQ(Fig(*expired, "records_expired"), 42);
  EXPECT_DOUBLE_EQ(Fig(*expired, "retention_ms"), 86'400'000);
  const Finding* risk = Find(rc.result, FindingKind::kRetentionRisk);
  ASSERT_NE(risk, nullptr);
  EXPECT_EQ(risk->consumer, 1);
  EXPECT_DOUBLE_EQ(Fig(*risk, "iterator_age_max_ms"), 50'000'000);
  EXPECT_DOUBLE_EQ(Fig(*risk, "retention_ms"), 86'400'000);
  ExpectWellFormedFigures(rc.result);
}

TEST(FindingDataTest, KclLeaseFindingsStateWorkersAndShards) {
  ReadCase rc;
  rc.Add("first", ConsumerType::kPolling, "polling");
  ConsumerResult& c = rc.Add("kcl-app", ConsumerType::kKcl, "kcl");
  c.workers = 5;
  c.unowned_shards = 1;
  c.idle_workers = 3;
  c.records_reprocessed = 250;
  c.lease_takeovers = 2;
  rc.Analyze();
  const Finding* unowned = Find(rc.result, FindingKind::kUnownedShards);
  ASSERT_NE(unowned, nullptr);
  EXPECT_EQ(unowned->consumer, 1);
  EXPECT_DOUBLE_EQ(Fig(*unowned, "unowned_shards"), 1);
  EXPECT_DOUBLE_EQ(Fig(*unowned, "shards"), 2);
  EXPECT_DOUBLE_EQ(Fig(*unowned, "workers"), 5);
  const Finding* idle = Find(rc.result, FindingKind::kIdleWorkers);
  ASSERT_NE(idle, nullptr);
  EXPECT_EQ(idle->consumer, 1);
  EXPECT_DOUBLE_EQ(Fig(*idle, "idle_workers"), 3);
  EXPECT_DOUBLE_EQ(Fig(*idle, "workers"), 5);
  EXPECT_DOUBLE_EQ(Fig(*idle, "shards"), 2);
  const Finding* replayed = Find(rc.result, FindingKind::kReprocessedRecords);
  ASSERT_NE(replayed, nullptr);
  EXPECT_EQ(replayed->consumer, 1);
  EXPECT_DOUBLE_EQ(Fig(*replayed, "records_reprocessed"), 250);
  EXPECT_DOUBLE_EQ(Fig(*replayed, "lease_takeovers"), 2);
  ExpectWellFormedFigures(rc.result);
}

// ---------------------------------------------------------------- managed consumers

TEST(FindingDataTest, LambdaStallNamesTheStalledShardByIndex) {
  ReadCase rc;
  rc.Add("first", ConsumerType::kPolling, "polling");
  ConsumerResult& c = rc.Add("fn", ConsumerType::kLambda, "lambda");
  c.lambda.emplace();
  c.lambda->max_stall_ms = 120'000;
  c.lambda->max_stall_shard = rc.result.shards[1].shard_id;
  c.lambda->invocations_failed = 30;
  c.lambda->poison_records = 1;
  c.lambda->records_dropped = 12;
  c.lambda->records_given_up_by_retries = 8;
  c.lambda->records_given_up_by_age = 4;
  c.iterator_age_max_ms = 125'000;
  rc.Analyze();
  const Finding* stall = Find(rc.result, FindingKind::kLambdaShardStalled);
  ASSERT_NE(stall, nullptr);
  EXPECT_EQ(stall->consumer, 1);
  EXPECT_EQ(stall->shard, 5);
  EXPECT_DOUBLE_EQ(Fig(*stall, "max_stall_ms"), 120'000);
  EXPECT_DOUBLE_EQ(Fig(*stall, "invocations_failed"), 30);
  EXPECT_DOUBLE_EQ(Fig(*stall, "poison_records"), 1);
  EXPECT_DOUBLE_EQ(Fig(*stall, "iterator_age_max_ms"), 125'000);
  const Finding* discarded = Find(rc.result, FindingKind::kLambdaRecordsDiscarded);
  ASSERT_NE(discarded, nullptr);
  EXPECT_EQ(discarded->consumer, 1);
  EXPECT_DOUBLE_EQ(Fig(*discarded, "records_dropped"), 12);
  EXPECT_DOUBLE_EQ(Fig(*discarded, "records_given_up_by_retries"), 8);
  EXPECT_DOUBLE_EQ(Fig(*discarded, "records_given_up_by_age"), 4);
  ExpectWellFormedFigures(rc.result);
}

TEST(FindingDataTest, LambdaReadContentionCountsTheOtherReadersThrottles) {
  ReadCase rc;
  ConsumerResult& poller = rc.Add("poller", ConsumerType::kPolling, "polling");
  poller.get_records_calls = 1000;
  poller.read_throttles = 300;
  poller.read_throttles_by_call_rate = 250;
  poller.read_throttles_by_bytes = 30;
  poller.read_throttles_by_penalty = 20;
  ConsumerResult& fn = rc.Add("fn", ConsumerType::kLambda, "lambda");
  fn.lambda.emplace();
  fn.get_records_calls = 600;
  rc.Analyze();
  const Finding* f = Find(rc.result, FindingKind::kLambdaReadContention);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->consumer, 1);  // the mapping, not the throttled poller
  EXPECT_DOUBLE_EQ(Fig(*f, "get_records_calls"), 600);
  EXPECT_DOUBLE_EQ(Fig(*f, "others_throttled_calls"), 300);
  EXPECT_DOUBLE_EQ(Fig(*f, "others_calls"), 1300);
  EXPECT_DOUBLE_EQ(Fig(*f, "others_throttled_by_call_rate"), 250);
  EXPECT_DOUBLE_EQ(Fig(*f, "others_throttled_by_bytes"), 30);
  EXPECT_DOUBLE_EQ(Fig(*f, "others_throttled_by_penalty"), 20);
  EXPECT_DOUBLE_EQ(Fig(*f, "read_limit_calls_per_s"), 5);
  ExpectWellFormedFigures(rc.result);
}

TEST(FindingDataTest, FirehoseFindingsNameTheFirehoseAndTheProducer) {
  ReadCase rc;
  rc.Add("first", ConsumerType::kPolling, "polling");
  ConsumerResult& c = rc.Add("to-s3", ConsumerType::kFirehose, "firehose");
  rc.scenario.consumers[1].firehose.source = FirehoseSource::kDirectPut;
  c.firehose.emplace();
  FirehoseResult& h = *c.firehose;
  h.source = "direct_put";
  h.objects_written = 20;
  h.object_bytes.mean = 100 * kKiB;
  h.object_bytes.p50 = 90 * kKiB;
  h.flushes_by_interval = 20;
  h.partitions = 3;
  h.s3_put_requests = 20;  // over 600 s: 20 x 4380 a month
  h.delivery_attempts_failed = 25;
  h.records_backed_up = 7;
  h.records_transform_failed = 2;
  h.records_buffered_at_end = 11;
  h.direct_put_throttled_by_records = 60;
  h.direct_put_throttled_by_bytes = 30;
  h.direct_put_throttled_by_requests = 10;
  rc.scenario.producers.resize(2);
  rc.scenario.producers[1].target = "to-s3";
  rc.result.producers.resize(2);
  ProducerResult& p = rc.result.producers[1];
  p.name = "direct";
  p.records_throttled = 100;
  p.records_accepted = 300;
  p.records_dropped = 5;
  rc.Analyze();

  const Finding* small = Find(rc.result, FindingKind::kFirehoseSmallObjects);
  ASSERT_NE(small, nullptr);
  EXPECT_EQ(small->consumer, 1);
  EXPECT_DOUBLE_EQ(Fig(*small, "objects_written"), 20);
  EXPECT_DOUBLE_EQ(Fig(*small, "object_bytes_mean"), 100 * kKiB);
  EXPECT_DOUBLE_EQ(Fig(*small, "object_bytes_p50"), 90 * kKiB);
  EXPECT_DOUBLE_EQ(Fig(*small, "buffering_interval_ms"), 300'000);
  EXPECT_DOUBLE_EQ(Fig(*small, "buffering_size_bytes"), 5 * 1024 * kKiB);
  EXPECT_DOUBLE_EQ(Fig(*small, "partitions"), 3);
  EXPECT_DOUBLE_EQ(Fig(*small, "s3_put_requests_per_month"), 20 * 4380);

  const Finding* put = Find(rc.result, FindingKind::kDirectPutThrottling);
  ASSERT_NE(put, nullptr);
  EXPECT_EQ(put->producer, 1);
  EXPECT_EQ(put->consumer, 1);
  EXPECT_EQ(put->severity, Severity::kCritical);  // records were dropped
  EXPECT_DOUBLE_EQ(Fig(*put, "records_throttled"), 100);
  EXPECT_DOUBLE_EQ(Fig(*put, "throttled_fraction"), 0.25);
  EXPECT_DOUBLE_EQ(Fig(*put, "throttled_by_records_limit"), 60);
  EXPECT_DOUBLE_EQ(Fig(*put, "throttled_by_bytes_limit"), 30);
  EXPECT_DOUBLE_EQ(Fig(*put, "throttled_by_requests_limit"), 10);
  EXPECT_DOUBLE_EQ(Fig(*put, "limit_records_per_s"), 500'000);
  EXPECT_DOUBLE_EQ(Fig(*put, "limit_bytes_per_s"), 5 * 1024 * kKiB);
  EXPECT_DOUBLE_EQ(Fig(*put, "limit_requests_per_s"), 2000);
  EXPECT_DOUBLE_EQ(Fig(*put, "records_dropped"), 5);

  const Finding* failed = Find(rc.result, FindingKind::kFirehoseDeliveryFailed);
  ASSERT_NE(failed, nullptr);
  EXPECT_EQ(failed->consumer, 1);
  EXPECT_DOUBLE_EQ(Fig(*failed, "delivery_attempts_failed"), 25);
  EXPECT_DOUBLE_EQ(Fig(*failed, "delivery_attempts"), 45);
  EXPECT_DOUBLE_EQ(Fig(*failed, "records_backed_up"), 7);
  EXPECT_DOUBLE_EQ(Fig(*failed, "records_transform_failed"), 2);
  EXPECT_DOUBLE_EQ(Fig(*failed, "records_buffered_at_end"), 11);
  EXPECT_TRUE(HasFig(*failed, "retry_duration_ms"));
  ExpectWellFormedFigures(rc.result);
}

// ---------------------------------------------------------------- SLOs

std::vector<const Finding*> Slos(const RunResult& r) {
  std::vector<const Finding*> out;
  for (const Finding& f : r.findings) {
    if (f.kind == FindingKind::kSloViolated) out.push_back(&f);
  }
  return out;
}

TEST(FindingDataTest, SloViolationsStateTheObjectiveAndTheActualValue) {
  ReadCase rc;
  rc.Add("first", ConsumerType::kPolling, "polling");
  ConsumerResult& c = rc.Add("late", ConsumerType::kPolling, "polling");
  c.latency.count = 100;
  c.latency.p50_ms = 800;
  c.latency.p99_ms = 3000;
  c.iterator_age_max_ms = 9000;
  c.iterator_age_p99_ms = 7000;
  rc.result.shards[1].records_offered = 1000;
  rc.result.shards[1].throttled_records = 20;
  rc.result.shards[1].peak_demand_records_per_s = 950;
  rc.result.shards[0].peak_demand_records_per_s = 500;
  rc.scenario.slos.emplace();
  rc.scenario.slos->p99_latency = Seconds(2);
  rc.scenario.slos->max_iterator_age = Seconds(5);
  rc.scenario.slos->max_write_throttle_fraction = 0.01;
  rc.scenario.slos->max_shard_utilization = 0.9;
  AddSloFindings(rc.scenario, &rc.result);
  const std::vector<const Finding*> slos = Slos(rc.result);
  ASSERT_EQ(slos.size(), 4u);

  EXPECT_EQ(slos[0]->consumer, 1);
  EXPECT_DOUBLE_EQ(Fig(*slos[0], "objective_p99_latency_ms"), 2000);
  EXPECT_DOUBLE_EQ(Fig(*slos[0], "p99_latency_ms"), 3000);
  EXPECT_DOUBLE_EQ(Fig(*slos[0], "p50_latency_ms"), 800);

  EXPECT_EQ(slos[1]->consumer, 1);
  EXPECT_DOUBLE_EQ(Fig(*slos[1], "objective_max_iterator_age_ms"), 5000);
  EXPECT_DOUBLE_EQ(Fig(*slos[1], "iterator_age_max_ms"), 9000);
  EXPECT_DOUBLE_EQ(Fig(*slos[1], "iterator_age_p99_ms"), 7000);

  EXPECT_EQ(slos[2]->consumer, -1);
  EXPECT_EQ(slos[2]->shard, -1);  // the stream
  EXPECT_DOUBLE_EQ(Fig(*slos[2], "objective_max_write_throttle_fraction"), 0.01);
  EXPECT_DOUBLE_EQ(Fig(*slos[2], "write_throttle_fraction"), 0.02);

  EXPECT_EQ(slos[3]->shard, 5);
  EXPECT_DOUBLE_EQ(Fig(*slos[3], "objective_max_shard_utilization"), 0.9);
  EXPECT_DOUBLE_EQ(Fig(*slos[3], "shard_utilization"), 0.95);
  ExpectWellFormedFigures(rc.result);
}

}  // namespace
}  // namespace shardsim
