// On-demand capacity mode through whole runs (fact sheet 5): the doubling rule against a hand
// computation of when the service's splits land, a hot key capped at one shard, the per-stream
// maximum, scale-down, splits over time in the open-shard series, billing by stream-hour, and the
// capacity-mode findings.
#include "models/stream/on_demand.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "models/run/model_graph.h"
#include "models/run/run.h"
#include "tests/support/run_checks.h"
#include "tests/support/scenarios.h"

namespace shardsim {
namespace {

constexpr int64_t kRecordBytes = 10'000;

// An on-demand stream of 4 shards (the default start) written at 160 records/s of 10 KB
// (400 KB/s per shard, under the 500 KB/s split threshold), stepping to `step_rate` at 120 s.
// Uniform over 10,000 keys: each shard's share is within a few percent of its range's.
Scenario Stepped(double step_rate, SimDuration duration = Seconds(2400)) {
  Scenario s = support::StreamScenario("on-demand", 7, 4, duration);
  s.stream.mode = StreamMode::kOnDemand;
  ProducerSpec p = support::FixedSizeProducer("app", 20, 160, kRecordBytes, 10'000);
  p.arrival.process = ArrivalProcess::kSteps;
  p.arrival.steps = {{Seconds(120), step_rate}};
  p.api.type = ApiType::kPutRecords;
  p.api.linger = Millis(50);
  p.retry.max_attempts = 100;
  s.producers.push_back(p);
  return s;
}

// The throttled records of the stream per minute (from the per-shard series).
std::vector<double> ThrottledByMinute(const RunResult& r) {
  std::vector<double> out(static_cast<size_t>(std::ceil(r.duration_s / 60)), 0);
  for (const SeriesTable& t : r.series) {
    if (!t.name.starts_with("shardId-")) continue;
    for (const std::vector<double>& row : t.rows) out[static_cast<size_t>(row[0] / 60)] += row[3];
  }
  return out;
}

const SeriesTable* OpenShards(const RunResult& r) {
  for (const SeriesTable& t : r.series) {
    if (t.name == kOpenShardSeries) return &t;
  }
  return nullptr;
}

std::optional<double> FigureOf(const Finding& f, const std::string& name) {
  for (const FindingFigure& x : f.figures) {
    if (x.name == name) return x.value;
  }
  return std::nullopt;
}

uint64_t Throttled(const RunResult& r) {
  uint64_t n = 0;
  for (const ShardResult& s : r.shards) n += s.throttled_records;
  return n;
}

TEST(OnDemandTest, TrafficAtOneAndAHalfTimesItsPeakIsAbsorbedWithoutThrottling) {
  const RunResult r = support::RunOk(Stepped(240));  // 600 KB/s per shard: over the threshold
  EXPECT_EQ(Throttled(r), 0u);
  // Every shard ran over 500 KB/s from 120 s: found at the 180 s boundary, split 15 min later.
  int splits = 0;
  for (const OperationResult& o : r.operations) {
    EXPECT_EQ(o.cause, "on_demand");
    EXPECT_EQ(o.op, "split");
    if (o.requested_at_s == 180.0) {
      ++splits;
      EXPECT_EQ(o.completed_at_s, 1080.0);
    }
  }
  EXPECT_EQ(splits, 4);
  EXPECT_EQ(r.max_open_shards, 8);  // children run at 300 KB/s: no further split
  EXPECT_EQ(r.open_shards, 8);
  EXPECT_EQ(support::FindingOf(r, "on_demand_throttled"), nullptr);
}

// Hand computation: the step to 3x at 120 s puts 1.2 MB/s on each shard (over the 1 MiB/s limit).
// The minute [120 s, 180 s) averages over 500 KB/s (what is accepted, 1 MiB/s, is), so the
// service decides at 180 s and the four splits land at 180 + 900 = 1,080 s; the children take
// 600 KB/s each (under the limit): throttling runs from minute 2 to minute 17 and stops. The
// children, open from 1,080 s, have their first full minute at 1,140 s and split at 2,040 s.
// Without retries, so what is offered is the demand (retries of 16 minutes of throttled records
// would keep the children busy a few minutes more).
TEST(OnDemandTest, TrafficTriplingWithinFifteenMinutesThrottlesUntilTheSplitsLand) {
  Scenario s = Stepped(480);
  s.producers[0].retry.max_attempts = 1;
  const RunResult r = support::RunOk(s);
  const std::vector<double> throttled = ThrottledByMinute(r);
  for (size_t m = 0; m < throttled.size(); ++m) {
    if (m >= 2 && m < 18) {
      EXPECT_GT(throttled[m], 0) << "minute " << m;
    } else {
      EXPECT_EQ(throttled[m], 0) << "minute " << m;
    }
  }
  std::vector<double> completed;
  for (const OperationResult& o : r.operations) {
    EXPECT_EQ(o.status, "completed");
    completed.push_back(o.completed_at_s);
  }
  ASSERT_EQ(completed.size(), 12u);
  EXPECT_EQ(std::count(completed.begin(), completed.end(), 1080.0), 4);
  EXPECT_EQ(std::count(completed.begin(), completed.end(), 2040.0), 8);
  // The split count over time.
  const SeriesTable* open = OpenShards(r);
  ASSERT_NE(open, nullptr);
  ASSERT_EQ(open->rows.size(), 40u);
  EXPECT_EQ(open->rows[17][1], 4);
  EXPECT_EQ(open->rows[18][1], 8);
  EXPECT_EQ(open->rows[33][1], 8);
  EXPECT_EQ(open->rows[34][1], 16);
  EXPECT_EQ(r.min_open_shards, 4);
  EXPECT_EQ(r.max_open_shards, 16);

  const Finding* f = support::FindingOf(r, "on_demand_throttled");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(FigureOf(*f, "first_throttled_minute"), 2.0);
  EXPECT_EQ(FigureOf(*f, "last_throttled_minute"), 17.0);
  EXPECT_NE(f->evidence.find("from minute 2 (2min) to minute 17"), std::string::npos)
      << f->evidence;
  EXPECT_NE(f->evidence.find("The first split after it took effect at 18min."), std::string::npos)
      << f->evidence;
  // No peak 15 minutes before minute 2: the starting capacity (4,000 records/s) stands for
  // twice the previous peak.
  EXPECT_EQ(FigureOf(*f, "previous_peak_records_per_s"), 2000.0);
  // The service's splits are summed up, not a `resharded` finding each.
  EXPECT_EQ(support::FindingOf(r, "resharded"), nullptr);
  const Finding* alt = support::FindingOf(r, "provisioned_alternative");
  ASSERT_NE(alt, nullptr);
  EXPECT_NE(alt->evidence.find("12 splits and 0 merges (4 to 16 open shards)"), std::string::npos)
      << alt->evidence;
  // 480 records/s of 10 KB at their busiest second: 4.8 MB/s, 5 shards of 1 MiB/s.
  EXPECT_GE(FigureOf(*alt, "provisioned_shards").value_or(0), 5.0);
}

TEST(OnDemandTest, AHotKeyStaysCappedAtOneShardHoweverOftenItsShardSplits) {
  Scenario s = Stepped(0, Seconds(3000));
  s.producers[0].arrival.process = ArrivalProcess::kConstant;
  s.producers[0].arrival.steps.clear();
  s.producers[0].records_per_sec = 200;  // 2 MB/s on one key
  s.producers[0].keys.count = 1;
  s.producers[0].retry.max_attempts = 3;
  const RunResult r = support::RunOk(s);
  for (const ShardResult& sh : r.shards) {
    EXPECT_LE(sh.peak_bytes_per_s, 1024.0 * 1024.0) << sh.shard_id;
  }
  // The key's shard splits every 16 minutes (a minute to measure, 15 to split) and the key moves
  // to one child, still over the limit.
  EXPECT_GE(r.max_open_shards, 6);
  const std::vector<double> throttled = ThrottledByMinute(r);
  EXPECT_GT(throttled.back(), 0);
  const Finding* f = support::FindingOf(r, "on_demand_throttled");
  ASSERT_NE(f, nullptr);
  EXPECT_NE(f->evidence.find("still throttling at the end"), std::string::npos) << f->evidence;
}

TEST(OnDemandTest, SplitsStopAtTheStreamsWriteMaximum) {
  Scenario s = Stepped(480);
  s.stream.on_demand.max_write_bytes_per_sec = 6 * 1024 * 1024;  // 6 shards of 1 MiB/s
  const RunResult r = support::RunOk(s);
  EXPECT_EQ(r.max_open_shards, 6);
  EXPECT_EQ(r.operations.size(), 2u);
  // Two shards stay unsplit at 1.2 MB/s: throttled to the end.
  EXPECT_GT(ThrottledByMinute(r).back(), 0);
}

TEST(OnDemandTest, ScaleDownMergesColdNeighboursAfterTheirTime) {
  Scenario s = Stepped(240, Seconds(3600));
  s.producers[0].arrival.steps.push_back({Seconds(1200), 40});  // 25 KB/s per child
  s.stream.on_demand.scale_down = true;
  s.stream.on_demand.merge_after = Minutes(10);
  const RunResult r = support::RunOk(s);
  int merges = 0;
  for (const OperationResult& o : r.operations) {
    if (o.op != "merge") continue;
    ++merges;
    // The children opened at 1,080 s; from 1,200 s both of a pair are cold: the minutes from
    // 1,200 s on count, so ten of them end at 1,800 s and the merge lands 15 min later.
    EXPECT_EQ(o.requested_at_s, 1800.0);
    EXPECT_EQ(o.completed_at_s, 2700.0);
  }
  EXPECT_EQ(merges, 4);  // back to 4 shards, never below the start
  EXPECT_EQ(r.open_shards, 4);
  EXPECT_EQ(r.max_open_shards, 8);
}

TEST(OnDemandTest, BillingIsByStreamHourAndTheSeriesFollowsTheShards) {
  const RunResult r = support::RunOk(Stepped(480));
  double stream_hours = -1, shard_hours = 0;
  for (const BillingQuantity& b : r.billing) {
    if (b.dimension == "kds_on_demand_stream_hour") stream_hours = b.quantity;
    EXPECT_NE(b.dimension, "kds_shard_hour");
    EXPECT_NE(b.dimension, "kds_put_payload_unit");
  }
  EXPECT_DOUBLE_EQ(stream_hours, r.duration_s / 3600);
  for (const ShardResult& s : r.shards) shard_hours += s.open_hours;
  double series_hours = 0;
  for (const std::vector<double>& row : OpenShards(r)->rows) series_hours += row[1] / 60;
  EXPECT_NEAR(series_hours, shard_hours, 1e-9);  // changes land on minute boundaries here
  bool assumed = false;
  for (const Assumption& a : r.assumptions) assumed = assumed || a.name == "on-demand split rule";
  EXPECT_TRUE(assumed);
}

TEST(OnDemandTest, AProvisionedRunOfTheSameTrafficHasNoServiceOperations) {
  Scenario s = Stepped(240);
  s.stream.mode = StreamMode::kProvisioned;
  const RunResult r = support::RunOk(s);
  EXPECT_TRUE(r.operations.empty());
  EXPECT_EQ(OpenShards(r), nullptr);
  EXPECT_EQ(r.max_open_shards, 0);
  EXPECT_EQ(support::FindingOf(r, "provisioned_alternative"), nullptr);
}

// 20 records/s of 10 KB on 8 provisioned shards: $0.12 of shard-hours a day against pennies of
// on-demand data; the finding names the cheaper on-demand cost.
TEST(OnDemandTest, AnIdleProvisionedStreamIsToldOnDemandCostsLess) {
  Scenario s = support::StreamScenario("idle", 3, 8, Seconds(600));
  s.producers.push_back(support::FixedSizeProducer("app", 1, 2, kRecordBytes));
  const RunResult r = support::RunOk(s);
  const Finding* f = support::FindingOf(r, "on_demand_cheaper");
  ASSERT_NE(f, nullptr);
  EXPECT_LT(FigureOf(*f, "on_demand_cost_per_month_usd").value(),
            FigureOf(*f, "provisioned_cost_per_month_usd").value());
  EXPECT_NE(f->recommendation.find("shardsim size"), std::string::npos);
}

}  // namespace
}  // namespace shardsim
