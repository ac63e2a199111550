// The list of feature names. See features.h.
#include "models/spec/features.h"

namespace shardsim {

const std::vector<std::string_view>& AllFeatures() {
  static const std::vector<std::string_view> kAll = {
      kFeatureProducers,   kFeatureArrivalTrace,   kFeatureExplicitHashKey,
      kFeatureKpl,         kFeatureOnDemand,       kFeatureResharding,
      kFeatureAutoscaling, kFeaturePolling,        kFeatureKcl,
      kFeatureEfo,         kFeatureLambda,         kFeatureFirehose,
      kFeatureDirectPut,   kFeatureSlos,           kFeaturePricing,
      kFeatureOutages,     kFeatureWorkerFailures, kFeatureSloCost};
  return kAll;
}

}  // namespace shardsim
