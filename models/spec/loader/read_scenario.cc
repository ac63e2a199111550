// Reading a whole scenario: the top-level fields and each part, then contextual defaults, then
// Validate on the result. See scenario_readers.h.
#include "models/spec/features.h"
#include "models/spec/loader/scenario_readers.h"

namespace shardsim::loader {

std::optional<Scenario> ReadScenario(Context& c, const Json& root) {
  ErrorScope scope(c);
  Scenario s;
  if (root.is_object() && root.contains("$defs")) {  // e.g. `validate scenarios/*.json`
    c.Error("", "this is a JSON Schema (it has \"$defs\"), not a scenario");
    return std::nullopt;
  }
  {
    ObjectReader r(c, root, "", ScenarioType("scenario"));
    if (!r.is_object()) return std::nullopt;
    std::string schema;  // for editors; the loader has one format
    r.Optional("$schema", &schema, Text(0, 4096));
    r.Required("name", &s.name, Text(1, 256));
    r.Optional("description", &s.description, Text(0, 100'000));
    r.Optional("seed", &s.seed, Uint64());
    r.Optional("duration", &s.duration, Duration());
    r.Optional("warmup", &s.warmup, Duration());
    r.Optional("series_interval", &s.series_interval, Duration());
    r.Optional("series_max_values", &s.series_max_values, Int());
    r.Optional("region", &s.region, Region());
    // Optional for Direct PUT only scenarios; Validate asks for it when something uses it.
    s.has_stream = r.Has("stream");
    r.Object("stream", [&](const Json& v, Ptr vp) { ReadStream(c, v, vp, &s.stream); });
    r.Require("producers");
    r.Array("producers", 1, 1'000,
            [&](const Json& v, Ptr vp, size_t) { s.producers.push_back(ReadProducer(c, v, vp)); });
    r.Array("consumers", 0, 1'000, [&](const Json& v, Ptr vp, size_t) {
      s.consumers.push_back(ReadConsumer(c, v, vp, s.region));
    });
    r.Object("slos", [&](const Json& v, Ptr vp) {
      c.Feature(vp, kFeatureSlos);
      ReadSlos(c, v, vp, &s.slos.emplace());
    });
    r.Object("pricing", [&](const Json& v, Ptr vp) {
      c.Feature(vp, kFeaturePricing);
      ReadPricing(c, v, vp, &s.pricing.emplace());
    });
    r.Object("analysis", [&](const Json& v, Ptr vp) { ReadAnalysis(c, v, vp, &s.analysis); });
  }  // reports the unknown top-level fields
  FillContextualDefaults(root, &s);
  ValidateDocument(c, root, s);
  if (!scope.ok()) return std::nullopt;
  return s;
}

}  // namespace shardsim::loader
