// MakeProducerModel: the API type picks the producer model. See producer_model.h.
#include "models/producers/producer_model.h"

#include <string>
#include <utility>

#include "models/producers/kpl_producer.h"
#include "models/producers/producer.h"

namespace shardsim {
namespace {

template <uint64_t ProducerCounters::*kField>
double ProducerTotal(const void* self, size_t) {
  return static_cast<double>(static_cast<const ProducerCounters*>(self)->*kField);
}
template <uint64_t ProducerCounters::*kField>
constexpr MetricView::Source kProducerSource = {
    [](const void*) { return size_t{1}; }, [](const void*, size_t) { return size_t{0}; },
    [](const void*, size_t, size_t) { return 0.0; }, ProducerTotal<kField>};

}  // namespace

void PublishProducerCounters(MetricsRegistry& registry, std::string_view name,
                             const ProducerCounters& n) {
  struct Published {
    const char* metric;
    const MetricView::Source& source;
  };
  static constexpr Published kPublished[] = {
      {"RecordsProduced", kProducerSource<&ProducerCounters::produced>},
      {"PutRecords.TotalRecords", kProducerSource<&ProducerCounters::kinesis_sent>},
      {"PutRecords.SuccessfulRecords", kProducerSource<&ProducerCounters::kinesis_accepted>},
      {"PutRecords.ThrottledRecords", kProducerSource<&ProducerCounters::throttled>},
      {"PutRecords.Bytes", kProducerSource<&ProducerCounters::bytes_accepted>},
  };
  const std::string head = "producer/" + std::string(name) + "/";
  for (const Published& p : kPublished) {
    registry.Publish(head + p.metric,
                     MetricView(p.source, &n, Seconds(1), SimTime::Zero(), MetricView::Fold::kSum));
  }
}

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
