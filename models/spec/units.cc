// Exact parsing of unit quantities. A number is held as an integer mantissa and a count of
// fraction digits; scaling happens in 128-bit integers, so "1.5MiB" is exactly 1572864 bytes and
// "0.1s" exactly 100000000 ns. Pure functions, thread-safe.
#include "models/spec/units.h"

#include <array>
#include <cctype>
#include <charconv>
#include <limits>
#include <string>
#include <system_error>

#include "models/spec/diagnostic.h"
#include "sim/rng.h"

namespace shardsim {
namespace {

constexpr int kMaxSignificantDigits = 18;  // the mantissa stays below 10^18 < 2^63
constexpr int kMaxFractionDigits = 30;     // 10^30 < 2^100, room left for the unit scale
constexpr Uint128 kInt64Max = static_cast<Uint128>(std::numeric_limits<int64_t>::max());

struct Unit {
  std::string_view name;
  int64_t scale;  // in the base unit (ns or bytes)
};

constexpr std::array<Unit, 8> kDurationUnits = {{{"ns", 1},
                                                 {"us", 1'000},
                                                 {"\xC2\xB5s", 1'000},  // µs
                                                 {"ms", 1'000'000},
                                                 {"s", 1'000'000'000},
                                                 {"min", 60'000'000'000},
                                                 {"h", 3'600'000'000'000},
                                                 {"d", 86'400'000'000'000}}};

constexpr std::array<Unit, 10> kSizeUnits = {{{"B", 1},
                                              {"KB", 1'000},
                                              {"kB", 1'000},
                                              {"MB", 1'000'000},
                                              {"GB", 1'000'000'000},
                                              {"TB", 1'000'000'000'000},
                                              {"KiB", int64_t{1} << 10},
                                              {"MiB", int64_t{1} << 20},
                                              {"GiB", int64_t{1} << 30},
                                              {"TiB", int64_t{1} << 40}}};

constexpr std::array<Unit, 3> kPerUnits = {{{"s", 1}, {"min", 60}, {"h", 3600}}};

constexpr std::string_view kDurationUnitList = "ns, us, ms, s, min, h or d";
constexpr std::string_view kSizeUnitList = "B, KB, MB, GB, KiB, MiB or GiB";

// Words people write instead of a unit symbol, with the symbol to use.
struct Alias {
  std::string_view word;
  std::string_view symbol;
};
constexpr std::array<Alias, 17> kDurationAliases = {{{"sec", "s"},
                                                     {"secs", "s"},
                                                     {"second", "s"},
                                                     {"seconds", "s"},
                                                     {"msec", "ms"},
                                                     {"millis", "ms"},
                                                     {"mins", "min"},
                                                     {"minute", "min"},
                                                     {"minutes", "min"},
                                                     {"hr", "h"},
                                                     {"hrs", "h"},
                                                     {"hour", "h"},
                                                     {"hours", "h"},
                                                     {"day", "d"},
                                                     {"days", "d"},
                                                     {"usec", "us"},
                                                     {"nsec", "ns"}}};

struct Decimal {
  uint64_t mantissa = 0;  // all digits, the fraction included
  int fraction_digits = 0;
};

Uint128 Pow10(int n) {
  Uint128 p = 1;
  for (int i = 0; i < n; ++i) p *= 10;
  return p;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

void SkipSpaces(std::string_view& s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

// Consumes a number from the front of `s`. Returns an empty string on success, else the detail
// for the error message ("" detail is signalled by "-" meaning: no number at all).
std::string ConsumeNumber(std::string_view& s, Decimal* out) {
  if (!s.empty() && s.front() == '-') return "must not be negative";
  if (!s.empty() && s.front() == '+') return "no sign allowed";
  int significant = 0;
  bool any_digit = false;
  auto take_digits = [&](bool fraction) {
    while (!s.empty() && s.front() >= '0' && s.front() <= '9') {
      const int digit = s.front() - '0';
      any_digit = true;
      if (significant > 0 || digit != 0) ++significant;
      if (significant <= kMaxSignificantDigits) out->mantissa = out->mantissa * 10 + digit;
      if (fraction) ++out->fraction_digits;
      s.remove_prefix(1);
    }
  };
  take_digits(false);
  if (!any_digit) return "-";
  if (!s.empty() && s.front() == '.') {
    s.remove_prefix(1);
    if (s.empty() || s.front() < '0' || s.front() > '9') return "digits must follow the \".\"";
    take_digits(true);
  }
  if (significant > kMaxSignificantDigits || out->fraction_digits > kMaxFractionDigits) {
    return "too many digits";
  }
  return "";
}

// mantissa * scale / 10^fraction_digits, rounded half-up. Exact: mantissa < 2^60, scale < 2^47.
Uint128 Scale(const Decimal& d, int64_t scale) {
  const Uint128 numerator = static_cast<Uint128>(d.mantissa) * static_cast<Uint128>(scale);
  const Uint128 denominator = Pow10(d.fraction_digits);
  return (numerator + denominator / 2) / denominator;
}

template <size_t N>
const Unit* FindUnit(const std::array<Unit, N>& units, std::string_view name) {
  for (const Unit& u : units) {
    if (u.name == name) return &u;
  }
  return nullptr;
}

template <size_t N>
std::string UnknownUnitDetail(const std::array<Unit, N>& units, std::string_view unit,
                              std::string_view list) {
  for (const Unit& u : units) {
    if (EqualsIgnoreCase(u.name, unit)) {
      return "unknown unit " + Quote(unit) + ", did you mean " + Quote(u.name) + "?";
    }
  }
  return "unknown unit " + Quote(unit) + "; use " + std::string(list);
}

template <typename T>
Parsed<T> Fail(std::string_view expected, std::string_view text, const std::string& detail) {
  Parsed<T> p;
  p.error = "expected " + std::string(expected) + ", got " + Quote(text);
  if (!detail.empty() && detail != "-") p.error += " (" + detail + ")";
  return p;
}

// A size with its unit, as a decimal and a scale, for sizes and byte rates.
struct SizeParts {
  Decimal number;
  int64_t scale = 1;
};

// Parses NUMBER [spaces] SIZE_UNIT from the front of `s`, leaving the rest (e.g. "/s").
std::string ConsumeSize(std::string_view& s, SizeParts* out, bool in_rate) {
  std::string detail = ConsumeNumber(s, &out->number);
  if (!detail.empty()) return detail;
  SkipSpaces(s);
  size_t end = 0;
  while (end < s.size() && s[end] != '/' && s[end] != ' ') ++end;
  const std::string_view unit = s.substr(0, end);
  if (unit.empty()) {
    return in_rate ? "add a size unit, e.g. \"2MiB/s\""
                   : "add a unit: " + std::string(kSizeUnitList);
  }
  const Unit* u = FindUnit(kSizeUnits, unit);
  if (u == nullptr) return UnknownUnitDetail(kSizeUnits, unit, kSizeUnitList);
  out->scale = u->scale;
  s.remove_prefix(end);
  return "";
}

// Parses [spaces] "/" [spaces] (s|min|h) as the whole rest of `s`.
std::string ConsumePer(std::string_view s, int64_t* per_seconds) {
  SkipSpaces(s);
  if (s.empty() || s.front() != '/') return "add a time unit: \"/s\", \"/min\" or \"/h\"";
  s.remove_prefix(1);
  SkipSpaces(s);
  const Unit* u = FindUnit(kPerUnits, s);
  if (u == nullptr) return "unknown time unit " + Quote(s) + "; use \"/s\", \"/min\" or \"/h\"";
  *per_seconds = u->scale;
  return "";
}

double RateValue(const Decimal& d, int64_t scale, int64_t per_seconds) {
  const Uint128 numerator = static_cast<Uint128>(d.mantissa) * static_cast<Uint128>(scale);
  const Uint128 denominator = Pow10(d.fraction_digits) * static_cast<Uint128>(per_seconds);
  return static_cast<double>(numerator) / static_cast<double>(denominator);
}

std::string ShortestFixed(double v) {
  std::array<char, 400> buf{};
  const auto res = std::to_chars(buf.data(), buf.data() + buf.size(), v, std::chars_format::fixed);
  if (res.ec != std::errc()) return std::to_string(v);
  return std::string(buf.data(), res.ptr);
}

}  // namespace

Parsed<SimDuration> ParseDuration(std::string_view text) {
  constexpr std::string_view kExpected = "a duration like \"250ms\"";
  std::string_view s = Trim(text);
  Decimal number;
  std::string detail = ConsumeNumber(s, &number);
  if (!detail.empty()) return Fail<SimDuration>(kExpected, text, detail);
  SkipSpaces(s);
  if (s.empty()) {
    return Fail<SimDuration>(kExpected, text, "add a unit: " + std::string(kDurationUnitList));
  }
  const Unit* u = FindUnit(kDurationUnits, s);
  if (u == nullptr) {
    if (s == "m" || s == "M") {
      return Fail<SimDuration>(kExpected, text,
                               "\"m\" is ambiguous: use \"min\" for minutes or \"ms\" for "
                               "milliseconds");
    }
    for (const Alias& a : kDurationAliases) {
      if (EqualsIgnoreCase(a.word, s)) {
        return Fail<SimDuration>(kExpected, text,
                                 "unknown unit " + Quote(s) + ", use " + Quote(a.symbol));
      }
    }
    return Fail<SimDuration>(kExpected, text,
                             UnknownUnitDetail(kDurationUnits, s, kDurationUnitList));
  }
  const Uint128 ns = Scale(number, u->scale);
  if (ns > kInt64Max) return Fail<SimDuration>(kExpected, text, "too large: at most 292 years");
  Parsed<SimDuration> p;
  p.value = SimDuration::Nanos(static_cast<int64_t>(ns));
  return p;
}

Parsed<int64_t> ParseSizeBytes(std::string_view text) {
  constexpr std::string_view kExpected = "a size like \"700B\" or \"5MiB\"";
  std::string_view s = Trim(text);
  SizeParts parts;
  std::string detail = ConsumeSize(s, &parts, /*in_rate=*/false);
  if (!detail.empty()) return Fail<int64_t>(kExpected, text, detail);
  if (!s.empty()) {
    return Fail<int64_t>(
        kExpected, text,
        s.front() == '/' ? "that is a rate; a size has no \"/s\"" : "unexpected " + Quote(s));
  }
  const Uint128 bytes = Scale(parts.number, parts.scale);
  if (bytes > kInt64Max) return Fail<int64_t>(kExpected, text, "too large");
  Parsed<int64_t> p;
  p.value = static_cast<int64_t>(bytes);
  return p;
}

Parsed<double> ParseRecordRatePerSec(std::string_view text) {
  constexpr std::string_view kExpected = "a rate like \"5000/s\"";
  std::string_view s = Trim(text);
  Decimal number;
  std::string detail = ConsumeNumber(s, &number);
  if (!detail.empty()) return Fail<double>(kExpected, text, detail);
  size_t end = 0;
  while (end < s.size() && s[end] != '/') ++end;
  const std::string_view suffix = Trim(s.substr(0, end));
  s.remove_prefix(end);
  int64_t multiplier = 1;
  if (suffix == "k") {
    multiplier = 1'000;
  } else if (suffix == "M") {
    multiplier = 1'000'000;
  } else if (FindUnit(kSizeUnits, suffix) != nullptr) {
    return Fail<double>(kExpected, text,
                        "that is a byte rate; a record rate counts records, e.g. \"5000/s\"");
  } else if (!suffix.empty()) {
    return Fail<double>(kExpected, text, "unexpected " + Quote(suffix));
  }
  int64_t per_seconds = 1;
  detail = ConsumePer(s, &per_seconds);
  if (!detail.empty()) return Fail<double>(kExpected, text, detail);
  Parsed<double> p;
  p.value = RateValue(number, multiplier, per_seconds);
  return p;
}

Parsed<double> ParseByteRatePerSec(std::string_view text) {
  constexpr std::string_view kExpected = "a byte rate like \"2MiB/s\"";
  std::string_view s = Trim(text);
  SizeParts parts;
  std::string detail = ConsumeSize(s, &parts, /*in_rate=*/true);
  if (!detail.empty()) return Fail<double>(kExpected, text, detail);
  int64_t per_seconds = 1;
  detail = ConsumePer(s, &per_seconds);
  if (!detail.empty()) return Fail<double>(kExpected, text, detail);
  Parsed<double> p;
  p.value = RateValue(parts.number, parts.scale, per_seconds);
  return p;
}

std::string FormatDuration(SimDuration d) {
  // No "d": limits read better as "24h".."8760h", the way AWS documents retention.
  constexpr std::array<Unit, 6> kUnits = {{{"h", 3'600'000'000'000},
                                           {"min", 60'000'000'000},
                                           {"s", 1'000'000'000},
                                           {"ms", 1'000'000},
                                           {"us", 1'000},
                                           {"ns", 1}}};
  const int64_t ns = d.nanos();
  if (ns == 0) return "0s";
  for (const Unit& u : kUnits) {
    if (ns % u.scale == 0) return std::to_string(ns / u.scale) + std::string(u.name);
  }
  return std::to_string(ns) + "ns";
}

std::string FormatBytes(int64_t bytes) {
  constexpr std::array<Unit, 7> kUnits = {{{"TiB", int64_t{1} << 40},
                                           {"GiB", int64_t{1} << 30},
                                           {"MiB", int64_t{1} << 20},
                                           {"KiB", int64_t{1} << 10},
                                           {"GB", 1'000'000'000},
                                           {"MB", 1'000'000},
                                           {"KB", 1'000}}};
  if (bytes == 0) return "0B";
  for (const Unit& u : kUnits) {
    if (bytes % u.scale == 0) return std::to_string(bytes / u.scale) + std::string(u.name);
  }
  return std::to_string(bytes) + "B";
}

std::string FormatRecordRate(double records_per_sec) {
  return ShortestFixed(records_per_sec) + "/s";
}

std::string FormatByteRate(double bytes_per_sec) {
  constexpr double kMaxExact = 9007199254740992.0;  // 2^53: every integer below is exact
  if (bytes_per_sec >= 0 && bytes_per_sec < kMaxExact &&
      bytes_per_sec == static_cast<double>(static_cast<int64_t>(bytes_per_sec))) {
    const std::string size = FormatBytes(static_cast<int64_t>(bytes_per_sec));
    return size + "/s";
  }
  return ShortestFixed(bytes_per_sec) + "B/s";
}

}  // namespace shardsim
