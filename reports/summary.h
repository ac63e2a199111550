// The short human summary `shardsim run` prints: run header, producers, hottest shards,
// conservation, findings. Fits a 100-column terminal; long names are cut with "...".
// Pure function, thread-safe.
#pragma once

#include <string>

#include "models/result/run_result.h"

namespace shardsim {

inline constexpr int kSummaryWidthColumns = 100;

// Hottest shards rank by peak utilisation: the busier of peak records/s over the records limit
// and peak bytes/s over the bytes limit, using offered load (accepted + throttled) where it is
// higher than accepted, because a throttled shard's accepted peak sits at the limit and hides how
// far demand exceeded it. Ties keep shard order. Shows at most three, with each one's top key.
std::string SummaryText(const RunResult& result);

}  // namespace shardsim
