// Minimal CSV reader for the model input tables (arrival traces, empirical size distributions):
// a required header row, comma-separated fields, optional double quotes ("" inside a quoted field
// is a quote), no line breaks inside fields; blank lines are skipped, CRLF and a UTF-8 BOM are
// accepted. Every error is a message "path:line: what". Pure functions, thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "models/spec/units.h"

namespace shardsim {

struct CsvRow {
  int64_t line = 0;  // 1-based line number in the file, for messages
  std::vector<std::string> fields;
};

struct CsvTable {
  std::string path;
  int64_t header_line = 0;
  std::vector<std::string> header;  // trimmed and lower-cased
  std::vector<CsvRow> rows;         // each with header.size() trimmed fields
};

// Reads `path`. The first non-blank line must be a header: when its first field is a number the
// file is rejected with "header row required (e.g. `example_header`)".
Parsed<CsvTable> ReadCsvFile(const std::string& path, std::string_view example_header);

// "path:line: message".
std::string CsvError(const std::string& path, int64_t line, std::string_view message);

// A finite decimal number ("12", "0.5", "1e3"), nothing else in the field.
std::optional<double> ParseCsvNumber(std::string_view field);
// A whole number that fits int64 ("700"), nothing else in the field.
std::optional<int64_t> ParseCsvInteger(std::string_view field);

}  // namespace shardsim
