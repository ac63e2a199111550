// Lambda event-source mapping tests (models/consumers/lambda/lambda_consumer.cc): low-load waiting
// time against the poll-interval theory, the batch x PF / duration throughput cap, per-key order
// with a parallelization factor, poison records under each error-handling setting, conservation
// (and a broken count caught), the concurrency limit, determinism, the EFO source, the three batch
// triggers, and tumbling windows. Whole runs with fixed seeds.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <utility>
#include <vector>

#include "models/consumers/consumer_base.h"
#include "models/consumers/consumers.h"
#include "models/consumers/lambda/lambda_consumer.h"
#include "models/keys/key_model.h"
#include "models/producers/producer.h"
#include "models/run/model_graph.h"
#include "models/spec/loader/scenario_loader.h"
#include "models/stream/read_limits.h"
#include "models/stream/stream.h"
#include "models/traffic/arrivals.h"
#include "models/traffic/samplers.h"
#include "planner/session.h"
#include "reports/result_json.h"
#include "sim/simulation.h"
#include "tests/support/run_checks.h"
#include "tests/support/scenarios.h"

namespace shardsim {
namespace {

Scenario OneProducer(double rate, int64_t shards, SimDuration duration, int64_t bytes = 1000) {
  return support::OneProducer("lambda-test", 23, rate, shards, duration, bytes);
}

ConsumerSpec Lambda(SimDuration per_batch) { return support::LambdaConsumer("fn", per_batch); }

void ExpectConserved(const ConsumerResult& c) {
  EXPECT_EQ(c.records_available,
            c.records_processed + c.records_failed + c.records_unread + c.records_expired)
      << c.name;
  ASSERT_TRUE(c.lambda.has_value());
  EXPECT_EQ(c.records_failed, c.lambda->records_to_destination + c.lambda->records_dropped);
  EXPECT_EQ(c.records_failed,
            c.lambda->records_given_up_by_retries + c.lambda->records_given_up_by_age);
}

RunResult RunOk(const Scenario& s) {
  RunResult r = support::RunOk(s);
  for (const ConsumerResult& c : r.consumers) {
    if (c.lambda) ExpectConserved(c);
  }
  return r;
}

// By value: callers pass temporaries.
ConsumerResult Fn(const RunResult& r) {
  for (const ConsumerResult& c : r.consumers) {
    if (c.type == "lambda") return c;
  }
  ADD_FAILURE() << "no lambda consumer";
  return r.consumers.front();
}

// The producer through ModelGraph (`s` has no consumers) and the mapping added by hand, so a test
// can install hooks on it.
struct HandModel {
  HandModel(const Scenario& s, const ConsumerSpec& spec, LambdaTestHooks hooks)
      : prepared(support::PrepareOk(s)),
        graph(*prepared, s.seed),
        limits(s.stream.read_limits, graph.stream().shard_map().shards().size()) {
    ShardLogOptions options;
    options.retention = s.stream.retention;
    graph.stream().EnableReads(options);
    ConsumerContext context;
    context.stream = &graph.stream();
    context.limits = &limits;
    context.end = graph.end();
    context.warmup = SimTime::Zero() + s.warmup;
    context.series_interval = s.series_interval;
    context.visibility = DefaultVisibilityDelay();
    context.key_models = {prepared->producers()[0].keys.get()};
    auto owned = MakeLambdaConsumerForTest(spec, context, std::move(hooks));
    consumer = owned.get();
    graph.sim().Add(std::move(owned));
  }
  void Run() { graph.Run(); }
  std::unique_ptr<const PreparedScenario> prepared;
  ModelGraph graph;
  SharedReadLimits limits;
  ConsumerBase* consumer = nullptr;
};

// ---------------------------------------------------------------- waiting and throughput

// Regression: a Lambda function fed by the KPL de-aggregates with the library, so its per-record
// time applies per user record; it was applied per Kinesis record, under-sizing the function by
// the aggregation ratio (~36x).
TEST(LambdaTest, PerRecordTimeAppliesToEveryUserRecordOfAKplAggregate) {
  Scenario s = support::StreamScenario("lambda-kpl", 5, 1, Seconds(30));
  ProducerSpec p = support::FixedSizeProducer("kpl", 1, 500, 200, 100);
  p.api.type = ApiType::kKpl;
  p.arrival.process = ArrivalProcess::kConstant;
  s.producers.push_back(p);
  ConsumerSpec fn = Lambda(Millis(10));
  fn.lambda.function.duration.per_record = Millis(1);
  s.consumers.push_back(fn);
  const ConsumerResult c = Fn(RunOk(s));
  const LambdaResult& l = *c.lambda;
  ASSERT_GT(l.invocations, 10u);
  // Aggregates of ~200 user records: far fewer Kinesis records than user records per batch.
  EXPECT_GT(l.batch_user_records.mean, 20 * l.batch_records.mean);
  // Each invocation takes 10 ms + 1 ms per user record (duration is fixed).
  EXPECT_NEAR(l.duration.mean_ms, 10.0 + l.batch_user_records.mean, 1.0);
  EXPECT_GT(c.user_records_processed, 20 * c.records_processed);
  // At 500 user records/s and 1 ms each the function is busy about half the time.
  EXPECT_GT(l.concurrency_mean, 0.3);
}

TEST(LambdaTest, LowLoadWaitIsHalfAPollPlusVisibilityAndCallLatency) {
  Scenario s = OneProducer(5, 1, Seconds(400));
  s.consumers.push_back(Lambda(Millis(100)));
  const RunResult r = RunOk(s);
  const ConsumerResult c = Fn(r);
  // Polls once a second when caught up: a record waits for the first call whose visibility
  // cutoff passed its arrival, E = 0.5 s + E[visibility], then the call latency.
  const double vis_ms = LatencySampler(DefaultVisibilityDelay()).Mean().seconds() * 1e3;
  const double call_ms = LatencySampler(PollingSpec{}.call_latency).Mean().seconds() * 1e3;
  const double expected_ms = 500 + vis_ms + call_ms;
  // ~400 calls carry the records; the per-call residual has sd ~290 ms: 4 sd of the mean ~60 ms.
  EXPECT_NEAR(c.propagation.mean_ms, expected_ms, 60) << vis_ms << " " << call_ms;
  // Idle slot: invoked on arrival of the response, done 100 ms later. Same records up to the few
  // read in the last 100 ms.
  const double put_ms = r.producers[0].record_latency.mean_ms;
  EXPECT_NEAR(c.latency.mean_ms, put_ms + c.propagation.mean_ms + 100, 3);
  EXPECT_EQ(c.lambda->invocations_failed, 0u);
  EXPECT_NEAR(c.lambda->duration.mean_ms, 100, 0.5);

  // Window W = 2 s: at most one poll interval + W (+ visibility, call latency, duration).
  s.consumers[0].lambda.batching_window = Seconds(2);
  const RunResult w = RunOk(s);
  const ConsumerResult cw = Fn(w);
  const double put_max_ms = w.producers[0].record_latency.max_ms;
  EXPECT_LT(cw.latency.max_ms, put_max_ms + 1000 + 2000 + 100 + 600);
  EXPECT_GT(cw.latency.mean_ms, c.latency.mean_ms + 500);
  EXPECT_LT(cw.latency.mean_ms, c.latency.mean_ms + 2000);
  EXPECT_GT(cw.lambda->batch_records.mean, 8.0);  // more than one poll's ~5 records
}

TEST(LambdaTest, OverloadedShardProcessesBatchTimesPfPerDuration) {
  Scenario s = OneProducer(900, 1, Seconds(60));
  ConsumerSpec f = Lambda(Millis(500));
  f.lambda.batch_size = 100;
  f.lambda.parallelization_factor = 2;
  s.consumers.push_back(f);
  const RunResult r = RunOk(s);
  const ConsumerResult c = Fn(r);
  // 2 slots x 100 records every 500 ms = 400 records/s; the first read comes within ~1 s.
  const double cap = 2.0 * 100 * (60 / 0.5);
  EXPECT_LE(static_cast<double>(c.records_processed), cap);
  EXPECT_GE(static_cast<double>(c.records_processed), 0.97 * cap);
  EXPECT_EQ(c.lambda->concurrency_max, 2.0);
  EXPECT_NEAR(c.lambda->batch_records.mean, 100, 0.5);
  // Arrivals 900/s, processing 400/s: the record processed at t arrived at 400 t / 900.
  EXPECT_NEAR(c.iterator_age_growth, 1.0 - 400.0 / 900.0, 0.05);
  EXPECT_GT(c.records_unread, 20'000u);
  // The series: per-window processed records and invocations add up to the totals.
  const SeriesTable* t = nullptr;
  for (const SeriesTable& x : r.series) {
    if (x.name == "consumer-fn") t = &x;
  }
  ASSERT_NE(t, nullptr);
  ASSERT_GE(t->columns.size(), 4u);
  EXPECT_EQ(t->columns[t->columns.size() - 4], "concurrency");
  EXPECT_EQ(t->columns.back(), "throttles");
  double processed = 0, invocations = 0, peak = 0;
  for (const std::vector<double>& row : t->rows) {
    processed += row[1];
    invocations += row[row.size() - 3];
    peak = std::max(peak, row[row.size() - 4]);
  }
  EXPECT_EQ(processed, static_cast<double>(c.records_processed));
  EXPECT_EQ(invocations, static_cast<double>(c.lambda->invocations));
  EXPECT_EQ(peak, 2.0);
}

// ---------------------------------------------------------------- ordering

TEST(LambdaTest, ParallelSlotsKeepPerKeyOrderAndRunConcurrently) {
  Scenario s = OneProducer(500, 1, Seconds(40));
  s.producers[0].keys.count = 50;
  ConsumerSpec f = Lambda(Millis(50));
  f.lambda.batch_size = 20;
  f.lambda.parallelization_factor = 5;
  f.lambda.function.error_rate = 0.2;
  f.lambda.bisect_batch_on_function_error = true;
  f.lambda.maximum_retry_attempts = 1;
  f.lambda.on_failure_destination = OnFailureDestination::kSqs;
  std::map<std::pair<uint32_t, uint32_t>, std::pair<uint64_t, uint32_t>> last;  // seq, slot
  uint64_t seen = 0, out_of_order = 0, slot_changes = 0;
  LambdaTestHooks hooks;
  hooks.on_processed = [&](uint32_t, uint32_t slot, uint64_t seq, const StoredRecord& x, SimTime) {
    ++seen;
    auto [it, fresh] = last.try_emplace({x.producer, x.key_id}, seq, slot);
    if (fresh) return;
    if (seq <= it->second.first) ++out_of_order;
    if (slot != it->second.second) ++slot_changes;
    it->second = {seq, slot};
  };
  HandModel m(s, f, std::move(hooks));
  m.Run();
  const ConsumerResult c = m.consumer->Result();
  EXPECT_EQ(seen, c.records_processed);
  EXPECT_GT(seen, 5'000u);  // 1 s retry delays after 20% failures hold the slots back
  EXPECT_EQ(out_of_order, 0u);
  EXPECT_EQ(slot_changes, 0u);
  EXPECT_EQ(last.size(), 50u);
  EXPECT_GT(c.lambda->concurrency_max, 1.0);
  EXPECT_LE(c.lambda->concurrency_max, 5.0);
  EXPECT_GT(c.lambda->bisections, 0u);
  std::string detail;
  EXPECT_TRUE(m.consumer->CheckConservation(&detail)) << detail;
}

// ---------------------------------------------------------------- poison records

Scenario PoisonScenario() {
  Scenario s = OneProducer(50, 1, Seconds(60));
  ConsumerSpec f = Lambda(Millis(10));
  f.lambda.function.poison_records.push_back({Seconds(20), ""});
  s.consumers.push_back(f);
  return s;
}

TEST(LambdaTest, PoisonRecordStallsTheShardWithDefaultRetries) {
  const RunResult r = RunOk(PoisonScenario());
  const ConsumerResult c = Fn(r);
  // Everything before the poison (~20 s x 50/s) and nothing after it.
  EXPECT_GT(c.records_processed, 800u);
  EXPECT_LT(c.records_processed, 1200u);
  EXPECT_EQ(c.records_failed, 0u);
  EXPECT_EQ(c.lambda->poison_records, 1u);
  // Blocked from ~21 s to the end; the stuck batch's age grows a second per second.
  EXPECT_GT(c.lambda->max_stall_ms, 37'000);
  EXPECT_EQ(c.lambda->max_stall_shard, "shardId-000000000000");
  EXPECT_GT(c.shards[0].iterator_age_max_ms, 37'000);
  EXPECT_GT(c.lambda->invocations_failed, 30u);
  EXPECT_GT(c.iterator_age_growth, 0.9);
  EXPECT_GT(c.behind_at_end_ms, 39'000);  // the poison's batch, stored at ~20 s
  EXPECT_LT(c.behind_at_end_ms, 41'500);
}

TEST(LambdaTest, PoisonBatchGoesToTheDestinationAfterItsRetries) {
  Scenario s = PoisonScenario();
  s.consumers[0].lambda.maximum_retry_attempts = 2;
  s.consumers[0].lambda.on_failure_destination = OnFailureDestination::kSqs;
  // Batches of 100 records (2 s of traffic, within a 3 s window): the poison sits inside one.
  s.consumers[0].lambda.batching_window = Seconds(3);
  const RunResult plain = RunOk(s);
  const ConsumerResult c = Fn(plain);
  EXPECT_EQ(c.lambda->invocations_failed, 3u);  // the first invocation and two retries
  EXPECT_EQ(c.lambda->retries, 2u);
  EXPECT_GE(c.records_failed, 1u);
  EXPECT_LE(c.records_failed, 100u);  // one batch
  EXPECT_EQ(c.lambda->records_to_destination, c.records_failed);
  EXPECT_EQ(c.lambda->records_given_up_by_retries, c.records_failed);
  EXPECT_GT(c.records_processed, 2'700u);                   // the shard carries on
  EXPECT_NEAR(c.lambda->max_stall_ms, 2 * (1000 + 10), 1);  // two retry delays + durations

  // Bisect: the halves isolate the poison record, only it goes to the destination.
  s.consumers[0].lambda.bisect_batch_on_function_error = true;
  const ConsumerResult b = Fn(RunOk(s));
  EXPECT_EQ(b.records_failed, 1u);
  EXPECT_GE(b.lambda->bisections, 1u);
  EXPECT_EQ(b.lambda->invocations_failed, b.lambda->bisections + 3);
  EXPECT_EQ(b.records_processed + 1, c.records_processed + c.records_failed);

  // Partial batch response: the records before the poison succeed on the first invocation.
  s.consumers[0].lambda.bisect_batch_on_function_error = false;
  s.consumers[0].lambda.report_batch_item_failures = true;
  const ConsumerResult p = Fn(RunOk(s));
  EXPECT_GE(p.records_failed, 1u);
  EXPECT_LT(p.records_failed, c.records_failed);
  EXPECT_EQ(p.records_processed + p.records_failed, c.records_processed + c.records_failed);
  EXPECT_EQ(p.lambda->invocations_failed, 3u);

  // Dropped instead of sent when there is no destination.
  s.consumers[0].lambda.on_failure_destination = OnFailureDestination::kNone;
  const ConsumerResult d = Fn(RunOk(s));
  EXPECT_EQ(d.lambda->records_dropped, p.records_failed);
  EXPECT_EQ(d.lambda->records_to_destination, 0u);
}

TEST(LambdaTest, PoisonKeyMatchesOnlyThatKey) {
  Scenario s = PoisonScenario();
  s.producers[0].keys.count = 10;
  s.producers[0].keys.format = "device-{i}";
  s.consumers[0].lambda.function.poison_records[0].key = "device-7";
  s.consumers[0].lambda.maximum_retry_attempts = 0;
  s.consumers[0].lambda.bisect_batch_on_function_error = true;
  s.consumers[0].lambda.on_failure_destination = OnFailureDestination::kSqs;
  const ConsumerResult c = Fn(RunOk(s));
  EXPECT_EQ(c.lambda->poison_records, 1u);
  EXPECT_EQ(c.records_failed, 1u);
  s.consumers[0].lambda.function.poison_records[0].key = "no-such-key";
  const ConsumerResult none = Fn(RunOk(s));
  EXPECT_EQ(none.lambda->poison_records, 0u);
  EXPECT_EQ(none.records_failed, 0u);
}

// ---------------------------------------------------------------- conservation, limits

TEST(LambdaTest, ConservationHoldsWithErrorsRetriesBisectionExpiryAndOutages) {
  Scenario s = OneProducer(300, 3, Seconds(60));
  s.stream.retention = Seconds(20);
  ConsumerSpec f = Lambda(Millis(30));
  f.lambda.parallelization_factor = 3;
  f.lambda.batch_size = 50;
  f.lambda.function.error_rate = 0.3;
  f.lambda.maximum_retry_attempts = 3;
  f.lambda.bisect_batch_on_function_error = true;
  f.lambda.on_failure_destination = OnFailureDestination::kSqs;
  f.outages.push_back({Seconds(10), Seconds(35)});
  s.consumers.push_back(f);
  // A second mapping on the same shards gives up at once: batches reach its destination.
  ConsumerSpec g = Lambda(Millis(30));
  g.name = "fn2";
  g.lambda.function.error_rate = 0.3;
  g.lambda.maximum_retry_attempts = 0;
  g.lambda.on_failure_destination = OnFailureDestination::kSqs;
  s.consumers.push_back(g);
  for (uint64_t seed : {1, 2, 3}) {
    s.seed = seed;
    const RunResult r = RunOk(s);
    ASSERT_EQ(r.consumers.size(), 2u);
    const ConsumerResult& c = r.consumers[0];
    EXPECT_GT(c.records_expired, 0u) << seed;  // 25 s outage against 20 s retention
    EXPECT_GT(c.lambda->bisections, 0u) << seed;
    EXPECT_GT(c.lambda->records_retried, 0u) << seed;
    EXPECT_GT(c.records_processed, 0u) << seed;
    EXPECT_GT(r.consumers[1].lambda->records_to_destination, 0u) << seed;
    EXPECT_GT(r.consumers[1].records_processed, 0u) << seed;
  }
}

TEST(LambdaTest, ConservationCheckReportsABrokenCount) {
  Scenario s = OneProducer(100, 2, Seconds(10));
  HandModel m(s, Lambda(Millis(10)), {});
  m.Run();
  std::string detail;
  EXPECT_TRUE(m.consumer->CheckConservation(&detail)) << detail;
  CorruptLambdaCountsForTest(*m.consumer, 3);
  EXPECT_FALSE(m.consumer->CheckConservation(&detail));
  EXPECT_NE(detail.find("available"), std::string::npos) << detail;
}

TEST(LambdaTest, ConcurrencyLimitCapsRunningInvocations) {
  Scenario s = OneProducer(2000, 10, Seconds(30));
  ConsumerSpec f = Lambda(Millis(200));
  f.lambda.function.concurrency_limit = 2;
  s.consumers.push_back(f);
  const ConsumerResult c = Fn(RunOk(s));
  EXPECT_LE(c.lambda->concurrency_max, 2.0);
  EXPECT_EQ(c.lambda->concurrency_max, 2.0);
  EXPECT_GT(c.lambda->throttles, 0u);
  EXPECT_EQ(c.lambda->retries, 0u);  // throttles are no retry attempts
  EXPECT_GT(c.lambda->concurrency_mean, 1.5);
  // Throughput at most 2 concurrent x batch 100 / 200 ms = 1000 records/s.
  EXPECT_LE(c.records_processed, 2u * 100u * 150u);
}

// Freed concurrency goes to the slots that were refused it, longest waiting first: with a limit
// of 2 for 4 shards x PF 2 = 8 busy slots every shard progresses at about the same pace (before,
// a slot that had just finished always won against throttled slots backing off).
TEST(LambdaTest, ConcurrencyLimitIsSharedFairlyAcrossSlots) {
  Scenario s = OneProducer(2000, 4, Seconds(60));
  ConsumerSpec f = Lambda(Millis(300));
  f.lambda.parallelization_factor = 2;
  f.lambda.function.concurrency_limit = 2;
  s.consumers.push_back(f);
  const ConsumerResult c = Fn(RunOk(s));
  ASSERT_EQ(c.shards.size(), 4u);
  // 2 running x 100 records / 0.3 s = 667 records/s for the mapping over ~60 s.
  EXPECT_NEAR(static_cast<double>(c.records_processed), 667.0 * 60, 0.1 * 667 * 60);
  const double even = static_cast<double>(c.records_processed) / 4;
  for (const ConsumerShardResult& shard : c.shards) {
    EXPECT_NEAR(static_cast<double>(shard.records_processed), even, 0.15 * even) << shard.shard_id;
  }
  EXPECT_EQ(c.lambda->concurrency_max, 2.0);
  EXPECT_GT(c.lambda->throttles, 0u);
}

TEST(LambdaTest, SameSeedGivesIdenticalResultJson) {
  const char* text = R"({
    "name": "lambda-determinism", "seed": 5, "duration": "40s",
    "producers": [{ "name": "app", "instances": 4, "rate": "400/s",
      "record_size": { "dist": "lognormal", "median": "800B", "p99": "3KiB", "max": "16KiB" },
      "keys": { "dist": "uniform", "count": 500 },
      "api": { "type": "PutRecords", "linger": "50ms" } }],
    "stream": { "name": "s", "shards": 2 },
    "consumers": [{ "name": "fn", "type": "lambda", "batch_size": 50,
      "parallelization_factor": 2, "maximum_retry_attempts": 2,
      "bisect_batch_on_function_error": true, "on_failure_destination": "sqs",
      "function": { "duration": { "per_batch": "20ms", "per_record": "1ms",
                                  "distribution": "lognormal" },
                    "error_rate": 0.1, "concurrency_limit": 3 } }]
  })";
  const LoadResult loaded = LoadScenarioText(text, "test", "");
  ASSERT_TRUE(loaded.ok()) << (loaded.errors.empty() ? "" : loaded.errors[0].message);
  const RunOutcome x = RunScenario(*loaded.scenario, {});
  const RunOutcome y = RunScenario(*loaded.scenario, {});
  ASSERT_TRUE(x.result && y.result);
  EXPECT_TRUE(x.result->conservation.ok) << x.result->conservation.detail;
  EXPECT_GT(Fn(*x.result).lambda->invocations_failed, 0u);
  EXPECT_EQ(ResultJsonText(*x.result), ResultJsonText(*y.result));
  RunOptions other;
  other.seed = 6;
  const RunOutcome z = RunScenario(*loaded.scenario, other);
  ASSERT_TRUE(z.result);
  EXPECT_NE(ResultJsonText(*x.result), ResultJsonText(*z.result));
}

TEST(LambdaTest, EfoSourceIsNotThrottledByFivePollingApplications) {
  Scenario s = OneProducer(500, 2, Seconds(30));
  for (int i = 0; i < 5; ++i) {
    ConsumerSpec p;
    p.name = "poller-" + std::to_string(i);
    p.type = ConsumerType::kPolling;
    p.polling.poll_interval = Millis(200);
    s.consumers.push_back(p);
  }
  ConsumerSpec f = Lambda(Millis(20));
  f.lambda.source = LambdaSource::kEfo;
  s.consumers.push_back(f);
  const RunResult r = RunOk(s);
  const ConsumerResult c = Fn(r);
  EXPECT_EQ(c.lambda->source, "efo");
  EXPECT_EQ(c.read_throttles, 0u);
  EXPECT_EQ(c.get_records_calls, 0u);
  EXPECT_GE(c.subscribe_calls, 2u);
  EXPECT_GT(c.records_processed, c.records_available * 95 / 100);
  EXPECT_LT(c.propagation.mean_ms, 100);  // pushed ~70 ms after arrival
  uint64_t polling_throttles = 0;
  for (const ConsumerResult& p : r.consumers) {
    if (p.type == "polling") polling_throttles += p.read_throttles;
  }
  EXPECT_GT(polling_throttles, 100u);
}

// ---------------------------------------------------------------- batching

TEST(LambdaTest, BatchSizeWindowAndPayloadEachCloseABatch) {
  {  // batch_size: a backlog of reads cut into full batches
    Scenario s = OneProducer(500, 1, Seconds(20));
    ConsumerSpec f = Lambda(Millis(5));
    f.lambda.batch_size = 10;
    s.consumers.push_back(f);
    const ConsumerResult c = Fn(RunOk(s));
    EXPECT_EQ(c.lambda->batch_records.max, 10);
    EXPECT_EQ(c.lambda->batch_records.p50, 10);
  }
  {  // window: 20 records/s gathered for 5 s, well under batch_size 1000
    Scenario s = OneProducer(20, 1, Seconds(60));
    ConsumerSpec f = Lambda(Millis(5));
    f.lambda.batch_size = 1000;
    f.lambda.batching_window = Seconds(5);
    s.consumers.push_back(f);
    const ConsumerResult c = Fn(RunOk(s));
    EXPECT_GT(c.lambda->batch_records.mean, 80);
    EXPECT_LT(c.lambda->batch_records.mean, 140);
    EXPECT_GE(c.lambda->invocations, 10u);
    EXPECT_LE(c.lambda->invocations, 12u);
  }
  {  // payload: 500 kB records, base64 plus envelope, 6,000,000 bytes per event
    Scenario s = OneProducer(1.5, 1, Seconds(120), 500'000);
    s.producers[0].keys.format = "k{i}";
    ConsumerSpec f = Lambda(Millis(5));
    f.lambda.batch_size = 100;
    f.lambda.batching_window = Seconds(10);
    s.consumers.push_back(f);
    const ConsumerResult c = Fn(RunOk(s));
    const int64_t per_record = 4 * ((500'000 + 4 + 2) / 3) + 300;  // key "kNNN": <= 4 bytes
    const int64_t fit = 6'000'000 / per_record;
    ASSERT_EQ(fit, 8);
    EXPECT_EQ(c.lambda->batch_records.max, static_cast<double>(fit));
  }
}

TEST(LambdaTest, TumblingWindowBatchesStayInsideTheirWindow) {
  Scenario s = OneProducer(20, 1, Seconds(60));
  ConsumerSpec f = Lambda(Millis(5));
  f.lambda.batch_size = 50;
  f.lambda.tumbling_window = Seconds(10);
  const int64_t window_ns = Seconds(10).nanos();
  int64_t batch_done = -1, batch_window = -1;
  uint64_t spanning = 0, batches = 0;
  LambdaTestHooks hooks;
  hooks.on_processed = [&](uint32_t, uint32_t, uint64_t, const StoredRecord& x, SimTime done) {
    const int64_t w = x.arrival_ns / window_ns;
    if (done.nanos() != batch_done) {
      batch_done = done.nanos();
      batch_window = w;
      ++batches;
    } else if (w != batch_window) {
      ++spanning;
    }
  };
  HandModel m(s, f, std::move(hooks));
  m.Run();
  const ConsumerResult c = m.consumer->Result();
  EXPECT_GT(batches, 20u);
  EXPECT_EQ(spanning, 0u);
  // Windows [0,10) .. [40,50) close; [50,60) would close after the end.
  EXPECT_EQ(c.lambda->tumbling_windows, 5u);
  EXPECT_EQ(c.lambda->invocations, batches + 5);
  std::string detail;
  EXPECT_TRUE(m.consumer->CheckConservation(&detail)) << detail;
}

}  // namespace
}  // namespace shardsim
