// Service-level objectives of a scenario (`slos`) checked against a run: one "slo_violated"
// finding per objective and subject that misses it, with what to change. Pure functions of the
// run's results; thread-compatible.
#pragma once

#include "models/result/run_result.h"
#include "models/spec/scenario.h"

namespace shardsim {

// Appends the SLO findings to result->findings. REQUIRES: result->shards, producers and consumers
// filled (consumers in scenario order). No-op without scenario.slos. max_monthly_cost_usd is
// checked against result->cost (set before this is called; an unpriced run cannot have a cost
// objective, see ResolvePrices).
void AddSloFindings(const Scenario& scenario, RunResult* result);

}  // namespace shardsim
