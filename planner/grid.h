// Command-line overrides of scenario fields: `--set /json/pointer=value` for `run`, and
// `--set /json/pointer=v1,v2,...` with numeric ranges for `sweep`. A value is JSON when it parses
// as JSON (8, 2.5, true, "text", [1,2]) and a plain string otherwise (6000/s, 10min). Ranges:
// `A..B+S` (A, A+S, ... <= B) and `A..B*F` (A, A*F, ... <= B, F > 1). Pure functions, thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace shardsim {

struct SetOverride {
  std::string pointer;                 // RFC 6901, e.g. "/stream/shards"
  std::vector<nlohmann::json> values;  // one for `run`; the grid axis for `sweep`
};

struct ParsedSet {
  SetOverride set;
  std::string error;  // empty on success: a complete message naming the argument
  bool ok() const { return error.empty(); }
};

// Parses one --set argument. With allow_list, the value may be a comma-separated list (commas
// inside brackets, braces or quotes do not split) whose items may be ranges.
ParsedSet ParseSet(std::string_view argument, bool allow_list);

// The grid of a sweep: every combination of the axes' values, the last axis varying fastest.
// Each point holds one value per axis, in axis order.
std::vector<std::vector<nlohmann::json>> GridPoints(const std::vector<SetOverride>& axes);

// A value as a short label for tables and file names: strings without quotes, numbers in their
// shortest form.
std::string ValueLabel(const nlohmann::json& value);

}  // namespace shardsim
