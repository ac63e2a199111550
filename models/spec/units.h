// Quantities with units as written in scenario files: durations ("250ms"), sizes ("5MiB"),
// record rates ("5000/s") and byte rates ("2MiB/s"). Parsing is exact decimal arithmetic; results
// are rounded half-up to whole nanoseconds / bytes once, at the end. Pure functions, thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "sim/time.h"

namespace shardsim {

// A parsed value, or the reason it could not be parsed. The reason is a complete message such as
// `expected a duration like "250ms", got "5m" ("m" is ambiguous: use "min" or "ms")`.
template <typename T>
struct Parsed {
  std::optional<T> value;
  std::string error;  // empty iff value is set

  bool ok() const { return value.has_value(); }
  static Parsed Failure(std::string message) {
    Parsed out;
    out.error = std::move(message);
    return out;
  }
};

// Grammar shared by all four: NUMBER [spaces] UNIT, NUMBER = digits ["." digits], at most 18
// significant digits, no sign, no exponent. Leading/trailing spaces are ignored.

// Units: ns, us (or µs), ms, s, min, h, d. "m" is rejected as ambiguous. Exact to 1 ns; a finer
// fraction ("1.5ns") rounds half-up. Range [0, 2^63) ns.
Parsed<SimDuration> ParseDuration(std::string_view text);

// Units: B; decimal KB (or kB), MB, GB, TB = 10^3..10^12 B; binary KiB, MiB, GiB, TiB =
// 2^10..2^40 B. Fractional byte counts ("1.1KiB" = 1126.4 B) round half-up to whole bytes.
Parsed<int64_t> ParseSizeBytes(std::string_view text);

// Records per second. NUMBER [k | M] "/" (s | min | h): "5000/s", "300/min", "1.5k/s".
Parsed<double> ParseRecordRatePerSec(std::string_view text);

// Bytes per second. SIZE "/" (s | min | h): "2MiB/s", "500KB/s". Not rounded to whole bytes.
Parsed<double> ParseByteRatePerSec(std::string_view text);

// Canonical short forms for messages and reports, in the largest unit that divides the value
// exactly: FormatDuration(Seconds(90)) == "90s", FormatBytes(5 << 20) == "5MiB",
// FormatBytes(1000) == "1KB". Rates use the shortest decimal that round-trips: "5000/s",
// "2MiB/s", "1234.5B/s".
std::string FormatDuration(SimDuration d);
std::string FormatBytes(int64_t bytes);
std::string FormatRecordRate(double records_per_sec);
std::string FormatByteRate(double bytes_per_sec);

}  // namespace shardsim
