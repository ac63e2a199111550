// The short human summary `shardsim run` prints: run header, producers, hottest shards,
// conservation, findings. Fits a 100-column terminal: long names are cut with "..." at their end,
// or where else keeps a column's names apart; shard ids are never cut. Pure function, thread-safe.
#pragma once

#include <string>

#include "models/result/run_result.h"

namespace shardsim {

inline constexpr int kSummaryWidthColumns = 100;

// Hottest shards rank by peak utilisation: the busier of peak records/s over the records limit
// and peak bytes/s over the bytes limit, using offered load (accepted + throttled) where it is
// higher than accepted, because a throttled shard's accepted peak sits at the limit and hides how
// far demand exceeded it. Ties keep shard order. Shows the three busiest, plus the most throttled
// shard when it is not among them; for each, its expected share of the stream (from key weights)
// and its top key with that key's share of the shard.
std::string SummaryText(const RunResult& result);

}  // namespace shardsim
