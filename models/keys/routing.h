// Routing of partition keys to shards. ShardRouter finds the open shard of a 128-bit hash key;
// KeyRoutes is one KeyModel routed on one shard map (shard per key id, the Zipf alias columns with
// both keys' shards, a router for uniform hashes) -- the tables a record's draw reads, immutable
// once built, so the routes of the initial map are built once per prepared scenario and shared by
// every run and thread; RoutingTable is one stream's routing in one run: per key model writing to
// the stream, the routes on the stream's current map -- the prepared ones until a reshard, then
// its own, rebuilt without hashing (KeyModel's high words) -- and an epoch that counts the
// rebuilds, so records that cached a shard know when to route again. KeySampler draws a group's
// keys through it with lookahead prefetching.
// Thread safety: ShardRouter and KeyRoutes are immutable (const methods may run concurrently); a
// RoutingTable and a KeySampler belong to one simulation.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "models/keys/hash_key.h"
#include "models/keys/key_model.h"
#include "models/keys/shard_map.h"
#include "sim/huge_page_allocator.h"
#include "sim/rng.h"

namespace shardsim {

// One record's key: what the producer model carries per record.
struct KeyDraw {
  uint32_t key_id;     // in [0, key_count()), or kNoKey (random keys, uniform ExplicitHashKey)
  uint32_t shard;      // ShardMap shard index of the open shard the record routes to
  uint32_t key_bytes;  // UTF-8 bytes of the partition key (counts toward the record size)
  Uint128 hash = 0;    // what a record without a key id routes by (0 for keyed records)
};

// Open shards' starting keys with a directory on the top bits: a uniform hash finds its shard in
// O(1) expected (one or two compares) instead of a binary search over all shards.
class ShardRouter {
 public:
  explicit ShardRouter(const ShardMap& map);

  // Index of the open shard holding `hash`.
  uint32_t Lookup(Uint128 hash) const;
  // The same for a hash known only by its high 64 bits, when they decide it: kNoShard when `high`
  // equals an open shard's starting key's high word (the low word is needed then).
  static constexpr uint32_t kNoShard = ~uint32_t{0};
  uint32_t LookupHigh(uint64_t high) const;
  // Whether this routes `map`'s open shards (same indexes and ranges).
  bool SameAs(const ShardMap& map) const;

  const std::vector<Uint128>& starts() const { return starts_; }
  const std::vector<uint32_t>& indexes() const { return indexes_; }

 private:
  std::vector<Uint128> starts_;      // open shards in hash order
  std::vector<uint32_t> indexes_;    // their shard indexes
  std::vector<uint32_t> directory_;  // [b] = number of starts whose top `bits` are < b
  int shift_ = 127;                  // 128 - bits
};

class KeyRoutes {
 public:
  // Routes every key of `model` on `map`: one directory lookup per key, an MD5 only for a key
  // whose high word equals a range start's. REQUIRES: `model` outlives the routes.
  KeyRoutes(const KeyModel& model, const ShardMap& map);
  // The routes on `map` after SplitShard / MergeShards from this one's map: keys whose shard is
  // still open with the same range keep it; only the others route again.
  KeyRoutes Rebuilt(const ShardMap& map) const;

  KeyRoutes(KeyRoutes&&) noexcept = default;
  KeyRoutes& operator=(KeyRoutes&&) noexcept = default;
  KeyRoutes(const KeyRoutes&) = delete;
  KeyRoutes& operator=(const KeyRoutes&) = delete;

  const KeyModel& model() const { return *model_; }
  const ShardRouter& router() const { return router_; }
  // Shard index per key id.
  std::span<const uint32_t> shard_of() const { return {shard_of_.data(), shard_of_.size()}; }

  // The key of the next record. No allocation, hashing or search for keyed distributions; random
  // keys and uniform ExplicitHashKeys route a fresh 128-bit hash through the directory.
  KeyDraw Sample(Rng& rng) const;

  // Draws from one 64-bit random value chosen a draw ahead, so that the caller can prefetch the
  // table entry the draw will read (KeySampler does). Only for uniform keys and Zipf keys with an
  // alias table: the two large random-access tables of the write path.
  bool SupportsLookahead() const {
    return dist_ == KeyDist::kUniform || (dist_ == KeyDist::kZipf && !columns_.empty());
  }
  const void* LookaheadAddress(uint64_t u) const {
    return dist_ == KeyDist::kZipf
               ? static_cast<const void*>(&columns_[MulHigh(u, columns_.size())])
               : static_cast<const void*>(&shard_of_[MulHigh(u, template_count_)]);
  }
  // REQUIRES: SupportsLookahead().
  KeyDraw SampleFrom(uint64_t u) const {
    if (dist_ == KeyDist::kZipf) return ZipfAliasDraw(u);
    return Keyed(static_cast<uint32_t>(MulHigh(u, template_count_)));
  }

  // REQUIRES: key_id < model().key_count().
  uint32_t ShardOf(uint32_t key_id) const;
  // The shard a record routes to by its key id, or by its hash when it has none.
  uint32_t Route(uint32_t key_id, Uint128 hash) const {
    return key_id != kNoKey ? shard_of_[key_id] : router_.Lookup(hash);
  }

 private:
  struct ZipfColumn {
    uint32_t threshold;    // KeyModel::AliasColumn
    uint32_t alias;        //
    uint32_t shard;        // shard of the column's key
    uint32_t alias_shard;  // shard of the alias key
  };

  KeyRoutes(const KeyModel& model, const ShardMap& map, bool route_keys);
  void RouteKey(uint32_t key_id);  // exact, from the high word (MD5 on a tie)
  void FillColumns();
  // Uniform index in [0, n) from the high word of u * n (bias <= n / 2^64, far below any
  // sampling error); the low word stays uniform for a second decision.
  static uint64_t MulHigh(uint64_t u, uint64_t n) {
    return static_cast<uint64_t>((static_cast<Uint128>(u) * n) >> 64);
  }
  KeyDraw Keyed(uint32_t key_id) const {
    return {key_id, shard_of_[key_id],
            key_id < stored_base_ ? KeyModel::TemplateBytes(affix_bytes_, digit_copies_, key_id)
                                  : model_->stored_bytes_[key_id - stored_base_]};
  }
  KeyDraw ZipfAliasDraw(uint64_t u) const {
    const Uint128 m = static_cast<Uint128>(u) * columns_.size();
    const auto column = static_cast<uint32_t>(m >> 64);
    // The low word is uniform too; its top 32 bits decide between the column and its alias.
    const auto fraction = static_cast<uint32_t>(static_cast<uint64_t>(m) >> 32);
    const ZipfColumn& e = columns_[column];
    return fraction < e.threshold
               ? KeyDraw{column, e.shard,
                         KeyModel::TemplateBytes(affix_bytes_, digit_copies_, column)}
               : KeyDraw{e.alias, e.alias_shard,
                         KeyModel::TemplateBytes(affix_bytes_, digit_copies_, e.alias)};
  }
  // Kept out of line so that Sample stays small enough to inline into the producer's loop.
  KeyDraw SampleExplicitOrRandom(Rng& rng) const;

  const KeyModel* model_;
  // The model's parameters a draw reads, copied so that the hot path reads one object.
  KeyDist dist_;
  uint32_t template_count_;
  uint32_t affix_bytes_;
  uint32_t digit_copies_;
  uint32_t stored_base_;
  ShardRouter router_;
  std::vector<uint32_t, HugePageAllocator<uint32_t>> shard_of_;  // by key id
  std::vector<ZipfColumn, HugePageAllocator<ZipfColumn>> columns_;
};

// The routing of one key model on a stream's current map, for the run: what a producer group
// draws and routes its records through. Its address is stable for the run; routes() changes on
// a reshard, and epoch() with it.
class KeyRouting {
 public:
  const KeyModel& model() const { return *model_; }
  const KeyRoutes& routes() const { return *current_; }
  // Bumped by every reshard of the stream: a shard cached at another epoch must be routed again.
  uint32_t epoch() const { return epoch_; }

 private:
  friend class RoutingTable;
  const KeyModel* model_ = nullptr;
  const KeyRoutes* current_ = nullptr;
  std::unique_ptr<KeyRoutes> owned_;  // set once the stream has resharded
  uint32_t epoch_ = 0;
};

class RoutingTable {
 public:
  RoutingTable() = default;
  RoutingTable(const RoutingTable&) = delete;
  RoutingTable& operator=(const RoutingTable&) = delete;

  // Registers a key model writing to a stream whose map is `map`. `initial` (the model's routes
  // on `map`, typically prepared once for many runs) is used while the map stays; without it, or
  // if it routes another map, the routes are built here. REQUIRES: `model` and `initial` outlive
  // the table.
  const KeyRouting& Attach(const KeyModel& model, const KeyRoutes* initial, const ShardMap& map);
  // The routing of an attached model. REQUIRES: `model` was attached.
  const KeyRouting& Find(const KeyModel& model) const;
  // The stream's map changed (SplitShard, MergeShards): every model's routes are rebuilt on it.
  void Reshard(const ShardMap& map);
  uint32_t epoch() const { return epoch_; }

 private:
  std::vector<std::unique_ptr<KeyRouting>> routings_;
  uint32_t epoch_ = 0;
};

// ---------------------------------------------------------------- inline hot path

inline KeyDraw KeyRoutes::Sample(Rng& rng) const {
  const KeyModel& m = *model_;
  switch (dist_) {
    case KeyDist::kUniform:
      return Keyed(static_cast<uint32_t>(rng.Below(template_count_)));
    case KeyDist::kZipf:
      if (!columns_.empty()) return ZipfAliasDraw(rng.Next());
      return Keyed(static_cast<uint32_t>(m.zipf_->Sample(rng) - 1));  // rank 1 is key 0
    case KeyDist::kHotKey: {
      if (rng.NextDouble() < m.hot_share_) return Keyed(m.hot_id_);
      const auto r = static_cast<uint32_t>(rng.Below(m.cold_count_));
      return Keyed(r + (r >= m.cold_skip_ ? 1 : 0));
    }
    case KeyDist::kWeighted:
      return Keyed(static_cast<uint32_t>(m.discrete_->Sample(rng)));
    case KeyDist::kRandom:
    case KeyDist::kExplicitHashKey:
      break;
  }
  return SampleExplicitOrRandom(rng);
}

// Draws a producer group's keys with a lookahead of a few draws: their random values are taken
// early and their table entries prefetched, so the cache miss of a large key table overlaps the
// rest of a record's work instead of stalling it (measured: Zipf over 10^6 keys, 36 -> ~12 ns per
// draw inside the producer loop). Deterministic: the same Rng stream in the same order. Draws go
// through the routing's current routes, so a reshard changes the shards, never the draws.
class KeySampler {
 public:
  KeySampler(const KeyRouting& routing, Rng rng)
      : routing_(&routing), rng_(rng), lookahead_(routing.routes().SupportsLookahead()) {
    if (!lookahead_) return;
    for (uint64_t& u : ahead_) {
      u = rng_.Next();
      __builtin_prefetch(routing_->routes().LookaheadAddress(u));
    }
  }
  [[gnu::always_inline]] KeyDraw Next() {
    const KeyRoutes& routes = routing_->routes();
    if (!lookahead_) return routes.Sample(rng_);
    const uint64_t u = ahead_[slot_];
    ahead_[slot_] = rng_.Next();
    __builtin_prefetch(routes.LookaheadAddress(ahead_[slot_]));
    slot_ = (slot_ + 1) % kAhead;
    return routes.SampleFrom(u);
  }

 private:
  static constexpr size_t kAhead = 8;  // draws in flight: covers a memory miss at ~50 ns/record
  const KeyRouting* routing_;
  Rng rng_;
  bool lookahead_;
  size_t slot_ = 0;
  uint64_t ahead_[kAhead] = {};
};

}  // namespace shardsim
