// Findings of the write path: hot shards (with the SplitShard point that balances them), hot
// keys no split can fix, write throttling and which limit bites, data loss, duplicates, oversized
// records and over-provisioning. Pure functions of the run's results; thread-compatible.
#pragma once

#include <cstdint>
#include <vector>

#include "models/key_space.h"
#include "models/run_result.h"
#include "models/scenario.h"
#include "models/stream.h"

namespace shardsim {

// The partition keys of one producer group, for top keys and split points. Key weights are the
// model's exact probabilities: they are what a run samples, without its sampling noise.
struct KeyUsage {
  const KeySpace* keys = nullptr;
  double weight = 0;  // the group's share of the stream's records
};

// Fills result->shards[i].top_keys: the keys with the largest exact share of each shard's
// records, merged across groups by key string; `records` is that share of the shard's first
// attempts. REQUIRES: expected_share filled.
void FillTopKeys(const std::vector<KeyUsage>& usage, size_t top_n, RunResult* result);

// Appends the write-path findings to result->findings. REQUIRES: result->shards and producers
// filled, top keys included.
void AddWritePathFindings(const Scenario& scenario, const Stream& stream,
                          const std::vector<KeyUsage>& usage, RunResult* result);

}  // namespace shardsim
