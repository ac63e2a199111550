// Findings of the write path: hot shards (with the SplitShard point that balances them), hot
// keys no split can fix, write throttling and which limit bites, data loss, duplicates, oversized
// records and over-provisioning. Pure functions of the run's results; thread-compatible.
#pragma once

#include <cstdint>
#include <vector>

#include "models/keys/shard_map.h"
#include "models/result/run_result.h"
#include "models/run/run.h"
#include "models/spec/scenario.h"

namespace shardsim {

// Appends the write-path findings to result->findings, in this order: hot keys and hot shards (by
// shard), write throttling or over-provisioning, then each producer's. Each names the shard or
// producer it concerns by index and carries its figures. REQUIRES: result->shards and producers
// filled, top keys and the stream's peak demand included; `map` is the stream's shard map at the
// end of the run.
void AddWritePathFindings(const Scenario& scenario, const ShardMap& map,
                          const std::vector<KeyUsage>& usage, RunResult* result);

}  // namespace shardsim
