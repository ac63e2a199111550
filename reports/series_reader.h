// The series CSVs back into SeriesTables: the reader of what reports/csv_writer.h writes, so that a
// result directory (result.json + series/*.csv) can be rendered again without simulating. Numbers
// go through std::from_chars, so a value reads back as the exact double SeriesToCsv printed; an
// empty field reads as NaN (the writer's spelling of a missing value). Pure functions,
// thread-safe.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "models/result/run_result.h"
#include "models/spec/diagnostic.h"

namespace shardsim {

// Parses one CSV text as SeriesToCsv writes it: a header row (fields quoted RFC 4180 style when
// they hold a comma, quote or line break), then one row of numbers per line, every row as wide as
// the header, "\n" or "\r\n" line ends. On a problem returns nullopt and sets *error to
// "line N: <rule>". REQUIRES: error != nullptr.
std::optional<SeriesTable> ParseSeriesCsv(std::string_view text, std::string name,
                                          std::string* error);

// Fills the columns and rows of every table in result->series (result.json restores their names
// only) from the text `read(SeriesPath(table))` returns; nullopt = the file cannot be read. Each
// problem is one Diagnostic whose pointer is "/series_files/<i>" and whose message names the file.
std::vector<Diagnostic> LoadSeries(
    RunResult* result,
    const std::function<std::optional<std::string>(const std::string& path)>& read);

// LoadSeries from the files under `dir` (the directory holding result.json).
std::vector<Diagnostic> ReadSeriesFiles(const std::string& dir, RunResult* result);

}  // namespace shardsim
