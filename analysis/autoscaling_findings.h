// What a stream that changed shape under load means (fact sheet 3, 10): write throttling and
// iterator age around each resharding call (OperationResult's episode figures), and three
// findings -- an autoscaler that reacted too late (which delay dominated, and what a shorter
// evaluation window or a lower target did when simulated: the planner runs the what-ifs
// AutoscalerWhatIfs names and passes their results in), a split that cannot help (one key above
// a shard's limit moves to a child, it is not divided), and cold adjacent shards worth merging
// (with the monthly saving). Pure functions of their arguments; thread-compatible.
#pragma once

#include <string>
#include <vector>

#include "models/result/run_result.h"
#include "models/run/run.h"
#include "models/spec/scenario.h"

namespace shardsim {

// Throttling that lasts longer than this during a ramp answered by the autoscaler is late.
inline constexpr double kAutoscalerLateSeconds = 5 * 60;
// Cold pair: combined busiest second below this share of one shard's limits.
inline constexpr double kMergeHeadroom = 0.5;

// Fills each operation's throttling episode and iterator-age figures from the result's series
// (shard tables "shardId-…", consumer columns "iterator_age_ms"). Idempotent.
void MeasureAroundOperations(RunResult* r);

// The reruns that check the advice of autoscaler_too_late, when the run has such an episode:
// the scenario with a one-period alarm, and with a lower target utilisation. Empty otherwise.
struct AutoscalerWhatIf {
  std::string change;  // "evaluation_periods 1", "target_utilization 0.5"
  Scenario scenario;
};
std::vector<AutoscalerWhatIf> AutoscalerWhatIfs(const Scenario& scenario, const RunResult& r);

// Appends autoscaler_too_late (with `what_ifs`' measured figures), split_cannot_help and
// cold_shards findings. `what_ifs`: the results of AutoscalerWhatIfs' scenarios (may be empty).
void AddAutoscalingFindings(const Scenario& scenario, const std::vector<WhatIfRun>& what_ifs,
                            RunResult* r);

}  // namespace shardsim
