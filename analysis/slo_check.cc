// SLO findings. See slo_check.h.
#include "analysis/slo_check.h"

#include <algorithm>
#include <cstdio>
#include <string>

#include "models/spec/enum_names.h"
#include "models/spec/units.h"

namespace shardsim {
namespace {

std::string Ms(double ms) {
  char buf[64];
  if (ms >= 10'000) {
    std::snprintf(buf, sizeof buf, "%.1fs", ms / 1000);
  } else {
    std::snprintf(buf, sizeof buf, "%.0fms", ms);
  }
  return buf;
}

std::string Pct(double f) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.2f%%", f * 100);
  return buf;
}

const ConsumerSpec* SpecOf(const Scenario& s, const std::string& name) {
  for (const ConsumerSpec& c : s.consumers) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

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

}  // namespace

void AddSloFindings(const Scenario& scenario, RunResult* result) {
  if (!scenario.slos) return;
  const SloSpec& slo = *scenario.slos;
  std::vector<Finding>& out = result->findings;
  auto add = [&](std::string subject, std::string evidence, std::string recommendation) {
    out.push_back({FindingKind::kSloViolated,
                   Severity::kCritical,
                   std::move(subject),
                   std::move(evidence),
                   std::move(recommendation),
                   "",
                   -1,
                   -1,
                   -1,
                   {}});
  };
  for (const ConsumerResult& c : result->consumers) {
    const ConsumerSpec* spec = SpecOf(scenario, c.name);
    if (spec == nullptr) continue;
    if (slo.p99_latency && c.latency.count > 0 &&
        c.latency.p99_ms > static_cast<double>(slo.p99_latency->millis())) {
      add(c.name,
          "p99 latency (creation to " + std::string(c.firehose ? "object written" : "processed") +
              ") is " + Ms(c.latency.p99_ms) + ", over the " + FormatDuration(*slo.p99_latency) +
              " objective (p50 " + Ms(c.latency.p50_ms) + ")",
          LatencyAdvice(*spec, c, static_cast<double>(slo.p99_latency->millis())));
    }
    // A Direct PUT Firehose has no iterator.
    const bool has_iterator =
        !(c.firehose && c.firehose->source == Name(FirehoseSource::kDirectPut));
    if (slo.max_iterator_age && has_iterator &&
        c.iterator_age_max_ms > static_cast<double>(slo.max_iterator_age->millis())) {
      add(c.name,
          "iterator age reached " + Ms(c.iterator_age_max_ms) + " (p99 " +
              Ms(c.iterator_age_p99_ms) + "), over the " + FormatDuration(*slo.max_iterator_age) +
              " objective",
          "The consumer falls behind: see its iterator_age_growing, read_throttling or "
          "lambda findings for the cause.");
    }
  }
  uint64_t throttled = 0, offered = 0;
  double util = 0;
  std::string busiest;
  for (const ShardResult& s : result->shards) {
    throttled += s.throttled_records;
    offered += s.records_offered;
    const double u = std::max(s.peak_demand_records_per_s / result->write_limit_records_per_sec,
                              s.peak_demand_bytes_per_s / result->write_limit_bytes_per_sec);
    if (u > util) {
      util = u;
      busiest = s.shard_id;
    }
  }
  if (slo.max_write_throttle_fraction && offered > 0) {
    const double f = static_cast<double>(throttled) / static_cast<double>(offered);
    if (f > *slo.max_write_throttle_fraction) {
      add("stream",
          Pct(f) + " of record attempts were throttled, over the " +
              Pct(*slo.max_write_throttle_fraction) + " objective",
          "See write_throttling and hot_shard: add shards or spread the keys.");
    }
  }
  if (slo.max_shard_utilization && util > *slo.max_shard_utilization) {
    add(busiest,
        "the busiest second of demand reaches " + Pct(util) + " of a shard's write limit on " +
            busiest + ", over the " + Pct(*slo.max_shard_utilization) + " objective",
        "Split the hot shard (see hot_shard) or add shards.");
  }
}

}  // namespace shardsim
