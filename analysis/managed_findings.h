// Findings of the managed consumers: a Lambda event-source mapping's stalled shards, discarded
// records, concurrency throttles and the read contention its polling causes (fact sheet 6); a
// Firehose stream's small objects, Direct PUT throttling and failed deliveries (fact sheet 7).
// Pure functions of the run's results; thread-compatible.
#pragma once

#include <vector>

#include "models/result/run_result.h"
#include "models/spec/scenario.h"

namespace shardsim {

// Appends the Lambda and Firehose findings of consumer `consumer` (its index in r.consumers and
// in s.consumers) to `out`; nothing for other consumer types or a consumer missing from `s`.
// REQUIRES: 0 <= consumer < r.consumers.size(); r.duration_s > 0.
void AddManagedConsumerFindings(const Scenario& s, const RunResult& r, int consumer,
                                std::vector<Finding>* out);

}  // namespace shardsim
