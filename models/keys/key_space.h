// KeySpace: the partition-key side of a producer group -- draws a key per record and routes it to
// a shard through a key->shard table built once (one MD5 per key) and rebuilt only on resharding;
// plus the exact expected shard shares and balancing split points the hot-shard finding uses.
// Thread safety: const methods may run concurrently (each caller owns its Rng); Reroute may not.
#pragma once

#include <bit>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "models/keys/hash_key.h"
#include "models/keys/shard_map.h"
#include "models/spec/scenario.h"
#include "sim/huge_page_allocator.h"
#include "sim/random.h"
#include "sim/rng.h"

namespace shardsim {

inline constexpr uint32_t kNoKey = ~uint32_t{0};  // key_id of a record with no key identity

// Random keys are UUID-like, "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx".
inline constexpr uint32_t kRandomKeyBytes = 36;

// One record's key: what the producer model carries per record.
struct KeyDraw {
  uint32_t key_id;     // in [0, key_count()), or kNoKey (random keys, uniform ExplicitHashKey)
  uint32_t shard;      // ShardMap shard index of the open shard the record routes to
  uint32_t key_bytes;  // UTF-8 bytes of the partition key (counts toward the record size)
};

struct KeyWeight {
  uint32_t key_id = kNoKey;
  std::string key;   // the partition key, or the decimal ExplicitHashKey for explicit_hash_key
  HashKey hash_key;  // what it routes by
  double probability = 0;  // exact share of the group's records
};

// A SplitShard that divides a shard's traffic most evenly.
struct SplitPoint {
  HashKey new_starting_hash_key;  // satisfies Start + 1 < new < End of the shard
  double lower_share = 0;         // of the shard's weight that lands in [Start, new - 1]
  // One key carries more than half the shard's weight: no split of hash ranges can balance the
  // shard (a key never spans shards), so the finding should recommend salting that key instead.
  bool dominant_key = false;
  uint32_t dominant_key_id = kNoKey;
};

class KeySpace {
 public:
  // Validates `spec` (an invalid spec gives nullopt and writes a message naming the KeySpec field
  // and the rule to `error`) and hashes every key once. Cost: one MD5 per key (measured 0.21 s
  // per 10^6 keys); memory: 4 bytes per key (its shard), hashes are recomputed on demand.
  // Key ids: template key i is id i (zipf: rank i + 1, so key 0 is hottest); a hot_key string
  // outside the key space is an extra key, id count; weighted keys and explicit_hash_key's
  // hash_keys are ids in spec order (the latter's partition keys only size the record).
  // hot_key: hot_share of the records take the hot key, the rest are uniform over the other
  // template keys (over all of them if the hot key is an extra key or count == 1).
  static std::optional<KeySpace> Create(const KeySpec& spec, const ShardMap& map,
                                        std::string* error);

  KeySpace(KeySpace&&) noexcept = default;
  KeySpace& operator=(KeySpace&&) noexcept = default;
  KeySpace(const KeySpace&) = delete;
  KeySpace& operator=(const KeySpace&) = delete;

  // The key of the next record. No allocation, hashing or search for keyed distributions; random
  // keys and uniform ExplicitHashKeys route a fresh 128-bit hash through a radix directory.
  KeyDraw Sample(Rng& rng) const;

  // Draws from one 64-bit random value chosen a draw ahead, so that the caller can prefetch the
  // table entry the draw will read (KeySampler does). Only for uniform keys and Zipf keys with an
  // alias table: the two large random-access tables of the write path.
  bool SupportsLookahead() const {
    return dist_ == KeyDist::kUniform || (dist_ == KeyDist::kZipf && !zipf_alias_.empty());
  }
  const void* LookaheadAddress(uint64_t u) const {
    const auto i = static_cast<size_t>(
        MulHigh(u, dist_ == KeyDist::kZipf ? zipf_alias_.size() : template_count_));
    return dist_ == KeyDist::kZipf ? static_cast<const void*>(&zipf_alias_[i])
                                   : static_cast<const void*>(&shard_of_[i]);
  }
  // REQUIRES: SupportsLookahead().
  KeyDraw SampleFrom(uint64_t u) const {
    if (dist_ == KeyDist::kZipf) return ZipfAliasDraw(u);
    return Keyed(static_cast<uint32_t>(MulHigh(u, template_count_)));
  }

  // REQUIRES: key_id < key_count().
  uint32_t ShardOf(uint32_t key_id) const;
  std::string KeyString(uint32_t key_id) const;
  HashKey KeyHash(uint32_t key_id) const;  // MD5 of the key (recomputed), or the ExplicitHashKey
  double Probability(uint32_t key_id) const;

  // Number of key ids: the key space (plus an extra hot key), the weighted keys or the weighted
  // ExplicitHashKeys; 0 for random keys and uniform ExplicitHashKeys.
  uint64_t key_count() const { return key_count_; }
  KeyDist dist() const { return dist_; }

  // Rebuilds the routing after SplitShard / MergeShards / UpdateShardCount. Keys whose shard is
  // still open with the same range keep it; only the others are hashed again.
  void Reroute(const ShardMap& map);

  // Exact share of the group's records per shard index of `map` (closed shards get 0): key
  // probabilities summed per shard, or range width / 2^128 when the hash is uniform. O(keys) if
  // `map` is the current routing, else one MD5 per key.
  std::vector<double> ExpectedShardShares(const ShardMap& map) const;

  // The `n` most probable keys routed to shard index `shard` (current routing), most probable
  // first, ties by key id. Empty for random keys and uniform ExplicitHashKeys.
  std::vector<KeyWeight> TopKeys(int shard, size_t n) const;

  // The NewStartingHashKey that splits open shard `shard` of `map` closest to 50/50 by weight:
  // keys sorted by hash key, the cut between two consecutive distinct hashes whose lower side is
  // closest to half (ties: the lowest cut); NewStartingHashKey is the upper key's hash, moved to
  // End - 1 if it equals End; cuts with no valid key are skipped. Random keys and uniform
  // ExplicitHashKeys: the range midpoint. nullopt if `shard` is not open in `map`, fewer than two
  // distinct hashes carry weight, or no cut is valid. Cost: a scan of the key table (if `map` is
  // the current routing, else an MD5 per key), an MD5 per key in the shard, a sort of those.
  std::optional<SplitPoint> BalancingSplitPoint(const ShardMap& map, int shard) const;  // exact
  // REQUIRES: observed_counts.size() == key_count() (counts per key id, e.g. from a run).
  std::optional<SplitPoint> BalancingSplitPoint(const ShardMap& map, int shard,
                                                std::span<const uint64_t> observed_counts) const;
  // REQUIRES: weight(key_id) finite and >= 0.
  std::optional<SplitPoint> BalancingSplitPoint(
      const ShardMap& map, int shard, const std::function<double(uint32_t)>& weight) const;

 private:
  // Open shards' starting keys with a directory on the top bits: a uniform hash finds its shard
  // in O(1) expected (one or two compares) instead of a binary search over all shards.
  struct Router {
    std::vector<Uint128> starts;      // open shards in hash order
    std::vector<uint32_t> indexes;    // their shard indexes
    std::vector<uint32_t> directory;  // [b] = number of starts whose top `bits` are < b
    int shift = 127;                  // 128 - bits

    void Build(const ShardMap& map);
    uint32_t Lookup(Uint128 hash) const;
    bool SameAs(const ShardMap& map) const;
  };

  // Keys with a stored string and hash: weighted keys, an extra hot key, ExplicitHashKeys.
  struct StoredKey {
    std::string text;
    HashKey hash;
  };

  KeySpace() = default;
  uint32_t TemplateBytes(uint64_t i) const;
  uint32_t KeyBytes(uint32_t key_id) const;
  KeyDraw Keyed(uint32_t key_id) const { return {key_id, shard_of_[key_id], KeyBytes(key_id)}; }
  // Kept out of line so that Sample stays small enough to inline into the producer's loop.
  KeyDraw SampleExplicitOrRandom(Rng& rng) const;
  bool HashIsUniform() const;
  std::optional<SplitPoint> SplitByWeight(const ShardMap& map, int shard,
                                          const std::function<double(uint32_t)>& weight) const;

  KeyDist dist_ = KeyDist::kUniform;
  // Template keys prefix + decimal(i) + suffix, i in [0, template_count_): key ids
  // [0, stored_base_) for keyed distributions; only partition-key sizes for explicit_hash_key.
  std::string prefix_;
  std::string suffix_;
  uint32_t template_count_ = 0;
  uint32_t affix_bytes_ = 0;
  uint32_t stored_base_ = 0;  // key id of stored_[0]
  std::vector<StoredKey> stored_;
  std::vector<uint32_t> stored_bytes_;  // partition-key bytes of stored_ keys (hot path copy)
  uint64_t key_count_ = 0;
  std::vector<uint32_t, HugePageAllocator<uint32_t>> shard_of_;  // by key id
  Router router_;

  // Zipf draws: an alias table of the exact key probabilities (one Rng draw and one 16-byte
  // table load, ~5x faster than rejection-inversion) up to kMaxZipfAliasKeys keys, else the
  // table-free rejection-inversion sampler.
  static constexpr uint32_t kMaxZipfAliasKeys = uint32_t{1} << 23;
  struct ZipfColumn {
    uint32_t threshold;    // keep the column's key when the draw's fraction is below this / 2^32
    uint32_t alias;        // else take this key
    uint32_t shard;        // shard of the column's key
    uint32_t alias_shard;  // shard of the alias key
  };
  void BuildZipfAlias();
  void RefreshAliasShards();  // after routing changes
  // Uniform index in [0, n) from the high word of u * n (bias <= n / 2^64, far below any
  // sampling error); the low word stays uniform for a second decision.
  static uint64_t MulHigh(uint64_t u, uint64_t n) {
    return static_cast<uint64_t>((static_cast<Uint128>(u) * n) >> 64);
  }
  KeyDraw ZipfAliasDraw(uint64_t u) const {
    const Uint128 m = static_cast<Uint128>(u) * zipf_alias_.size();
    const auto column = static_cast<uint32_t>(m >> 64);
    // The low word is uniform too; its top 32 bits decide between the column and its alias.
    const auto fraction = static_cast<uint32_t>(static_cast<uint64_t>(m) >> 32);
    const ZipfColumn& e = zipf_alias_[column];
    return fraction < e.threshold ? KeyDraw{column, e.shard, TemplateBytes(column)}
                                  : KeyDraw{e.alias, e.alias_shard, TemplateBytes(e.alias)};
  }
  std::optional<Zipf> zipf_;
  std::vector<ZipfColumn, HugePageAllocator<ZipfColumn>> zipf_alias_;
  double zipf_harmonic_ = 1;          // H(count, s), computed once
  std::optional<Discrete> discrete_;  // weighted keys or weighted ExplicitHashKeys
  double hot_share_ = 0;
  uint32_t hot_id_ = 0;
  uint32_t cold_count_ = 0;      // keys the 1 - hot_share of records spread over
  uint32_t cold_skip_ = kNoKey;  // cold draws r >= this move up by one (skip the hot key)
};

// ---------------------------------------------------------------- inline hot path

inline uint32_t KeySpace::TemplateBytes(uint64_t i) const {
  static constexpr uint32_t kPow10[] = {1,      10,      100,      1000,      10000,
                                        100000, 1000000, 10000000, 100000000, 1000000000};
  const uint32_t v = static_cast<uint32_t>(i) | 1;  // 0 and 1 both have one digit
  // floor(log10(2) * bit_width) is log10(v) or one more; the compare fixes it.
  const uint32_t t = static_cast<uint32_t>(std::bit_width(v)) * 1233 >> 12;
  return affix_bytes_ + t + (v >= kPow10[t] ? 1 : 0);
}

inline uint32_t KeySpace::KeyBytes(uint32_t key_id) const {
  return key_id < stored_base_ ? TemplateBytes(key_id) : stored_bytes_[key_id - stored_base_];
}

inline KeyDraw KeySpace::Sample(Rng& rng) const {
  switch (dist_) {
    case KeyDist::kUniform:
      return Keyed(static_cast<uint32_t>(rng.Below(template_count_)));
    case KeyDist::kZipf:
      if (!zipf_alias_.empty()) return ZipfAliasDraw(rng.Next());
      return Keyed(static_cast<uint32_t>(zipf_->Sample(rng) - 1));  // rank 1 is key 0
    case KeyDist::kHotKey: {
      if (rng.NextDouble() < hot_share_) return Keyed(hot_id_);
      const auto r = static_cast<uint32_t>(rng.Below(cold_count_));
      return Keyed(r + (r >= cold_skip_ ? 1 : 0));
    }
    case KeyDist::kWeighted:
      return Keyed(static_cast<uint32_t>(discrete_->Sample(rng)));
    case KeyDist::kRandom:
    case KeyDist::kExplicitHashKey:
      break;
  }
  return SampleExplicitOrRandom(rng);
}

// Draws a producer group's keys with a lookahead of a few draws: their random values are taken
// early and their table entries prefetched, so the cache miss of a large key table overlaps the
// rest of a record's work instead of stalling it (measured: Zipf over 10^6 keys, 36 -> ~12 ns per
// draw inside the producer loop). Deterministic: the same Rng stream in the same order.
class KeySampler {
 public:
  KeySampler(const KeySpace& keys, Rng rng)
      : keys_(&keys), rng_(rng), lookahead_(keys.SupportsLookahead()) {
    if (!lookahead_) return;
    for (uint64_t& u : ahead_) {
      u = rng_.Next();
      __builtin_prefetch(keys_->LookaheadAddress(u));
    }
  }
  KeyDraw Next() {
    if (!lookahead_) return keys_->Sample(rng_);
    const uint64_t u = ahead_[slot_];
    ahead_[slot_] = rng_.Next();
    __builtin_prefetch(keys_->LookaheadAddress(ahead_[slot_]));
    slot_ = (slot_ + 1) % kAhead;
    return keys_->SampleFrom(u);
  }

 private:
  static constexpr size_t kAhead = 8;  // draws in flight: covers a memory miss at ~50 ns/record
  const KeySpace* keys_;
  Rng rng_;
  bool lookahead_;
  size_t slot_ = 0;
  uint64_t ahead_[kAhead] = {};
};

}  // namespace shardsim
