// Feature names: what a scenario asks of the models, recorded by the loader so that `run` can
// refuse what no model implements yet instead of ignoring it. Constants only.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace shardsim {

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

}  // namespace shardsim
