// Readers of the pieces several parts share: latencies and processing times. See
// scenario_readers.h.
#include "models/spec/loader/scenario_readers.h"

namespace shardsim::loader {

Parser<LatencySpec> Latency() {
  return [](Context& c, const Json& j, Ptr p) -> std::optional<LatencySpec> {
    const auto dur = Duration();
    if (!j.is_object()) {
      if (auto v = dur(c, j, p)) return LatencySpec::Fixed(*v);
      return std::nullopt;
    }
    LatencySpec s;
    ObjectReader r(c, j, p, ScenarioType("latency_distribution"));
    if (r.Discriminator(&s.dist, /*required=*/true)) {
      switch (s.dist) {
        case LatencyDist::kFixed:
          r.Required("value", &s.value, dur);
          break;
        case LatencyDist::kUniform:
          r.Required("min", &s.min, dur);
          r.Required("max", &s.max, dur);
          break;
        case LatencyDist::kExponential:
          r.Required("mean", &s.mean, dur);
          break;
        case LatencyDist::kLognormal:
          r.Required("median", &s.median, dur);
          r.Required("p99", &s.p99, dur);
          break;
      }
    }
    return s;
  };
}

Parser<ProcessingSpec> InvocationDuration() {
  return [](Context& c, const Json& j, Ptr p) -> std::optional<ProcessingSpec> {
    if (j.is_object()) return ReadProcessing(c, j, p);
    ProcessingSpec s;
    const std::optional<SimDuration> d = Duration()(c, j, p);
    if (!d) return std::nullopt;
    s.per_batch = *d;
    return s;
  };
}

ProcessingSpec ReadProcessing(Context& c, const Json& j, Ptr p) {
  ProcessingSpec s;
  ObjectReader r(c, j, p, ScenarioType("processing"));
  r.Optional("per_batch", &s.per_batch, Duration());
  r.Optional("per_record", &s.per_record, Duration());
  r.Optional("per_mib", &s.per_mib, Duration());
  if (r.Discriminator(&s.distribution, false) && s.distribution == ProcessingDist::kLognormal) {
    r.Optional("p99_factor", &s.p99_factor, Number());
  }
  return s;
}

}  // namespace shardsim::loader
