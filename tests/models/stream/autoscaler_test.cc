// The autoscaler (models/stream/autoscaler.h) in whole runs and as pure decisions: its reaction
// time to a step in traffic against the hand computation, cooldown, min and max, the
// UpdateShardCount call limit (refused, reported, retried after the cooldown), step rules,
// split/merge rules on shard-level metrics; and the findings of analysis/autoscaling_findings.h
// both ways, with the hot-shard split put into the scenario giving the balanced result.
#include "models/stream/autoscaler.h"

#include <gtest/gtest.h>

#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "models/run/model_graph.h"
#include "models/spec/loader/scenario_loader.h"
#include "planner/session.h"
#include "tests/support/run_checks.h"
#include "tests/support/scenarios.h"

namespace shardsim {
namespace {

// 2 shards; 1,000-byte records at `low` records/s, `high` from `step_at`.
Scenario StepScenario(double low, double high, SimDuration step_at, SimDuration duration) {
  Scenario s = support::StreamScenario("autoscale", 3, 2, duration);
  ProducerSpec p = support::FixedSizeProducer("app", 4, low, 1000);
  p.arrival.process = ArrivalProcess::kConstant;
  p.arrival.steps.clear();
  if (high != low) {
    p.arrival.process = ArrivalProcess::kSteps;
    p.arrival.steps.push_back({step_at, high});
  }
  s.producers.push_back(p);
  s.series_interval = Seconds(10);
  AutoscalingSpec& a = s.stream.autoscaling;
  a.enabled = true;
  a.evaluation_periods = 2;
  a.publication_delay = Minutes(1);
  a.invocation_delay = Seconds(5);
  a.action_delay = Seconds(10);
  a.reshard_duration = Seconds(30);
  a.cooldown = Minutes(2);
  return s;
}

std::vector<OperationResult> Operations(const Scenario& s) {
  const std::unique_ptr<const PreparedScenario> prepared = support::PrepareOk(s);
  ModelGraph g(*prepared, s.seed);
  g.Run();
  EXPECT_NE(g.autoscaler(), nullptr);
  return g.resharder()->Results();
}

const Finding* FindingOf(const RunResult& r, FindingKind kind) {
  for (const Finding& f : r.findings) {
    if (f.kind == kind) return &f;
  }
  return nullptr;
}

int ShardIndexOfId(const RunResult& r, const std::string& id) {
  for (size_t i = 0; i < r.shards.size(); ++i) {
    if (r.shards[i].shard_id == id) return static_cast<int>(i);
  }
  return -1;
}

RunResult RunOk(const Scenario& s) {
  const RunOutcome out = RunScenario(s, RunOptions{});
  EXPECT_TRUE(out.result.has_value());
  return *out.result;
}

TEST(AutoscalerTest, ReactsToAStepAfterEvaluationPublicationActionAndReshardTime) {
  // 2 shards hold 2,000 records/s of 1 KB = 2 MB/s < 2 MiB/s; 70 % of them is 1.47 MB/s. The step
  // from 800 to 1,600 records/s at 2 min makes [2, 3) and [3, 4) min the first two breaching
  // minutes; the second is readable at 4 min + 1 min publication; the call comes 5 s + 10 s
  // later and completes 30 s after that. Hand computation: 2 min + 2 x 1 min + 1 min + 15 s =
  // 315 s requested, + 30 s = 345 s completed.
  const Scenario s = StepScenario(800, 1600, Minutes(2), Minutes(8));
  const std::vector<OperationResult> ops = Operations(s);
  ASSERT_GE(ops.size(), 1u);
  EXPECT_EQ(ops[0].requested_at_s, 315.0);
  EXPECT_EQ(ops[0].completed_at_s, 345.0);
  EXPECT_EQ(ops[0].op, "update_shard_count");
  // 1,600 x 1,000 B x 60 s / (0.7 x 60 MiB) = 2.18 -> 3 shards.
  EXPECT_EQ(ops[0].target, 3);
  EXPECT_TRUE(ops[0].cause.starts_with("autoscaler: IncomingBytes")) << ops[0].cause;
  EXPECT_NE(ops[0].cause.find("in 2 of 2 periods of 1min"), std::string::npos) << ops[0].cause;
}

TEST(AutoscalerTest, WaitsOutTheCooldownAfterEachCompletedCall) {
  // 4,000 records/s of 1 KB needs 6 shards at 70 %: 2 -> 4 (double) -> 6, the second call no
  // earlier than the first's completion + 2 min, at the first evaluation after it.
  // IncomingBytes counts accepted bytes only: throttled at 2 shards' 2 MiB/s, the first call
  // asks for ceil(2 / 0.7) = 3. The next call comes no earlier than the first's completion plus
  // the cooldown; with a shorter cooldown it comes sooner, so the cooldown is what held it.
  Scenario s = StepScenario(4000, 4000, Minutes(0), Minutes(20));
  s.stream.autoscaling.cooldown = Minutes(6);
  const std::vector<OperationResult> ops = Operations(s);
  ASSERT_GE(ops.size(), 2u);
  EXPECT_EQ(ops[0].target, 3);
  for (size_t i = 1; i < ops.size(); ++i) {
    EXPECT_GE(ops[i].requested_at_s, ops[i - 1].completed_at_s + 360) << i;
  }
  s.stream.autoscaling.cooldown = Minutes(1);
  const std::vector<OperationResult> quick = Operations(s);
  ASSERT_GE(quick.size(), 2u);
  EXPECT_LT(quick[1].requested_at_s, quick[0].completed_at_s + 360);
}

TEST(AutoscalerTest, KeepsTheTargetWithinMinAndMaxShards) {
  Scenario up = StepScenario(4000, 4000, Minutes(0), Minutes(12));
  up.stream.autoscaling.max_shards = 3;
  for (const OperationResult& o : Operations(up)) EXPECT_LE(o.target, 3) << o.cause;
  EXPECT_EQ(Operations(up).size(), 1u);  // at the maximum it stays

  Scenario down = StepScenario(100, 100, Minutes(0), Minutes(12));
  down.stream.shards = 8;
  down.stream.autoscaling.min_shards = 5;
  const std::vector<OperationResult> ops = Operations(down);
  ASSERT_EQ(ops.size(), 1u);
  EXPECT_EQ(ops[0].target, 5);  // one shard would do; half of 8 is 4; min_shards says 5
  EXPECT_NE(ops[0].cause.find("needs fewer shards"), std::string::npos) << ops[0].cause;
}

TEST(AutoscalerTest, ARefusedCallIsReportedAsKinesisRefusesItAndRetriedAfterTheCooldown) {
  Scenario s = StepScenario(4000, 4000, Minutes(0), Minutes(16));
  s.stream.reshard_limits.update_shard_count_per_24h = 1;
  const std::vector<OperationResult> ops = Operations(s);
  ASSERT_GE(ops.size(), 3u);
  EXPECT_EQ(ops[0].status, "completed");
  EXPECT_EQ(ops[1].status, "refused");
  EXPECT_TRUE(
      ops[1].error.starts_with("LimitExceededException: UpdateShardCount was already "
                               "called 1 times"))
      << ops[1].error;
  EXPECT_TRUE(ops[1].cause.starts_with("autoscaler: ")) << ops[1].cause;
  EXPECT_EQ(ops[2].status, "refused");
  EXPECT_GE(ops[2].requested_at_s, ops[1].requested_at_s + 120);
}

std::deque<ScalingDatapoint> Window(std::vector<double> values) {
  std::deque<ScalingDatapoint> w;
  for (double v : values) w.push_back({SimTime::Zero(), v, {}});
  return w;
}

TEST(AutoscalerTest, StepRulesActOnTheFirstRuleWhoseAlarmFires) {
  AutoscalingSpec a;
  a.policy = ScalingPolicy::kStep;
  a.metric = ScalingMetric::kWriteThrottledRecords;
  a.evaluation_periods = 3;
  a.datapoints_to_alarm = 2;
  a.steps = {{ScalingComparison::kAbove, 1000, 0, 2.0}, {ScalingComparison::kAbove, 10, 1, 0}};
  a.steps.push_back({ScalingComparison::kBelow, 1, -1, 0});
  const WriteLimitsSpec limits;
  const ShardMap map = ShardMap::CreateStream(4);
  // 2 of 3 periods above 1,000 throttled records: x2.
  ScalingDecision d = DecideScaling(a, limits, map, Window({5000, 0, 2000}));
  ASSERT_TRUE(d.act);
  EXPECT_EQ(d.op.target_shards, 8);
  EXPECT_NE(d.cause.find("step 0"), std::string::npos) << d.cause;
  // Only one period above 1,000, two above 10: +1.
  d = DecideScaling(a, limits, map, Window({5000, 20, 20}));
  ASSERT_TRUE(d.act);
  EXPECT_EQ(d.op.target_shards, 5);
  // Quiet: -1.
  d = DecideScaling(a, limits, map, Window({0, 0, 0}));
  ASSERT_TRUE(d.act);
  EXPECT_EQ(d.op.target_shards, 3);
  // One breaching period of three is no alarm for any rule.
  EXPECT_FALSE(DecideScaling(a, limits, map, Window({5000, 5, 5})).act);
  // Utilisation steps: 90 % of 4 shards' bytes.
  a.metric = ScalingMetric::kIncomingBytes;
  a.steps = {{ScalingComparison::kAbove, 0.9, 2, 0}};
  const double full = 4.0 * kMiB * 60;
  EXPECT_TRUE(DecideScaling(a, limits, map, Window({0.95 * full, 0.95 * full, 0})).act);
  EXPECT_FALSE(DecideScaling(a, limits, map, Window({0.85 * full, 0.95 * full, 0})).act);
}

TEST(AutoscalerTest, SplitMergeSplitsTheHottestShardAndMergesTheColdestAdjacentPair) {
  AutoscalingSpec a;
  a.policy = ScalingPolicy::kSplitMerge;
  a.evaluation_periods = 2;
  a.target_utilization = 0.7;
  a.merge_utilization = 0.3;
  const WriteLimitsSpec limits;
  const ShardMap map = ShardMap::CreateStream(4);
  const double shard = kMiB * 60.0;
  auto window = [&](std::vector<double> u) {
    std::deque<ScalingDatapoint> w;
    for (int i = 0; i < 2; ++i) {
      ScalingDatapoint p{SimTime::Zero(), 0, {}};
      for (double x : u) p.shards.push_back(x * shard);
      w.push_back(p);
    }
    return w;
  };
  ScalingDecision d = DecideScaling(a, limits, map, window({0.5, 0.8, 0.9, 0.1}));
  ASSERT_TRUE(d.act);
  EXPECT_EQ(d.op.action, ReshardAction::kSplit);
  EXPECT_EQ(d.op.shard, 2);
  EXPECT_EQ(d.op.new_starting_hash_key, "even");
  d = DecideScaling(a, limits, map, window({0.2, 0.2, 0.1, 0.1}));
  ASSERT_TRUE(d.act);
  EXPECT_EQ(d.op.action, ReshardAction::kMerge);
  EXPECT_EQ(d.op.shard, 2);
  EXPECT_EQ(d.op.adjacent_shard, 3);
  EXPECT_FALSE(DecideScaling(a, limits, map, window({0.5, 0.5, 0.5, 0.5})).act);
  a.scale_in = false;
  EXPECT_FALSE(DecideScaling(a, limits, map, window({0.2, 0.2, 0.1, 0.1})).act);
}

TEST(AutoscalerTest, SplitMergeInARunSplitsTheShardThatCarriesTheTraffic) {
  Scenario s = StepScenario(1000, 1000, Minutes(0), Minutes(6));
  s.producers[0].keys.dist = KeyDist::kHotKey;  // half the traffic on one key's shard
  s.producers[0].keys.hot_share = 0.5;
  s.producers[0].keys.count = 10'000;
  s.stream.enhanced_monitoring = true;
  s.stream.autoscaling.policy = ScalingPolicy::kSplitMerge;
  s.stream.autoscaling.target_utilization = 0.6;
  s.stream.autoscaling.merge_utilization = 0.1;
  const std::vector<OperationResult> ops = Operations(s);
  ASSERT_GE(ops.size(), 1u);
  EXPECT_EQ(ops[0].op, "split");
  EXPECT_EQ(ops[0].status, "completed") << ops[0].error;
  EXPECT_NE(ops[0].cause.find(ops[0].shard), std::string::npos) << ops[0].cause;
}

TEST(AutoscalingFindingsTest, ASlowAutoscalerIsLateAndTheRerunsAreQuoted) {
  Scenario slow = StepScenario(4000, 4000, Minutes(0), Minutes(16));
  slow.stream.autoscaling.evaluation_periods = 3;
  const RunResult r = RunOk(slow);
  const Finding* f = FindingOf(r, FindingKind::kAutoscalerTooLate);
  ASSERT_NE(f, nullptr);
  EXPECT_NE(f->recommendation.find("evaluation_periods 1: "), std::string::npos)
      << f->recommendation;
  EXPECT_NE(f->recommendation.find("target_utilization 0.5: "), std::string::npos);
  // The advice leads with the rerun that throttled least, whichever delay is largest on paper.
  const auto throttled = [&](const std::string& n) {
    for (const FindingFigure& g : f->figures) {
      if (g.name == n) return g.value;
    }
    return -1.0;
  };
  const double eval_rerun = throttled("what_if_0_throttled_records");
  const double target_rerun = throttled("what_if_1_throttled_records");
  ASSERT_GE(eval_rerun, 0);
  ASSERT_GE(target_rerun, 0);
  EXPECT_NE(f->recommendation.find(target_rerun < eval_rerun
                                       ? "rerun with target_utilization 0.5 throttles least"
                                       : "rerun with evaluation_periods 1 throttles least"),
            std::string::npos)
      << f->recommendation;
  ASSERT_FALSE(r.operations.empty());
  EXPECT_EQ(r.operations[0].throttling_started_at_s, 0.0);
  EXPECT_GT(r.operations[0].throttled_before_completed, 0u);

  // Enough shards from the start: no throttling, no finding.
  Scenario fast = slow;
  fast.stream.shards = 6;
  EXPECT_EQ(FindingOf(RunOk(fast), FindingKind::kAutoscalerTooLate), nullptr);
}

TEST(AutoscalingFindingsTest, ASplitThatMovesAKeyAboveAShardsLimitCannotHelp) {
  Scenario s = support::StreamScenario("hot-key-split", 3, 2, Minutes(2));
  ProducerSpec p = support::FixedSizeProducer("app", 4, 3000, 500, 1000);
  p.keys.dist = KeyDist::kHotKey;
  p.keys.hot_share = 0.6;  // 1,800 records/s on one key
  s.producers.push_back(p);
  ReshardSpec split;
  split.at = Seconds(30);
  split.shard = 0;
  split.new_starting_hash_key = "even";
  split.duration = Seconds(5);
  ReshardSpec split1 = split;
  split1.shard = 1;
  split1.at = Seconds(40);
  s.stream.operations = {split, split1};
  const RunResult r = RunOk(s);
  const Finding* f = FindingOf(r, FindingKind::kSplitCannotHelp);
  ASSERT_NE(f, nullptr);
  EXPECT_NE(f->evidence.find("A split divides hash ranges, not keys"), std::string::npos);

  s.producers[0].keys.dist = KeyDist::kUniform;
  EXPECT_EQ(FindingOf(RunOk(s), FindingKind::kSplitCannotHelp), nullptr);
}

TEST(AutoscalingFindingsTest, ColdAdjacentPairsAreWorthMergingWithTheirSaving) {
  // 8 shards; a hot key keeps the stream from being over-provisioned, the others are cold.
  Scenario s = support::StreamScenario("cold", 3, 8, Minutes(1));
  ProducerSpec p = support::FixedSizeProducer("app", 4, 1600, 500, 100'000);
  p.keys.dist = KeyDist::kHotKey;
  p.keys.hot_share = 0.55;  // ~880 records/s on one shard: hot, not over-provisioned
  s.producers.push_back(p);
  const RunResult r = RunOk(s);
  const Finding* f = FindingOf(r, FindingKind::kColdShards);
  ASSERT_NE(f, nullptr) << [&] {
    std::string kinds;
    for (const Finding& x : r.findings) kinds += std::string(FindingKindName(x.kind)) + " ";
    return kinds;
  }();
  double pairs = 0, hours = 0;
  for (const FindingFigure& x : f->figures) {
    if (x.name == "pairs") pairs = x.value;
    if (x.name == "shard_hours_saved_per_month") hours = x.value;
  }
  EXPECT_GE(pairs, 2);
  EXPECT_EQ(hours, pairs * 730);

  // Busy shards: no pair fits one shard with headroom.
  s.producers[0].keys.dist = KeyDist::kUniform;
  s.producers[0].records_per_sec = 5000;
  EXPECT_EQ(FindingOf(RunOk(s), FindingKind::kColdShards), nullptr);
}

TEST(AutoscalingFindingsTest, TheHotShardSplitPutIntoTheScenarioBalancesTheShards) {
  LoadResult loaded =
      LoadScenarioFile(std::string(SHARDSIM_SOURCE_DIR) + "/scenarios/reshard-hot-shard.json");
  ASSERT_TRUE(loaded.ok());
  Scenario s = *loaded.scenario;
  s.stream.operations.clear();
  RunOptions options;
  options.duration = Minutes(2);
  const RunOutcome before = RunScenario(s, options);
  ASSERT_TRUE(before.result.has_value());
  const Finding* hot = FindingOf(*before.result, FindingKind::kHotShard);
  ASSERT_NE(hot, nullptr);
  ASSERT_FALSE(hot->new_starting_hash_key.empty());

  ReshardSpec split;
  split.at = Seconds(10);
  split.shard = hot->shard;
  split.new_starting_hash_key = hot->new_starting_hash_key;
  split.duration = Seconds(5);
  s.stream.operations = {split};
  const RunOutcome after = RunScenario(s, options);
  ASSERT_TRUE(after.result.has_value());
  const RunResult& r = *after.result;
  ASSERT_EQ(r.operations.size(), 1u);
  ASSERT_EQ(r.operations[0].status, "completed") << r.operations[0].error;
  // The children share the parent's traffic about evenly and take it without throttling.
  const ShardResult& lo =
      r.shards[static_cast<size_t>(ShardIndexOfId(r, r.operations[0].opened_shards[0]))];
  const ShardResult& hi =
      r.shards[static_cast<size_t>(ShardIndexOfId(r, r.operations[0].opened_shards[1]))];
  // As the finding said: its split_lower_share of the parent's traffic to the lower child.
  double lower = -1;
  for (const FindingFigure& x : hot->figures) {
    if (x.name == "split_lower_share") lower = x.value;
  }
  const double share = lo.expected_share / (lo.expected_share + hi.expected_share);
  EXPECT_NEAR(share, lower, 1e-9);
  EXPECT_GT(share, 0.4);
  EXPECT_LT(share, 0.6);
  EXPECT_EQ(lo.throttled_records + hi.throttled_records, 0u);
  for (const Finding& f : r.findings) {
    EXPECT_FALSE(f.kind == FindingKind::kHotShard && (f.shard == lo.index || f.shard == hi.index))
        << f.evidence;
  }
}

}  // namespace
}  // namespace shardsim
