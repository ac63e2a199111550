// CSV time series: one SeriesTable -> one CSV text (RFC 4180: header row, comma-separated, "\n"
// line ends, one line per row, no trailing spaces). Output is a pure function of the table, so
// identical tables give identical bytes. Pure functions, thread-safe.
#pragma once

#include <string>

#include "models/result/run_result.h"

namespace shardsim {

// The CSV text of `table`. Numbers use the shortest decimal that round-trips (std::to_chars):
// 1000 -> "1000", 0.1 -> "0.1", 1e-7 -> "1e-07". -0 is written as "0"; NaN and +-inf as an empty
// field (a missing value to spreadsheets and pandas). Column names are quoted only when they hold
// a comma, quote or line break.
// REQUIRES: !table.columns.empty() and every row has table.columns.size() values.
std::string SeriesToCsv(const SeriesTable& table);

// Where the table goes inside an output directory: "series/<name>.csv". Characters other than
// [A-Za-z0-9._-] in the name (and a leading '.') become '_', so a consumer name from a scenario
// can never escape the directory. result.json lists these paths under `series_files`.
std::string SeriesPath(const SeriesTable& table);

}  // namespace shardsim
