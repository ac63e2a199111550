// Reading the goals and the analysis settings: SLOs, pricing, analysis thresholds. See
// scenario_readers.h.
#include "models/spec/features.h"
#include "models/spec/loader/scenario_readers.h"

namespace shardsim::loader {

void ReadSlos(Context& c, const Json& j, Ptr p, SloSpec* s) {
  ObjectReader r(c, j, p, ScenarioType("slos"));
  r.Optional("max_iterator_age", &s->max_iterator_age, Duration());
  r.Optional("p99_latency", &s->p99_latency, Duration());
  r.Optional("max_write_throttle_fraction", &s->max_write_throttle_fraction, Number());
  if (r.Optional("max_monthly_cost_usd", &s->max_monthly_cost_usd, Number())) {
    c.Feature(r.Pointer("max_monthly_cost_usd"), kFeatureSloCost);
  }
  r.Optional("max_shard_utilization", &s->max_shard_utilization, Number());
}

void ReadPricing(Context& c, const Json& j, Ptr p, PricingSpec* s) {
  ObjectReader r(c, j, p, ScenarioType("pricing"));
  r.Optional("file", &s->file, File());
  r.Object("overrides", [&](const Json& v, Ptr vp) {
    if (!v.is_object()) {
      c.Error(vp, "expected an object of price dimension names to USD prices, got " + Describe(v));
      return;
    }
    const auto price = Number();
    for (const auto& [name, value] : v.items()) {
      const std::string ip = vp + "/" + PointerToken(name);
      if (!IsResourceName(name)) {
        c.Error(ip,
                "a price dimension name is 1 to 128 characters from a-z, A-Z, 0-9, \"_\", "
                "\".\" and \"-\"");
        continue;
      }
      if (auto usd = price(c, value, ip)) s->overrides[name] = *usd;
    }
  });
}

void ReadAnalysis(Context& c, const Json& j, Ptr p, AnalysisSpec* s) {
  ObjectReader r(c, j, p, ScenarioType("analysis"));
  r.Optional("hot_shard_threshold", &s->hot_shard_threshold, Number());
  r.Optional("stream_utilization_threshold", &s->stream_utilization_threshold, Number());
  r.Optional("top_keys", &s->top_keys, Int());
}

}  // namespace shardsim::loader
