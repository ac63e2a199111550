// The value parsers. See value_parsers.h.
#include "models/spec/loader/value_parsers.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <system_error>

#include "models/spec/units.h"

namespace shardsim::loader {
namespace {

constexpr std::string_view kMaxHashKey = "340282366920938463463374607431768211455";  // 2^128-1
constexpr std::string_view kExpectDuration = "a duration like \"250ms\"";
constexpr std::string_view kExpectSize = "a size like \"700B\" or \"5MiB\"";
constexpr std::string_view kExpectRecordRate = "a rate like \"5000/s\"";
constexpr std::string_view kExpectByteRate = "a byte rate like \"2MiB/s\"";

std::string FormatInt(int64_t v) { return std::to_string(v); }

// Quantities with units: the number with its unit, parsed by models/spec/units.h.
template <typename T>
std::optional<T> ParseQuantity(Context& c, const Json& j, Ptr p, std::string_view expected,
                               Parsed<T> (*parse)(std::string_view)) {
  if (j.is_number()) {
    c.Error(p, "expected " + std::string(expected) + ", got " + Describe(j) + " (add a unit)");
    return std::nullopt;
  }
  if (!j.is_string()) {
    c.Error(p, "expected " + std::string(expected) + ", got " + Describe(j));
    return std::nullopt;
  }
  Parsed<T> parsed = parse(j.get_ref<const std::string&>());
  if (!parsed.ok()) {
    c.Error(p, parsed.error);
    return std::nullopt;
  }
  return parsed.value;
}

// A whole per-second count from a rate, saturating beyond int64.
int64_t WholeCount(double v) {
  constexpr double kLimit = 9.2e18;
  return v >= kLimit ? std::numeric_limits<int64_t>::max() : static_cast<int64_t>(v);
}

bool IsNameChar(char ch) {
  return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
         ch == '_' || ch == '.' || ch == '-';
}

}  // namespace

// ---------------------------------------------------------------- JSON types

std::optional<int64_t> GetInteger(Context& c, const Json& j, Ptr p) {
  if (j.is_number_unsigned()) {
    const auto v = j.get<uint64_t>();
    if (v > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      c.Error(p, "too large, got " + Describe(j));
      return std::nullopt;
    }
    return static_cast<int64_t>(v);
  }
  if (j.is_number_integer()) return j.get<int64_t>();
  if (j.is_number_float()) {
    // JSON Schema counts 4.0 as an integer; so do we.
    const double v = j.get<double>();
    if (std::isfinite(v) && v == std::trunc(v) && std::fabs(v) < 9.2e18) {
      return static_cast<int64_t>(v);
    }
  }
  c.Error(p, "expected an integer, got " + Describe(j));
  return std::nullopt;
}

Parser<int64_t> Int(Range<int64_t> r) {
  return [r](Context& c, const Json& j, Ptr p) -> std::optional<int64_t> {
    auto v = GetInteger(c, j, p);
    if (!v || !CheckRange(c, j, p, *v, r, FormatInt)) return std::nullopt;
    return v;
  };
}

Parser<uint64_t> Uint64() {
  return [](Context& c, const Json& j, Ptr p) -> std::optional<uint64_t> {
    if (j.is_number_unsigned()) return j.get<uint64_t>();
    // A document built in code (an override) may hold a non-negative value as a signed integer.
    if (j.is_number_integer() && j.get<int64_t>() >= 0) return j.get<uint64_t>();
    if (j.is_number_integer()) {
      c.Error(p, "must be at least 0, got " + Describe(j));
    } else {
      c.Error(p, "expected an integer, got " + Describe(j));
    }
    return std::nullopt;
  };
}

Parser<double> Number(Range<double> r) {
  return [r](Context& c, const Json& j, Ptr p) -> std::optional<double> {
    if (!j.is_number()) {
      c.Error(p, "expected a number, got " + Describe(j));
      return std::nullopt;
    }
    const double v = j.get<double>();
    if (!CheckRange(c, j, p, v, r, ShortNumber)) return std::nullopt;
    return v;
  };
}

Parser<bool> Bool() {
  return [](Context& c, const Json& j, Ptr p) -> std::optional<bool> {
    if (!j.is_boolean()) {
      c.Error(p, "expected true or false, got " + Describe(j));
      return std::nullopt;
    }
    return j.get<bool>();
  };
}

const std::string* GetString(Context& c, const Json& j, Ptr p) {
  if (!j.is_string()) {
    c.Error(p, "expected a string, got " + Describe(j));
    return nullptr;
  }
  return &j.get_ref<const std::string&>();
}

Parser<std::string> Text(int64_t min_chars, int64_t max_chars) {
  return [=](Context& c, const Json& j, Ptr p) -> std::optional<std::string> {
    const std::string* s = GetString(c, j, p);
    if (s == nullptr) return std::nullopt;
    const int64_t n = CountChars(*s);
    if (n < min_chars || n > max_chars) {
      c.Error(p, min_chars == 1 && n == 0
                     ? std::string("must not be empty")
                     : "must be " + std::to_string(min_chars) + " to " + std::to_string(max_chars) +
                           " characters long, got " + std::to_string(n));
      return std::nullopt;
    }
    return *s;
  };
}

// ---------------------------------------------------------------- names

bool IsResourceName(std::string_view s) {
  return !s.empty() && s.size() <= 128 && std::all_of(s.begin(), s.end(), IsNameChar);
}

Parser<std::string> ResourceName() {
  return [](Context& c, const Json& j, Ptr p) -> std::optional<std::string> {
    const std::string* s = GetString(c, j, p);
    if (s == nullptr) return std::nullopt;
    if (!IsResourceName(*s)) {
      c.Error(p, "must be 1 to 128 characters from a-z, A-Z, 0-9, \"_\", \".\" and \"-\", got " +
                     Describe(j));
      return std::nullopt;
    }
    return *s;
  };
}

Parser<std::string> Region() {
  return [](Context& c, const Json& j, Ptr p) -> std::optional<std::string> {
    const std::string* v = GetString(c, j, p);
    if (v == nullptr) return std::nullopt;
    std::vector<std::string_view> parts;
    for (std::string_view rest = *v;;) {
      const size_t dash = rest.find('-');
      parts.push_back(rest.substr(0, dash));
      if (dash == std::string_view::npos) break;
      rest.remove_prefix(dash + 1);
    }
    auto all = [](std::string_view part, bool digits_only) {
      return !part.empty() && std::all_of(part.begin(), part.end(), [&](char ch) {
        return (ch >= '0' && ch <= '9') || (!digits_only && ch >= 'a' && ch <= 'z');
      });
    };
    bool ok = v->size() <= 32 && parts.size() >= 3 && all(parts.back(), true) &&
              all(parts.front(), false) && parts.front()[0] >= 'a';
    for (std::string_view part : parts) ok = ok && all(part, false);
    if (!ok) {
      c.Error(p, "expected an AWS region like \"us-east-1\", got " + Describe(j));
      return std::nullopt;
    }
    return *v;
  };
}

Parser<std::string> HashKeyText() {
  return [](Context& c, const Json& j, Ptr p) -> std::optional<std::string> {
    const std::string* s = GetString(c, j, p);
    if (s == nullptr) return std::nullopt;
    const bool digits =
        !s->empty() && s->size() <= kMaxHashKey.size() &&
        std::all_of(s->begin(), s->end(), [](char ch) { return ch >= '0' && ch <= '9'; }) &&
        (*s == "0" || s->front() != '0');
    if (!digits) {
      c.Error(p,
              "expected a decimal hash key (digits, no sign or leading zeros) in [0, 2^128-1], "
              "got " +
                  Describe(j));
      return std::nullopt;
    }
    if (s->size() == kMaxHashKey.size() && *s > kMaxHashKey) {
      c.Error(p, "must be at most 2^128-1 = " + std::string(kMaxHashKey) + ", got " + Describe(j));
      return std::nullopt;
    }
    return *s;
  };
}

Parser<std::string> SplitKeyText() {
  return [](Context& c, const Json& j, Ptr p) -> std::optional<std::string> {
    if (j.is_string() && j.get<std::string>() == "even") return "even";
    const std::string* s = GetString(c, j, p);
    if (s == nullptr) return std::nullopt;
    const bool digits = !s->empty() && std::all_of(s->begin(), s->end(),
                                                   [](char ch) { return ch >= '0' && ch <= '9'; });
    if (!digits) {
      c.Error(p,
              "expected \"even\" or a decimal hash key (digits, no sign or leading zeros) in "
              "[0, 2^128-1], got " +
                  Describe(j));
      return std::nullopt;
    }
    return HashKeyText()(c, j, p);
  };
}

Parser<int64_t> ShardId() {
  return [](Context& c, const Json& j, Ptr p) -> std::optional<int64_t> {
    const std::string* s = GetString(c, j, p);
    if (s == nullptr) return std::nullopt;
    constexpr std::string_view kPrefix = "shardId-";
    const std::string_view digits =
        s->starts_with(kPrefix) ? std::string_view(*s).substr(kPrefix.size()) : "";
    if (digits.size() != 12 || !std::all_of(digits.begin(), digits.end(),
                                            [](char ch) { return ch >= '0' && ch <= '9'; })) {
      c.Error(p, "expected a shard id like \"shardId-000000000003\", got " + Describe(j));
      return std::nullopt;
    }
    return std::stoll(std::string(digits));
  };
}

Parser<std::string> File() {
  return [](Context& c, const Json& j, Ptr p) -> std::optional<std::string> {
    const std::string* s = GetString(c, j, p);
    if (s == nullptr) return std::nullopt;
    if (s->empty()) {
      c.Error(p, "must not be empty");
      return std::nullopt;
    }
    namespace fs = std::filesystem;
    fs::path path(*s);
    if (path.is_relative() && !c.base_dir.empty()) path = fs::path(c.base_dir) / path;
    path = path.lexically_normal();
    std::error_code ec;
    const fs::file_status status = fs::status(path, ec);
    if (ec || !fs::exists(status)) {
      c.Error(p, "file " + Quote(*s) + " not found (looked for " + Quote(path.string()) + ")");
      return std::nullopt;
    }
    if (!fs::is_regular_file(status)) {
      c.Error(p, Quote(path.string()) + " is not a regular file");
      return std::nullopt;
    }
    return path.string();
  };
}

// ---------------------------------------------------------------- quantities with units

Parser<SimDuration> Duration(Range<SimDuration> r) {
  return [r](Context& c, const Json& j, Ptr p) -> std::optional<SimDuration> {
    auto v = ParseQuantity<SimDuration>(c, j, p, kExpectDuration, ParseDuration);
    if (!v || !CheckRange(c, j, p, *v, r, FormatDuration)) return std::nullopt;
    return v;
  };
}

Parser<int64_t> Size(Range<int64_t> r) {
  return [r](Context& c, const Json& j, Ptr p) -> std::optional<int64_t> {
    auto v = ParseQuantity<int64_t>(c, j, p, kExpectSize, ParseSizeBytes);
    if (!v || !CheckRange(c, j, p, *v, r, FormatBytes)) return std::nullopt;
    return v;
  };
}

Parser<double> RecordRate(Range<double> r) {
  return [r](Context& c, const Json& j, Ptr p) -> std::optional<double> {
    auto v = ParseQuantity<double>(c, j, p, kExpectRecordRate, ParseRecordRatePerSec);
    if (!v || !CheckRange(c, j, p, *v, r, FormatRecordRate)) return std::nullopt;
    return v;
  };
}

Parser<double> ByteRate(Range<double> r) {
  return [r](Context& c, const Json& j, Ptr p) -> std::optional<double> {
    auto v = ParseQuantity<double>(c, j, p, kExpectByteRate, ParseByteRatePerSec);
    if (!v || !CheckRange(c, j, p, *v, r, FormatByteRate)) return std::nullopt;
    return v;
  };
}

Parser<int64_t> WholeRecordRate() {
  return [](Context& c, const Json& j, Ptr p) -> std::optional<int64_t> {
    auto v = ParseQuantity<double>(c, j, p, kExpectRecordRate, ParseRecordRatePerSec);
    if (!v) return std::nullopt;
    if (*v != std::trunc(*v)) {
      c.Error(p, "must be a whole number per second, got " + Describe(j));
      return std::nullopt;
    }
    return WholeCount(*v);
  };
}

Parser<int64_t> WholeByteRate() {
  return [](Context& c, const Json& j, Ptr p) -> std::optional<int64_t> {
    auto v = ParseQuantity<double>(c, j, p, kExpectByteRate, ParseByteRatePerSec);
    if (!v) return std::nullopt;
    if (*v != std::trunc(*v)) {
      c.Error(p, "must be a whole number of bytes per second, got " + Describe(j));
      return std::nullopt;
    }
    return WholeCount(*v);
  };
}

}  // namespace shardsim::loader
