// The charts of the architecture-review report and of the what-if comparison, built from a
// RunResult (with its series loaded) through reports/svg_chart. Each chart comes with its title,
// its text alternative (the SVG <desc>, written from the data) and a one-line caption; a chart
// the data cannot support comes back without SVG and with a caption that says why. Pure
// functions, thread-safe.
#pragma once

#include <string>
#include <vector>

#include "models/result/run_result.h"
#include "reports/report_document.h"

namespace shardsim::report {

struct Chart {
  std::string name;  // file stem and HTML id, e.g. "utilisation"
  std::string title;
  std::string svg;  // empty: nothing to draw (the caption says why)
  Inline caption;
};

// Per-shard write utilisation per series window: shards top to bottom in hash-key order, value =
// max(accepted records / records limit, accepted bytes / bytes limit) over the window's length;
// right of each row its peak and the limit that binds. More than svg::kMaxHeatRows shards are
// merged into groups of neighbours in hash order (each cell the group's highest).
Chart UtilisationChart(const RunResult& r);
// End-to-end latency (created at the producer to processed or delivered) per consumer, as an
// empirical CDF on a log time axis, from each consumer's latency histogram.
Chart LatencyCdfChart(const RunResult& r);
// Iterator age (worst shard) per series window, per consumer; violated objectives as flat lines.
Chart IteratorAgeChart(const RunResult& r);
// Refused write attempts per second: all shards, and the most-throttled shards.
Chart WriteThrottleChart(const RunResult& r);
// Open shards per minute (the series stream-open-shards) as step lines, for runs whose shards
// change (resharding, on-demand); no SVG otherwise.
Chart OpenShardsChart(const RunResult& r);
// Refused GetRecords calls per second per consumer; no SVG when no consumer was read-throttled.
Chart ReadThrottleChart(const RunResult& r);
// The key shares of the hot shards (hot_shard / hot_key findings, else the busiest shard when it
// reaches 80 % of a limit), one bar chart each, at most three; empty when there is none.
std::vector<Chart> KeyShareCharts(const RunResult& r);
// Monthly cost by price dimension; no SVG when the result is not priced.
Chart CostChart(const RunResult& r);

// ---------------------------------------------------------------- comparison overlays
// Runs A and B drawn together, labelled by `label_a` and `label_b`.

// One chart per consumer name present in either run that has latency samples.
std::vector<Chart> LatencyCdfComparison(const RunResult& a, const RunResult& b,
                                        const std::string& label_a, const std::string& label_b);
// Iterator age over time, one chart per consumer name present in either run.
std::vector<Chart> IteratorAgeComparison(const RunResult& a, const RunResult& b,
                                         const std::string& label_a, const std::string& label_b);
// Refused write attempts per second over all shards, A and B.
Chart WriteThrottleComparison(const RunResult& a, const RunResult& b, const std::string& label_a,
                              const std::string& label_b);

}  // namespace shardsim::report
