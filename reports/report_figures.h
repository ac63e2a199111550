// Figures the architecture-review report and the what-if comparison derive from a RunResult: shard
// order and load, throttled fractions, the headline figures, the series behind a shard or a
// consumer, and the prose forms of money, time and finding figures. Pure functions of the result,
// thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "models/result/format.h"
#include "models/result/run_result.h"

namespace shardsim::report {

// ---------------------------------------------------------------- shards

// Decimal 128-bit hash keys compared as numbers (no leading zeros: shorter is smaller).
bool HashKeyLess(std::string_view a, std::string_view b);
// A decimal hash key as a fraction of the key space [0, 2^128), to about 15 digits.
double HashKeyFraction(std::string_view key);
// Every shard, ordered by starting hash key (then by index: a parent before its children).
std::vector<const ShardResult*> ShardsInHashOrder(const RunResult& r);

// A shard's busiest second of demand against the per-shard write limits (as the terminal summary
// ranks shards): the larger of records and bytes, and which one binds.
struct ShardLoad {
  double utilisation = 0;
  bool by_bytes = false;
};
ShardLoad PeakLoad(const RunResult& r, const ShardResult& s);
// The highest PeakLoad over the shards (0 without shards); `busiest` gets that shard or nullptr.
double PeakShardUtilisation(const RunResult& r, const ShardResult** busiest = nullptr);

// Refused write attempts over attempts (retries included), over every shard; 0 without attempts.
double WriteThrottledFraction(const RunResult& r);

// ---------------------------------------------------------------- series

// The series table of a shard or a consumer (matched by file path, as result.json names them), or
// nullptr when the result has none or its columns were not loaded.
const SeriesTable* ShardSeries(const RunResult& r, const ShardResult& s);
const SeriesTable* ConsumerSeries(const RunResult& r, const ConsumerResult& c);
// Index of the column called `name`, or -1.
int ColumnIndex(const SeriesTable& t, std::string_view name);
// The width in seconds of row i's window: the gap to the next row's time_s, the previous gap for
// the last row, cut at the end of the run (a last, partial window).
double WindowSeconds(const SeriesTable& t, size_t i, double duration_s);

// ---------------------------------------------------------------- headline figures

enum class FigureKind { kCount, kFraction, kMillis, kUsd };
enum class Better { kLower, kHigher, kNeither };

// One headline figure: what a reviewer checks first, and what a comparison sets side by side.
struct Headline {
  std::string key;    // stable identity for matching two runs, e.g. "p99_latency/<consumer>"
  std::string label;  // e.g. "p99 latency, db-writer"
  double value = 0;
  FigureKind kind = FigureKind::kCount;
  Better better = Better::kLower;
};
// Write throttled fraction, records dropped, peak shard utilisation, open shards, p99 latency and
// max iterator age per consumer, and cost per month when priced.
std::vector<Headline> Headlines(const RunResult& r);
std::string FormatHeadline(FigureKind kind, double value);

// ---------------------------------------------------------------- words and numbers

// "Lambda", "Firehose", "KCL", "enhanced fan-out", "GetRecords polling" (else the type itself).
std::string ConsumerKindName(const ConsumerResult& c);
// A duration in milliseconds, three significant figures in the unit that reads best: "0.512ms",
// "41.3ms", "753ms", "1.75s", "30.1s", "19.6min", "5.94h"; "-" when not finite.
std::string Duration(double ms);
// A unit price with four significant digits and no exponent: "$0.015", "$0.00001667".
std::string UnitPriceUsd(double price);
// A finding figure as prose: its name without the unit suffix, and its value in the unit the
// suffix names: {"iterator_age_max_ms", 51319.3} -> "iterator age max 51.3s".
std::string FigureText(const FindingFigure& f);
// What an slo_violated finding's objective is, from its "objective_*" figure: "p99 latency",
// "max iterator age", "write throttle fraction", "shard utilisation", "monthly cost"; "" if none.
std::string ObjectiveName(const Finding& f);

// The time unit a chart of a run this long reads best in.
struct TimeUnit {
  double seconds = 1;
  std::string name;  // "s", "min", "h"
};
TimeUnit TimeUnitFor(double duration_s);
// "43s", "12.5min", "2.3h" (TimeUnitFor the run's duration).
std::string TimeText(double t_s, const TimeUnit& unit);

// A duration given in seconds as the scenario format writes it ("1h30min"), exact to the
// nanosecond; beyond int64 nanoseconds (292 years) a count of seconds ("1.2e+10s").
std::string DurationText(double seconds);

// A run that switched capacity modes (mode_periods): "on-demand until 1h1min, then provisioned
// (switched at 1h1min)"; a refused switch is named with its time. Empty for a run without one.
std::string ModeTimelineText(const RunResult& r);

// The run's stream operations as a compact table (summary, report): one row per call, the
// on-demand service's splits and merges decided in the same minute with the same outcome folded
// into one ("split x4"). Cells: at, operation, cause, outcome, open shards before -> after,
// records throttled in the episode around it, highest iterator age around it. At most
// `max_rows` rows; *more gets the rows left out. Empty for a run without operations.
struct OperationRow {
  std::string at, operation, cause, outcome, shards, throttled, age;
};
std::vector<OperationRow> OperationRows(const RunResult& r, size_t max_rows, size_t* more);

}  // namespace shardsim::report
