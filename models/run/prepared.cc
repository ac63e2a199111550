// PreparedScenario: reads and builds the immutable inputs of a scenario once. See prepared.h.
#include "models/run/prepared.h"

#include <string>

#include "models/result/format.h"

namespace shardsim {

PreparedScenario::PreparedScenario(const Scenario& scenario, SimDuration duration)
    : scenario_(scenario),
      duration_(duration),
      initial_map_(ShardMap::CreateStream(static_cast<int>(scenario.stream.shards))) {}

PreparedScenario::Outcome PreparedScenario::Prepare(const Scenario& scenario,
                                                    SimDuration duration) {
  Outcome out;
  std::unique_ptr<PreparedScenario> p(new PreparedScenario(scenario, duration));
  // A Direct PUT Firehose ingests through a one-shard stream (fact sheet 7): its producers' keys
  // route on that map.
  const ShardMap direct_put_map = ShardMap::CreateStream(1);
  for (size_t i = 0; i < scenario.producers.size(); ++i) {
    const ProducerSpec& spec = scenario.producers[i];
    const std::string at = "/producers/" + std::to_string(i);
    auto profile = RateProfile::FromSpec(spec, duration);
    if (!profile.ok()) {
      out.problems.push_back({at + "/arrival/file", profile.error});
    } else if (const double n =
                   profile.value->ExpectedCount(SimTime::Zero(), SimTime::Zero() + duration);
               n > kMaxRecordsPerRun) {
      out.problems.push_back({at, "the arrival profile creates about " + SignificantDigits(n, 3) +
                                      " records in this run; at most 2e10 per run are supported "
                                      "(shorten the run or lower the rate)"});
    }
    auto sizes = SizeSampler::FromSpec(spec.record_size);
    if (!sizes.ok()) {
      // A data-file problem names the field that names the file.
      const bool file = spec.record_size.dist == SizeDist::kEmpirical;
      out.problems.push_back({at + (file ? "/record_size/file" : "/record_size"), sizes.error});
    }
    if (!out.problems.empty()) continue;  // keys are the costly part: hash them only if needed
    std::string error;
    // A key space with more keys than the run has records is hashed per record, not per key.
    const bool per_record = KeyModel::HashesPerRecord(
        spec.keys, profile.value->ExpectedCount(SimTime::Zero(), SimTime::Zero() + duration));
    std::optional<KeyModel> keys =
        KeyModel::Create(spec.keys, &error, KeyModel::kStoreHashesBelow, per_record);
    if (!keys.has_value()) {
      out.problems.push_back({at + "/keys", error});
      continue;
    }
    auto model = std::make_unique<const KeyModel>(std::move(*keys));
    auto routes = std::make_unique<const KeyRoutes>(
        *model, spec.target.empty() ? p->initial_map_ : direct_put_map);
    p->producers_.push_back(
        {std::move(*profile.value), std::move(*sizes.value), std::move(model), std::move(routes)});
  }
  if (out.problems.empty()) out.prepared = std::move(p);
  return out;
}

}  // namespace shardsim
