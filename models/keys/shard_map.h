// ShardMap: a stream's shards and hash-key ranges -- CreateStream split, SplitShard, MergeShards,
// routing (fact sheet 1, 3). Invariants: open ranges are sorted, disjoint, cover [0, 2^128-1];
// indexes are dense, never reused; closed shards stay listed. Thread safety: a plain value type.
#pragma once

#include <string>
#include <vector>

#include "models/keys/hash_key.h"

namespace shardsim {

struct HashRange {
  HashKey start;  // StartingHashKey, inclusive
  HashKey end;    // EndingHashKey, inclusive
  friend bool operator==(const HashRange&, const HashRange&) = default;
};

enum class ShardState { kOpen, kClosed };  // EXPIRED is a retention matter, left to the stream

struct Shard {
  int index = 0;  // n of "shardId-n"; also the position in ShardMap::shards()
  HashRange range;
  int parent = -1;           // ParentShardId; -1 for a shard made by CreateStream
  int adjacent_parent = -1;  // AdjacentParentShardId: the second parent of a merge child
  ShardState state = ShardState::kOpen;
};

// "shardId-" + the index zero-padded to 12 digits, e.g. shardId-000000000007.
// REQUIRES: 0 <= index.
std::string ShardIdString(int index);

// CreateStream's split of [0, 2^128-1] into `shard_count` ranges: with h = floor(2^128 / N),
// range i is [i*h, (i+1)*h - 1] and the last ends at 2^128-1. Also the target layout of
// UpdateShardCount's UNIFORM_SCALING. REQUIRES: 1 <= shard_count.
std::vector<HashRange> UniformRanges(int shard_count);

// Outcome of SplitShard / MergeShards: the new child indexes, or the error Kinesis would return
// ("<ExceptionName>: <message>"), in which case the map is unchanged.
struct ReshardResult {
  std::string error;
  std::vector<int> children;  // split: {lower, upper}; merge: {child}
  bool ok() const { return error.empty(); }
};

class ShardMap {
 public:
  // The map right after CreateStream(ShardCount = shard_count): shards 0..N-1, UniformRanges(N).
  // REQUIRES: 1 <= shard_count.
  static ShardMap CreateStream(int shard_count);

  // Index of the open shard whose range holds `key`. Binary search: O(log open shards).
  int Lookup(HashKey key) const;

  const std::vector<Shard>& shards() const { return shards_; }  // every shard ever, by index
  const Shard& shard(int index) const;                          // REQUIRES: valid index
  const std::vector<int>& open_shards() const { return open_indexes_; }  // in hash-key order
  int open_count() const { return static_cast<int>(open_indexes_.size()); }
  // Whether `index` names a shard that is open (false for any index outside the map).
  bool IsOpen(int index) const {
    return index >= 0 && index < static_cast<int>(shards_.size()) &&
           shards_[static_cast<size_t>(index)].state == ShardState::kOpen;
  }

  // SplitShard: the lower child gets [Start, new-1], the upper [new, End], as indexes next and
  // next+1; the parent becomes closed. Requires an open shard and Start + 1 < new < End.
  ReshardResult Split(int shard_index, HashKey new_starting_hash_key);
  // MergeShards: two open shards whose ranges touch (in either order) become one child spanning
  // both; ParentShardId = shard_index, AdjacentParentShardId = adjacent_shard_index.
  ReshardResult Merge(int shard_index, int adjacent_shard_index);

  // Aborts (SHARDSIM_CHECK) if an invariant in the file comment is broken. O(shards).
  void CheckInvariants() const;

 private:
  ShardMap() = default;
  int OpenPosition(int shard_index) const;  // position in open_indexes_, or -1 if not open
  std::string CheckOpen(int shard_index) const;

  std::vector<Shard> shards_;
  // Open shards in hash-key order: parallel arrays so Lookup searches packed starting keys.
  std::vector<HashKey> open_starts_;
  std::vector<int> open_indexes_;
};

}  // namespace shardsim
