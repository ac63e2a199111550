// The result of a size search (planner/size.h), as plain structs: what `shardsim size` prints and
// writes to size.json (reports/size_output.h), and what a size report reads. No behaviour beyond
// naming settings in text.
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "models/result/run_result.h"

namespace shardsim {

// A mean over replications with its 95 % confidence half-width (Student's t; 0 for one run).
struct MeanCi {
  double mean = 0;
  double half_width = 0;
};

struct ConsumerSetting {
  std::string consumer;
  std::string field;  // "parallelization_factor", "batch_size", "workers"
  int64_t value = 0;
  int64_t was = 0;  // the scenario's value

  auto operator<=>(const ConsumerSetting&) const = default;
  bool operator==(const ConsumerSetting&) const = default;
};

// "enricher parallelization_factor 3 (was 1), ..." ("" for none).
inline std::string SettingsText(const std::vector<ConsumerSetting>& settings) {
  std::string out;
  for (const ConsumerSetting& s : settings) {
    if (!out.empty()) out += ", ";
    out += s.consumer + " " + s.field + " " + std::to_string(s.value) + " (was " +
           std::to_string(s.was) + ")";
  }
  return out;
}

struct ConsumerLatency {
  std::string consumer;
  MeanCi p99_ms;
};

struct Evaluation {
  std::string variant;  // "shared reads" (the scenario's consumers) or "enhanced fan-out"
  int64_t shards = 0;
  std::vector<ConsumerSetting> settings;  // changed from the scenario
  int replications = 0;
  int slo_met = 0;  // replications meeting every objective but cost
  bool cost_met = true;
  MeanCi cost_per_month_usd;
  MeanCi throttled_fraction;
  std::vector<ConsumerLatency> p99_latency;  // per consumer with latency samples
  std::string missed;  // the first failing replication's first missed objective, or ""
  bool Met() const { return slo_met == replications; }
};

struct PreScreen {
  int64_t estimate = 1;  // fewest shards the analytic model says meet the write, read and consumers
  std::string binding;   // what sets the estimate
  double peak_records_per_s = 0;  // the stream's busiest second of expected arrivals
  double peak_bytes_per_s = 0;
  double busiest_share = 0;  // the busiest shard's expected share of the stream at the estimate
  bool poisson = false;      // arrivals vary second to second (Poisson peaks added)
  int shared_readers = 0;    // consumers sharing each shard's GetRecords limits
  int64_t consumer_floor = 0;
  std::string consumer_floor_reason;
  int64_t aws_formula = 1;  // max(write / 1 MiB/s, records / 1,000, read / 2 MiB/s), rounded up
  std::string aws_formula_detail;
};

// The on-demand alternative: the recommended configuration run in on-demand mode with the same
// seeds and replications (planner/size.h).
struct OnDemandQuote {
  bool priced = false;
  double cost_per_month_usd = 0;         // mean over the replications of the simulated billing
  std::string basis;                     // how it was simulated and priced
  std::optional<Evaluation> evaluation;  // its simulation (variant "on-demand"); none: not run
  int max_open_shards = 0;               // the most shards open in replication 0
};

struct SizeResult {
  std::string scenario;
  std::vector<std::string> objectives;
  int64_t min_shards = 0, max_shards = 0;
  int replications = 0;
  PreScreen prescreen;
  std::optional<int64_t> recommended_shards;  // none: no count up to max_shards meets them
  std::vector<ConsumerSetting> recommended_settings;
  std::string why_not_fewer;          // the objective that fails at recommended - 1
  std::string formula_comparison;     // why the AWS formula's count differs (or agrees)
  std::vector<Evaluation> evaluated;  // the scenario's reads, in evaluation order
  std::optional<Evaluation> efo;      // the enhanced fan-out alternative's answer
  std::string efo_note;               // why there is none, or what it found
  OnDemandQuote on_demand;
  std::string cheapest;  // the cheapest configuration meeting the objectives, in words
  std::optional<double> cheapest_cost_per_month_usd;
  std::vector<std::string> notes;
  std::optional<RunResult> recommended_result;  // replication 0 of the recommendation
};

}  // namespace shardsim
