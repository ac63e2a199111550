// MakeProducerModel: the API type picks the producer model. See producer_model.h.
#include "models/producers/producer_model.h"

#include <utility>

#include "models/producers/kpl_producer.h"
#include "models/producers/producer.h"

namespace shardsim {

std::unique_ptr<ProducerModel> MakeProducerModel(const ProducerSpec& spec,
                                                 const RateProfile& profile, const KeyModel& keys,
                                                 SizeSampler sizes, Stream& stream, SimTime end,
                                                 SimTime warmup, uint32_t group_index,
                                                 const KeyRoutes* routes, bool key_identity) {
  if (spec.api.type == ApiType::kKpl) {
    return std::make_unique<KplProducerGroup>(spec, profile, keys, std::move(sizes), stream, end,
                                              warmup, group_index, routes);
  }
  return std::make_unique<ProducerGroup>(spec, profile, keys, std::move(sizes), stream, end, warmup,
                                         group_index, routes, key_identity);
}

}  // namespace shardsim
