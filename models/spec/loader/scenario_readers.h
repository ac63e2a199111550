// The scenario readers: typed reading of each part of a scenario document into the spec structs,
// each object through an ObjectReader bound to its type in ScenarioObjectTypes(). They check what
// is about the text (types, units, spellings, unknown, misplaced and required fields) and fill
// defaults; ranges and the rules between fields are Validate's (models/spec/validate.h), run by
// ValidateDocument once everything is read. Internal to the loader; stateless functions.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "models/spec/loader/diagnostics.h"
#include "models/spec/loader/object_reader.h"
#include "models/spec/loader/object_type.h"
#include "models/spec/loader/value_parsers.h"
#include "models/spec/scenario.h"

namespace shardsim::loader {

// ---------------------------------------------------------------- object_types.cc

// Every object type of the format, keyed like "$defs" in scenarios/scenario.schema.json.
const std::map<std::string, ObjectTypeInfo>& ScenarioObjectTypes();
// REQUIRES: `name` is one of ScenarioObjectTypes().
const ObjectTypeInfo& ScenarioType(const std::string& name);

// ---------------------------------------------------------------- read_common.cc

// A latency: a duration string (fixed) or {dist: ...}. An object is read field by field: a field
// that fails to read keeps its default (and Validate skips the rules that read it).
Parser<LatencySpec> Latency();
ProcessingSpec ReadProcessing(Context& c, const Json& j, Ptr p);
// An invocation's duration: a duration string (a fixed time per batch, like a latency) or a
// processing object.
Parser<ProcessingSpec> InvocationDuration();

// ---------------------------------------------------------------- the parts

ProducerSpec ReadProducer(Context& c, const Json& j, Ptr p);       // read_producers.cc
void ReadStream(Context& c, const Json& j, Ptr p, StreamSpec* s);  // read_stream.cc
// One stream operation; `timed`: of the scenario's timeline (with "at"), else of an operations
// file (read_stream.cc).
ReshardSpec ReadOperation(Context& c, const Json& j, Ptr p, bool timed);
ConsumerSpec ReadConsumer(Context& c, const Json& j, Ptr p, const std::string& region);  // *
void ReadSlos(Context& c, const Json& j, Ptr p, SloSpec* s);  // read_goals.cc
void ReadPricing(Context& c, const Json& j, Ptr p, PricingSpec* s);
void ReadAnalysis(Context& c, const Json& j, Ptr p, AnalysisSpec* s);
// * read_consumers.cc; `region` selects the Direct PUT quota defaults.

// The whole scenario (read_scenario.cc): null if any error was reported.
std::optional<Scenario> ReadScenario(Context& c, const Json& root);

// ---------------------------------------------------------------- validate_document.cc

// Defaults that depend on other parts of the scenario: a PutRecords producer writing to a
// firehose batches at most 4 MiB (PutRecordBatch) unless it says otherwise.
void FillContextualDefaults(const Json& root, Scenario* s);

// Runs Validate on `s` as read from `root`: values that had read problems are skipped, "got"
// quotes the document, and the problems are reported to `c`.
void ValidateDocument(Context& c, const Json& root, const Scenario& s);

}  // namespace shardsim::loader
