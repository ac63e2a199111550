// The pipeline of a command, as a library: prepare -> simulate -> analyse for one scenario, used
// by `shardsim run` and the tests, and reused by the planner's size and sweep. Stateless
// functions; runs of one PreparedScenario may execute on parallel threads.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "models/result/run_result.h"
#include "models/run/prepared.h"
#include "models/run/run.h"
#include "models/spec/diagnostic.h"
#include "models/spec/scenario.h"
#include "sim/time.h"

namespace shardsim {

struct RunOptions {
  std::optional<uint64_t> seed;         // overrides scenario.seed
  std::optional<SimDuration> duration;  // overrides scenario.duration
  uint64_t replication = 0;
};

struct RunOutcome {
  std::optional<RunResult> result;  // set when the run could be built and executed
  // Problems found while preparing the inputs (a malformed trace CSV, say): bad input, exit 2.
  std::vector<Diagnostic> input_errors;
};

// One run of a prepared scenario, analysed (findings and SLO checks). `progress` observes the
// simulation (a progress display); results are the same without it.
RunResult RunPrepared(const PreparedScenario& prepared, uint64_t seed, uint64_t replication = 0,
                      const ProgressHook* progress = nullptr);

// Prepares, simulates and analyses one scenario.
// REQUIRES: the scenario is valid and uses only ImplementedFeatures().
RunOutcome RunScenario(const Scenario& scenario, const RunOptions& options);

}  // namespace shardsim
