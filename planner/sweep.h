// `shardsim sweep`: a grid over scenario fields. Every point is the scenario file with one value
// per axis applied as a JSON override and checked exactly like the file (all points are checked
// before any runs); then every (point, replication) runs on the thread pool, possibly spread over
// the ranks of an MPI job (planner/spread.h), and each point gets its headline figures
// (planner/objectives.h judges the objectives). Results do not depend on the thread or rank count.
// Thread safety: RunSweep may run concurrently with itself (with distinct spreads).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "models/result/sweep_result.h"
#include "models/spec/diagnostic.h"
#include "planner/grid.h"

namespace shardsim {

class TaskSpread;

struct SweepOptions {
  int replications = 1;
  int threads = 1;
  std::string prices_file;                                  // --prices
  std::function<void(size_t done, size_t total)> progress;  // this rank's runs
  TaskSpread* spread = nullptr;                             // null: this process runs every task
};

// One problem of a point: the point's values, and the diagnostic in `file`.
struct SweepProblem {
  std::string point;  // "/stream/shards=4, /producers/0/instances=8"
  std::string file;
  Diagnostic diagnostic;
};

struct SweepOutcome {
  SweepResult result;                  // valid when problems is empty, on rank 0
  std::vector<SweepProblem> problems;  // bad input (exit 2): nothing ran
};

// `fixed`: single-valued overrides applied to every point (e.g. --duration), before the axes.
SweepOutcome RunSweep(const std::string& file, const std::vector<SetOverride>& fixed,
                      const std::vector<SetOverride>& axes, const SweepOptions& options);

}  // namespace shardsim
