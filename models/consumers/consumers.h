// ReadPath: the consumers of one run -- plain GetRecords pollers, KCL applications and enhanced
// fan-out consumers (fact sheet 2) -- wired onto the run's Stream and Simulation, and their
// results: per consumer latency, propagation, iterator age, throttling, conservation, series.
// Memory follows the records some consumer still has to read (the stream's shard logs release
// the rest), never the records simulated. Not thread-safe (one per simulation).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "models/consumers/consumer_base.h"
#include "models/keys/key_model.h"
#include "models/result/run_result.h"
#include "models/spec/scenario.h"
#include "models/stream/read_limits.h"
#include "models/stream/stream.h"
#include "sim/simulation.h"
#include "sim/time.h"

namespace shardsim {

// Put -> visible to GetRecords when the scenario sets no stream.propagation_delay: lognormal,
// median 50 ms, p99 150 ms (mean 56 ms). UNCONFIRMED as a distribution; chosen so that a single
// reader polling every 200 ms sees the ~200 ms average of fact sheet 2 (tests check it).
LatencySpec DefaultVisibilityDelay();

class ReadPath : public ShardListener {
 public:
  // Enables the stream's shard logs and adds one component per consumer to `sim`; listens to the
  // stream's reshards (and so does each consumer). A Direct PUT
  // Firehose reads from its own ingestion stream in `direct_put` (by consumer name; reads are
  // enabled here). `key_models` are the producers' by group index (poison-record keys).
  // REQUIRES: the run has not started; every Direct PUT Firehose has its stream.
  ReadPath(const Scenario& scenario, Stream& stream, Simulation& sim, SimTime end,
           const std::map<std::string, Stream*>& direct_put = {},
           std::vector<const KeyModel*> key_models = {});
  ~ReadPath() override;
  ReadPath(const ReadPath&) = delete;
  ReadPath& operator=(const ReadPath&) = delete;

  // The shared read limits grow with the stream's shards (heard before any consumer).
  void OnReshard(const Reshard& reshard) override;

  // After Simulation::Finish: one result per consumer, in scenario order.
  std::vector<ConsumerResult> Results() const;
  // Adds the read identities to `c` (per consumer: available = processed + unread + expired;
  // the logs' counts against the stream's): sets c->ok = false and names each failure.
  void CheckConservation(const Stream& stream, Conservation* c) const;
  // One table per consumer: "consumer-<name>".
  std::vector<SeriesTable> Series() const;
  std::vector<Assumption> Assumptions() const;

  size_t consumer_count() const { return consumers_.size(); }
  // Unique records consumer i has finished processing by t (for Little's-law checks).
  // REQUIRES: i < consumer_count(); t >= the simulation's latest event time.
  uint64_t ProcessedBy(size_t i, SimTime t) const;
  const SharedReadLimits& limits() const { return *limits_; }
  // What the read path's consumers share (stream, limits, end, visibility, key models): for a
  // consumer built outside the scenario's list, e.g. a test's with hooks.
  const ConsumerContext& context() const { return context_; }

 private:
  StreamSpec stream_spec_;
  std::vector<ConsumerSpec> specs_;
  std::unique_ptr<SharedReadLimits> limits_;
  ConsumerContext context_;
  std::vector<ConsumerBase*> consumers_;  // owned by the simulation
};

}  // namespace shardsim
