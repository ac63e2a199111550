// Resharding while traffic flows, through the Stream API in the middle of whole runs: after a
// SplitShard (and a MergeShards) writes -- first attempts and retries in flight -- go to the
// children, every record is conserved, and consumers (polling, KCL, enhanced fan-out, Lambda,
// Firehose) read each parent to its end before its children, with per-key order preserved. Then
// the scenario's timeline through the Resharder: the UPDATING time, refusals and waiting calls,
// UpdateShardCount's steps, the time readers hold children back, the findings.
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "models/consumers/consumer_base.h"
#include "models/consumers/consumers.h"
#include "models/consumers/lambda/lambda_consumer.h"
#include "models/run/model_graph.h"
#include "models/stream/resharding.h"
#include "models/stream/stream.h"
#include "planner/session.h"
#include "sim/simulation.h"
#include "tests/support/run_checks.h"
#include "tests/support/scenarios.h"

namespace shardsim {
namespace {

// Splits shard `shard` at the middle of its range at `at`, and optionally merges the two
// children back at `merge_at`.
class ReshardController : public Component {
 public:
  ReshardController(Stream& stream, uint32_t shard, SimTime at, SimTime merge_at = SimTime::Max())
      : Component("test/reshard"), stream_(stream), shard_(shard), at_(at), merge_at_(merge_at) {}
  void Start(Context& ctx) override {
    ctx.Schedule(at_, 0);
    if (merge_at_ != SimTime::Max()) ctx.Schedule(merge_at_, 1);
  }
  void OnEvent(Context& ctx, uint32_t tag) override {
    if (tag == 0) {
      const HashRange r = stream_.shard_map().shard(static_cast<int>(shard_)).range;
      split = stream_.Split(
          shard_, HashKey(r.start.value() + (r.end.value() - r.start.value()) / 2), ctx.Now());
      offered_at_split = stream_.ShardResults()[shard_].records_offered;
      return;
    }
    merge = stream_.Merge(static_cast<uint32_t>(split.children[0]),
                          static_cast<uint32_t>(split.children[1]), ctx.Now());
  }
  ReshardResult split, merge;
  uint64_t offered_at_split = 0;

 private:
  Stream& stream_;
  uint32_t shard_;
  SimTime at_, merge_at_;
};

// Samples every consumer of the read path: a consumer that processed anything of a child must
// have processed everything of the child's parents by then.
class LineageProbe : public Component {
 public:
  LineageProbe(const Stream& stream, const ReadPath& reads, SimTime end)
      : Component("test/lineage"), stream_(stream), reads_(reads), end_(end) {}
  void Start(Context& ctx) override { ctx.Schedule(SimTime::Zero(), 0, Phase::kObserve); }
  void OnEvent(Context& ctx, uint32_t) override {
    const ShardMap& map = stream_.shard_map();
    for (const ConsumerResult& c : reads_.Results()) {
      if (c.type == "firehose") continue;  // buffers records: its per-shard counts lag
      for (const Shard& s : map.shards()) {
        if (s.parent < 0 || c.shards[static_cast<size_t>(s.index)].records_processed == 0) {
          continue;
        }
        for (int p : {s.parent, s.adjacent_parent}) {
          if (p < 0) continue;
          ++checks;
          const uint64_t stored = stream_.log(static_cast<uint32_t>(p)).next_sequence();
          if (c.shards[static_cast<size_t>(p)].records_processed != stored) {
            violations.push_back(c.name + " read " + ShardIdString(s.index) + " before finishing " +
                                 ShardIdString(p));
          }
        }
      }
    }
    const SimTime next = ctx.Now() + Millis(100);
    if (next <= end_) ctx.Schedule(next, 0, Phase::kObserve);
  }
  uint64_t checks = 0;
  std::vector<std::string> violations;

 private:
  const Stream& stream_;
  const ReadPath& reads_;
  SimTime end_;
};

// Per key: the shards a key's records were processed from, in processing order, must never go
// back from a child to a parent; within a shard, sequence numbers only grow.
struct KeyOrder {
  std::map<std::pair<uint32_t, uint32_t>, std::pair<uint32_t, uint64_t>>
      last;  // key -> (shard, seq)
  uint64_t processed = 0, from_children = 0, out_of_order = 0;
  uint32_t first_child = 0;  // shards >= this are children

  LambdaTestHooks Hooks() {
    LambdaTestHooks h;
    h.on_processed = [this](uint32_t shard, uint32_t, uint64_t seq, const StoredRecord& x,
                            SimTime) {
      ++processed;
      if (shard >= first_child) ++from_children;
      auto [it, fresh] = last.try_emplace({x.producer, x.key_id}, shard, seq);
      if (fresh) return;
      const auto [prev_shard, prev_seq] = it->second;
      const bool back_to_parent = prev_shard >= first_child && shard < first_child;
      if (back_to_parent || (shard == prev_shard && seq <= prev_seq)) ++out_of_order;
      it->second = {shard, seq};
    };
    return h;
  }
};

void ExpectWritesConserved(const ModelGraph& g) {
  uint64_t stored_by_producers = 0;
  for (const ProducerModel* p : g.producers()) {
    const ProducerResult r = p->Result();
    EXPECT_EQ(r.records_produced, r.records_accepted + r.records_dropped + r.records_in_flight)
        << r.name;
    if (p->spec().target.empty()) stored_by_producers += r.kinesis_records_accepted;
  }
  EXPECT_EQ(g.stream().total_records_in(), stored_by_producers);
}

// Two shards, 1,500 records/s of 2 KB on each: shards throttle at 1 MiB/s and retry (so retries
// are in flight when one splits); keys uniform over 500 keys.
Scenario SplitScenario() {
  Scenario s = support::StreamScenario("reshard", 31, 2, Seconds(30));
  ProducerSpec p = support::FixedSizeProducer("app", 8, 3000, 2000, 500);
  p.api.type = ApiType::kPutRecords;
  p.api.linger = Millis(50);
  p.api.call_latency = LatencySpec::Fixed(Millis(20));
  p.api.max_in_flight_calls = 4;
  p.retry.max_attempts = 20;
  s.producers.push_back(p);
  return s;
}

// Consumers paused from 6 s to 14 s: when they resume, the parent still holds 4 s of records
// (several calls of 500 records, or pushes of 2 MiB) and the children 4 s more, so a consumer
// that ignored lineage would read both at once.
ConsumerSpec Paused(ConsumerSpec c) {
  c.outages.push_back({Seconds(6), Seconds(14)});
  c.polling.max_records = 500;
  c.kcl.max_records = 500;
  return c;
}

TEST(ReshardTest, SplitMidRunSendsWritesAndRetriesToTheChildrenAndConsumersReadParentsFirst) {
  Scenario s = SplitScenario();
  s.consumers.push_back(Paused(support::PollingConsumer("poller", Millis(200))));
  ConsumerSpec kcl = Paused(support::KclConsumer("kcl", 2));
  kcl.kcl.idle_time_between_reads = Millis(200);  // 500 records a call: catches up in time
  s.consumers.push_back(kcl);
  s.consumers.push_back(Paused(support::EfoConsumer("efo")));
  s.consumers.push_back(support::Consumer("firehose", ConsumerType::kFirehose));
  const std::unique_ptr<const PreparedScenario> prepared = support::PrepareOk(s);
  ModelGraph g(*prepared, s.seed);
  ConsumerSpec lambda = Paused(support::LambdaConsumer("fn", Millis(5)));
  lambda.lambda.parallelization_factor = 3;
  KeyOrder order;
  order.first_child = 2;
  std::unique_ptr<ConsumerBase> fn =
      MakeLambdaConsumerForTest(lambda, g.reads()->context(), order.Hooks());
  ConsumerBase& fn_ref = *fn;
  g.sim().Add(std::move(fn));
  auto& reshard = g.sim().Emplace<ReshardController>(g.stream(), 0, SimTime::Seconds(10));
  auto& probe = g.sim().Emplace<LineageProbe>(g.stream(), *g.reads(), g.end());
  g.Run();

  ASSERT_TRUE(reshard.split.ok()) << reshard.split.error;
  ASSERT_EQ(reshard.split.children, (std::vector<int>{2, 3}));
  // Writes: the parent took nothing after the split (a Put there would abort the run); retries
  // throttled before it went to the children with the first attempts.
  const std::vector<ShardResult> shards = g.stream().ShardResults();
  ASSERT_EQ(shards.size(), 4u);
  EXPECT_GT(reshard.offered_at_split, 0u);
  EXPECT_EQ(shards[0].records_offered, reshard.offered_at_split);
  EXPECT_GT(shards[0].throttled_records, 0u);
  EXPECT_EQ(shards[0].state, "CLOSED");
  EXPECT_GT(shards[2].records_in, 3000u);
  EXPECT_GT(shards[3].records_in, 3000u);
  EXPECT_GT(g.producers()[0]->Result().records_retried, 0u);
  ExpectWritesConserved(g);

  // Reads: every identity holds, every consumer got to the children, none before the parent.
  Conservation c;
  g.reads()->CheckConservation(g.stream(), &c);
  EXPECT_TRUE(c.ok) << c.detail;
  std::string detail;
  EXPECT_TRUE(fn_ref.CheckConservation(&detail)) << detail;
  EXPECT_GT(probe.checks, 100u);
  EXPECT_TRUE(probe.violations.empty()) << probe.violations.front();
  for (const ConsumerResult& r : g.reads()->Results()) {
    ASSERT_EQ(r.shards.size(), 4u) << r.name;
    EXPECT_GT(r.shards[2].records_processed + r.shards[3].records_processed, 0u) << r.name;
    if (r.type != "firehose") {
      EXPECT_EQ(r.shards[0].records_processed, shards[0].records_in) << r.name;
    }
  }
  EXPECT_EQ(g.reads()->Results()[1].unowned_shards, 0u);  // the finished parent needs no owner
  // Lambda: per-key order across the reshard and within each shard.
  EXPECT_EQ(order.out_of_order, 0u);
  EXPECT_GT(order.from_children, 3000u);
  EXPECT_EQ(order.processed, fn_ref.Result().records_processed);
}

TEST(ReshardTest, MergeAfterSplitAndKeylessAndKplProducersConserveEveryRecord) {
  Scenario s = SplitScenario();
  ProducerSpec random = support::FixedSizeProducer("random", 4, 800, 300);
  random.keys.dist = KeyDist::kRandom;
  random.api.call_latency = LatencySpec::Fixed(Millis(30));
  s.producers.push_back(random);
  ProducerSpec kpl = support::FixedSizeProducer("kpl", 2, 2000, 100, 300);
  kpl.api.type = ApiType::kKpl;
  s.producers.push_back(kpl);
  s.consumers.push_back(Paused(support::PollingConsumer("poller", Millis(200))));
  ConsumerSpec efo_lambda = Paused(support::LambdaConsumer("fn-efo", Millis(5)));
  efo_lambda.lambda.source = LambdaSource::kEfo;
  s.consumers.push_back(efo_lambda);
  const std::unique_ptr<const PreparedScenario> prepared = support::PrepareOk(s);
  ModelGraph g(*prepared, s.seed);
  auto& reshard =
      g.sim().Emplace<ReshardController>(g.stream(), 1, SimTime::Seconds(8), SimTime::Seconds(16));
  auto& probe = g.sim().Emplace<LineageProbe>(g.stream(), *g.reads(), g.end());
  g.Run();

  ASSERT_TRUE(reshard.split.ok()) << reshard.split.error;
  ASSERT_TRUE(reshard.merge.ok()) << reshard.merge.error;
  const std::vector<ShardResult> shards = g.stream().ShardResults();
  ASSERT_EQ(shards.size(), 5u);
  EXPECT_EQ(shards[4].parent_shard_ids.size(), 2u);
  EXPECT_GT(shards[2].records_in, 0u);
  EXPECT_GT(shards[4].records_in, 0u);
  ExpectWritesConserved(g);
  Conservation c;
  g.reads()->CheckConservation(g.stream(), &c);
  EXPECT_TRUE(c.ok) << c.detail;
  EXPECT_TRUE(probe.violations.empty()) << probe.violations.front();
  for (const ConsumerResult& r : g.reads()->Results()) {
    EXPECT_GT(r.shards[4].records_processed, 0u) << r.name;  // the merge child is read too
  }
}

ReshardSpec SplitAt(SimDuration at, int64_t shard, SimDuration duration) {
  ReshardSpec op;
  op.at = at;
  op.action = ReshardAction::kSplit;
  op.shard = shard;
  op.new_starting_hash_key = "even";
  op.duration = duration;
  return op;
}

// The windows of a shard's series (time_s, records_in, bytes_in, throttled_records) that saw
// writes (accepted or throttled).
std::vector<double> WrittenWindows(const std::vector<SeriesTable>& series, const std::string& id) {
  std::vector<double> out;
  for (const SeriesTable& t : series) {
    if (t.name != id) continue;
    for (const std::vector<double>& row : t.rows) {
      if (row[1] + row[3] > 0) out.push_back(row[0]);
    }
  }
  return out;
}

TEST(ReshardTest, TimelineSplitTakesEffectAtTheEndOfItsUpdatingTimeAndReadersFinishTheParent) {
  Scenario s = SplitScenario();
  s.series_interval = Seconds(1);
  s.stream.operations = {SplitAt(Seconds(10), 0, Seconds(5))};
  ConsumerSpec kcl = support::KclConsumer("kcl", 2);
  kcl.kcl.max_records = 500;
  kcl.kcl.idle_time_between_reads = Millis(200);
  kcl.outages.push_back({Seconds(12), Seconds(20)});  // still holds the parent's tail at 15 s
  s.consumers.push_back(kcl);
  s.consumers.push_back(support::LambdaConsumer("fn", Millis(5)));
  const std::unique_ptr<const PreparedScenario> prepared = support::PrepareOk(s);
  ModelGraph g(*prepared, s.seed);
  ASSERT_NE(g.resharder(), nullptr);
  auto& probe = g.sim().Emplace<LineageProbe>(g.stream(), *g.reads(), g.end());
  g.Run();

  const std::vector<OperationResult> ops = g.resharder()->Results();
  ASSERT_EQ(ops.size(), 1u);
  EXPECT_EQ(ops[0].status, "completed") << ops[0].error;
  EXPECT_EQ(ops[0].requested_at_s, 10.0);
  EXPECT_EQ(ops[0].started_at_s, 10.0);
  EXPECT_EQ(ops[0].completed_at_s, 15.0);
  EXPECT_EQ(ops[0].new_starting_hash_key, "85070591730234615865843651857942052863");
  EXPECT_EQ(ops[0].closed_shards, (std::vector<std::string>{"shardId-000000000000"}));
  EXPECT_EQ(ops[0].opened_shards,
            (std::vector<std::string>{"shardId-000000000002", "shardId-000000000003"}));
  EXPECT_EQ(ops[0].open_shards_before, 2);
  EXPECT_EQ(ops[0].open_shards_after, 3);

  // The parent took writes (first attempts and retries) until 15 s, the children from 15 s.
  const std::vector<ShardResult> shards = g.stream().ShardResults();
  EXPECT_EQ(shards[0].state, "CLOSED");
  EXPECT_EQ(shards[0].closed_at_s, 15.0);
  EXPECT_EQ(shards[2].parent_shard_id, "shardId-000000000000");
  EXPECT_EQ(shards[3].parent_shard_id, "shardId-000000000000");
  EXPECT_EQ(shards[2].adjacent_parent_shard_id, "");
  EXPECT_EQ(shards[2].opened_at_s, 15.0);
  const std::vector<SeriesTable> series = g.stream().ShardSeries();
  const std::vector<double> parent = WrittenWindows(series, "shardId-000000000000");
  ASSERT_FALSE(parent.empty());
  EXPECT_EQ(parent.back(), 14.0);  // the window [14 s, 15 s) is its last
  for (const char* child : {"shardId-000000000002", "shardId-000000000003"}) {
    const std::vector<double> w = WrittenWindows(series, child);
    ASSERT_FALSE(w.empty()) << child;
    EXPECT_EQ(w.front(), 15.0) << child;
  }
  EXPECT_GT(shards[0].throttled_records, 0u);
  ExpectWritesConserved(g);

  // Readers: none read a child before finishing its parent; the paused KCL app held the children
  // back until it had drained the parent after its outage (from 20 s), Lambda only briefly.
  Conservation c;
  g.reads()->CheckConservation(g.stream(), &c);
  EXPECT_TRUE(c.ok) << c.detail;
  EXPECT_TRUE(probe.violations.empty()) << probe.violations.front();
  const std::vector<ConsumerResult> readers = g.reads()->Results();
  for (const ConsumerResult& r : readers) {
    EXPECT_EQ(r.shards[0].parent_wait_ms, -1) << r.name;
    EXPECT_EQ(r.shards[2].parent_wait_ms, r.shards[3].parent_wait_ms) << r.name;
    EXPECT_EQ(r.parent_wait_max_ms, r.shards[2].parent_wait_ms) << r.name;
    EXPECT_GT(r.shards[2].records_processed, 0u) << r.name;
  }
  EXPECT_GE(readers[0].shards[2].parent_wait_ms, 5'000);  // outage to 20 s, children from 15 s
  EXPECT_LT(readers[0].shards[2].parent_wait_ms, 15'000);
  EXPECT_LT(readers[1].shards[2].parent_wait_ms, 3'000);
}

TEST(ReshardTest, ASecondCallWhileUpdatingIsRefusedOrWaits) {
  Scenario s = SplitScenario();
  ReshardSpec refused = SplitAt(Seconds(8), 1, Seconds(10));
  ReshardSpec waits = SplitAt(Seconds(9), 1, Seconds(10));
  waits.if_updating = IfUpdating::kWait;
  ReshardSpec usc;  // one UpdateShardCount after the waiting split: 4 -> 3
  usc.at = Seconds(26);
  usc.action = ReshardAction::kUpdateShardCount;
  usc.target_shards = 3;
  usc.duration = Seconds(2);
  s.stream.operations = {SplitAt(Seconds(5), 0, Seconds(10)), refused, waits, usc};
  const std::unique_ptr<const PreparedScenario> prepared = support::PrepareOk(s);
  ModelGraph g(*prepared, s.seed);
  g.Run();
  const std::vector<OperationResult> ops = g.resharder()->Results();
  ASSERT_EQ(ops.size(), 4u);
  EXPECT_EQ(ops[0].completed_at_s, 15.0);
  EXPECT_EQ(ops[1].status, "refused");
  EXPECT_EQ(ops[1].error,
            "ResourceInUseException: Stream stream not ACTIVE, instead in state UPDATING");
  EXPECT_EQ(ops[1].started_at_s, -1);
  EXPECT_EQ(ops[2].status, "completed");
  EXPECT_EQ(ops[2].requested_at_s, 9.0);
  EXPECT_EQ(ops[2].started_at_s, 15.0);  // called again the instant the stream was ACTIVE
  EXPECT_EQ(ops[2].completed_at_s, 25.0);
  EXPECT_EQ(ops[2].opened_shards,
            (std::vector<std::string>{"shardId-000000000004", "shardId-000000000005"}));
  // 4 open (2, 3, 4, 5) -> 3: UNIFORM_SCALING to thirds.
  EXPECT_EQ(ops[3].status, "completed") << ops[3].error;
  EXPECT_EQ(ops[3].open_shards_after, 3);
  EXPECT_EQ(g.stream().shard_map().open_count(), 3);
  ExpectWritesConserved(g);
}

TEST(ReshardTest, UpdateShardCountSpreadsItsStepsAndCountsItsCallsPer24Hours) {
  Scenario s = SplitScenario();
  s.stream.reshard_limits.update_shard_count_per_24h = 1;
  ReshardSpec up;
  up.at = Seconds(5);
  up.action = ReshardAction::kUpdateShardCount;
  up.target_shards = 4;
  up.duration = Seconds(4);
  ReshardSpec again = up;
  again.at = Seconds(20);
  again.target_shards = 2;
  s.stream.operations = {up, again};
  s.consumers.push_back(support::PollingConsumer("poller", Millis(200)));
  const std::unique_ptr<const PreparedScenario> prepared = support::PrepareOk(s);
  ModelGraph g(*prepared, s.seed);
  auto& probe = g.sim().Emplace<LineageProbe>(g.stream(), *g.reads(), g.end());
  g.Run();
  const std::vector<OperationResult> ops = g.resharder()->Results();
  ASSERT_EQ(ops.size(), 2u);
  EXPECT_EQ(ops[0].status, "completed") << ops[0].error;
  EXPECT_EQ(ops[0].splits, 2);
  EXPECT_EQ(ops[0].merges, 0);
  EXPECT_EQ(ops[0].completed_at_s, 9.0);
  const std::vector<ShardResult> shards = g.stream().ShardResults();
  ASSERT_EQ(shards.size(), 6u);
  EXPECT_EQ(shards[0].closed_at_s, 7.0);  // step 1 of 2 at 5 s + 4 s / 2
  EXPECT_EQ(shards[1].closed_at_s, 9.0);
  EXPECT_EQ(ops[1].status, "refused");
  EXPECT_EQ(ops[1].error,
            "LimitExceededException: UpdateShardCount was already called 1 times for stream "
            "stream in the past 24 hours; the limit is 1 calls per rolling 24 hours.");
  ExpectWritesConserved(g);
  Conservation c;
  g.reads()->CheckConservation(g.stream(), &c);
  EXPECT_TRUE(c.ok) << c.detail;
  EXPECT_TRUE(probe.violations.empty()) << probe.violations.front();
}

TEST(ReshardTest, RefusedAndCompletedOperationsAreFindings) {
  Scenario s = SplitScenario();
  ReshardSpec merge;
  merge.at = Seconds(2);
  merge.action = ReshardAction::kMerge;
  merge.shard = 0;
  merge.adjacent_shard = 5;  // no such shard
  s.stream.operations = {merge, SplitAt(Seconds(3), 0, Seconds(2))};
  const RunOutcome out = RunScenario(s, RunOptions{});
  ASSERT_TRUE(out.result.has_value());
  const RunResult& r = *out.result;
  ASSERT_EQ(r.operations.size(), 2u);
  EXPECT_EQ(r.operations[0].error,
            "ResourceNotFoundException: Could not find shard shardId-000000000005.");
  const Finding* refused = nullptr;
  const Finding* done = nullptr;
  for (const Finding& f : r.findings) {
    if (f.kind == FindingKind::kReshardRefused) refused = &f;
    if (f.kind == FindingKind::kResharded) done = &f;
  }
  ASSERT_NE(refused, nullptr);
  EXPECT_EQ(refused->severity, Severity::kWarning);
  EXPECT_EQ(refused->subject, "MergeShards shardId-000000000000 and shardId-000000000005");
  EXPECT_NE(refused->evidence.find("/stream/operations/0"), std::string::npos) << refused->evidence;
  EXPECT_NE(refused->recommendation.find("open shard"), std::string::npos);
  ASSERT_NE(done, nullptr);
  EXPECT_EQ(done->subject, "SplitShard shardId-000000000000");
  EXPECT_TRUE(r.conservation.ok) << r.conservation.detail;
}

}  // namespace
}  // namespace shardsim
