// SLO findings. See slo_check.h.
#include "analysis/slo_check.h"

#include <algorithm>
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

std::optional<Finding> IteratorAgeMissed(const SloSpec& slo, const ConsumerResult& c, int ci) {
  // A Direct PUT Firehose has no iterator.
  const bool has_iterator = !(c.firehose && c.firehose->source == "direct_put");
  if (!(slo.max_iterator_age && has_iterator &&
        c.iterator_age_max_ms > static_cast<double>(slo.max_iterator_age->millis()))) {
    return std::nullopt;
  }
  Finding f = Violation(c.name,
                        "iterator age reached " + MillisWhole(c.iterator_age_max_ms) + " (p99 " +
                            MillisWhole(c.iterator_age_p99_ms) + "), over the " +
                            FormatDuration(*slo.max_iterator_age) + " objective",
                        "The consumer falls behind: see its iterator_age_growing, read_throttling "
                        "or lambda findings for the cause.");
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

std::optional<Finding> WriteThrottleMissed(const SloSpec& slo, const WriteLoad& w) {
  if (!(slo.max_write_throttle_fraction && w.offered > 0)) return std::nullopt;
  const double fraction = static_cast<double>(w.throttled) / static_cast<double>(w.offered);
  if (!(fraction > *slo.max_write_throttle_fraction)) return std::nullopt;
  Finding f =
      Violation("stream",
                PercentTwoDecimals(fraction) + " of record attempts were throttled, over the " +
                    PercentTwoDecimals(*slo.max_write_throttle_fraction) + " objective",
                "See write_throttling and hot_shard: add shards or spread the keys.");
  AddFigures(&f, {{"objective_max_write_throttle_fraction", *slo.max_write_throttle_fraction},
                  {"write_throttle_fraction", fraction}});
  return f;
}

std::optional<Finding> ShardUtilizationMissed(const SloSpec& slo, const WriteLoad& w) {
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
                        "Split the hot shard (see hot_shard) or add shards.");
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
    Append(&out, IteratorAgeMissed(slo, c, static_cast<int>(i)));
  }
  const WriteLoad load = WriteLoadOf(*result);
  Append(&out, WriteThrottleMissed(slo, load));
  Append(&out, ShardUtilizationMissed(slo, load));
}

}  // namespace shardsim
