// Findings of the stream's operations (resharding, fact sheet 3): a call Kinesis refused
// (reshard_refused, warning) with what to do instead, and what a completed operation changed
// (resharded, info): write throttling on the shards it closed against the shards it opened, and
// how long readers held the new shards back to finish the old ones. Pure; thread-compatible.
#pragma once

#include "models/result/run_result.h"
#include "models/spec/scenario.h"

namespace shardsim {

// Appends one finding per refused operation and per completed one, in operation order.
void AddReshardFindings(const Scenario& scenario, RunResult* r);

}  // namespace shardsim
