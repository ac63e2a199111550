// Prepare -> simulate -> analyse. See session.h.
#include "planner/session.h"

#include "analysis/analyze.h"
#include "analysis/autoscaling_findings.h"

namespace shardsim {

RunResult RunPrepared(const PreparedScenario& prepared, const PriceChoice& prices, uint64_t seed,
                      uint64_t replication, const ProgressHook* progress) {
  RunOutput out = SimulateRun(prepared, seed, replication, progress);
  // An autoscaler that reacted late: the advice's reruns, simulated with the same seed.
  for (AutoscalerWhatIf& w : AutoscalerWhatIfs(prepared.scenario(), out.result)) {
    const PreparedScenario::Outcome p = PreparedScenario::Prepare(w.scenario, prepared.duration());
    if (!p.prepared) continue;
    out.what_ifs.push_back({w.change, SimulateRun(*p.prepared, seed, replication).result});
  }
  AnalyzeRun(prepared.scenario(), prices.table ? &*prices.table : nullptr, prices.note, &out);
  return std::move(out.result);
}

RunOutcome RunScenario(const Scenario& scenario, const RunOptions& options) {
  RunOutcome outcome;
  PriceChoice prices = ResolvePrices(scenario, options.prices_file);
  if (!prices.errors.empty()) {
    outcome.input_errors = std::move(prices.errors);
    outcome.input_errors_file = prices.error_file;
    return outcome;
  }
  PreparedScenario::Outcome p =
      PreparedScenario::Prepare(scenario, options.duration.value_or(scenario.duration));
  if (!p.prepared) {
    outcome.input_errors = std::move(p.problems);
    return outcome;
  }
  outcome.result =
      RunPrepared(*p.prepared, prices, options.seed.value_or(scenario.seed), options.replication);
  return outcome;
}

}  // namespace shardsim
