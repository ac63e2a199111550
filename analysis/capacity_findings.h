// Findings of the capacity mode (fact sheet 5, 9): on-demand against provisioned for the same
// traffic, and on-demand throttling when traffic more than doubles within 15 minutes.
//   on_demand_cheaper (info, provisioned run, priced): on-demand's monthly cost for the run's
//     traffic (the run's quantities counted as an on-demand stream's, as `shardsim size` counts
//     them) when it is below the provisioned run's.
//   provisioned_alternative (info, on-demand run): the provisioned shards that carry the run's
//     busiest second of demand at the write limits, their monthly cost against on-demand's when
//     priced, and how the stream scaled; `shardsim size` checks the count by simulation.
//   on_demand_throttled (warning, on-demand run with write throttling): the first throttled
//     minute, the traffic offered in it against the peak up to 15 minutes earlier (the doubling),
//     and when the throttling ended.
// Pure; thread-compatible.
#pragma once

#include <vector>

#include "analysis/cost/cost_model.h"
#include "models/result/run_result.h"
#include "models/spec/scenario.h"

namespace shardsim {

// `series`: the run's series (the per-shard tables; the findings of a run with a warm-up are
// judged on a copy without them). `prices` may be null (no costs named).
void AddCapacityModeFindings(const Scenario& scenario, const PriceTable* prices,
                             const std::vector<SeriesTable>& series, RunResult* r);

}  // namespace shardsim
