// `shardsim shards`: the shard table of an N-shard stream after a file of resharding operations
// (SplitShard, MergeShards, UpdateShardCount), as JSON. The same operations file feeds
// `shardsim route --ops` (CmdRoute lives beside it, in cmd_shards.cc). Writes to stdout/stderr;
// not thread-safe.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "models/keys/shard_map.h"

namespace shardsim::cli {

int CmdShards(const std::vector<std::string>& args);

// The shard table of `map` as JSON: {"shards": [...]}, one shard per line, every shard ever
// created in index order with shard_id, parent_shard_id and adjacent_parent_shard_id (null when
// absent), starting_hash_key and ending_hash_key (decimal) and open.
void WriteShardTable(const ShardMap& map, std::ostream& out);

}  // namespace shardsim::cli
