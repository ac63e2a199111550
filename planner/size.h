// `shardsim size`: the cheapest configuration that meets every objective (planner/objectives.h)
// in all replications. An analytic pre-screen (per-shard expected load from key weights and hash
// ranges, Poisson peaks of the busiest second, read-side and consumer needs) brackets a search
// over shard counts that assumes monotonicity (more shards never miss an objective fewer meet):
// it gallops from the estimate and bisects, so the answer and the count below it are always
// simulated. At each count, consumer settings that scale with shards follow: KCL workers so every
// lease has a worker, and a Lambda mapping's parallelization factor (then batch size) when only a
// consumer misses. Beside it: the AWS formula's count, the same workload with enhanced fan-out
// instead of shared reads (searched the same way), and the recommended configuration in
// on-demand mode, simulated with the same seeds and replications. Replications of a configuration
// run on a thread pool; results do not depend on the thread count. Thread safety: SizeStream may
// run concurrently with itself.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "analysis/cost/prices.h"
#include "models/result/run_result.h"
#include "models/result/size_result.h"
#include "models/spec/diagnostic.h"
#include "models/spec/scenario.h"

namespace shardsim {

struct SizeOptions {
  int64_t min_shards = 1;
  int64_t max_shards = 0;  // 0: 4 x the pre-screen's estimate, at least 16 (stream maximum 10,000)
  int replications = 3;
  int threads = 1;
  bool alternatives = true;  // search enhanced fan-out and simulate on-demand too
  // Called on the calling thread after each simulation: runs done, runs planned so far.
  std::function<void(size_t done, size_t planned)> progress;
};

struct SizeOutcome {
  std::optional<SizeResult> result;
  std::vector<Diagnostic> input_errors;  // the scenario's inputs do not prepare: exit 2
};

// REQUIRES: `scenario` valid, provisioned, with only implemented features; `prices` resolved.
SizeOutcome SizeStream(const Scenario& scenario, const PriceChoice& prices,
                       const SizeOptions& options);

// The analytic pre-screen alone (exposed for tests).
PreScreen PreScreenOf(const Scenario& scenario, int64_t max_shards,
                      std::vector<Diagnostic>* problems);

}  // namespace shardsim
