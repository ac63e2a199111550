// SLO findings. See slo_check.h.
#include "analysis/slo_check.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "analysis/consumer_capacity.h"
#include "analysis/finding_support.h"
#include "models/result/format.h"
#include "models/spec/enum_names.h"
#include "models/spec/units.h"

namespace shardsim {
namespace {

// What a latency rule reads: the scenario, the run (its producers and the findings so far) and the
// consumer.
struct LatencyContext {
  const Scenario& scenario;
  const RunResult& run;
  const ConsumerSpec& spec;
  const ConsumerResult& result;
  int index = -1;
  double objective_ms = 0;
};

// The producer side of the end-to-end latency: records' time from creation to acceptance in the
// producers that feed the consumer (Direct PUT producers for a Direct PUT Firehose, else the
// stream's), weighted by the records each had accepted; and the feeding producer that holds its
// records longest at p99.
struct ProducerSide {
  double p99_ms = 0;
  double p50_ms = 0;
  int slowest = -1;  // index in run.producers
};

ProducerSide ProducerSideOf(const LatencyContext& x) {
  ProducerSide side;
  const bool direct_put =
      x.result.firehose && x.result.firehose->source == Name(FirehoseSource::kDirectPut);
  double weight = 0;
  for (size_t i = 0; i < x.run.producers.size() && i < x.scenario.producers.size(); ++i) {
    const ProducerResult& p = x.run.producers[i];
    const std::string& target = x.scenario.producers[i].target;
    if ((direct_put ? target != x.result.name : !target.empty()) || p.record_latency.count == 0) {
      continue;
    }
    const auto w = static_cast<double>(p.records_accepted);
    side.p99_ms += w * p.record_latency.p99_ms;
    side.p50_ms += w * p.record_latency.p50_ms;
    weight += w;
    if (side.slowest < 0 ||
        p.record_latency.p99_ms >
            x.run.producers[static_cast<size_t>(side.slowest)].record_latency.p99_ms) {
      side.slowest = static_cast<int>(i);
    }
  }
  if (weight > 0) {
    side.p99_ms /= weight;
    side.p50_ms /= weight;
  }
  return side;
}

// The producer-side part dominates: what holds records there. The buffer a record waits in before
// its call (KPL RecordMaxBufferedTime, PutRecords linger), throttled writes being retried, or a
// producer backlog.
std::string ProducerLatencyAdvice(const LatencyContext& x, const ProducerSide& side) {
  const auto pi = static_cast<size_t>(side.slowest);
  const ProducerSpec& p = x.scenario.producers[pi];
  const ProducerResult& pr = x.run.producers[pi];
  std::string out = "Most of it is spent in the producers: records wait p99 " +
                    MillisWhole(side.p99_ms) +
                    " from creation to acceptance by the stream, before any consumer sees them";
  out += side.p99_ms > x.objective_ms
             ? " (more than the whole objective, so no consumer setting can meet it). "
             : ". ";
  const bool kpl = p.api.type == ApiType::kKpl;
  const SimDuration buffer =
      kpl ? p.api.record_max_buffered_time
          : (p.api.type == ApiType::kPutRecords ? p.api.linger : SimDuration::Zero());
  std::vector<std::string> fixes;
  if (buffer.millis() >= 0.25 * pr.record_latency.p99_ms && buffer > SimDuration::Zero()) {
    fixes.push_back(std::string("lower ") + (kpl ? "record_max_buffered_time" : "linger") +
                    " of producer " + p.name + " (now " + FormatDuration(buffer) +
                    "): a record waits up to it for its " +
                    (kpl ? "aggregate and collection" : "batch") +
                    " to fill; fewer records per call is the price");
  }
  if (pr.records_throttled > 0 && FindFinding(x.run.findings, FindingKind::kWriteThrottling)) {
    fixes.emplace_back(
        "stop the write throttling that makes records wait for retries (see "
        "write_throttling)");
  }
  for (const Finding& f : x.run.findings) {
    if (f.kind == FindingKind::kProducerBacklog && f.producer == side.slowest) {
      fixes.push_back("clear producer " + p.name + "'s backlog (see producer_backlog)");
    }
  }
  if (fixes.empty()) {
    fixes.push_back("make producer " + p.name + "'s calls faster (p99 put latency " +
                    MillisWhole(pr.put_latency.p99_ms) + ")");
  }
  return out + Sentences(fixes);
}

// Records queue in front of a Lambda mapping that cannot keep up: its throughput levers.
std::string LambdaBacklogAdvice(const LatencyContext& x, double hot_arrivals_per_s,
                                double stream_arrivals_per_s) {
  const LambdaSpec& l = x.spec.lambda;
  const double bytes = MeanRecordBytes(x.run);
  // A backlogged mapping's invocations are full batches: the measured ones when there are some.
  const bool measured = x.result.lambda && x.result.lambda->duration.count > 0;
  const LambdaThroughput t =
      measured ? LambdaAsMeasured(l, *x.result.lambda, bytes) : LambdaAtFullBatches(l, bytes);
  const bool see =
      FindFinding(x.run.findings, FindingKind::kIteratorAgeGrowing, x.index) != nullptr;
  return "Records queue because the mapping cannot keep up" +
         std::string(see ? " (see iterator_age_growing)" : "") +
         ": a shard's invocations complete about " + Count(std::round(t.ShardRecordsPerS())) +
         " records/s, against " + Count(std::round(hot_arrivals_per_s)) +
         " arriving on the busiest shard. " +
         LambdaThroughputLevers(l, t, hot_arrivals_per_s / 0.8, stream_arrivals_per_s, true);
}

// A Lambda mapping that keeps up: the largest of the window a batch waits for, the invocation
// itself and the reading.
std::string LambdaLatencyAdvice(const LatencyContext& x) {
  const LambdaSpec& l = x.spec.lambda;
  const ConsumerResult& c = x.result;
  double hot_arrivals = 0, arrivals = 0;
  for (const ShardResult& s : x.run.shards) {
    const double a = static_cast<double>(s.records_in) / std::max(x.run.duration_s, 1e-9);
    hot_arrivals = std::max(hot_arrivals, a);
    arrivals += a;
  }
  const LambdaThroughput full = LambdaAtFullBatches(l, MeanRecordBytes(x.run));
  if (FindFinding(x.run.findings, FindingKind::kIteratorAgeGrowing, x.index) ||
      hot_arrivals >= 0.9 * full.ShardRecordsPerS()) {
    return LambdaBacklogAdvice(x, hot_arrivals, arrivals);
  }
  const double window_ms = static_cast<double>(l.batching_window.millis());
  const double invoke_ms = c.lambda ? c.lambda->duration.p99_ms : 0;
  const double read_ms = c.propagation.count > 0 ? c.propagation.mean_ms : 0;
  struct Part {
    double ms;
    std::string advice;
  };
  std::vector<Part> parts;
  if (window_ms > 0) {
    parts.push_back({window_ms, "lower batching_window (now " + FormatDuration(l.batching_window) +
                                    "): a record waits up to it for its batch to fill"});
  }
  const double batch_mean = c.lambda ? c.lambda->batch_records.mean : 0;
  const LambdaThroughput t =
      c.lambda ? LambdaAsMeasured(l, *c.lambda, MeanRecordBytes(x.run)) : full;
  parts.push_back(
      {invoke_ms,
       "shorten the invocations (p99 " + MillisWhole(invoke_ms) + " for batches of " +
           Count(std::round(batch_mean)) + " records on average)" +
           (!t.PerBatchBinds() && l.batch_size > 1
                ? ": per-record time binds, so a lower batch_size (now " +
                      std::to_string(l.batch_size) + ") shortens each invocation, or make the " +
                      "function faster per record"
                : ": make the function faster per invocation")});
  if (l.source == LambdaSource::kPolling) {
    parts.push_back({read_ms,
                     "read through enhanced fan-out (source \"efo\"): polling delivers "
                     "records about " +
                         MillisWhole(read_ms) + " after they arrive, a push about 70ms"});
  }
  std::stable_sort(parts.begin(), parts.end(),
                   [](const Part& a, const Part& b) { return a.ms > b.ms; });
  std::vector<std::string> advice;
  for (const Part& p : parts) {
    if (advice.empty() || p.ms >= 0.25 * parts[0].ms) advice.push_back(p.advice);
  }
  return Sentences(advice);
}

// What moves a consumer's p99 latency (creation -> processed) down, by consumer kind, once the
// producers' part is not the larger one.
std::string ConsumerLatencyAdvice(const LatencyContext& x, double consumer_side_ms) {
  const ConsumerSpec& c = x.spec;
  const ConsumerResult& r = x.result;
  const bool behind = FindFinding(x.run.findings, FindingKind::kIteratorAgeGrowing, x.index);
  switch (c.type) {
    case ConsumerType::kFirehose: {
      const FirehoseBufferingSpec& b = c.firehose.buffering;
      // A record waits at most the interval in its buffer; the rest is delivery.
      const double interval_ms = static_cast<double>(b.interval.millis());
      const double delivery_ms =
          r.firehose ? std::max(0.0, r.firehose->delivery_latency.p99_ms - interval_ms) : 0.0;
      const double room_s = std::max(0.0, (x.objective_ms - delivery_ms) / 1000 * 0.8);
      const std::string dp = c.firehose.dynamic_partitioning.enabled
                                 ? " (dynamic partitioning adds a buffering stage, about 1.5x "
                                   "the interval)."
                                 : ".";
      if (room_s * 1000 >= interval_ms) {
        return "The " + FormatDuration(b.interval) +
               " buffering interval fits the objective: the rest is delivery (p99 about " +
               MillisWhole(delivery_ms) + " beyond the buffer) and reading" + dp;
      }
      return "Records wait in the Firehose buffer until it reaches " + FormatBytes(b.size_bytes) +
             " or " + FormatDuration(b.interval) + " pass: lower buffering.interval to about " +
             std::to_string(static_cast<int64_t>(room_s)) +
             "s (0 = zero buffering) or the size hint; smaller objects are the price" + dp;
    }
    case ConsumerType::kLambda:
      return LambdaLatencyAdvice(x);
    case ConsumerType::kEfo:
      return behind ? "The consumer falls behind (see iterator_age_growing): make processing "
                      "faster or add shards."
                    : "Enhanced fan-out already pushes within ~70ms: the latency is processing; "
                      "make processing faster.";
    case ConsumerType::kPolling:
    case ConsumerType::kKcl: {
      if (behind) {
        return "The consumer falls behind (see iterator_age_growing): records wait in the "
               "backlog, so its cause comes first.";
      }
      const SimDuration wait =
          c.type == ConsumerType::kKcl ? c.kcl.idle_time_between_reads : c.polling.poll_interval;
      int apps = 0;
      for (const ConsumerSpec& o : x.scenario.consumers) apps += SharesReadLimits(o);
      const int64_t calls = x.scenario.stream.read_limits.get_records_per_sec;
      // Polling applications share the shard's calls: each may poll about every apps / calls s.
      const double floor_ms = 1000.0 * std::max(1, apps) / static_cast<double>(calls);
      const double read_ms = r.propagation.count > 0 ? r.propagation.mean_ms : 0;
      std::string out;
      if (read_ms >= 0.5 * consumer_side_ms &&
          static_cast<double>(wait.millis()) > floor_ms * 1.5) {
        out = "Records wait for the next poll (delivered about " + MillisWhole(read_ms) +
              " after arrival): poll more often (" +
              (c.type == ConsumerType::kKcl ? "idle_time_between_reads" : "poll_interval") +
              " now " + FormatDuration(wait) + "; " + std::to_string(std::max(1, apps)) +
              " polling " + std::string(apps == 1 ? "application shares" : "applications share") +
              " " + std::to_string(calls) +
              " calls/s per shard), or move to enhanced fan-out "
              "(~70ms push).";
      } else if (read_ms >= 0.5 * consumer_side_ms) {
        out = "Records wait for the next poll (delivered about " + MillisWhole(read_ms) +
              " after arrival) and the shard's " + std::to_string(calls) +
              " calls/s leave no faster polling: move to enhanced fan-out (~70ms push).";
      } else {
        out = "Processing takes most of it: make processing faster (per record and per batch).";
      }
      return out;
    }
  }
  return "";
}

// An slo_violated finding: every objective missed is critical.
Finding Violation(std::string subject, std::string evidence, std::string recommendation) {
  Finding f = NewFinding(FindingKind::kSloViolated, Severity::kCritical, std::move(subject));
  f.evidence = std::move(evidence);
  f.recommendation = std::move(recommendation);
  return f;
}

std::optional<Finding> P99LatencyMissed(const LatencyContext& x) {
  const ConsumerResult& c = x.result;
  const SloSpec& slo = *x.scenario.slos;
  if (!(slo.p99_latency && c.latency.count > 0 && c.latency.p99_ms > x.objective_ms)) {
    return std::nullopt;
  }
  // Quantiles do not subtract exactly; the producers' p99 against the end-to-end p99 says which
  // side holds most of it.
  const ProducerSide side = ProducerSideOf(x);
  const double consumer_side_ms = std::max(0.0, c.latency.p99_ms - side.p99_ms);
  const bool producers_dominate = side.slowest >= 0 && side.p99_ms >= 0.5 * c.latency.p99_ms;
  Finding f = Violation(
      c.name,
      "p99 latency (creation to " + std::string(c.firehose ? "object written" : "processed") +
          ") is " + MillisWhole(c.latency.p99_ms) + ", over the " +
          FormatDuration(*slo.p99_latency) + " objective (p50 " + MillisWhole(c.latency.p50_ms) +
          "); of it, records spend p99 " + MillisWhole(side.p99_ms) +
          " in the producers (creation to acceptance) and about " + MillisWhole(consumer_side_ms) +
          " after",
      producers_dominate ? ProducerLatencyAdvice(x, side)
                         : ConsumerLatencyAdvice(x, consumer_side_ms));
  f.consumer = x.index;
  if (producers_dominate) f.producer = side.slowest;
  AddFigures(&f, {{"objective_p99_latency_ms", x.objective_ms},
                  {"p99_latency_ms", c.latency.p99_ms},
                  {"p50_latency_ms", c.latency.p50_ms},
                  {"producer_p99_latency_ms", side.p99_ms},
                  {"consumer_side_latency_ms", consumer_side_ms}});
  return f;
}

// The findings of consumer `ci` that explain a lag, as "see a, b" text; empty when it has none.
std::string LagFindingsOf(const std::vector<Finding>& findings, int ci) {
  std::vector<std::string> kinds;
  for (const Finding& f : findings) {
    if (f.consumer != ci || f.kind == FindingKind::kSloViolated) continue;
    const std::string name(FindingKindName(f.kind));
    if (std::find(kinds.begin(), kinds.end(), name) == kinds.end()) kinds.push_back(name);
  }
  return JoinAnd(kinds);
}

std::optional<Finding> IteratorAgeMissed(const SloSpec& slo, const ConsumerSpec& spec,
                                         const ConsumerResult& c, int ci,
                                         const std::vector<Finding>& findings) {
  // A Direct PUT Firehose has no iterator.
  const bool has_iterator = !(c.firehose && c.firehose->source == Name(FirehoseSource::kDirectPut));
  if (!(slo.max_iterator_age && has_iterator &&
        c.iterator_age_max_ms > static_cast<double>(slo.max_iterator_age->millis()))) {
    return std::nullopt;
  }
  const std::string causes = LagFindingsOf(findings, ci);
  std::string advice;
  if (!causes.empty()) {
    advice = "The consumer falls behind: see " + causes + " for the cause.";
  } else if (!spec.outages.empty()) {
    advice =
        "No lasting lag was found: the age comes from the consumer's outage and the catch-up "
        "after it. Shorten the outage, or make the consumer catch up faster.";
  } else {
    advice =
        "No lasting lag was found: the age peaked in a burst or a catch-up and came back (see "
        "the consumer's iterator-age series); more processing headroom shortens such peaks.";
  }
  Finding f = Violation(c.name,
                        "iterator age reached " + MillisWhole(c.iterator_age_max_ms) + " (p99 " +
                            MillisWhole(c.iterator_age_p99_ms) + "), over the " +
                            FormatDuration(*slo.max_iterator_age) + " objective",
                        advice);
  f.consumer = ci;
  AddFigures(&f, {{"objective_max_iterator_age_ms", slo.max_iterator_age->millis()},
                  {"iterator_age_max_ms", c.iterator_age_max_ms},
                  {"iterator_age_p99_ms", c.iterator_age_p99_ms}});
  return f;
}

// The stream's write throttling and its busiest shard's utilisation.
struct WriteLoad {
  uint64_t throttled = 0;
  uint64_t offered = 0;
  double busiest_utilization = 0;
  const ShardResult* busiest = nullptr;
};

WriteLoad WriteLoadOf(const RunResult& r) {
  WriteLoad w;
  for (const ShardResult& s : r.shards) {
    w.throttled += s.throttled_records;
    w.offered += s.records_offered;
    const double u = std::max(s.peak_demand_records_per_s / r.write_limit_records_per_sec,
                              s.peak_demand_bytes_per_s / r.write_limit_bytes_per_sec);
    if (u > w.busiest_utilization) {
      w.busiest_utilization = u;
      w.busiest = &s;
    }
  }
  return w;
}

// "see write_throttling, hot_key and hot_shard": the write findings of this run that explain a
// missed write objective, with what each advises in short.
std::string WriteAdvice(const std::vector<Finding>& findings) {
  std::vector<std::string> see, fix;
  if (FindFinding(findings, FindingKind::kHotKey)) {
    see.emplace_back("hot_key");
    fix.emplace_back("salt the hot key");
  }
  if (FindFinding(findings, FindingKind::kHotShard)) {
    see.emplace_back("hot_shard");
    fix.emplace_back("split the hot shard");
  }
  if (const Finding* t = FindFinding(findings, FindingKind::kWriteThrottling)) {
    see.insert(see.begin(), "write_throttling");
    if (FigureOf(*t, "shards_needed")) {
      fix.emplace_back("add shards");
    } else if (fix.empty()) {
      fix.emplace_back("add headroom or smooth producer bursts");
    }
  }
  if (see.empty()) return "Add shards or spread the keys.";
  return "See " + JoinAnd(see) + ": " + JoinAnd(fix) + ".";
}

std::optional<Finding> WriteThrottleMissed(const SloSpec& slo, const WriteLoad& w,
                                           const std::vector<Finding>& findings) {
  if (!(slo.max_write_throttle_fraction && w.offered > 0)) return std::nullopt;
  const double fraction = static_cast<double>(w.throttled) / static_cast<double>(w.offered);
  if (!(fraction > *slo.max_write_throttle_fraction)) return std::nullopt;
  Finding f =
      Violation("stream",
                PercentTwoDecimals(fraction) + " of record attempts were throttled, over the " +
                    PercentTwoDecimals(*slo.max_write_throttle_fraction) + " objective",
                WriteAdvice(findings));
  AddFigures(&f, {{"objective_max_write_throttle_fraction", *slo.max_write_throttle_fraction},
                  {"write_throttle_fraction", fraction}});
  return f;
}

// What brings the busiest shard under the objective: split it when it is a hot shard, salt its key
// when one key alone is over, else more shards for the stream as a whole.
std::string ShardUtilizationAdvice(const WriteLoad& w, double objective, int open,
                                   const std::vector<Finding>& findings) {
  const int busiest = w.busiest ? w.busiest->index : -1;
  for (const Finding& f : findings) {
    if (f.shard != busiest) continue;
    if (f.kind == FindingKind::kHotShard) return "Split it (see hot_shard).";
    if (f.kind == FindingKind::kHotKey) {
      return "One key alone carries most of it: salt that key (see hot_key); a split cannot "
             "help.";
    }
  }
  // Keys spread about evenly: every shard runs near this load, so the stream needs more shards.
  const auto needed = static_cast<int64_t>(std::ceil(
      static_cast<double>(open) * w.busiest_utilization / std::max(objective, 1e-9) - 1e-9));
  return "No key or shard is skewed enough to split: the stream as a whole runs this hot. About " +
         CountNoun(static_cast<uint64_t>(std::max<int64_t>(needed, open + 1)), "shard", "shards") +
         " (now " + std::to_string(open) +
         ") bring the busiest shard under the objective at the same key spread." +
         std::string(kFirstEstimate);
}

std::optional<Finding> ShardUtilizationMissed(const SloSpec& slo, const WriteLoad& w, int open,
                                              const std::vector<Finding>& findings) {
  if (!(slo.max_shard_utilization && w.busiest_utilization > *slo.max_shard_utilization)) {
    return std::nullopt;
  }
  // No busiest shard (no demand at all) can miss only a negative objective: no subject then.
  const std::string busiest = w.busiest ? w.busiest->shard_id : std::string();
  Finding f = Violation(busiest,
                        "the busiest second of demand reaches " +
                            PercentTwoDecimals(w.busiest_utilization) +
                            " of a shard's write limit on " + busiest + ", over the " +
                            PercentTwoDecimals(*slo.max_shard_utilization) + " objective",
                        ShardUtilizationAdvice(w, *slo.max_shard_utilization, open, findings));
  f.shard = w.busiest ? w.busiest->index : -1;
  AddFigures(&f, {{"objective_max_shard_utilization", *slo.max_shard_utilization},
                  {"shard_utilization", w.busiest_utilization}});
  return f;
}

// The projected monthly cost against its objective, with the cost findings' levers as the fix.
std::optional<Finding> CostMissed(const SloSpec& slo, const RunResult& r) {
  if (!(slo.max_monthly_cost_usd && r.cost && r.cost->priced &&
        r.cost->total_per_month_usd > *slo.max_monthly_cost_usd)) {
    return std::nullopt;
  }
  const CostResult& cost = *r.cost;
  const CostItem* top = nullptr;
  for (const CostItem& item : cost.items) {
    if (top == nullptr || item.per_month_usd > top->per_month_usd) top = &item;
  }
  std::vector<std::string> levers;
  double saving = 0;
  for (const Finding& f : r.findings) {
    const std::optional<double> s = FigureOf(f, "saving_per_month_usd");
    if (!s) continue;
    levers.push_back(std::string(FindingKindName(f.kind)) + " (" + Usd(*s) + ")");
    saving += *s;
  }
  std::string advice;
  if (!levers.empty()) {
    advice = "The cost findings save up to " + Usd(saving) + "/month: see " + JoinAnd(levers) + ".";
  } else if (top != nullptr) {
    advice = "The largest item is " + top->dimension +
             (top->subject.empty() ? "" : " (" + top->subject + ")") + " at " +
             Usd(top->per_month_usd) + "/month: reduce what it bills.";
  }
  Finding f = Violation("stream",
                        "The projected cost is " + Usd(cost.total_per_month_usd) +
                            "/month (730 h at this run's rates) against a " +
                            Usd(*slo.max_monthly_cost_usd) + " objective",
                        advice);
  AddFigures(&f, {{"objective_max_monthly_cost_usd", *slo.max_monthly_cost_usd},
                  {"cost_per_month_usd", cost.total_per_month_usd}});
  return f;
}

}  // namespace

void AddSloFindings(const Scenario& scenario, RunResult* result) {
  if (!scenario.slos) return;
  const SloSpec& slo = *scenario.slos;
  std::vector<Finding>& out = result->findings;
  for (size_t i = 0; i < result->consumers.size(); ++i) {
    const ConsumerResult& c = result->consumers[i];
    const ConsumerSpec* spec = SpecOf(scenario, c.name);
    if (spec == nullptr) continue;
    const LatencyContext x{
        .scenario = scenario,
        .run = *result,
        .spec = *spec,
        .result = c,
        .index = static_cast<int>(i),
        .objective_ms = slo.p99_latency ? static_cast<double>(slo.p99_latency->millis()) : 0.0};
    Append(&out, P99LatencyMissed(x));
    Append(&out, IteratorAgeMissed(slo, *spec, c, static_cast<int>(i), out));
  }
  const WriteLoad load = WriteLoadOf(*result);
  Append(&out, WriteThrottleMissed(slo, load, out));
  const auto open =
      static_cast<int>(std::count_if(result->shards.begin(), result->shards.end(),
                                     [](const ShardResult& s) { return s.state == "OPEN"; }));
  Append(&out, ShardUtilizationMissed(slo, load, open, out));
  Append(&out, CostMissed(slo, *result));
}

}  // namespace shardsim
