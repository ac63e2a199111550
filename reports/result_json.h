// result.json: the machine-readable record of one run, built from RunResult through the field
// tables of models/result/result_fields.h. Keys appear in table order, numbers print
// deterministically, so identical results give byte-identical files. Pure functions, thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "models/result/run_result.h"

namespace shardsim {

// The format, with every object, member, type and unit: reports/result.schema.json (JSON Schema
// 2020-12; a test holds it, this writer and reports/result_json_reader.h in agreement). Reading a
// file back: reports/result_json_reader.h.
//
// Numbers: integers print exactly; doubles in the shortest form that parses back to the same
// double. -0 prints as 0. NaN and +-inf have no JSON spelling and print as null ("undefined",
// e.g. a share of zero records) rather than aborting a finished run.
nlohmann::ordered_json ResultToJson(const RunResult& result);

// The canonical file text: ResultToJson indented by 2, one trailing "\n", except that each
// histogram bucket [lower, count] takes one line. Invalid UTF-8 in a string (e.g. a replayed
// partition key) becomes U+FFFD instead of throwing.
std::string ResultJsonText(const RunResult& result);

}  // namespace shardsim
