// Findings of the read path: read throttling (which limit, which shards; EFO or fewer polling
// applications), iterator age growing without bound (processing too slow: at most one record
// processor per shard), records expiring before they were read (data loss) or about to, KCL
// leases nobody holds, idle workers and replays after lease takeovers; and, per consumer, the
// Lambda and Firehose findings of managed_findings.h. Pure functions of the run's results;
// thread-compatible.
#pragma once

#include "models/result/run_result.h"
#include "models/spec/scenario.h"

namespace shardsim {

// Appends the read-path findings to result->findings, consumer by consumer in result order, each
// with its consumer's index (and the shard it names, where one). REQUIRES: result->shards and
// result->consumers filled (in scenario order), duration_s > 0.
void AddReadPathFindings(const Scenario& scenario, RunResult* result);

}  // namespace shardsim
