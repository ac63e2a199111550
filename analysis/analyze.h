// What a finished run means: every finding (write path, read path, managed consumers) and the
// SLO checks, appended to the run's result. Pure functions of (scenario, run output);
// thread-compatible.
#pragma once

#include "models/run/run.h"
#include "models/spec/scenario.h"

namespace shardsim {

// Appends the findings of `out` to out->result.findings, in a fixed order: write path, read path
// (including the managed consumers), then the scenario's objectives. With a warm-up
// (out->warmup) they judge the run after it: throttles, retries, drops, duplicates and timeouts
// of the warm-up are left out (result.warmup states them).
void AnalyzeRun(const Scenario& scenario, RunOutput* out);

}  // namespace shardsim
