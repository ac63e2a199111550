// Scenario loader: JSON text -> validated Scenario (models/spec/scenario.h). Reports every problem
// it finds, each with the JSON pointer of the offending value, and never throws or aborts on bad
// input. The rules on values and between fields are Validate's (models/spec/validate.h), so a
// scenario changed after loading is checked the same way. Records which features a scenario uses
// so `run` can refuse the ones no model implements yet. Stateless functions, safe to call from
// several threads at once.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "models/spec/diagnostic.h"
#include "models/spec/features.h"
#include "models/spec/loader/object_type.h"
#include "models/spec/scenario.h"

namespace shardsim {

struct LoadResult {
  std::string file;                  // display name, the prefix of formatted diagnostics
  std::optional<Scenario> scenario;  // set iff errors is empty
  std::vector<Diagnostic> errors;    // in document order
  std::vector<FeatureUse> features;  // in document order

  bool ok() const { return errors.empty(); }
};

// Reads and loads a scenario file. Relative paths inside (CSV files, price file) are resolved
// against the file's directory and must exist.
LoadResult LoadScenarioFile(const std::string& path);

// Loads scenario text; `display_name` prefixes diagnostics, relative paths inside are resolved
// against `base_dir` ("" = the working directory).
LoadResult LoadScenarioText(const std::string& text, const std::string& display_name,
                            const std::string& base_dir);

// One value put into a scenario before it is read (`--set /json/pointer=value`, a sweep point).
struct JsonOverride {
  std::string pointer;  // RFC 6901; its parent must exist (an object or an array)
  nlohmann::ordered_json value;
};

// Loads a scenario file with `overrides` applied, in order, to its JSON before reading, so the
// result is checked exactly as if the file said so (every diagnostic names its pointer). A pointer
// whose parent is missing, or an array index past the end, is reported at that pointer.
LoadResult LoadScenarioFileWithOverrides(const std::string& path,
                                         const std::vector<JsonOverride>& overrides);

// The same for a parsed document, e.g. one read once and patched per sweep point. `base_dir`
// resolves relative paths inside.
LoadResult LoadScenarioJson(const nlohmann::ordered_json& document,
                            const std::vector<JsonOverride>& overrides,
                            const std::string& display_name, const std::string& base_dir);

// An operations file (`shardsim shards --ops FILE`, `shardsim route --ops FILE`): a JSON array of
// stream operations as in a scenario's stream.operations, without "at", "duration" and
// "if_updating" (they are applied in order, at once). Diagnostics point into the array
// ("/2/shard").
struct OperationsLoadResult {
  std::string file;                     // display name, the prefix of formatted diagnostics
  std::vector<ReshardSpec> operations;  // set iff errors is empty
  std::vector<Diagnostic> errors;       // in document order

  bool ok() const { return errors.empty(); }
};
OperationsLoadResult LoadOperationsFile(const std::string& path);
OperationsLoadResult LoadOperationsText(const std::string& text, const std::string& display_name);

// One "<feature> is not supported yet" diagnostic per use of a feature not in `implemented`.
std::vector<Diagnostic> UnsupportedFeatures(const LoadResult& loaded,
                                            const std::set<std::string>& implemented);

// The object types the loader reads, keyed like "$defs" in scenarios/scenario.schema.json, with
// each type's field names and, for fields that apply only to some variants, those variants'
// names (the discriminator field, e.g. "dist", selects the variant). For the schema agreement
// test and for documentation tools.
std::map<std::string, ObjectTypeInfo> LoaderObjectTypes();

}  // namespace shardsim
