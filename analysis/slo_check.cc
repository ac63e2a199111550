// SLO findings. See slo_check.h.
#include "analysis/slo_check.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "analysis/finding_support.h"
#include "models/result/format.h"
#include "models/spec/units.h"

namespace shardsim {
namespace {

// What moves a consumer's p99 latency (creation -> processed) down, by consumer kind.
std::string LatencyAdvice(const ConsumerSpec& c, const ConsumerResult& r, double slo_ms) {
  switch (c.type) {
    case ConsumerType::kFirehose: {
      const FirehoseBufferingSpec& b = c.firehose.buffering;
      // A record waits at most the interval in its buffer; the rest is delivery.
      const double delivery_ms = r.firehose
                                     ? std::max(0.0, r.firehose->delivery_latency.p99_ms -
                                                         static_cast<double>(b.interval.millis()))
                                     : 0.0;
      const double room_s = std::max(0.0, (slo_ms - delivery_ms) / 1000 * 0.8);
      return "Records wait in the Firehose buffer until it reaches " + FormatBytes(b.size_bytes) +
             " or " + FormatDuration(b.interval) + " pass: lower buffering.interval to about " +
             std::to_string(static_cast<int64_t>(room_s)) +
             "s (0 = zero buffering) or the size hint; smaller objects are the price" +
             (c.firehose.dynamic_partitioning.enabled
                  ? " (dynamic partitioning adds a buffering stage, about 1.5x the interval)."
                  : ".");
    }
    case ConsumerType::kLambda:
      return "Lower batching_window (a batch may wait for it to fill), raise "
             "parallelization_factor, or shorten the function's duration.";
    case ConsumerType::kEfo:
      return "Enhanced fan-out already pushes within ~70ms: the latency is processing or "
             "backlog; make processing faster.";
    case ConsumerType::kPolling:
    case ConsumerType::kKcl:
      return "Poll more often (within the 5 calls/s per shard shared by polling readers), move "
             "to enhanced fan-out (~70ms push), or make processing faster.";
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

std::optional<Finding> P99LatencyMissed(const SloSpec& slo, const ConsumerSpec& spec,
                                        const ConsumerResult& c, int ci) {
  if (!(slo.p99_latency && c.latency.count > 0 &&
        c.latency.p99_ms > static_cast<double>(slo.p99_latency->millis()))) {
    return std::nullopt;
  }
  const double objective_ms = static_cast<double>(slo.p99_latency->millis());
  Finding f = Violation(c.name,
                        "p99 latency (creation to " +
                            std::string(c.firehose ? "object written" : "processed") + ") is " +
                            MillisWhole(c.latency.p99_ms) + ", over the " +
                            FormatDuration(*slo.p99_latency) + " objective (p50 " +
                            MillisWhole(c.latency.p50_ms) + ")",
                        LatencyAdvice(spec, c, objective_ms));
  f.consumer = ci;
  AddFigures(&f, {{"objective_p99_latency_ms", objective_ms},
                  {"p99_latency_ms", c.latency.p99_ms},
                  {"p50_latency_ms", c.latency.p50_ms}});
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
  const bool has_iterator = !(c.firehose && c.firehose->source == "direct_put");
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
         ") bring the busiest shard under the objective at the same key spread.";
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

}  // namespace

void AddSloFindings(const Scenario& scenario, RunResult* result) {
  if (!scenario.slos) return;
  const SloSpec& slo = *scenario.slos;
  std::vector<Finding>& out = result->findings;
  for (size_t i = 0; i < result->consumers.size(); ++i) {
    const ConsumerResult& c = result->consumers[i];
    const ConsumerSpec* spec = SpecOf(scenario, c.name);
    if (spec == nullptr) continue;
    Append(&out, P99LatencyMissed(slo, *spec, c, static_cast<int>(i)));
    Append(&out, IteratorAgeMissed(slo, *spec, c, static_cast<int>(i), out));
  }
  const WriteLoad load = WriteLoadOf(*result);
  Append(&out, WriteThrottleMissed(slo, load, out));
  const auto open =
      static_cast<int>(std::count_if(result->shards.begin(), result->shards.end(),
                                     [](const ShardResult& s) { return s.state == "OPEN"; }));
  Append(&out, ShardUtilizationMissed(slo, load, open, out));
}

}  // namespace shardsim
