// What-if comparison of two runs (A and B), from their RunResults alone: headline figures side by
// side with their change, findings that appear or disappear (matched by kind, subject and, for
// objectives, which objective), cost by dimension with the difference, and charts of both runs
// overlaid (latency CDFs and iterator age per consumer, write throttles). As plain text for a
// terminal, or as compare.md (charts under compare/) and one self-contained compare.html.
// Deterministic; pure functions, thread-safe.
#pragma once

#include <string>
#include <vector>

#include "models/result/run_result.h"
#include "reports/report_document.h"
#include "reports/report_run.h"

namespace shardsim {

struct ComparedRun {
  const RunResult* result = nullptr;  // with its series loaded for the charts over time
  std::string label;                  // short, for legends and columns, e.g. "A"
  std::string source;                 // where it came from, e.g. the result directory
};

// The comparison for a terminal: lines of at most 100 columns where names allow.
std::string CompareText(const ComparedRun& a, const ComparedRun& b);

report::Document CompareDocument(const ComparedRun& a, const ComparedRun& b);

// compare.md, compare.html and compare/<chart>.svg, in that order.
std::vector<ReportFile> RenderComparison(const ComparedRun& a, const ComparedRun& b);

}  // namespace shardsim
