// Capacity-mode switches on a run's timeline (UpdateStreamMode, fact sheet 5): the twice-per-24 h
// limit, the shard count kept, on-demand scaling starting and stopping with the mode, refusals of
// resharding while on-demand, billing split by mode against a hand computation, determinism.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "models/run/run.h"
#include "models/spec/validate.h"
#include "tests/support/run_checks.h"
#include "tests/support/scenarios.h"

namespace shardsim {
namespace {

constexpr int64_t kRecordBytes = 10'000;

// 4 shards written at 160 records/s of 10 KB (400 KB/s per shard, under the on-demand split
// threshold), stepping to `step_rate` at 120 s; no retries, so what is offered is the demand.
Scenario Load(StreamMode mode, double step_rate, SimDuration duration) {
  Scenario s = support::StreamScenario("mode-switch", 7, 4, duration);
  s.stream.mode = mode;
  ProducerSpec p = support::FixedSizeProducer("app", 20, 160, kRecordBytes, 10'000);
  p.arrival.process = ArrivalProcess::kSteps;
  p.arrival.steps = {{Seconds(120), step_rate}};
  p.api.type = ApiType::kPutRecords;
  p.api.linger = Millis(50);
  p.retry.max_attempts = 1;
  s.producers.push_back(p);
  return s;
}

ReshardSpec Switch(SimDuration at, StreamMode mode, SimDuration duration = Seconds(30)) {
  ReshardSpec op;
  op.at = at;
  op.action = ReshardAction::kUpdateStreamMode;
  op.mode = mode;
  op.duration = duration;
  return op;
}

std::vector<const OperationResult*> Ops(const RunResult& r, const std::string& op) {
  std::vector<const OperationResult*> out;
  for (const OperationResult& o : r.operations) {
    if (o.op == op) out.push_back(&o);
  }
  return out;
}

std::vector<double> ThrottledByMinute(const RunResult& r) {
  std::vector<double> out(static_cast<size_t>(std::ceil(r.duration_s / 60)), 0);
  for (const SeriesTable& t : r.series) {
    if (!t.name.starts_with("shardId-")) continue;
    for (const std::vector<double>& row : t.rows) out[static_cast<size_t>(row[0] / 60)] += row[3];
  }
  return out;
}

double Billed(const RunResult& r, const std::string& dimension) {
  double q = 0;
  for (const BillingQuantity& b : r.billing) {
    if (b.dimension == dimension) q += b.quantity;
  }
  return q;
}

// Accepted at 1 h and 2 h; the third (3 h) is within 24 h of both: LimitExceededException. At 4 h
// provisioned again is the stream's own mode: refused. At 25 h the 1 h switch has left the rolling
// window (only the 2 h one is in it): accepted.
TEST(ModeSwitchTest, AThirdSwitchWithin24HoursIsRefusedAndOne24HoursAfterTheFirstIsAccepted) {
  Scenario s = Load(StreamMode::kProvisioned, 1, Hours(26));
  s.producers[0].records_per_sec = 1;
  s.producers[0].arrival.steps.clear();
  s.producers[0].arrival.process = ArrivalProcess::kConstant;
  s.stream.operations = {
      Switch(Hours(1), StreamMode::kOnDemand), Switch(Hours(2), StreamMode::kProvisioned),
      Switch(Hours(3), StreamMode::kOnDemand), Switch(Hours(4), StreamMode::kProvisioned),
      Switch(Hours(25), StreamMode::kOnDemand)};
  const RunResult r = support::RunOk(s);
  const std::vector<const OperationResult*> ops = Ops(r, "update_stream_mode");
  ASSERT_EQ(ops.size(), 5u);
  EXPECT_EQ(ops[0]->status, "completed");
  EXPECT_EQ(ops[0]->mode, "on_demand");
  EXPECT_EQ(ops[0]->completed_at_s, 3630.0);
  EXPECT_EQ(ops[1]->status, "completed");
  EXPECT_EQ(ops[2]->status, "refused");
  EXPECT_TRUE(ops[2]->error.starts_with("LimitExceededException: ")) << ops[2]->error;
  EXPECT_NE(ops[2]->error.find("already updated 2 times"), std::string::npos) << ops[2]->error;
  EXPECT_EQ(ops[3]->status, "refused");
  EXPECT_EQ(ops[3]->error,
            "InvalidArgumentException: Stream stream is already in PROVISIONED mode.");
  EXPECT_EQ(ops[4]->status, "completed");
  // The mode timeline: provisioned, on-demand from 3,630 s, provisioned from 7,230 s, on-demand
  // from 25 h 30 s.
  ASSERT_EQ(r.mode_periods.size(), 4u);
  EXPECT_EQ(r.mode_periods[0].mode, "provisioned");
  EXPECT_EQ(r.mode_periods[1].from_s, 3630.0);
  EXPECT_EQ(r.mode_periods[1].mode, "on_demand");
  EXPECT_EQ(r.mode_periods[2].from_s, 7230.0);
  EXPECT_EQ(r.mode_periods[3].from_s, 90030.0);
  EXPECT_EQ(r.mode_periods[3].to_s, r.duration_s);
  EXPECT_TRUE(support::HasFinding(r, "reshard_refused"));
}

TEST(ModeSwitchTest, TheLimitIsConfigurable) {
  Scenario s = Load(StreamMode::kProvisioned, 1, Hours(4));
  s.stream.reshard_limits.mode_switches_per_24h = 3;
  s.stream.operations = {Switch(Hours(1), StreamMode::kOnDemand),
                         Switch(Hours(2), StreamMode::kProvisioned),
                         Switch(Hours(3), StreamMode::kOnDemand)};
  const RunResult r = support::RunOk(s);
  for (const OperationResult* o : Ops(r, "update_stream_mode")) EXPECT_EQ(o->status, "completed");
}

// The switch keeps the open shards, either way; the stream is UPDATING meanwhile, so a split
// called during it is refused (ResourceInUseException), and one called after the switch to
// on-demand is refused because the stream is on-demand.
TEST(ModeSwitchTest, TheShardCountIsKeptAndReshardingIsRefusedWhileOnDemand) {
  Scenario s = Load(StreamMode::kProvisioned, 160, Minutes(30));
  s.stream.shards = 6;
  ReshardSpec during;
  during.at = Seconds(610);
  during.shard = 0;
  during.new_starting_hash_key = "even";
  ReshardSpec after = during;
  after.at = Minutes(15);
  s.stream.operations = {Switch(Minutes(10), StreamMode::kOnDemand), during, after,
                         Switch(Minutes(20), StreamMode::kProvisioned)};
  const RunResult r = support::RunOk(s);
  const std::vector<const OperationResult*> sw = Ops(r, "update_stream_mode");
  ASSERT_EQ(sw.size(), 2u);
  for (const OperationResult* o : sw) {
    EXPECT_EQ(o->status, "completed");
    EXPECT_EQ(o->open_shards_before, 6);
    EXPECT_EQ(o->open_shards_after, 6);
    EXPECT_EQ(o->splits + o->merges, 0);
  }
  const std::vector<const OperationResult*> splits = Ops(r, "split");
  ASSERT_EQ(splits.size(), 2u);
  EXPECT_TRUE(splits[0]->error.starts_with("ResourceInUseException: ")) << splits[0]->error;
  EXPECT_EQ(splits[1]->error,
            "InvalidArgumentException: split is not supported for stream stream in ON_DEMAND "
            "capacity mode.");
  EXPECT_EQ(r.open_shards, 6);
}

// Hand computation: provisioned 4 shards, the step to 480 records/s at 120 s puts 1.2 MB/s on each
// shard (over 1 MiB/s): throttled. The switch called at 300 s completes at 330 s; the scaler
// measures each shard from 330 s, finds [330 s, 390 s) over 500 KB/s at 390 s and the four splits
// land at 390 + 900 = 1,290 s (minute 21). The children take 600 KB/s: throttling stops (and,
// over 500 KB/s, they are split in turn from 1,350 s, after the end of the run).
TEST(ModeSwitchTest, OnDemandScalingStartsAtTheSwitchAndSplitsAThrottledStream) {
  Scenario s = Load(StreamMode::kProvisioned, 480, Seconds(1800));
  s.stream.operations = {Switch(Seconds(300), StreamMode::kOnDemand)};
  const RunResult r = support::RunOk(s);
  const std::vector<const OperationResult*> splits = Ops(r, "split");
  ASSERT_EQ(splits.size(), 12u);
  for (size_t i = 0; i < splits.size(); ++i) {
    EXPECT_EQ(splits[i]->cause, "on_demand");
    if (i < 4) {
      EXPECT_EQ(splits[i]->requested_at_s, 390.0);
      EXPECT_EQ(splits[i]->completed_at_s, 1290.0);
    } else {
      EXPECT_EQ(splits[i]->requested_at_s, 1350.0);
      EXPECT_EQ(splits[i]->status, "updating");
    }
  }
  EXPECT_EQ(r.open_shards, 8);
  const std::vector<double> throttled = ThrottledByMinute(r);
  for (size_t m = 0; m < throttled.size(); ++m) {
    if (m >= 2 && m < 22) {
      EXPECT_GT(throttled[m], 0) << "minute " << m;
    } else {
      EXPECT_EQ(throttled[m], 0) << "minute " << m;
    }
  }
}

// The same load on-demand from the start: splits decided at 180 s land at 1,080 s. A switch to
// provisioned completing at 630 s cancels them: the stream keeps 4 shards and stays throttled.
TEST(ModeSwitchTest, ASwitchToProvisionedStopsTheScalingAndCancelsItsPendingSplits) {
  Scenario s = Load(StreamMode::kOnDemand, 480, Seconds(1800));
  s.stream.operations = {Switch(Seconds(600), StreamMode::kProvisioned)};
  const RunResult r = support::RunOk(s);
  const std::vector<const OperationResult*> splits = Ops(r, "split");
  ASSERT_EQ(splits.size(), 4u);  // decided at 180 s; none after the switch
  for (const OperationResult* o : splits) {
    EXPECT_EQ(o->requested_at_s, 180.0);
    EXPECT_EQ(o->status, "refused");
    EXPECT_TRUE(o->error.starts_with("cancelled: ")) << o->error;
  }
  EXPECT_EQ(r.open_shards, 4);
  const std::vector<double> throttled = ThrottledByMinute(r);
  for (size_t m = 2; m < throttled.size(); ++m) EXPECT_GT(throttled[m], 0) << "minute " << m;
}

// Hand computation: provisioned 4 shards until the switch completes at 1,230 s, on-demand to
// 3,600 s. Shard-hours 4 x 1,230 / 3,600; stream-hours 2,370 / 3,600. Records of 10,000 bytes
// plus a key of at most 10 bytes: 10 KiB each when rounded up to 1 KiB, one 25 KiB payload unit.
// Poisson arrivals at 160 records/s: about 196,800 records before 1,230 s and 379,200 after
// (within 0.5 %: more than 3 standard deviations); each period's billing is exact against its
// own count.
TEST(ModeSwitchTest, BillingFollowsTheModeExactly) {
  Scenario s = Load(StreamMode::kProvisioned, 160, Seconds(3600));
  s.stream.operations = {Switch(Seconds(1200), StreamMode::kOnDemand)};
  const RunResult r = support::RunOk(s);
  ASSERT_EQ(r.mode_periods.size(), 2u);
  const ModePeriod& prov = r.mode_periods[0];
  const ModePeriod& od = r.mode_periods[1];
  EXPECT_EQ(prov.to_s, 1230.0);
  EXPECT_DOUBLE_EQ(prov.shard_hours, 4 * 1230.0 / 3600);
  EXPECT_NEAR(static_cast<double>(prov.records_in), 196'800, 984);
  EXPECT_NEAR(static_cast<double>(od.records_in), 379'200, 1896);
  uint64_t total = 0;
  for (const ShardResult& sh : r.shards) total += sh.records_in;
  EXPECT_EQ(prov.records_in + od.records_in, total);
  EXPECT_EQ(prov.put_payload_units, prov.records_in);
  EXPECT_EQ(od.kib_rounded_in, 10 * od.records_in);

  EXPECT_DOUBLE_EQ(Billed(r, "kds_shard_hour"), 4 * 1230.0 / 3600);
  EXPECT_DOUBLE_EQ(Billed(r, "kds_put_payload_unit"), static_cast<double>(prov.records_in));
  EXPECT_DOUBLE_EQ(Billed(r, "kds_on_demand_stream_hour"), 2370.0 / 3600);
  EXPECT_DOUBLE_EQ(Billed(r, "kds_on_demand_ingest_gb"),
                   static_cast<double>(10 * od.records_in) * 1024 / (1024.0 * 1024 * 1024));
  // No on-demand scaling at 400 KB/s per shard.
  EXPECT_EQ(Ops(r, "split").size(), 0u);
}

// A provisioned stream with target tracking, switched to on-demand at 150 s (in effect at 180 s)
// before its alarm fires: the autoscaler's UpdateShardCount calls are refused while on-demand, and
// the service splits the shards instead.
TEST(ModeSwitchTest, AutoscalerCallsAreRefusedWhileTheStreamIsOnDemand) {
  Scenario s = Load(StreamMode::kProvisioned, 480, Seconds(1800));
  s.stream.autoscaling.enabled = true;
  s.stream.operations = {Switch(Seconds(150), StreamMode::kOnDemand)};
  const RunResult r = support::RunOk(s);
  int refused = 0;
  for (const OperationResult& o : r.operations) {
    if (!o.cause.starts_with("autoscaler: ")) continue;
    EXPECT_GE(o.requested_at_s, 180.0);
    EXPECT_EQ(o.status, "refused");
    EXPECT_EQ(o.error,
              "InvalidArgumentException: update_shard_count is not supported for stream stream in "
              "ON_DEMAND capacity mode.");
    ++refused;
  }
  EXPECT_GE(refused, 1);
  EXPECT_FALSE(Ops(r, "split").empty());
  for (const OperationResult* o : Ops(r, "split")) EXPECT_EQ(o->cause, "on_demand");
}

TEST(ModeSwitchTest, ARunWithSwitchesIsDeterministic) {
  Scenario s = Load(StreamMode::kProvisioned, 480, Seconds(1500));
  s.stream.operations = {Switch(Seconds(300), StreamMode::kOnDemand),
                         Switch(Seconds(1320), StreamMode::kProvisioned)};
  const RunResult a = support::RunOk(s);
  const RunResult b = support::RunOk(s);
  EXPECT_EQ(a.operations.size(), b.operations.size());
  ASSERT_EQ(a.mode_periods.size(), 3u);
  ASSERT_EQ(b.mode_periods.size(), 3u);
  for (size_t i = 0; i < a.mode_periods.size(); ++i) {
    EXPECT_EQ(a.mode_periods[i].records_in, b.mode_periods[i].records_in);
    EXPECT_EQ(a.mode_periods[i].kib_rounded_in, b.mode_periods[i].kib_rounded_in);
  }
  EXPECT_EQ(a.shards.size(), b.shards.size());
  for (size_t i = 0; i < a.shards.size() && i < b.shards.size(); ++i) {
    EXPECT_EQ(a.shards[i].records_in, b.shards[i].records_in);
    EXPECT_EQ(a.shards[i].throttled_records, b.shards[i].throttled_records);
  }
}

// A stream that starts on-demand may carry a resharding call only after a switch to provisioned.
TEST(ModeSwitchTest, ReshardingOnAStreamThatStartsOnDemandNeedsASwitchBeforeIt) {
  Scenario s = Load(StreamMode::kOnDemand, 160, Minutes(30));
  ReshardSpec split;
  split.at = Minutes(5);
  split.shard = 0;
  split.new_starting_hash_key = "even";
  s.stream.operations = {split, Switch(Minutes(10), StreamMode::kProvisioned)};
  std::vector<Diagnostic> d = Validate(s);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].pointer, "/stream/operations/0/op");
  s.stream.operations = {Switch(Minutes(4), StreamMode::kProvisioned), split};
  EXPECT_TRUE(Validate(s).empty());
}

}  // namespace
}  // namespace shardsim
