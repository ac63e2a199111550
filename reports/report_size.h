// The report of a size search (`shardsim size --out DIR --report`), from its SizeResult alone: a
// one-sentence verdict (the recommended shard count with its consumer settings and monthly cost,
// or none), the chart of cost against shard count (failing counts shaded, the recommendation
// marked), the table of evaluated configurations, why not fewer shards, the AWS formula, the
// enhanced fan-out and on-demand alternatives, the notes and objectives, and then the recommended
// configuration's own architecture review (reports/report_run.h). Rendered as report.md (charts as
// SVG files under report/) and one self-contained report.html. Deterministic bytes; pure
// functions, thread-safe.
#pragma once

#include <vector>

#include "models/result/size_result.h"
#include "reports/report_charts.h"
#include "reports/report_document.h"
#include "reports/report_run.h"

namespace shardsim {

// The verdict sentence; css_class "verdict pass" with a recommendation, else "verdict fail".
report::Paragraph SizeVerdict(const SizeResult& result);

// Cost per month against shard count: each evaluated configuration with shared reads as a point
// (a cross over it when it misses an objective), the enhanced fan-out alternative as a diamond,
// the on-demand quote as a flat line, the counts below the recommendation shaded and the
// recommendation marked. Named "size-cost"; no SVG when nothing was evaluated.
report::Chart SizeCostChart(const SizeResult& result);

// The report as a document. The recommended configuration's run report follows, its headings one
// level down, when result.recommended_result is set (its charts over time need its series).
report::Document SizeReportDocument(const SizeResult& result);

// report.md, report.html and report/<chart>.svg (the charts report.md links), in that order.
std::vector<ReportFile> RenderSizeReport(const SizeResult& result);

}  // namespace shardsim
