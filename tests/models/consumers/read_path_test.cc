// Read-path tests: the shared GetRecords limiter and outage calendar as units; then whole runs:
// AWS's documented propagation delays (one and five shared-throughput readers, enhanced fan-out),
// Little's law on the model, the iterator-age slope of a consumer slower than its arrivals,
// throttling of five polling applications against none for five EFO consumers, retention
// losses, KCL leases, worker failures and replays, starting positions, outages and catch-up,
// EFO backpressure and its 2 MiB/s, bounded memory, conservation and determinism.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <optional>

#include "models/consumers/consumer_base.h"
#include "models/consumers/consumers.h"
#include "models/keys/key_model.h"
#include "models/producers/producer.h"
#include "models/run/model_graph.h"
#include "models/stream/read_limits.h"
#include "models/stream/stream.h"
#include "models/traffic/arrivals.h"
#include "models/traffic/samplers.h"
#include "planner/session.h"
#include "reports/result_json.h"
#include "reports/summary.h"
#include "sim/simulation.h"
#include "tests/support/run_checks.h"
#include "tests/support/scenarios.h"

namespace shardsim {
namespace {

using support::FindingOf;
using support::HasFinding;
using support::RunOk;

// ---------------------------------------------------------------- limiter and calendar

SimTime T(double seconds) { return SimTime::Zero() + SimDuration::FromSeconds(seconds); }

// One shard's limiter at the default limits (fact sheet 2) and a fresh state of it.
class ReadLimiterTest : public ::testing::Test {
 protected:
  ReadLimiter limiter{ReadLimitsSpec{}};
  ShardReadState s = limiter.NewState();
};

TEST_F(ReadLimiterTest, AdmitsFiveCallsInAnyTrailingSecond) {
  for (int i = 0; i < 5; ++i) EXPECT_EQ(limiter.Admit(s, T(0.1 * i)), ReadThrottle::kNone) << i;
  EXPECT_EQ(limiter.Admit(s, T(0.5)), ReadThrottle::kCallRate);
  EXPECT_EQ(limiter.Admit(s, T(0.99)), ReadThrottle::kCallRate);
  // The first call (t = 0) leaves the trailing second (t - 1 s, t] at t = 1 s exactly.
  EXPECT_EQ(limiter.Admit(s, T(1.0)), ReadThrottle::kNone);
  EXPECT_EQ(limiter.Admit(s, T(1.05)), ReadThrottle::kCallRate);
  EXPECT_EQ(limiter.Admit(s, T(1.1)), ReadThrottle::kNone);
}

TEST_F(ReadLimiterTest, TenMibResponseThrottlesTheShardForFiveSeconds) {
  ASSERT_EQ(limiter.Admit(s, T(0)), ReadThrottle::kNone);
  limiter.Charge(s, T(0), 10 * kMiB);
  EXPECT_EQ(limiter.Admit(s, T(0.5)), ReadThrottle::kPenalty);
  EXPECT_EQ(limiter.Admit(s, T(4.999)), ReadThrottle::kPenalty);
  // 10 MiB at 2 MiB/s is paid at 5 s: the bucket holds a second's budget again, calls pass.
  EXPECT_EQ(limiter.Admit(s, T(5.0)), ReadThrottle::kNone);
}

TEST_F(ReadLimiterTest, ResponseCutAtTheByteCapAlsoStartsThePenalty) {
  ASSERT_EQ(limiter.Admit(s, T(0)), ReadThrottle::kNone);
  // 10 MiB minus part of a record: the next record did not fit, so the response is "10 MiB".
  limiter.Charge(s, T(0), 10 * kMiB - 1500, /*capped=*/true);
  EXPECT_EQ(limiter.Admit(s, T(4.9)), ReadThrottle::kPenalty);
  // Without the cap (the shard had nothing more), only the byte budget applies: paid at ~5 s.
  ShardReadState t = limiter.NewState();
  ASSERT_EQ(limiter.Admit(t, T(0)), ReadThrottle::kNone);
  limiter.Charge(t, T(0), 10 * kMiB - 1500, /*capped=*/false);
  EXPECT_EQ(limiter.Admit(t, T(0.5)), ReadThrottle::kBytes);
  EXPECT_EQ(limiter.Admit(t, T(4.0)), ReadThrottle::kNone);  // paid through ~5 s: budget back
}

TEST_F(ReadLimiterTest, SpentByteBudgetThrottlesEveryReaderForTheNextSecond) {
  ASSERT_EQ(limiter.Admit(s, T(0)), ReadThrottle::kNone);
  limiter.Charge(s, T(0), 3 * kMiB);  // paid through 1.5 s: the budget is spent until 0.5 s
  EXPECT_EQ(limiter.Admit(s, T(0.4)), ReadThrottle::kBytes);
  // The refusal at 0.4 s throttles the shard until 1.4 s, although budget returns at 0.5 s.
  EXPECT_EQ(limiter.Admit(s, T(0.6)), ReadThrottle::kBytes);
  EXPECT_EQ(limiter.Admit(s, T(1.399)), ReadThrottle::kBytes);
  EXPECT_EQ(limiter.Admit(s, T(1.4)), ReadThrottle::kNone);
}

TEST_F(ReadLimiterTest, SustainsTwoMibPerSecondAndNoMore) {
  // 400 KiB every 200 ms is exactly 2 MiB/s: never throttled.
  for (int i = 0; i < 500; ++i) {
    ASSERT_EQ(limiter.Admit(s, T(0.2 * i)), ReadThrottle::kNone) << i;
    limiter.Charge(s, T(0.2 * i), 400 * kKiB);
  }
  // 500 KiB every 200 ms asks for 2.44 MiB/s: what passes averages at most 2 MiB/s.
  ShardReadState t = limiter.NewState();
  uint64_t bytes = 0;
  int refused = 0;
  for (int i = 0; i < 500; ++i) {
    if (limiter.Admit(t, T(0.2 * i)) != ReadThrottle::kNone) {
      ++refused;
      continue;
    }
    limiter.Charge(t, T(0.2 * i), 500 * kKiB);
    bytes += 500 * kKiB;
  }
  EXPECT_GT(refused, 0);
  EXPECT_LE(static_cast<double>(bytes), 2.0 * kMiB * (100 + 1));  // 100 s plus one bucket
}

TEST(OutageCalendarTest, ResumesAfterOutagesAndPausesWorkThroughThem) {
  OutageCalendar cal(
      {{Seconds(10), Seconds(20)}, {Seconds(20), Seconds(25)}, {Seconds(40), Seconds(50)}});
  EXPECT_EQ(cal.Active(T(5)), T(5));
  EXPECT_EQ(cal.Active(T(10)), T(25));  // back-to-back outages join
  EXPECT_EQ(cal.Active(T(24)), T(25));
  EXPECT_EQ(cal.Active(T(25)), T(25));
  // 8 s of work from 5 s: 5 s before the outage, 3 s after it ends at 25 s.
  EXPECT_EQ(cal.Finish(T(5), Seconds(8)), T(28));
  // 30 s of work from 5 s: 5 + 15 (25..40) + 10 after 50 s.
  EXPECT_EQ(cal.Finish(T(5), Seconds(30)), T(60));
  EXPECT_EQ(cal.Finish(T(12), Seconds(1)), T(26));
}

// ---------------------------------------------------------------- whole runs

Scenario OneProducer(double rate, int64_t shards, SimDuration duration, int64_t bytes = 1000) {
  return support::OneProducer("read-test", 17, rate, shards, duration, bytes);
}

// The per-consumer identity, recomputed from the result.
void ExpectConsumersConserved(const RunResult& r) {
  uint64_t stored = 0;
  for (const ShardResult& s : r.shards) stored += s.records_in;
  for (const ConsumerResult& c : r.consumers) {
    EXPECT_EQ(c.records_available, c.records_processed + c.records_unread + c.records_expired)
        << c.name;
    EXPECT_EQ(c.records_available + c.records_skipped, stored) << c.name;
    uint64_t by_shard = 0;
    for (const ConsumerShardResult& s : c.shards) by_shard += s.records_processed;
    EXPECT_EQ(by_shard, c.records_processed) << c.name;
  }
}

// AWS's setup for fact sheet 2's figures: applications polling a shard every 200 ms (the 5
// calls/s a shard allows one reader), a throttled one backing off; the model's defaults for the
// GetRecords latency and the visibility delay.
Scenario PropagationSetup(int consumers, bool efo) {
  Scenario s = OneProducer(100, 1, Seconds(300));
  s.warmup = Seconds(20);
  for (int i = 0; i < consumers; ++i) {
    const std::string name = "app-" + std::to_string(i);
    s.consumers.push_back(efo ? support::EfoConsumer(name)
                              : support::PollingConsumer(name, Millis(200)));
  }
  return s;
}

double MeanPropagationMs(const RunResult& r) {
  double sum = 0;
  for (const ConsumerResult& c : r.consumers) sum += c.propagation.mean_ms;
  return sum / static_cast<double>(r.consumers.size());
}

TEST(ReadPathTest, OneSharedThroughputConsumerAveragesAbout200Ms) {
  const RunResult r = RunOk(PropagationSetup(1, false));
  ExpectConsumersConserved(r);
  EXPECT_NEAR(MeanPropagationMs(r), 200.0, 50.0);  // fact sheet 2: ~200 ms, +-25 %
  EXPECT_EQ(r.consumers[0].read_throttles, 0u);
}

TEST(ReadPathTest, FiveSharedThroughputConsumersAverageAboutOneSecondAndThrottle) {
  const RunResult r = RunOk(PropagationSetup(5, false));
  ExpectConsumersConserved(r);
  EXPECT_NEAR(MeanPropagationMs(r), 1000.0, 250.0);  // fact sheet 2: ~1,000 ms, +-25 %
  for (const ConsumerResult& c : r.consumers) {
    EXPECT_GT(c.read_throttles, 0u) << c.name;
    EXPECT_EQ(c.read_throttles, c.read_throttles_by_call_rate) << c.name;
    EXPECT_TRUE(HasFinding(r, "read_throttling", c.name));
  }
  const Finding* f = FindingOf(r, "read_throttling");
  ASSERT_NE(f, nullptr);
  EXPECT_NE(f->recommendation.find("enhanced fan-out"), std::string::npos) << f->recommendation;
  EXPECT_NE(f->evidence.find("5 polling applications share"), std::string::npos) << f->evidence;
}

TEST(ReadPathTest, EnhancedFanOutAveragesAbout70MsForOneOrFiveConsumersWithoutThrottling) {
  for (int n : {1, 5}) {
    const RunResult r = RunOk(PropagationSetup(n, true));
    ExpectConsumersConserved(r);
    EXPECT_NEAR(MeanPropagationMs(r), 70.0, 17.5) << n;  // fact sheet 2: ~70 ms, +-25 %
    for (const ConsumerResult& c : r.consumers) {
      EXPECT_EQ(c.read_throttles, 0u);
      EXPECT_EQ(c.get_records_calls, 0u);
      EXPECT_GE(c.subscribe_calls, 1u);  // 300 s: one subscription, renewed at 5 min
    }
    EXPECT_FALSE(HasFinding(r, "read_throttling"));
  }
}

TEST(ReadPathTest, EfoSubscriptionsRenewEveryFiveMinutes) {
  Scenario s = OneProducer(20, 3, Minutes(21));
  s.consumers.push_back(support::EfoConsumer("dashboard"));
  const RunResult r = RunOk(s);
  // Per shard: the first subscription at 0 (delivering from 50 ms), renewals at ~5, 10, 15, 20
  // minutes (each 5 min + the 50 ms gap after the previous).
  EXPECT_EQ(r.consumers[0].subscribe_calls, 3u * 5u);
  ExpectConsumersConserved(r);
}

// Samples records in the system (stored, not yet processed) at a fixed period.
class InSystemProbe : public Component {
 public:
  InSystemProbe(const Stream& stream, const ReadPath& reads, SimDuration period, SimTime end)
      : Component("probe"), stream_(stream), reads_(reads), period_(period), end_(end) {}
  void Start(Context& ctx) override { ctx.Schedule(ctx.Now() + period_, 0, Phase::kObserve); }
  void OnEvent(Context& ctx, uint32_t) override {
    uint64_t stored = 0;
    for (size_t i = 0; i < stream_.shard_map().shards().size(); ++i) {
      stored += stream_.log(static_cast<uint32_t>(i)).next_sequence();
    }
    sum_ += static_cast<double>(stored - reads_.ProcessedBy(0, ctx.Now()));
    ++samples_;
    if (ctx.Now() + period_ <= end_) ctx.Schedule(ctx.Now() + period_, 0, Phase::kObserve);
  }
  double Mean() const { return sum_ / static_cast<double>(samples_); }

 private:
  const Stream& stream_;
  const ReadPath& reads_;
  SimDuration period_;
  SimTime end_;
  double sum_ = 0;
  uint64_t samples_ = 0;
};

// The live model, for checks that need the stream and read path during the run.
struct HandModel {
  explicit HandModel(const Scenario& s)
      : prepared(support::PrepareOk(s)),
        graph(*prepared, s.seed),
        sim(graph.sim()),
        stream(graph.stream()),
        reads(graph.reads()),
        end(graph.end()) {}
  std::unique_ptr<const PreparedScenario> prepared;
  ModelGraph graph;
  Simulation& sim;
  Stream& stream;
  ReadPath* reads;
  SimTime end;
};

// The KCL de-aggregates KPL records (fact sheet 8): its per-record processing time applies to
// each user record. 500 user records/s at 3 ms each are more than one record processor can do;
// charged per Kinesis record (~3 aggregates/s), the application looked idle.
TEST(ReadPathTest, KclProcessingTimeAppliesToEveryUserRecordOfAKplAggregate) {
  Scenario s = support::StreamScenario("kcl-kpl", 9, 1, Seconds(60));
  ProducerSpec p = support::FixedSizeProducer("kpl", 1, 500, 200, 100);
  p.api.type = ApiType::kKpl;
  p.arrival.process = ArrivalProcess::kConstant;
  s.producers.push_back(p);
  ConsumerSpec kcl = support::KclConsumer("app", 1);
  kcl.processing.per_record = Millis(3);
  s.consumers.push_back(kcl);
  const RunResult r = support::RunOk(s);
  ExpectConsumersConserved(r);
  const ConsumerResult& c = r.consumers[0];
  // At most ~333 user records/s processed while 500 arrive: records wait longer and longer.
  EXPECT_GT(c.latency.p50_ms, 5000.0);
  EXPECT_GT(c.records_unread, c.records_processed / 4);
  EXPECT_GT(c.user_records_processed, 20 * c.records_processed);
  EXPECT_NEAR(static_cast<double>(c.user_records_processed) / 60.0, 320.0, 30.0);
}

TEST(ReadPathTest, LittlesLawHoldsForRecordsInTheSystem) {
  Scenario s = OneProducer(200, 2, Seconds(200));
  s.producers[0].api.call_latency = LatencySpec::Fixed(SimDuration::Zero());  // arrival = creation
  s.producers[0].api.max_in_flight_calls = 64;
  ConsumerSpec c = support::PollingConsumer("worker", Millis(300));
  c.processing.per_batch = Millis(20);
  c.processing.per_record = Millis(1);
  c.processing.distribution = ProcessingDist::kLognormal;
  s.consumers.push_back(c);
  HandModel m(s);
  auto& probe = m.sim.Emplace<InSystemProbe>(m.stream, *m.reads, Millis(3), m.end);
  m.graph.Run();
  const ConsumerResult r = m.reads->Results()[0];
  // L = lambda * W: lambda = records processed per second, W = mean creation (= arrival) to
  // processed. The probe measures L independently, from the logs and the processing ends.
  const double lambda = static_cast<double>(r.records_processed) / s.duration.seconds();
  const double w = r.latency.mean_ms / 1000.0;
  EXPECT_GT(w, 0.3);  // a real queue: poll interval, call latency, visibility, processing
  EXPECT_NEAR(probe.Mean(), lambda * w, 0.02 * lambda * w);
  Conservation cons;
  m.reads->CheckConservation(m.stream, &cons);
  EXPECT_TRUE(cons.ok) << cons.detail;
}

TEST(ReadPathTest, SlowConsumerIteratorAgeGrowsAtThePredictedSlope) {
  // 500 records/s arrive at a constant rate; the reader takes 100 records per call and needs
  // 20 ms (call) + 200 ms (2 ms per record) + 100 ms (poll interval) per call: it processes
  // 312.5 records/s, so its position falls behind by 1 - 312.5 / 500 = 0.375 s per second.
  Scenario s = OneProducer(500, 1, Seconds(120));
  s.producers[0].arrival.process = ArrivalProcess::kConstant;
  s.stream.propagation_delay = LatencySpec::Fixed(SimDuration::Zero());
  ConsumerSpec c = support::PollingConsumer("slow", Millis(100));
  c.polling.max_records = 100;
  c.polling.call_latency = LatencySpec::Fixed(Millis(20));
  c.processing.per_record = Millis(2);
  s.consumers.push_back(c);
  const RunResult r = RunOk(s);
  ExpectConsumersConserved(r);
  const ConsumerResult& cr = r.consumers[0];
  EXPECT_NEAR(cr.iterator_age_growth, 0.375, 0.005);
  EXPECT_NEAR(cr.iterator_age_max_ms, 0.375 * 120'000, 0.01 * 0.375 * 120'000);
  EXPECT_NEAR(static_cast<double>(cr.records_processed), 312.5 * 120, 0.01 * 312.5 * 120);
  const Finding* f = FindingOf(r, "iterator_age_growing");
  ASSERT_NE(f, nullptr);
  EXPECT_NE(f->recommendation.find("one per shard"), std::string::npos) << f->recommendation;
  EXPECT_NE(f->recommendation.find("add shards"), std::string::npos) << f->recommendation;
}

TEST(ReadPathTest, FivePollingAppsOnOneShardThrottleAndTheSameFiveAsEfoConsumersDoNot) {
  Scenario polling = OneProducer(500, 1, Seconds(60));
  Scenario efo = polling;
  for (int i = 0; i < 5; ++i) {
    const std::string name = "app-" + std::to_string(i);
    polling.consumers.push_back(support::PollingConsumer(name, Millis(200)));
    efo.consumers.push_back(support::EfoConsumer(name));
  }
  const RunResult p = RunOk(polling);
  const RunResult e = RunOk(efo);
  ExpectConsumersConserved(p);
  ExpectConsumersConserved(e);
  uint64_t throttles = 0;
  for (const ConsumerResult& c : p.consumers) throttles += c.read_throttles;
  EXPECT_GT(throttles, 100u);
  EXPECT_TRUE(HasFinding(p, "read_throttling"));
  for (const ConsumerResult& c : e.consumers) {
    EXPECT_EQ(c.read_throttles, 0u);
    EXPECT_LT(c.propagation.mean_ms, MeanPropagationMs(p) / 5);
  }
  EXPECT_FALSE(HasFinding(e, "read_throttling"));
}

TEST(ReadPathTest, RecordsThatExpireUnreadAreCountedAsDataLoss) {
  // Down from 10 s to 60 s with a 20 s retention: what arrived from ~10 s to 40 s expires.
  Scenario s = OneProducer(100, 1, Seconds(90));
  s.producers[0].arrival.process = ArrivalProcess::kConstant;
  s.stream.retention = Seconds(20);  // below AWS's 24 h minimum: the loader forbids, models allow
  ConsumerSpec c = support::PollingConsumer("archiver", Millis(200));
  c.outages.push_back({Seconds(10), Seconds(60)});
  s.consumers.push_back(c);
  const RunResult r = RunOk(s);
  ExpectConsumersConserved(r);
  const ConsumerResult& cr = r.consumers[0];
  EXPECT_NEAR(static_cast<double>(cr.records_expired), 3000.0, 60.0);
  EXPECT_EQ(cr.shards[0].records_expired, cr.records_expired);
  const Finding* f = FindingOf(r, "records_expired");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->severity, Severity::kCritical);
}

TEST(ReadPathTest, OutageThenCatchUp) {
  Scenario s = OneProducer(200, 2, Seconds(120));
  ConsumerSpec c = support::PollingConsumer("reporting", Millis(500));
  ConsumerSpec small = support::PollingConsumer("small-batches", Millis(500));
  small.polling.max_records = 500;  // 4 calls to drain the backlog: iterator age shows it
  small.outages.push_back({Seconds(30), Seconds(50)});
  c.outages.push_back({Seconds(30), Seconds(50)});
  s.consumers = {c, small};
  const RunResult r = RunOk(s);
  ExpectConsumersConserved(r);
  EXPECT_GT(r.consumers[1].iterator_age_max_ms, 10'000);
  EXPECT_LT(r.consumers[1].behind_at_end_ms, 2'000);
  const ConsumerResult& cr = r.consumers[0];
  // 20 s down: records that arrived just after 30 s are delivered just after 50 s.
  EXPECT_GT(cr.propagation.max_ms, 19'500);
  EXPECT_LT(cr.propagation.max_ms, 21'000);
  // The first call after the outage returns the whole backlog (2,000 records per shard), so its
  // iterator age (that of the last record returned, as CloudWatch's) stays small.
  EXPECT_LT(cr.iterator_age_max_ms, 1'000);
  EXPECT_LT(cr.behind_at_end_ms, 2'000);  // caught up by the end
  EXPECT_EQ(cr.records_expired, 0u);
  EXPECT_FALSE(HasFinding(r, "iterator_age_growing"));
  // Nothing processed while down: every processing end falls outside [30 s, 50 s).
  const SeriesTable* t = nullptr;
  for (const SeriesTable& x : r.series) {
    if (x.name == "consumer-reporting") t = &x;
  }
  ASSERT_NE(t, nullptr);
  for (const auto& row : t->rows) {
    if (row[0] >= 30.5 && row[0] < 50) {
      EXPECT_EQ(row[1], 0.0) << row[0];
    }
  }
}

TEST(ReadPathTest, StartingPositionsDecideWhatAConsumerSees) {
  Scenario s = OneProducer(100, 2, Seconds(60));
  s.producers[0].arrival.process = ArrivalProcess::kConstant;
  ConsumerSpec trim = support::PollingConsumer("replay", Millis(200));
  trim.starting_position.type = StartingPositionType::kTrimHorizon;
  trim.outages.push_back({SimDuration::Zero(), Seconds(30)});  // starts 30 s behind
  ConsumerSpec at = support::PollingConsumer("from-40s", Millis(200));
  at.starting_position.type = StartingPositionType::kAtTimestamp;
  at.starting_position.timestamp = Seconds(40);
  ConsumerSpec efo_at = support::EfoConsumer("efo-from-40s");
  efo_at.starting_position = at.starting_position;
  s.consumers = {trim, at, efo_at};
  const RunResult r = RunOk(s);
  ExpectConsumersConserved(r);
  const uint64_t stored = r.producers[0].kinesis_records_accepted;
  EXPECT_EQ(r.consumers[0].records_available, stored);
  EXPECT_EQ(r.consumers[0].records_skipped, 0u);
  EXPECT_GT(r.consumers[0].propagation.max_ms, 29'000);
  // Records from 40 s on: 20 s of 100/s.
  for (int i : {1, 2}) {
    EXPECT_NEAR(static_cast<double>(r.consumers[i].records_available), 2000.0, 20.0);
    EXPECT_EQ(r.consumers[i].records_available + r.consumers[i].records_skipped, stored);
  }
}

TEST(ReadPathTest, KclLeasesBalanceAndExtraWorkersIdle) {
  Scenario s = OneProducer(400, 4, Seconds(30));
  s.consumers.push_back(support::KclConsumer("many-workers", 6));
  ConsumerSpec capped = support::KclConsumer("capped", 2);
  capped.kcl.max_leases_per_worker = 1;
  s.consumers.push_back(capped);
  const RunResult r = RunOk(s);
  ExpectConsumersConserved(r);
  const ConsumerResult& many = r.consumers[0];
  EXPECT_EQ(many.idle_workers, 2);
  EXPECT_EQ(many.unowned_shards, 0);
  EXPECT_TRUE(HasFinding(r, "idle_workers", "many-workers"));
  for (const ConsumerShardResult& sh : many.shards) EXPECT_GE(sh.owner, 0);
  // 2 workers x 1 lease: two shards go unread all run.
  const ConsumerResult& cap = r.consumers[1];
  EXPECT_EQ(cap.unowned_shards, 2);
  int unread_shards = 0;
  for (const ConsumerShardResult& sh : cap.shards) unread_shards += sh.records_processed == 0;
  EXPECT_EQ(unread_shards, 2);
  EXPECT_TRUE(HasFinding(r, "unowned_shards", "capped"));
  EXPECT_GT(cap.records_unread, cap.records_available / 3);
  // Lease-table writes: 4 takes + renewals every 10 s / 3 of 30 s per held lease + checkpoints.
  EXPECT_EQ(many.lease_table_writes, 4u + 4u * 9u + many.checkpoints);
}

TEST(ReadPathTest, KclWorkerLossMovesLeasesAfterFailoverAndReplaysFromCheckpoint) {
  Scenario s = OneProducer(400, 4, Seconds(60));
  s.producers[0].arrival.process = ArrivalProcess::kConstant;
  ConsumerSpec c = support::KclConsumer("sessionizer", 2);
  c.kcl.checkpoint.every = Seconds(5);
  c.kcl.worker_failures.push_back({0, Seconds(20)});
  s.consumers.push_back(c);
  const RunResult r = RunOk(s);
  ExpectConsumersConserved(r);
  const ConsumerResult& k = r.consumers[0];
  EXPECT_EQ(k.lease_takeovers, 2u);  // worker 0 held two of the four shards
  EXPECT_EQ(k.unowned_shards, 0);
  for (const ConsumerShardResult& sh : k.shards) EXPECT_EQ(sh.owner, 1);
  // The replay: two shards x 100 records/s x (time since the last checkpoint, < 5 s + a batch).
  EXPECT_GT(k.records_reprocessed, 0u);
  EXPECT_LT(k.records_reprocessed, 2u * 100u * 7u);
  // Those shards were unread for the 10 s failover: records waited that long to be delivered.
  EXPECT_GT(k.propagation.max_ms, 10'000);
  EXPECT_LT(k.propagation.max_ms, 10'000 + 5'000 + 2'000);
  EXPECT_LT(k.behind_at_end_ms, 3'000);  // caught up afterwards
  EXPECT_TRUE(HasFinding(r, "reprocessed_records"));
}

TEST(ReadPathTest, EfoBackpressureBatchesRecordsWhenProcessingIsSlow) {
  Scenario s = OneProducer(200, 1, Seconds(60));
  ConsumerSpec fast = support::EfoConsumer("fast");
  ConsumerSpec slow = support::EfoConsumer("slow");
  slow.processing.per_batch = Millis(100);  // at most 10 pushes per second
  s.consumers = {fast, slow};
  const RunResult r = RunOk(s);
  ExpectConsumersConserved(r);
  const ConsumerResult& f = r.consumers[0];
  const ConsumerResult& sl = r.consumers[1];
  EXPECT_LT(f.mean_batch_records, 3.0);    // one push per producer call
  EXPECT_GT(sl.mean_batch_records, 15.0);  // ~20 records per 100 ms of processing
  EXPECT_LT(static_cast<double>(sl.deliveries), 60 * 10.5);
  EXPECT_GT(sl.propagation.mean_ms, f.propagation.mean_ms + 20);  // held back by the consumer
  EXPECT_NEAR(f.propagation.mean_ms, 70.0, 1.0);
  EXPECT_LT(sl.behind_at_end_ms, 500);  // keeps up, in bigger batches
}

TEST(ReadPathTest, EfoCatchUpIsCappedAtTwoMibPerSecondPerShard) {
  // 1 MiB/s of 10 KiB records; an EFO consumer down for the first 20 s catches up at 2 MiB/s.
  Scenario s = OneProducer(100, 1, Seconds(60), 10 * 1024);
  ConsumerSpec c = support::EfoConsumer("replayer");
  c.outages.push_back({SimDuration::Zero(), Seconds(20)});
  s.consumers.push_back(c);
  const RunResult r = RunOk(s);
  ExpectConsumersConserved(r);
  const SeriesTable* t = nullptr;
  for (const SeriesTable& x : r.series) {
    if (x.name == "consumer-replayer") t = &x;
  }
  ASSERT_NE(t, nullptr);
  // A bucket one second deep: over the 10 s after the outage at most 10 s of 2 MiB/s plus the
  // full bucket (and one record) pass, and catching up uses nearly all of it.
  double catch_up_bytes = 0;
  for (const auto& row : t->rows) {
    if (row[0] >= 20 && row[0] < 30) catch_up_bytes += row[2];
  }
  EXPECT_LE(catch_up_bytes, 2.0 * kMiB * 11 + 10 * 1024 + 100);
  EXPECT_GT(catch_up_bytes, 2.0 * kMiB * 10 * 0.95);
  // 20 MiB of backlog drained at 2 - 1 MiB/s net: caught up about 20 s after the outage.
  EXPECT_LT(r.consumers[0].behind_at_end_ms, 1'000);
  EXPECT_GT(r.consumers[0].iterator_age_max_ms, 15'000);
}

// 100 records/s of 10 KiB (1 MiB/s) to one shard, read by an EFO consumer (2 MiB/s a shard) that
// is down over [from, to): the backlog drains at 1 MiB/s net, so it catches up in about the
// outage's length.
Scenario EfoOutage(SimDuration from, SimDuration to, SimDuration duration, double rate = 100) {
  Scenario s = OneProducer(rate, 1, duration, 10 * 1024);
  ConsumerSpec c = support::EfoConsumer("replayer");
  c.outages.push_back({from, to});
  s.consumers.push_back(c);
  return s;
}

const SeriesTable& ConsumerSeries(const RunResult& r, const std::string& name) {
  for (const SeriesTable& t : r.series) {
    if (t.name == "consumer-" + name) return t;
  }
  ADD_FAILURE() << "no series for " << name;
  return r.series.front();
}

// Regression: windows without a read carried the last iterator age, so through an outage the
// series showed a healthy consumer, and the catch-up time after it was in no output.
TEST(ReadPathTest, IteratorAgeGrowsThroughAnOutageAndTheCatchUpIsMeasured) {
  const RunResult r = RunOk(EfoOutage(Seconds(10), Seconds(30), Seconds(80)));
  ExpectConsumersConserved(r);
  const SeriesTable& t = ConsumerSeries(r, "replayer");
  // Down from 10 s: the age of what it read last grows 1 s per s, in the worst-shard column and
  // the shard's own (the window's largest value is at its end), up to the age the first push
  // after the outage reports (~18 s: it carries the records of the outage's first ~2 s).
  for (const auto& row : t.rows) {
    if (row[0] >= 11 && row[0] < 25) {
      EXPECT_NEAR(row[4], (row[0] + 1 - 10) * 1000, 300) << row[0];
      EXPECT_EQ(row[5], row[4]) << row[0];
    }
  }
  const ConsumerResult& c = r.consumers[0];
  ASSERT_EQ(c.outages.size(), 1u);
  const OutageResult& o = c.outages[0];
  EXPECT_EQ(o.from_s, 10.0);
  EXPECT_EQ(o.to_s, 30.0);
  EXPECT_LT(o.iterator_age_before_ms, 300);  // EFO: ~70 ms
  EXPECT_GT(o.iterator_age_peak_ms, 15'000);
  // 20 MiB of backlog at 2 - 1 MiB/s net, less the 2 MiB the full one-second bucket lets through
  // at once and the 1 MiB (1 s of lag) the slack allows: about 17 s.
  EXPECT_TRUE(o.caught_up);
  EXPECT_NEAR(o.catch_up_s, 17.0, 1.5);
  EXPECT_NE(ResultJsonText(r).find("\"catch_up_s\": "), std::string::npos);
  EXPECT_NE(SummaryText(r).find("replayer down 10s to 30s: caught up "), std::string::npos)
      << SummaryText(r);
}

// A run that ends while the consumer still catches up: the finding gives the catch-up at this
// pace, counted from the outage's end.
TEST(ReadPathTest, CatchingUpFindingGivesTheCatchUpAfterTheOutage) {
  // 150 records/s arriving; a poller taking 200 records a second (~195/s with its call latency)
  // drains ~45/s net: the 27,000 records of 180 s down take about 600 s.
  Scenario s = OneProducer(150, 1, Seconds(400));
  ConsumerSpec poller = support::PollingConsumer("reporting", Seconds(1));
  poller.polling.max_records = 200;
  poller.outages.push_back({Seconds(10), Seconds(190)});
  s.consumers.push_back(poller);
  const RunResult r = RunOk(s);
  const ConsumerResult& c = r.consumers[0];
  ASSERT_EQ(c.outages.size(), 1u);
  EXPECT_FALSE(c.outages[0].caught_up);
  EXPECT_TRUE(std::isnan(c.outages[0].catch_up_s));
  const Finding* f = FindingOf(r, "catching_up");
  ASSERT_NE(f, nullptr);
  auto figure = [&](const std::string& name) {
    for (const FindingFigure& x : f->figures) {
      if (x.name == name) return x.value;
    }
    ADD_FAILURE() << "no figure " << name;
    return 0.0;
  };
  EXPECT_EQ(figure("outage_1_from_ms"), 10'000);
  EXPECT_EQ(figure("outage_1_to_ms"), 190'000);
  EXPECT_EQ(figure("outage_1_caught_up"), 0);
  EXPECT_NEAR(figure("outage_1_catch_up_ms"), (400 - 190) * 1000 + figure("caught_up_after_end_ms"),
              1);
  EXPECT_NEAR(figure("outage_1_catch_up_ms"), 600'000, 100'000);
  EXPECT_NE(f->recommendation.find("after the outage"), std::string::npos) << f->recommendation;
}

TEST(ReadPathTest, MemoryFollowsUnreadRecordsNotRecordsSimulated) {
  Scenario s = OneProducer(2000, 2, Seconds(60));
  s.consumers.push_back(support::PollingConsumer("keeps-up", Millis(200)));
  s.consumers.push_back(support::EfoConsumer("pushed"));
  HandModel m(s);
  m.graph.Run();
  for (uint32_t shard = 0; shard < 2; ++shard) {
    const ShardLogStats st = m.stream.log(shard).stats();
    EXPECT_GT(st.appended, 50'000u);
    // ~1,000 records/s per shard, readers at most a few hundred ms behind.
    EXPECT_LT(st.peak_retained, 1'000u);
    EXPECT_LT(m.stream.log(shard).capacity(), 2'048u);
  }
}

TEST(ReadPathTest, ResultJsonCarriesTheConsumerContractOnlyWhenThereAreConsumers) {
  Scenario s = OneProducer(100, 2, Seconds(10));
  const std::string write_only = ResultJsonText(RunOk(s));
  EXPECT_EQ(write_only.find("\"consumers\""), std::string::npos);
  s.consumers.push_back(support::KclConsumer("app", 1));
  const RunResult r = RunOk(s);
  const nlohmann::ordered_json j = ResultToJson(r);
  ASSERT_TRUE(j.contains("consumers"));
  const auto& c = j["consumers"][0];
  for (const char* key : {"name", "type", "records_processed", "bytes_read", "latency_ms",
                          "propagation_ms", "iterator_age_ms", "read_throttles", "records_expired",
                          "records_unread", "records_available"}) {
    EXPECT_TRUE(c.contains(key)) << key;
  }
  for (const char* q : {"mean", "p50", "p90", "p99", "p999", "max"}) {
    EXPECT_TRUE(c["latency_ms"].contains(q)) << q;
    EXPECT_TRUE(c["propagation_ms"].contains(q)) << q;
  }
  EXPECT_TRUE(c["iterator_age_ms"].contains("max"));
  EXPECT_TRUE(c["iterator_age_ms"].contains("p99"));
  EXPECT_EQ(c["type"], "kcl");
  // The per-consumer series: one iterator-age column per shard.
  const SeriesTable& t = r.series.back();
  EXPECT_EQ(t.name, "consumer-app");
  EXPECT_EQ(t.columns.size(), 5u + 2u);
  EXPECT_EQ(t.columns.back(), "iterator_age_ms_shardId-000000000001");
  EXPECT_EQ(t.rows.size(), 10u);
}

TEST(ReadPathTest, ConservationHoldsInEveryConfigurationAndRunsAreDeterministic) {
  Scenario s = OneProducer(300, 3, Seconds(40));
  s.stream.retention = Seconds(15);
  ConsumerSpec a = support::PollingConsumer("a", Millis(100));
  a.outages.push_back({Seconds(5), Seconds(25)});
  a.processing.per_record = Micros(500);
  a.processing.distribution = ProcessingDist::kLognormal;
  ConsumerSpec b = support::KclConsumer("b", 3);
  b.kcl.checkpoint.every_records = 500;
  b.kcl.worker_failures = {{0, Seconds(8)}, {2, Seconds(12)}};
  b.kcl.failover_time = Seconds(3);
  b.processing.per_batch = Millis(300);
  b.outages.push_back({Seconds(30), Seconds(33)});
  ConsumerSpec c = support::EfoConsumer("c");
  c.starting_position.type = StartingPositionType::kTrimHorizon;
  c.outages.push_back({Seconds(2), Seconds(22)});
  c.processing.per_record = Millis(1);
  ConsumerSpec d =
      support::PollingConsumer("d", SimDuration::Zero());  // polls as fast as it may: throttled
  s.consumers = {a, b, c, d};
  for (uint64_t seed : {1, 2, 3, 4, 5}) {
    RunOptions options;
    options.seed = seed;
    const RunOutcome x = RunScenario(s, options);
    const RunOutcome y = RunScenario(s, options);
    ASSERT_TRUE(x.result && y.result);
    EXPECT_TRUE(x.result->conservation.ok) << seed << ": " << x.result->conservation.detail;
    ExpectConsumersConserved(*x.result);
    EXPECT_EQ(ResultJsonText(*x.result), ResultJsonText(*y.result)) << seed;
    EXPECT_GT(x.result->consumers[0].records_expired, 0u);
    EXPECT_GT(x.result->consumers[1].lease_takeovers, 0u);
    EXPECT_GT(x.result->consumers[2].records_expired, 0u);  // TRIM_HORIZON, 20 s down
    EXPECT_GT(x.result->consumers[3].read_throttles, 0u);
  }
}

}  // namespace
}  // namespace shardsim
