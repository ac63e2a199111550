// One simulation run of a prepared scenario: builds the model graph (streams, producer groups,
// consumers) on one Simulation, runs it to the end time and assembles the RunResult with its
// conservation identities checked. No findings: what a run means is analysis/'s job. A pure
// function of (prepared scenario, seed, replication); no global state, so runs of one prepared
// scenario may execute on parallel threads.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "models/keys/key_model.h"
#include "models/keys/shard_map.h"
#include "models/result/run_result.h"
#include "models/run/model_graph.h"
#include "models/run/prepared.h"

namespace shardsim {

// Feature names (models/spec/features.h) that the models implement; `run` refuses the others.
const std::set<std::string>& ImplementedFeatures();

// The stream's open shards by minute, for runs whose shards change (resharding, on-demand):
// columns time_s (the minute's start), open_shards (open at that instant, after the changes made
// at it) and max_open_shards (the most open at any instant of the minute: an UpdateShardCount's
// intermediate shards). Counted from the shards' opened_at_s / closed_at_s, so it follows the
// shard-hours billed. `min_open` / `max_open` (optional) get the extremes over the run.
inline constexpr std::string_view kOpenShardSeries = "stream-open-shards";
SeriesTable OpenShardSeries(const std::vector<ShardResult>& shards, double duration_s,
                            int* min_open = nullptr, int* max_open = nullptr);

// The partition keys of one producer group writing to the stream, for expected shares, top keys
// and split points. Key weights are the model's exact probabilities: what a run samples, without
// its sampling noise.
struct KeyUsage {
  const KeyModel* keys = nullptr;
  double weight = 0;  // the group's share of the stream's records
  // The keys' shards on the final map when it is the one the prepared routes were built on (no
  // reshard; KeyRoutes::shard_of, pointing into the prepared scenario): the analysis then routes
  // no key again. Empty: not known (resharded, or keys without ids).
  std::span<const uint32_t> shard_of;
};

// What the analysis of a run needs beyond its result: the stream's final shard map and the key
// usage of the groups writing to it (pointing into the prepared scenario).
// A rerun of the scenario with one change (analysis/autoscaling_findings.h), whose measured
// result a finding quotes.
struct WhatIfRun {
  std::string change;
  RunResult result;
};

struct RunOutput {
  RunResult result;
  ShardMap final_map;
  std::vector<KeyUsage> usage;
  // The counts at the end of the warm-up, when the scenario has one: findings and objectives
  // judge the run without them.
  std::optional<WarmupCounts> warmup;
  std::vector<WhatIfRun> what_ifs;  // set by the planner before the analysis
};

// REQUIRES: prepared.scenario() uses only ImplementedFeatures(). `progress`, if given, observes
// the run (ModelGraph::Run); the result is the same with or without it.
RunOutput SimulateRun(const PreparedScenario& prepared, uint64_t seed, uint64_t replication = 0,
                      const ProgressHook* progress = nullptr);

// Fills result->shards[i].top_keys: the keys with the largest exact share of each shard's
// records, merged across groups by key string; `records` is that share of the shard's first
// attempts. REQUIRES: expected_share filled.
// `shard_of[g]` routes usage[g]'s key ids on the stream's map `map` (KeyRoutes::shard_of; empty
// for a key space hashed per record, whose top keys come from KeyModel::TopKeysOn(map)).
void FillTopKeys(const std::vector<KeyUsage>& usage,
                 const std::vector<std::span<const uint32_t>>& shard_of, const ShardMap& map,
                 size_t top_n, RunResult* result);

}  // namespace shardsim
