// Scenario loader: JSON text -> validated Scenario (models/scenario.h). Reports every problem it
// finds, each with the JSON pointer of the offending value, and never throws or aborts on bad
// input. Records which features a scenario uses so `run` can refuse the ones no model implements
// yet. Stateless functions, safe to call from several threads at once.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "models/scenario.h"

namespace shardsim {

struct Diagnostic {
  std::string pointer;  // RFC 6901 JSON pointer ("" = the whole document)
  std::string message;
  int line = 0;  // 1-based line and column (bytes); set only for malformed JSON
  int column = 0;
};

// "FILE: POINTER: message", "FILE:LINE:COL: message" (malformed JSON) or "FILE: message"
// (problems with the file itself).
std::string FormatDiagnostic(std::string_view file, const Diagnostic& d);

// Feature names, for FeatureUse::feature and UnsupportedFeatures().
inline constexpr std::string_view kFeatureProducers = "producers";
inline constexpr std::string_view kFeatureArrivalTrace = "arrival.trace";
inline constexpr std::string_view kFeatureExplicitHashKey = "keys.explicit_hash_key";
inline constexpr std::string_view kFeatureKpl = "api.kpl";
inline constexpr std::string_view kFeatureOnDemand = "stream.on_demand";
inline constexpr std::string_view kFeatureResharding = "stream.resharding";
inline constexpr std::string_view kFeatureAutoscaling = "stream.autoscaling";
inline constexpr std::string_view kFeaturePolling = "consumer.polling";
inline constexpr std::string_view kFeatureKcl = "consumer.kcl";
inline constexpr std::string_view kFeatureEfo = "consumer.efo";
inline constexpr std::string_view kFeatureLambda = "consumer.lambda";
inline constexpr std::string_view kFeatureFirehose = "consumer.firehose";
inline constexpr std::string_view kFeatureDirectPut = "firehose.direct_put";
inline constexpr std::string_view kFeatureSlos = "slos";
inline constexpr std::string_view kFeatureSloCost = "slos.max_monthly_cost_usd";
inline constexpr std::string_view kFeaturePricing = "pricing";
inline constexpr std::string_view kFeatureOutages = "consumer.outages";
inline constexpr std::string_view kFeatureWorkerFailures = "consumer.worker_failures";

// Every feature name above.
const std::vector<std::string_view>& AllFeatures();

struct FeatureUse {
  std::string pointer;  // where the scenario asks for it, e.g. "/consumers/1"
  std::string feature;  // one of the kFeature* names
};

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

// One "<feature> is not supported yet" diagnostic per use of a feature not in `implemented`.
std::vector<Diagnostic> UnsupportedFeatures(const LoadResult& loaded,
                                            const std::set<std::string>& implemented);

// The object types the loader reads, keyed like "$defs" in scenarios/scenario.schema.json, with
// each type's field names and, for fields that apply only to some variants, those variants'
// names (the discriminator field, e.g. "dist", selects the variant). For the schema agreement
// test and for documentation tools.
struct ObjectTypeInfo {
  std::string discriminator;                               // "" = no variants
  std::map<std::string, std::vector<std::string>> fields;  // name -> variants (empty = all)
};
std::map<std::string, ObjectTypeInfo> LoaderObjectTypes();

}  // namespace shardsim
