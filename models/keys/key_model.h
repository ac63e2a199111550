// KeyModel: the partition keys of a producer group, immutable once built -- the distribution a
// record's key is drawn from (uniform, Zipf, hot key, weighted keys, random keys,
// ExplicitHashKeys), the bytes each key adds to a record, and per key what routing needs: the high
// 64 bits of its MD5 hash key (8 bytes per template key; not kept from kStoreHashesBelow keys on,
// where the keys are hashed again in batches when needed), so that the routing of every key on any
// shard map is built without hashing again (models/keys/routing.h), exactly -- the full hash is
// recomputed only for a key whose high word equals a range start's. Plus the exact analyses on a
// shard map: expected shard shares, top keys, balancing split points. Built once per prepared
// scenario and shared read-only by every run and thread. Thread safety: const methods may run
// concurrently; the MD5s they recompute use hash_key.cc's per-thread hasher.
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

class KeyRoutes;
class ShardRouter;

class KeyModel {
 public:
  // Validates `spec` (an invalid spec gives nullopt and writes a message naming the KeySpec field
  // and the rule to `error`) and hashes every key once. Cost: one MD5 per key, 16 keys at a time
  // (PartitionKeyHashes: ~35 ns a key on this machine, was 0.21 s per 10^6 keys one EVP call at a
  // time); memory: 8 bytes per template key (its hash's high word) below kStoreHashesBelow keys,
  // none from there on (no hashing at all then: the routes hash when they are built).
  // Key ids: template key i is id i (zipf: rank i + 1, so key 0 is hottest); a hot_key string
  // outside the key space is an extra key, id count; weighted keys and explicit_hash_key's
  // hash_keys are ids in spec order (the latter's partition keys only size the record).
  // hot_key: hot_share of the records take the hot key, the rest are uniform over the other
  // template keys (over all of them if the hot key is an extra key or count == 1).
  // Key spaces of kStoreHashesBelow template keys and more keep no high words (8 bytes a key):
  // whatever needs them hashes the keys again, in batches (~35 ns a key, PartitionKeyHashes), so
  // 10^8 keys take 0.4 GB (the routes' shard per key) instead of 1.2 GB. `store_hashes_below`
  // moves that threshold (tests).
  static constexpr uint64_t kStoreHashesBelow = uint64_t{1} << 22;
  // `hash_per_record`: build nothing per key (HashesPerRecord below); the routes then hash each
  // drawn key instead. Only for uniform, Zipf and hot_key specs; ignored for the others.
  static std::optional<KeyModel> Create(const KeySpec& spec, std::string* error,
                                        uint64_t store_hashes_below = kStoreHashesBelow,
                                        bool hash_per_record = false);

  // Whether a key space is cheaper to hash per record than once per key, decided from the
  // scenario alone: uniform, Zipf or hot_key template keys, at least kHashPerRecordFromKeys of
  // them, and more keys than the group's expected records in the run (`expected_records`, the
  // arrival profile's expected count). Hashing a key costs the same either way (~35 ns batched),
  // and the per-key pass also routes every key and weighs it (a pow for Zipf), so more keys than
  // records means less work per record. Below kHashPerRecordFromKeys keys the per-key tables stay
  // (their setup is a fraction of a second and they make a draw a table load).
  static constexpr uint64_t kHashPerRecordFromKeys = uint64_t{1} << 22;
  static bool HashesPerRecord(const KeySpec& spec, double expected_records);
  // Built with hash_per_record: no per-key table anywhere (key_count() keys are drawn, hashed and
  // routed per record by KeySampler); the analyses below then hash only the leading key ids
  // (kHeadKeys; weights never increase with the key id) -- see each one.
  bool hash_per_record() const { return hash_per_record_; }
  static constexpr uint32_t kHeadKeys = uint32_t{1} << 20;

  KeyModel(KeyModel&&) noexcept = default;
  KeyModel& operator=(KeyModel&&) noexcept = default;
  KeyModel(const KeyModel&) = delete;
  KeyModel& operator=(const KeyModel&) = delete;

  // Number of key ids: the key space (plus an extra hot key), the weighted keys or the weighted
  // ExplicitHashKeys; 0 for random keys and uniform ExplicitHashKeys.
  uint64_t key_count() const { return key_count_; }
  KeyDist dist() const { return dist_; }
  // Records without a key id route a fresh uniform 128-bit hash each: random keys and uniform
  // ExplicitHashKeys. Every other distribution gives every record a key id.
  bool HashIsUniform() const;

  // REQUIRES: key_id < key_count().
  std::string KeyString(uint32_t key_id) const;
  // The key ids whose KeyString is `key`, ascending: O(1) for a template key, plus a scan of the
  // stored keys (never of the template keys).
  std::vector<uint32_t> IdsOf(std::string_view key) const;
  HashKey KeyHash(uint32_t key_id) const;  // MD5 of the key (recomputed), or the ExplicitHashKey
  uint64_t KeyHashHigh(uint32_t key_id) const;  // its high 64 bits (hashed if not stored)
  double Probability(uint32_t key_id) const;
  // UTF-8 bytes of the key's partition key (what it adds to the record's size).
  uint32_t KeyBytes(uint32_t key_id) const {
    return key_id < stored_base_ ? TemplateBytes(key_id) : stored_bytes_[key_id - stored_base_];
  }

  // The open shard `router` routes key `key_id` to: exact, from the key's high word, or from its
  // full hash when the high word equals a range start's (an MD5 for a template key).
  uint32_t RouteKey(const ShardRouter& router, uint32_t key_id) const;
  // The shard index of `map` each key id routes to (RouteKey for every key). O(keys).
  std::vector<uint32_t> ShardsOn(const ShardMap& map) const;
  // The same into `shard_of`, through `router`. REQUIRES: shard_of.size() == key_count().
  void RouteAll(const ShardRouter& router, std::span<uint32_t> shard_of) const;

  // Exact share of the group's records per shard index of `map` (closed shards get 0): key
  // probabilities summed per shard, or range width / 2^128 when the hash is uniform. O(keys);
  // `shard_of` (ShardsOn(map), e.g. a run's routing table) saves routing the keys again.
  // hash_per_record(): `shard_of` is ignored; the first min(kHeadKeys, keys) ids (the most
  // probable) are hashed and summed exactly, the rest of the mass (each key lighter than the
  // head's lightest) is spread by range width / 2^128: its expectation over where MD5 puts them.
  std::vector<double> ExpectedShardShares(const ShardMap& map) const;
  std::vector<double> ExpectedShardShares(const ShardMap& map,
                                          std::span<const uint32_t> shard_of) const;

  // The `n` most probable keys routed to shard index `shard` by `shard_of` (ShardsOn of a map),
  // most probable first, ties by key id. Empty for random keys and uniform ExplicitHashKeys.
  std::vector<KeyWeight> TopKeys(std::span<const uint32_t> shard_of, int shard, size_t n) const;
  // The same on `map`, without routing every key: a key's weight never increases with its id
  // (uniform, Zipf, hot_key's cold keys), so the top n of a shard are the first n ids routed to
  // it; ids are hashed in order until n are found (about n / the shard's share of the ids). Exact,
  // also for hash_per_record(); weighted keys and ExplicitHashKeys route every key (TopKeys).
  std::vector<KeyWeight> TopKeysOn(const ShardMap& map, int shard, size_t n) const;
  // TopKeysOn for each of `shards` (shard indexes of `map`) in one pass over the ids.
  std::vector<std::vector<KeyWeight>> TopKeysOn(const ShardMap& map, std::span<const int> shards,
                                                size_t n) const;

  // The NewStartingHashKey that splits open shard `shard` of `map` closest to 50/50 by weight:
  // keys sorted by hash key, the cut between two consecutive distinct hashes whose lower side is
  // closest to half (ties: the lowest cut); NewStartingHashKey is the upper key's hash, moved to
  // End - 1 if it equals End; cuts with no valid key are skipped. Random keys and uniform
  // ExplicitHashKeys: the range midpoint. nullopt if `shard` is not open in `map`, fewer than two
  // distinct hashes carry weight, or no cut is valid. Cost: a scan of the keys' high words, an MD5
  // per key in the shard, a sort of those. hash_per_record(): the cut balances the shard's keys
  // among the first kHeadKeys ids (the most probable; a uniform key space's keys are a hash-
  // uniform sample), and a key is dominant against the head's weight in the shard plus the tail's
  // expected weight (range width); the keys past the head are not hashed.
  std::optional<SplitPoint> BalancingSplitPoint(const ShardMap& map, int shard) const;  // exact
  // The same, with the keys' shards on `map` known (KeyRoutes::shard_of): only the keys routed to
  // `shard` are hashed again. REQUIRES: shard_of routes every key id on `map`, or is empty.
  std::optional<SplitPoint> BalancingSplitPoint(const ShardMap& map, int shard,
                                                std::span<const uint32_t> shard_of) const;
  // REQUIRES: observed_counts.size() == key_count() (counts per key id, e.g. from a run).
  std::optional<SplitPoint> BalancingSplitPoint(const ShardMap& map, int shard,
                                                std::span<const uint64_t> observed_counts) const;
  // REQUIRES: weight(key_id) finite and >= 0.
  std::optional<SplitPoint> BalancingSplitPoint(
      const ShardMap& map, int shard, const std::function<double(uint32_t)>& weight) const;

 private:
  friend class KeyRoutes;  // draws keys through the model's parameters (routing.h)

  // Keys with a stored string and hash: weighted keys, an extra hot key, ExplicitHashKeys.
  struct StoredKey {
    std::string text;
    HashKey hash;
  };
  // Zipf draws: Vose's alias table of the exact key probabilities (one Rng draw and one table
  // load, ~5x faster than rejection-inversion) up to kMaxZipfAliasKeys keys, else the table-free
  // rejection-inversion sampler. The routing table copies these columns next to both keys' shards
  // (KeyRoutes), so that a draw touches one 16-byte entry.
  static constexpr uint32_t kMaxZipfAliasKeys = uint32_t{1} << 23;
  struct AliasColumn {
    uint32_t threshold;  // keep the column's key when the draw's fraction is below this / 2^32
    uint32_t alias;      // else take this key
  };

  KeyModel() = default;
  // UTF-8 bytes of template key i: the literal text plus `copies` times i's decimal digits.
  static uint32_t TemplateBytes(uint32_t affix_bytes, uint32_t copies, uint64_t i);
  uint32_t TemplateBytes(uint64_t i) const { return TemplateBytes(affix_bytes_, digit_copies_, i); }
  // Writes template key i into `buf` and returns it. REQUIRES: buf.size() >= TemplateBufBytes().
  std::string_view FormatTemplateKey(uint64_t i, std::vector<char>& buf) const {
    return FormatTemplateKey(i, buf.data());
  }
  // The same into `out`. REQUIRES: `out` holds TemplateBufBytes() bytes.
  std::string_view FormatTemplateKey(uint64_t i, char* out) const;
  // Calls fn(id, hash key) for template keys first <= id < last, in id order, hashing them in
  // batches (PartitionKeyHashes). REQUIRES: last <= template count.
  void ForEachTemplateHash(uint32_t first, uint32_t last,
                           const std::function<void(uint32_t, HashKey)>& fn) const;
  // The template key id whose key is `key`, if any.
  std::optional<uint32_t> TemplateIdOf(std::string_view key) const;
  size_t TemplateBufBytes() const { return affix_bytes_ + 20 * size_t{digit_copies_}; }
  void BuildZipfAlias();
  std::optional<SplitPoint> SplitByWeight(const ShardMap& map, int shard,
                                          const std::function<double(uint32_t)>& weight,
                                          std::span<const uint32_t> shard_of = {}) const;
  // Template ids hashed per record's worth of work: the first min(kHeadKeys, template count).
  uint32_t HeadCount() const;
  // Probability mass of the template ids from HeadCount() on but a hot key (hash_per_record()).
  double TailMass() const;
  // A hot_key template key past the head: summed apart from head and tail.
  bool HotPastHead() const;

  KeyDist dist_ = KeyDist::kUniform;
  bool hash_per_record_ = false;
  // Template keys: the format with every "{i}" replaced by decimal(i), i in
  // [0, template_count_): pieces_[0] + i + pieces_[1] + ... + i + pieces_.back(). Key ids
  // [0, stored_base_) for keyed distributions; only partition-key sizes for explicit_hash_key.
  // A format without "{i}" (count 1) is one piece.
  std::vector<std::string> pieces_;
  uint32_t template_count_ = 0;
  uint32_t affix_bytes_ = 0;   // bytes of the pieces
  uint32_t digit_copies_ = 0;  // placeholders: pieces_.size() - 1
  uint32_t stored_base_ = 0;   // key id of stored_[0]
  std::vector<StoredKey> stored_;
  std::vector<uint32_t> stored_bytes_;  // partition-key bytes of stored_ keys (hot path copy)
  uint64_t key_count_ = 0;
  // Hash high words by template key id; empty when the key space is too large to store them.
  std::vector<uint64_t, HugePageAllocator<uint64_t>> template_high_;

  std::optional<Zipf> zipf_;
  std::vector<AliasColumn> zipf_alias_;
  double zipf_harmonic_ = 1;          // H(count, s), computed once
  std::optional<Discrete> discrete_;  // weighted keys or weighted ExplicitHashKeys
  double hot_share_ = 0;
  uint32_t hot_id_ = 0;
  uint32_t cold_count_ = 0;      // keys the 1 - hot_share of records spread over
  uint32_t cold_skip_ = kNoKey;  // cold draws r >= this move up by one (skip the hot key)
};

inline uint32_t KeyModel::TemplateBytes(uint32_t affix_bytes, uint32_t copies, uint64_t i) {
  static constexpr uint32_t kPow10[] = {1,      10,      100,      1000,      10000,
                                        100000, 1000000, 10000000, 100000000, 1000000000};
  const uint32_t v = static_cast<uint32_t>(i) | 1;  // 0 and 1 both have one digit
  // floor(log10(2) * bit_width) is log10(v) or one more; the compare fixes it.
  const uint32_t t = static_cast<uint32_t>(std::bit_width(v)) * 1233 >> 12;
  return affix_bytes + copies * (t + (v >= kPow10[t] ? 1 : 0));
}

}  // namespace shardsim
