// What a finished run means: every finding (write path, read path, managed consumers) and the
// SLO checks, appended to the run's result. Pure functions of (scenario, run output);
// thread-compatible.
#pragma once

#include "models/run/run.h"
#include "models/spec/scenario.h"

namespace shardsim {

// Appends the findings of `out` to out->result.findings, in a fixed order: write path, read path
// (including the managed consumers), the stream's operations, then the scenario's objectives.
void AnalyzeRun(const Scenario& scenario, RunOutput* out);

}  // namespace shardsim
