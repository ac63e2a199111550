// ShardMap: CreateStream arithmetic, SplitShard / MergeShards rules and lookup. See shard_map.h.
#include "models/keys/shard_map.h"

#include <algorithm>

#include "sim/check.h"

namespace shardsim {

std::string ShardIdString(int index) {
  SHARDSIM_CHECK(index >= 0, "shard indexes are non-negative");
  std::string digits = std::to_string(index);
  return "shardId-" + std::string(digits.size() < 12 ? 12 - digits.size() : 0, '0') + digits;
}

std::vector<HashRange> UniformRanges(int shard_count) {
  SHARDSIM_CHECK(shard_count >= 1, "a stream has at least one shard");
  const Uint128 n = static_cast<unsigned>(shard_count);
  std::vector<HashRange> ranges(static_cast<size_t>(shard_count));
  ranges.back().end = HashKey::Max();
  if (shard_count == 1) return ranges;  // h = 2^128 does not fit in 128 bits
  // 2^128 itself does not fit either: 2^128 = q*n + r + 1 with q, r from 2^128-1, so
  // floor(2^128 / n) = q, plus one when r + 1 == n. Do not use floor((2^128-1)/n) alone: that is
  // kinesis-mock's off-by-one for even n (fact sheet section 1).
  const Uint128 max = HashKey::Max().value();
  const Uint128 h = max / n + (max % n == n - 1 ? 1 : 0);
  for (int i = 0; i < shard_count; ++i) {
    const Uint128 start = h * static_cast<unsigned>(i);
    ranges[static_cast<size_t>(i)].start = HashKey(start);
    if (i + 1 < shard_count) ranges[static_cast<size_t>(i)].end = HashKey(start + h - 1);
  }
  return ranges;
}

ShardMap ShardMap::CreateStream(int shard_count) {
  ShardMap map;
  const std::vector<HashRange> ranges = UniformRanges(shard_count);
  map.shards_.reserve(ranges.size());
  for (size_t i = 0; i < ranges.size(); ++i) {
    map.shards_.push_back(Shard{.index = static_cast<int>(i), .range = ranges[i]});
    map.open_starts_.push_back(ranges[i].start);
    map.open_indexes_.push_back(static_cast<int>(i));
  }
  return map;
}

int ShardMap::Lookup(HashKey key) const {
  // The first open shard starts at 0, so the shard before the first start > key always exists.
  const auto it = std::upper_bound(open_starts_.begin(), open_starts_.end(), key);
  return open_indexes_[static_cast<size_t>(it - open_starts_.begin() - 1)];
}

const Shard& ShardMap::shard(int index) const {
  SHARDSIM_CHECK(index >= 0 && index < static_cast<int>(shards_.size()), "no such shard index");
  return shards_[static_cast<size_t>(index)];
}

int ShardMap::OpenPosition(int shard_index) const {
  if (shard_index < 0 || shard_index >= static_cast<int>(shards_.size())) return -1;
  const Shard& s = shards_[static_cast<size_t>(shard_index)];
  if (s.state != ShardState::kOpen) return -1;
  const auto it = std::lower_bound(open_starts_.begin(), open_starts_.end(), s.range.start);
  SHARDSIM_CHECK(it != open_starts_.end() && *it == s.range.start, "open shard missing from index");
  return static_cast<int>(it - open_starts_.begin());
}

std::string ShardMap::CheckOpen(int shard_index) const {
  if (shard_index < 0 || shard_index >= static_cast<int>(shards_.size())) {
    const std::string name =
        shard_index < 0 ? "with index " + std::to_string(shard_index) : ShardIdString(shard_index);
    return "ResourceNotFoundException: Could not find shard " + name + ".";
  }
  if (shards_[static_cast<size_t>(shard_index)].state != ShardState::kOpen) {
    // The service's wording (as moto reproduces it), without "in stream S under account A".
    return "InvalidArgumentException: Shard " + ShardIdString(shard_index) +
           " has already been merged or split, and thus is not eligible for merging or splitting.";
  }
  return "";
}

ReshardResult ShardMap::Split(int shard_index, HashKey new_starting_hash_key) {
  ReshardResult result;
  result.error = CheckOpen(shard_index);
  if (!result.ok()) return result;
  const HashRange parent = shards_[static_cast<size_t>(shard_index)].range;
  const Uint128 start = parent.start.value();
  const Uint128 key = new_starting_hash_key.value();
  // Start + 1 < key < End, written so that Start + 1 cannot wrap at 2^128 - 1.
  if (key <= start || key - start <= 1 || key >= parent.end.value()) {
    result.error = "InvalidArgumentException: NewStartingHashKey " +
                   new_starting_hash_key.ToDecimal() + " used in SplitShard() on shard " +
                   ShardIdString(shard_index) +
                   " is not both greater than one plus the shard's StartingHashKey " +
                   parent.start.ToDecimal() + " and less than the shard's EndingHashKey " +
                   parent.end.ToDecimal() + ".";
    return result;
  }
  const int pos = OpenPosition(shard_index);
  const int lower = static_cast<int>(shards_.size());
  const int upper = lower + 1;
  shards_[static_cast<size_t>(shard_index)].state = ShardState::kClosed;
  shards_.push_back(
      Shard{.index = lower, .range = {parent.start, HashKey(key - 1)}, .parent = shard_index});
  shards_.push_back(
      Shard{.index = upper, .range = {new_starting_hash_key, parent.end}, .parent = shard_index});
  open_indexes_[static_cast<size_t>(pos)] = lower;
  open_starts_.insert(open_starts_.begin() + pos + 1, new_starting_hash_key);
  open_indexes_.insert(open_indexes_.begin() + pos + 1, upper);
  result.children = {lower, upper};
  return result;
}

ReshardResult ShardMap::Merge(int shard_index, int adjacent_shard_index) {
  ReshardResult result;
  result.error = CheckOpen(shard_index);
  if (result.ok()) result.error = CheckOpen(adjacent_shard_index);
  if (!result.ok()) return result;
  const int pos_a = OpenPosition(shard_index);
  const int pos_b = OpenPosition(adjacent_shard_index);
  // Adjacent open shards are neighbours in hash order, because open ranges tile the key space.
  if (pos_a - pos_b != 1 && pos_b - pos_a != 1) {
    result.error = "InvalidArgumentException: Shards " + ShardIdString(shard_index) + " and " +
                   ShardIdString(adjacent_shard_index) +
                   " are not an adjacent pair of shards eligible for merging";
    return result;
  }
  const int first = std::min(pos_a, pos_b);
  const HashRange low =
      shards_[static_cast<size_t>(open_indexes_[static_cast<size_t>(first)])].range;
  const HashRange high =
      shards_[static_cast<size_t>(open_indexes_[static_cast<size_t>(first + 1)])].range;
  const int child = static_cast<int>(shards_.size());
  shards_[static_cast<size_t>(shard_index)].state = ShardState::kClosed;
  shards_[static_cast<size_t>(adjacent_shard_index)].state = ShardState::kClosed;
  shards_.push_back(Shard{.index = child,
                          .range = {low.start, high.end},
                          .parent = shard_index,
                          .adjacent_parent = adjacent_shard_index});
  open_indexes_[static_cast<size_t>(first)] = child;
  open_starts_.erase(open_starts_.begin() + first + 1);
  open_indexes_.erase(open_indexes_.begin() + first + 1);
  result.children = {child};
  return result;
}

void ShardMap::CheckInvariants() const {
  SHARDSIM_CHECK(!open_indexes_.empty() && open_starts_.size() == open_indexes_.size());
  for (size_t i = 0; i < shards_.size(); ++i) {
    SHARDSIM_CHECK(shards_[i].index == static_cast<int>(i), "shard indexes are dense");
    SHARDSIM_CHECK(shards_[i].range.start <= shards_[i].range.end, "ranges are non-empty");
  }
  size_t open_seen = 0;
  for (const Shard& s : shards_) open_seen += s.state == ShardState::kOpen ? 1 : 0;
  SHARDSIM_CHECK(open_seen == open_indexes_.size(), "every open shard is indexed once");
  SHARDSIM_CHECK(open_starts_.front() == HashKey(0), "open ranges start at 0");
  for (size_t i = 0; i < open_indexes_.size(); ++i) {
    const Shard& s = shard(open_indexes_[i]);
    SHARDSIM_CHECK(s.state == ShardState::kOpen && s.range.start == open_starts_[i]);
    if (i + 1 < open_indexes_.size()) {
      SHARDSIM_CHECK(s.range.end.value() + 1 == open_starts_[i + 1].value(),
                     "open ranges are contiguous and sorted");
    } else {
      SHARDSIM_CHECK(s.range.end == HashKey::Max(), "open ranges end at 2^128-1");
    }
  }
}

}  // namespace shardsim
