// The diagnostics sink of a reader: Context collects the problems found in one document (each
// with its JSON pointer) and what the document asks for; ErrorScope tells whether a part of the
// reading found any. Describe() shows a JSON value the way messages quote it. Internal to the
// loader and to other readers built on it (a price file, overrides); one Context per document,
// not shared between threads.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "models/spec/diagnostic.h"
#include "models/spec/features.h"

namespace shardsim::loader {

using Json = nlohmann::ordered_json;  // keeps document order, for errors in document order
using Ptr = const std::string&;

inline constexpr size_t kMaxErrors = 100;  // shown; more are counted

struct Context {
  std::vector<Diagnostic> errors;    // the first kMaxErrors, in the order found
  std::vector<FeatureUse> features;  // what the document asks of the models
  std::string base_dir;              // relative file names are resolved against it
  size_t dropped_errors = 0;
  PointerSet problems;  // the pointers of Error()s, shown or dropped

  // An error with the value at `pointer`: rules that read it are skipped (see HasProblem).
  void Error(std::string pointer, std::string message);
  // An error that leaves the value at `pointer` usable, such as the first of duplicate keys.
  void ErrorKeepingValue(std::string pointer, std::string message);
  void Feature(std::string pointer, std::string_view feature);
  size_t error_count() const { return errors.size() + dropped_errors; }
  // Whether an Error() was reported at, above or below `pointer`.
  bool HasProblem(std::string_view pointer) const { return problems.Touches(pointer); }
  // The errors to report: `errors` plus a last "... and N more errors not shown" if some were
  // dropped. Leaves the context empty of errors.
  std::vector<Diagnostic> TakeErrors();
};

// Counts the errors reported while it lives: `ok()` is true if none were.
class ErrorScope {
 public:
  explicit ErrorScope(const Context& c) : c_(c), before_(c.error_count()) {}
  bool ok() const { return c_.error_count() == before_; }

 private:
  const Context& c_;
  size_t before_;
};

// A value as messages show it after "got": strings quoted, numbers as written, containers by kind.
std::string Describe(const Json& j);

}  // namespace shardsim::loader
