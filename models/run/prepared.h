// PreparedScenario: everything immutable a run needs, built once per command from a validated
// Scenario and a run duration -- rate profiles (trace files read here, once), record-size samplers
// (size CSVs read here, once), key models (every key hashed once) and their routes on the initial
// shard map -- and shared read-only by any number of runs on any threads. A run is a pure function
// of (prepared scenario, seed, replication). Thread safety: const after Prepare; the key models'
// and routes' const methods may run concurrently (models/keys/key_model.h, routing.h).
#pragma once

#include <memory>
#include <optional>
#include <vector>

#include "models/keys/key_model.h"
#include "models/keys/routing.h"
#include "models/keys/shard_map.h"
#include "models/spec/diagnostic.h"
#include "models/spec/scenario.h"
#include "models/traffic/arrivals.h"
#include "models/traffic/samplers.h"
#include "sim/time.h"

namespace shardsim {

struct PreparedProducer {
  RateProfile profile;
  SizeSampler sizes;  // copied into each run's producer group
  // Held by pointer: routes, runs and analyses point to them, so their addresses never move.
  std::unique_ptr<const KeyModel> keys;
  std::unique_ptr<const KeyRoutes> routes;  // keys on the initial map of the group's stream
};

class PreparedScenario {
 public:
  // Reads the scenario's data files and builds its samplers, key models and routes. Every problem
  // is a Diagnostic naming the field that names the input (`/producers/0/arrival/file`, ...), plus
  // a refusal of a run whose arrival profile creates more than kMaxRecordsPerRun records.
  // REQUIRES: `scenario` loaded (or validated) without errors.
  struct Outcome {
    std::unique_ptr<const PreparedScenario> prepared;  // set iff problems is empty
    std::vector<Diagnostic> problems;
  };
  static Outcome Prepare(const Scenario& scenario, SimDuration duration);

  // More records than this would take over half an hour to simulate at ~10^7 records/s: almost
  // surely a unit mistake (a trace in records per minute read as per second, say).
  static constexpr double kMaxRecordsPerRun = 2e10;

  PreparedScenario(const PreparedScenario&) = delete;
  PreparedScenario& operator=(const PreparedScenario&) = delete;

  const Scenario& scenario() const { return scenario_; }
  SimDuration duration() const { return duration_; }
  // One per scenario producer, in scenario order.
  const std::vector<PreparedProducer>& producers() const { return producers_; }
  // The stream's map right after CreateStream.
  const ShardMap& initial_map() const { return initial_map_; }

 private:
  PreparedScenario(const Scenario& scenario, SimDuration duration);

  Scenario scenario_;
  SimDuration duration_;
  ShardMap initial_map_;
  std::vector<PreparedProducer> producers_;
};

}  // namespace shardsim
