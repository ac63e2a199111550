// The pipeline of a command, as a library: prepare -> simulate -> analyse (findings, cost, SLO
// checks) for one scenario, used by `shardsim run` and the tests, and reused by the planner's size
// and sweep. Stateless functions; runs of one PreparedScenario and one PriceChoice may execute on
// parallel threads.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "analysis/cost/prices.h"
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
  std::string prices_file;  // the --prices option; empty = the scenario's pricing or built-in
};

struct RunOutcome {
  std::optional<RunResult> result;  // set when the run could be built and executed
  // Problems found while preparing the inputs (a malformed trace CSV, a price file that does not
  // read): bad input, exit 2. They concern `input_errors_file`, or the scenario when it is empty.
  std::vector<Diagnostic> input_errors;
  std::string input_errors_file;
};

// One run of a prepared scenario, analysed and priced with `prices` (ResolvePrices). `progress`
// observes the simulation (a progress display); results are the same without it.
RunResult RunPrepared(const PreparedScenario& prepared, const PriceChoice& prices, uint64_t seed,
                      uint64_t replication = 0, const ProgressHook* progress = nullptr);

// Resolves the prices, prepares, simulates and analyses one scenario.
// REQUIRES: the scenario is valid and uses only ImplementedFeatures().
RunOutcome RunScenario(const Scenario& scenario, const RunOptions& options);

}  // namespace shardsim
