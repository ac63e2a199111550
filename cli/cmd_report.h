// The `report` and `compare` subcommands, and the report step of `run --report`: render the
// architecture-review report (or a what-if comparison) from result directories, never simulating.
// Not thread-safe (they write to stdout/stderr and to the file system).
#pragma once

#include <string>
#include <vector>

#include "reports/output_dir.h"

namespace shardsim::cli {

// shardsim report DIR: report.md, report.html and report/*.svg from DIR/result.json and
// DIR/series/*.csv, written into DIR (the other files DIR's manifest lists are kept).
int CmdReport(const std::vector<std::string>& args);

// shardsim compare DIR_A DIR_B [--out DIR]: the comparison as text on stdout, or compare.md,
// compare.html and compare/*.svg in DIR.
int CmdCompare(const std::vector<std::string>& args);

// For `run --out DIR --report`: reads back the result.json and series CSVs already added to `out`
// exactly as `shardsim report` reads them from disk, and adds the report's files, so that
// `shardsim report DIR` later writes the same bytes. False with *error on a problem.
// REQUIRES: out holds "result.json"; error != nullptr.
bool AddRunReport(OutputDir* out, std::string* error);

}  // namespace shardsim::cli
