// Rounded prose forms of numbers for findings and the terminal summary: "1,801,884", "60.1%",
// "747KiB/s", "41.3ms". Exact forms (durations, sizes and rates as written in scenario files) are
// models/spec/units.h's; result.json keeps exact numbers. Everything here is built on
// std::to_chars, so the output never depends on the process's locale (printf and iostreams do).
// Where two texts round differently, each behaviour has its own function: evidence and summaries
// keep their bytes. Pure functions, thread-safe.
#pragma once

#include <cstdint>
#include <string>

namespace shardsim {

// ---------------------------------------------------------------- plain numbers

// `v` with `decimals` digits after the point, correctly rounded, as printf("%.*f") in the "C"
// locale, except that a value which rounds to zero drops its sign ("0.0", never "-0.0"): a sign
// on zero only confuses a reader. NaN and infinities print as "nan", "inf" (with their sign).
// REQUIRES: 0 <= decimals <= 100.
std::string Fixed(double v, int decimals);

// Exactly printf("%.*f") in the "C" locale: keeps the sign of a value that rounds to zero
// ("-0.00"), which shows a direction (a slope that is slightly negative).
// REQUIRES: 0 <= decimals <= 100.
std::string SignedFixed(double v, int decimals);

// `digits` significant digits, exactly printf("%.*g") in the "C" locale: "0.047", "2e+10".
// REQUIRES: 0 <= digits <= 100.
std::string SignificantDigits(double v, int digits);

// Thousands separated by commas: 1801884 -> "1,801,884".
std::string Grouped(uint64_t n);

// A count that may be fractional (a mean, a peak rate): whole values as Grouped ("2,030"),
// others with one decimal ("82.1"); "-" when not finite.
std::string Count(double v);

// ---------------------------------------------------------------- fractions as percentages

// Whole percent for tables: "83%", "203%"; above 0 but under 0.5 % reads "<1%", not "0%".
// "-" when not finite.
std::string PercentWhole(double fraction);

// One decimal: "60.1%". "-" when not finite.
std::string PercentOneDecimal(double fraction);

// Two decimals, for objectives such as a 0.1 % throttling budget: "0.25%".
std::string PercentTwoDecimals(double fraction);

// A share of traffic: one decimal ("91.7%"), or two significant digits below 0.1 % so that small
// shares do not read "0.0%" ("0.047%").
std::string SharePercent(double fraction);

// ---------------------------------------------------------------- durations (from milliseconds)

// Three significant figures in the unit that keeps the number under 1000: "0.512ms", "41.3ms",
// "753ms", "12.5s", "124s" (whole seconds from 100 s). "-" when not finite.
std::string Millis(double ms);

// Whole milliseconds below 10 s ("850ms"), seconds with one decimal from 10 s ("12.5s").
std::string MillisWhole(double ms);

// Seconds: two decimals below 10 s ("1.25s"), whole seconds from 10 s ("105s").
std::string SecondsFromMillis(double ms);

// ---------------------------------------------------------------- bytes (binary units)

// Three significant figures in binary units, to match the 1 MiB/s shard limit: "512B", "86.4KiB",
// "1.39MiB", up to TiB. "-" when not finite.
std::string ApproxBytes(double bytes);

// A byte rate with at most one decimal: "512B/s", "86.4KiB/s", "747KiB/s", "1.5MiB/s", up to
// GiB/s. REQUIRES: bytes_per_s >= 0.
std::string ApproxByteRate(double bytes_per_s);

// ---------------------------------------------------------------- money

// US dollars to the cent: "$1,234.56"; "<$0.01" for positive amounts under a cent; "-$3.10".
// "-" when not finite.
std::string Usd(double amount);

}  // namespace shardsim
