// Range<T>: a closed, open or half-open interval of allowed values, and the words messages use for
// it ("between 1 and 500 (the PutRecords limit)", "greater than 0s and at most 1h"). Shared by
// Validate and the loader's value parsers so that every range message reads the same. Header-only
// value type.
#pragma once

#include <optional>
#include <string>

namespace shardsim {

template <typename T>
struct Range {
  std::optional<T> lo, hi;
  bool lo_open = false;
  bool hi_open = false;
  std::string why = {};  // appended to the message, e.g. "the PutRecords request limit"

  bool Contains(const T& v) const {
    if (lo && (lo_open ? !(v > *lo) : v < *lo)) return false;
    if (hi && (hi_open ? !(v < *hi) : v > *hi)) return false;
    return true;
  }
};

// The range in words, bounds written by `format`.
template <typename T, typename F>
std::string RangeText(const Range<T>& r, F format) {
  std::string text;
  if (r.lo && r.hi && !r.lo_open && !r.hi_open) {
    text = "between " + format(*r.lo) + " and " + format(*r.hi);
  } else {
    if (r.lo) text = (r.lo_open ? "greater than " : "at least ") + format(*r.lo);
    if (r.lo && r.hi) text += " and ";
    if (r.hi) text += (r.hi_open ? "less than " : "at most ") + format(*r.hi);
  }
  if (!r.why.empty()) text += " (" + r.why + ")";
  return text;
}

}  // namespace shardsim
