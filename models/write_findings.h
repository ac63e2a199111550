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

// The partition keys one producer group offered, for top keys and split points.
struct KeyUsage {
  const KeySpace* keys = nullptr;
  const std::vector<uint64_t>* offered = nullptr;  // per key id; may be empty (not counted)
};

// Fills result->shards[i].top_keys from the groups' per-key counts (keys with the same string in
// several groups are merged).
void FillTopKeys(const std::vector<KeyUsage>& usage, size_t top_n, RunResult* result);

// Appends the write-path findings to result->findings. REQUIRES: result->shards and producers
// filled, top keys included.
void AddWritePathFindings(const Scenario& scenario, const Stream& stream,
                          const std::vector<KeyUsage>& usage, RunResult* result);

}  // namespace shardsim
