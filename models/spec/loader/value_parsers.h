// Value parsers: each reads one JSON value at a pointer into a typed value, or reports why it
// cannot (wrong JSON type, a unit that does not parse, a misspelt name) to the Context and
// returns nullopt. Ranges are optional: the scenario reader leaves them to Validate
// (models/spec/validate.h), other readers may check them here with the same wording. Internal to
// the loader and other readers; the parsers are stateless and thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "models/spec/enum_names.h"
#include "models/spec/loader/diagnostics.h"
#include "models/spec/range.h"
#include "sim/time.h"

namespace shardsim::loader {

// A parser reads one JSON value at a pointer and returns the typed value or reports why not.
template <typename T>
using Parser = std::function<std::optional<T>(Context&, const Json&, Ptr)>;

// Checks `v` (read from `j`) against `r`; reports "must be <range>, got <j>" if outside.
template <typename T, typename F>
bool CheckRange(Context& c, const Json& j, Ptr p, const T& v, const Range<T>& r, F format) {
  if (r.Contains(v)) return true;
  c.Error(p, "must be " + RangeText(r, format) + ", got " + Describe(j));
  return false;
}

// ---------------------------------------------------------------- JSON types

// An integer (4.0 counts, as in JSON Schema) that fits int64.
std::optional<int64_t> GetInteger(Context& c, const Json& j, Ptr p);
Parser<int64_t> Int(Range<int64_t> r = {});
Parser<uint64_t> Uint64();
Parser<double> Number(Range<double> r = {});
Parser<bool> Bool();
// The string itself, or null (reported) if `j` is not a string.
const std::string* GetString(Context& c, const Json& j, Ptr p);
// A string of min_chars to max_chars Unicode characters.
Parser<std::string> Text(int64_t min_chars, int64_t max_chars);

// ---------------------------------------------------------------- names

// Names of the stream, producers and consumers: 1 to 128 characters from a-z, A-Z, 0-9, "_", "."
// and "-" (what Kinesis allows for stream names, so they are safe in file names, CSV columns and
// command lines).
bool IsResourceName(std::string_view s);
Parser<std::string> ResourceName();

// One of the names of `table`; otherwise lists them, with "did you mean" for a near miss.
template <typename E>
Parser<E> Enum(std::span<const EnumName<E>> table);
template <NamedEnum E>
Parser<E> Enum() {
  return Enum<E>(NameTable<E>());
}

// An AWS region code: dash-separated parts of a-z and 0-9, at least three, the first starting
// with a letter and the last all digits (us-east-1, ap-southeast-2, us-gov-west-1).
Parser<std::string> Region();

// A 128-bit hash key as decimal text (kept as text for the routing code): the API's rule
// 0|[1-9][0-9]{0,38}, at most 2^128-1.
Parser<std::string> HashKeyText();
// A split point: HashKeyText(), or "even" (the middle of the shard's range, decided at the call).
Parser<std::string> SplitKeyText();

// A shard id as the API prints it, "shardId-" and 12 digits; returns the index n of shardId-n.
Parser<int64_t> ShardId();

// A data file named relative to Context::base_dir; returns the resolved path, which must be a
// regular file.
Parser<std::string> File();

// ---------------------------------------------------------------- quantities with units
// A bare number is the commonest mistake; the message says to add a unit.

Parser<SimDuration> Duration(Range<SimDuration> r = {});
Parser<int64_t> Size(Range<int64_t> r = {});
Parser<double> RecordRate(Range<double> r = {});
Parser<double> ByteRate(Range<double> r = {});
// Rates held as whole counts per second (limits): "1000/s", "60000/min". A value beyond int64
// saturates (a range check then rejects it).
Parser<int64_t> WholeRecordRate();
Parser<int64_t> WholeByteRate();

// ---------------------------------------------------------------- templates

template <typename E>
Parser<E> Enum(std::span<const EnumName<E>> table) {
  return [table](Context& c, const Json& j, Ptr p) -> std::optional<E> {
    const std::string* s = GetString(c, j, p);
    if (s == nullptr) return std::nullopt;
    for (const auto& e : table) {
      if (e.name == *s) return e.value;
    }
    std::vector<std::string> names;
    for (const auto& e : table) names.emplace_back(e.name);
    std::string message = "expected one of " + QuotedList(names) + ", got " + Describe(j);
    if (auto close = ClosestName(*s, names)) message += "; did you mean " + Quote(*close) + "?";
    c.Error(p, message);
    return std::nullopt;
  };
}

}  // namespace shardsim::loader
