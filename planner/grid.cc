// --set parsing and sweep grids. See grid.h.
#include "planner/grid.h"

#include <charconv>
#include <cmath>
#include <system_error>

namespace shardsim {
namespace {

constexpr size_t kMaxAxisValues = 10'000;  // a range beyond this is almost surely a typo

std::string Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return std::string(s);
}

// Items of a comma-separated list; commas inside (), [], {} or "..." do not split.
std::vector<std::string> SplitList(std::string_view s) {
  std::vector<std::string> items;
  int depth = 0;
  bool quoted = false, escaped = false;
  size_t start = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (quoted) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        quoted = false;
      }
      continue;
    }
    if (c == '"') quoted = true;
    if (c == '[' || c == '{' || c == '(') ++depth;
    if (c == ']' || c == '}' || c == ')') --depth;
    if (c == ',' && depth == 0) {
      items.push_back(Trim(s.substr(start, i - start)));
      start = i + 1;
    }
  }
  items.push_back(Trim(s.substr(start)));
  return items;
}

bool ParseNumber(const std::string& s, double* out) {
  if (s.empty()) return false;
  const char* end = s.data() + s.size();
  const auto r = std::from_chars(s.data(), end, *out);
  return r.ec == std::errc() && r.ptr == end && std::isfinite(*out);
}

nlohmann::json NumberValue(double v, bool integral) {
  if (integral) return static_cast<int64_t>(std::llround(v));
  return v;
}

// Expands "A..B+S" or "A..B*F"; returns false with an error when `item` looks like a range but
// is not a valid one, true with no values when it is not a range at all.
bool ExpandRange(const std::string& item, std::vector<nlohmann::json>* out, std::string* error) {
  const size_t dots = item.find("..");
  if (dots == std::string::npos) return true;
  const size_t op = item.find_first_of("+*", dots + 2);
  double a = 0, b = 0, step = 0;
  if (op == std::string::npos || !ParseNumber(item.substr(0, dots), &a) ||
      !ParseNumber(item.substr(dots + 2, op - dots - 2), &b) ||
      !ParseNumber(item.substr(op + 1), &step)) {
    *error = "\"" + item + "\" is not a range: write A..B+STEP or A..B*FACTOR, e.g. 4..64*2";
    return false;
  }
  const bool geometric = item[op] == '*';
  if (b < a) {
    *error = "range \"" + item + "\" ends below its start";
    return false;
  }
  if (geometric ? !(step > 1) || !(a > 0) : !(step > 0)) {
    *error = "range \"" + item + "\": " +
             (geometric ? std::string("the factor must be > 1 and the start > 0")
                        : std::string("the step must be > 0"));
    return false;
  }
  const bool integral = a == std::floor(a) && step == std::floor(step);
  const double eps = 1e-9 * std::max(std::fabs(b), 1.0);
  for (size_t i = 0;; ++i) {
    // Arithmetic steps from the start (not accumulated) so that 0.1 steps do not drift.
    const double v =
        geometric ? a * std::pow(step, static_cast<double>(i)) : a + step * static_cast<double>(i);
    if (v > b + eps) break;
    if (out->size() >= kMaxAxisValues) {
      *error = "range \"" + item + "\" has more than " + std::to_string(kMaxAxisValues) + " values";
      return false;
    }
    out->push_back(NumberValue(v, integral));
  }
  return true;
}

nlohmann::json ParseValue(const std::string& text) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return text;  // not JSON: a plain string such as 6000/s or 10min
  return j;
}

}  // namespace

ParsedSet ParseSet(std::string_view argument, bool allow_list) {
  ParsedSet out;
  const size_t eq = argument.find('=');
  if (eq == std::string_view::npos || argument.empty() || argument[0] != '/') {
    out.error = "--set \"" + std::string(argument) +
                "\": expected /json/pointer=value, e.g. --set /stream/shards=8";
    return out;
  }
  out.set.pointer = std::string(argument.substr(0, eq));
  const std::string value = std::string(argument.substr(eq + 1));
  if (Trim(value).empty()) {
    out.error = "--set " + out.set.pointer + ": no value after '='";
    return out;
  }
  std::vector<std::string> items = allow_list ? SplitList(value) : std::vector{value};
  for (const std::string& item : items) {
    if (item.empty()) {
      out.error = "--set " + out.set.pointer + ": empty item in \"" + value + "\"";
      return out;
    }
    std::vector<nlohmann::json> range;
    std::string error;
    if (allow_list && !ExpandRange(item, &range, &error)) {
      out.error = "--set " + out.set.pointer + ": " + error;
      return out;
    }
    if (!range.empty()) {
      for (auto& v : range) out.set.values.push_back(std::move(v));
    } else {
      out.set.values.push_back(ParseValue(item));
    }
  }
  return out;
}

std::vector<std::vector<nlohmann::json>> GridPoints(const std::vector<SetOverride>& axes) {
  std::vector<std::vector<nlohmann::json>> points(1);
  for (const SetOverride& axis : axes) {
    std::vector<std::vector<nlohmann::json>> next;
    next.reserve(points.size() * axis.values.size());
    for (const auto& p : points) {
      for (const nlohmann::json& v : axis.values) {
        next.push_back(p);
        next.back().push_back(v);
      }
    }
    points = std::move(next);
  }
  return points;
}

std::string ValueLabel(const nlohmann::json& value) {
  if (value.is_string()) return value.get<std::string>();
  return value.dump();
}

}  // namespace shardsim
