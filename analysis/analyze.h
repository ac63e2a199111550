// What a finished run means: every finding (write path, read path, managed consumers), its cost
// and the cost levers, and the SLO checks, appended to the run's result. Pure functions of
// (scenario, prices, run output); thread-compatible.
#pragma once

#include <string>

#include "analysis/cost/cost_model.h"
#include "models/run/run.h"
#include "models/spec/scenario.h"

namespace shardsim {

// Appends the findings of `out` to out->result.findings, in a fixed order: write path, read path
// (including the managed consumers), the stream's operations, cost (out->result.cost from its
// billing quantities and `prices`; unpriced with `unpriced_note` when `prices` is null), then the
// scenario's objectives. With a warm-up (out->warmup) the findings and objectives judge the run
// after it: throttles, retries, drops, duplicates and timeouts of the warm-up are left out
// (result.warmup states them); the cost covers the whole run.
void AnalyzeRun(const Scenario& scenario, const PriceTable* prices,
                const std::string& unpriced_note, RunOutput* out);

// result->cost from result->billing: priced with `prices`, or unpriced with `unpriced_note`.
void PriceResult(const PriceTable* prices, const std::string& unpriced_note, RunResult* result);

}  // namespace shardsim
