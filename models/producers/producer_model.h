// ProducerModel: a producer group as the run sees it, whichever API model drives it -- PutRecord
// and PutRecords (ProducerGroup) or the KPL (KplProducerGroup): a simulation component that writes
// to one stream and reports a ProducerResult at the end. MakeProducerModel picks the model from
// the spec's API type. Not thread-safe (one per simulation).
#pragma once

#include <cstdint>
#include <memory>

#include "models/keys/key_model.h"
#include "models/keys/routing.h"
#include "models/result/run_result.h"
#include "models/spec/scenario.h"
#include "models/stream/stream.h"
#include "models/traffic/arrivals.h"
#include "models/traffic/samplers.h"
#include "sim/simulation.h"
#include "sim/time.h"

namespace shardsim {

class ProducerModel : public Component {
 public:
  using Component::Component;

  // The group's counts; complete after Simulation::Finish.
  virtual ProducerResult Result() const = 0;
  virtual const ProducerSpec& spec() const = 0;
  virtual const KeyModel& keys() const = 0;
};

// The model for spec.api.type. `profile`, `keys`, `stream` and `routes` must outlive it. Records
// are created at times < `end`; latency statistics start at `warmup`; `group_index` is stored with
// each record (StoredRecord::producer); `routes` are the keys' routes on the stream's initial map
// when prepared (built otherwise); `key_identity`: a reader needs stored records' key ids
// (ProducerGroup).
std::unique_ptr<ProducerModel> MakeProducerModel(
    const ProducerSpec& spec, const RateProfile& profile, const KeyModel& keys, SizeSampler sizes,
    Stream& stream, SimTime end, SimTime warmup = SimTime::Zero(), uint32_t group_index = 0,
    const KeyRoutes* routes = nullptr, bool key_identity = true);

}  // namespace shardsim
