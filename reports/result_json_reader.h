// result.json -> RunResult: the reader of the file ResultJsonText writes, driven by the same field
// tables (models/result/result_fields.h), so that a result directory can be re-rendered, re-priced
// or pooled without simulating. Pure functions, thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "models/result/run_result.h"
#include "models/spec/diagnostic.h"

namespace shardsim {

struct ResultRead {
  std::optional<RunResult> result;  // set exactly when errors is empty
  // Each problem with the JSON pointer of the offending value and the rule it breaks (line and
  // column instead for malformed JSON). Print with FormatDiagnostic(file, d).
  std::vector<Diagnostic> errors;
  bool ok() const { return errors.empty(); }
};

// Reads result.json text. Strict: every member the table writes unconditionally must be there,
// members it writes conditionally may be absent (the struct keeps its default), unknown members,
// duplicate keys, wrong JSON types, out-of-range integers, unknown enum names, histograms that
// break their invariants (models/result/histogram.h) and a schema_version other than
// kResultSchemaVersion are errors. null reads as NaN for number members (the writer's spelling of
// a non-finite value). Never throws or aborts on bad input; at most 50 errors are reported.
//
// What does not round-trip through the struct, only through the text: series_files restores each
// SeriesTable's name only (columns and rows live in the CSV files; read them separately), and
// ShardResult::index is taken from shard_id ("shardId-<index>"). Reading what ResultJsonText wrote
// and writing it again gives the same bytes.
ResultRead ReadResultJson(std::string_view text);

// ReadResultJson of a file's contents; a file that cannot be read is one error with pointer "".
ResultRead ReadResultFile(const std::string& path);

}  // namespace shardsim
