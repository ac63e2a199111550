// The objectives a configuration must meet to be recommended, and the verdict of one run against
// them. The scenario's own objectives (`slos`) when it states any, else the defaults: no write
// throttling beyond 0.1 % of record attempts and no consumer's iterator age growing. In both
// cases nothing may be dropped by the write limits or expire unread (data loss never meets an
// objective); oversized records are refused whatever the shard count, so they do not count. The
// cost objective is checked apart: more shards never make a stream cheaper, so it bounds the
// search from above instead of steering it. Pure functions; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "models/result/run_result.h"
#include "models/spec/scenario.h"

namespace shardsim {

inline constexpr double kDefaultMaxWriteThrottleFraction = 0.001;

// The objectives in words, for reports ("write throttle fraction <= 0.10%", ...).
std::vector<std::string> ObjectivesOf(const Scenario& scenario);

struct Verdict {
  bool met = true;
  // The first objective missed, with its subject and the limit that binds: "write throttle
  // fraction 0.42% > 0.10% (most on shardId-000000000003, by the bytes limit)".
  std::string missed;
  bool consumer_bound = false;  // missed only by consumers (their settings may help)
  bool cost_missed = false;     // the cost objective (checked apart; `met` ignores it)
};

// Judges one analysed run.
Verdict Judge(const Scenario& scenario, const RunResult& result);

// Record attempts refused by a write limit over record attempts, over every shard (0 without).
double WriteThrottleFraction(const RunResult& result);

}  // namespace shardsim
