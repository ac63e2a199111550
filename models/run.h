// One simulation run of a scenario: builds the model graph (stream, producer groups) on one
// Simulation, runs it to the end time, checks conservation and derives findings. A pure function
// of (scenario, seed, replication); no global state, so runs may execute on parallel threads.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "models/run_result.h"
#include "models/scenario.h"
#include "models/scenario_loader.h"
#include "sim/time.h"

namespace shardsim {

// Feature names (models/scenario_loader.h) that the models implement; `run` refuses the others.
const std::set<std::string>& ImplementedFeatures();

struct RunOptions {
  std::optional<uint64_t> seed;         // overrides scenario.seed
  std::optional<SimDuration> duration;  // overrides scenario.duration
  uint64_t replication = 0;
};

struct RunOutcome {
  std::optional<RunResult> result;  // set when the run could be built and executed
  // Problems found while building the model from input files (e.g. a malformed trace CSV): bad
  // input, exit code 2. Each is a complete message naming the file.
  std::vector<std::string> input_errors;
};

// Checks what the loader cannot see without reading data files: trace and size CSV contents, and
// that a run stays within sane bounds (key tables are built by the run itself: hashing 10^8 keys
// takes seconds). One diagnostic per
// problem, with the JSON pointer of the field that names the input (`validate` runs this too).
std::vector<Diagnostic> CheckModelInputs(const Scenario& scenario, SimDuration duration);

// REQUIRES: the scenario was loaded without errors and uses only ImplementedFeatures().
RunOutcome RunScenario(const Scenario& scenario, const RunOptions& options);

}  // namespace shardsim
