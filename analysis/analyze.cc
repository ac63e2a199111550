// AnalyzeRun: the findings of a finished run, in a fixed order. See analyze.h.
#include "analysis/analyze.h"

#include <algorithm>

#include "analysis/cost/cost_findings.h"
#include "analysis/read_findings.h"
#include "analysis/reshard_findings.h"
#include "analysis/slo_check.h"
#include "analysis/write_findings.h"

namespace shardsim {

void PriceResult(const PriceTable* prices, const std::string& unpriced_note, RunResult* result) {
  if (prices != nullptr && result->duration_s > 0) {
    result->cost = PriceRun(result->billing, result->duration_s / 3600, *prices);
  } else {
    CostResult unpriced;
    if (!unpriced_note.empty()) unpriced.notes.push_back(unpriced_note);
    result->cost = std::move(unpriced);
  }
}

void AnalyzeRun(const Scenario& scenario, const PriceTable* prices,
                const std::string& unpriced_note, RunOutput* out) {
  RunResult& r = out->result;
  AddWritePathFindings(scenario, out->final_map, out->usage, &r);
  if (!scenario.consumers.empty()) {
    AddReadPathFindings(scenario, &r);
    // Fewer shards is no advice while a consumer cannot keep up with the ones there are.
    const bool readers_behind =
        std::any_of(r.findings.begin(), r.findings.end(), [](const Finding& f) {
          return f.kind == FindingKind::kIteratorAgeGrowing ||
                 f.kind == FindingKind::kRecordsExpired;
        });
    if (readers_behind) {
      std::erase_if(r.findings,
                    [](const Finding& f) { return f.kind == FindingKind::kOverProvisioned; });
    }
  }
  AddReshardFindings(scenario, &r);
  PriceResult(prices, unpriced_note, &r);
  if (prices != nullptr) AddCostFindings(scenario, *prices, &r);
  AddSloFindings(scenario, &r);
}

}  // namespace shardsim
