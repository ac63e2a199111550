// The architecture-review report of one run, from its RunResult alone (result.json plus the series
// CSVs; never the simulator): a one-sentence verdict with the configuration and the monthly cost,
// the findings most severe first with their evidence and fix, charts, tables, and the assumptions
// with the reproducibility facts. Rendered as report.md (charts as SVG files under report/) and as
// one self-contained report.html. Deterministic bytes; pure functions, thread-safe.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "models/result/run_result.h"
#include "models/spec/diagnostic.h"
#include "reports/report_document.h"

namespace shardsim {

// One output file, relative to the result directory.
struct ReportFile {
  std::string path;
  std::string contents;
};

// A report document's files: STEM.md, STEM.html and each chart's SVG (its Figure's file).
std::vector<ReportFile> RenderDocumentFiles(const report::Document& doc, const std::string& stem);

// Shards listed one by one in the report's shard table; beyond it the hottest this many.
inline constexpr size_t kReportShardRows = 20;

// The verdict sentence: whether the run meets its objectives (no slo_violated and no critical
// finding), with the configuration and the monthly cost. Its css_class is "verdict pass" or
// "verdict fail".
report::Paragraph RunVerdict(const RunResult& result);

// The report as a document. The series in result.series should be loaded (LoadSeries): charts
// over time need them, and say so when they are missing.
report::Document RunReportDocument(const RunResult& result);

// report.md, report.html and report/<chart>.svg (the charts report.md links), in that order.
std::vector<ReportFile> RenderRunReport(const RunResult& result);

// The report of a result directory whose files `read` returns by relative path ("result.json",
// then "series/<name>.csv" for each series it lists; nullopt = cannot be read): result.json and
// the series are parsed (ReadResultJson, LoadSeries) and rendered. This is what `shardsim report
// DIR` renders from disk and what `run --report` renders from the files it is about to write, so
// both give the same bytes. nullopt with the problems in *errors (pointers into result.json).
// REQUIRES: errors != nullptr.
std::optional<std::vector<ReportFile>> RenderRunReportFromFiles(
    const std::function<std::optional<std::string>(const std::string& path)>& read,
    std::vector<Diagnostic>* errors);

}  // namespace shardsim
