// Routing of partition keys to shards. ShardRouter finds the open shard of a 128-bit hash key;
// KeyRoutes is one KeyModel routed on one shard map (shard per key id, the Zipf alias columns with
// both keys' shards, a router for uniform hashes) -- the tables a record's draw reads, immutable
// once built, so the routes of the initial map are built once per prepared scenario and shared by
// every run and thread; RoutingTable is one stream's routing in one run: per key model writing to
// the stream, the routes on the stream's current map -- the prepared ones until a reshard, then
// its own, rebuilt without hashing (KeyModel's high words) -- and an epoch that counts the
// rebuilds, so records that cached a shard know when to route again. KeySampler draws a group's
// keys through it with lookahead prefetching, or, where no reader needs a record's key identity,
// only its shard and key length from an alias table over (shard, key length) cells.
// Thread safety: ShardRouter and KeyRoutes are immutable (const methods may run concurrently); a
// RoutingTable and a KeySampler belong to one simulation.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
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
    return !per_record_ &&
           (dist_ == KeyDist::kUniform || (dist_ == KeyDist::kZipf && !columns_.empty()));
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

  // Cell sampling, for key spaces too large for the caches (kMinCellKeys keys and more, uniform,
  // Zipf or hot-key): what the write path needs of a record's key is its shard and its length,
  // so a draw can take a (shard, key length) cell from a Vose alias table over the cells, each
  // weighted with the exact probability of its keys (a few thousand 16-byte columns: one cache
  // line, no 10^7-entry table, no Zipf arithmetic). The joint law of (shard, length) is exactly
  // that of a key draw; the key's identity, when it is needed (a reshard routes the record again),
  // is drawn afterwards from the law of the keys in its cell (SampleInCell): the pair is then
  // distributed exactly as a key drawn first.
  static constexpr uint64_t kMinCellKeys = uint64_t{1} << 20;
  bool HasCells() const { return !cells_.empty(); }
  // A record's shard and key length, key_id kNoKey. REQUIRES: HasCells().
  KeyDraw SampleCell(uint64_t u) const {
    const Uint128 m = static_cast<Uint128>(u) * cells_.size();
    const CellColumn& e = cells_[static_cast<size_t>(m >> 64)];
    return static_cast<uint32_t>(static_cast<uint64_t>(m) >> 32) < e.threshold
               ? KeyDraw{kNoKey, e.shard, e.bytes}
               : KeyDraw{kNoKey, e.alias_shard, e.alias_bytes};
  }
  // A key drawn from the key distribution conditioned on routing to `shard` (on these routes' map)
  // with `key_bytes` bytes: rejection, on average (cells of the shard) / (the shard's share)
  // draws. REQUIRES: HasCells(); the cell was drawn by SampleCell on these routes.
  KeyDraw SampleInCell(Rng& rng, uint32_t shard, uint32_t key_bytes) const;

  // REQUIRES: key_id < model().key_count().
  uint32_t ShardOf(uint32_t key_id) const;
  // The shard a record routes to by its key id, or by its hash when it has none. A key space
  // hashed per record hashes the key again (one MD5: a reshard's records in flight).
  uint32_t Route(uint32_t key_id, Uint128 hash) const {
    if (key_id == kNoKey) return router_.Lookup(hash);
    return per_record_ ? model_->RouteKey(router_, key_id) : shard_of_[key_id];
  }

  // Key spaces hashed per record (KeyModel::hash_per_record()): no table per key; a draw takes a
  // key id (uniform, Zipf rejection-inversion, hot key) and routes the key's MD5.
  bool HashesPerRecord() const { return per_record_; }
  // Draws ids.size() keys from `rng` in order and writes their ids and hash keys, hashing the
  // template keys together (PartitionKeyHashes, kMd5Lanes at a time). `text` is scratch space the
  // caller keeps (no allocation once it has grown). REQUIRES: HashesPerRecord(); ids.size() ==
  // hashes.size() <= kMd5Lanes.
  void DrawHashed(Rng& rng, std::span<uint32_t> ids, std::span<Uint128> hashes,
                  std::vector<char>& text) const;
  uint32_t KeyBytes(uint32_t key_id) const {
    return key_id < stored_base_ ? KeyModel::TemplateBytes(affix_bytes_, digit_copies_, key_id)
                                 : model_->stored_bytes_[key_id - stored_base_];
  }

 private:
  struct ZipfColumn {
    uint32_t threshold;    // KeyModel::AliasColumn
    uint32_t alias;        //
    uint32_t shard;        // shard of the column's key
    uint32_t alias_shard;  // shard of the alias key
  };

  struct CellColumn {
    uint32_t threshold;  // keep the column's cell when the draw's fraction is below this / 2^32
    uint32_t shard;
    uint32_t alias_shard;
    uint16_t bytes;
    uint16_t alias_bytes;
  };
  // Key length classes of the cells: decimal digits 1..10 of a template key's id, and the extra
  // hot key.
  static constexpr uint32_t kCellClasses = 11;

  KeyRoutes(const KeyModel& model, const ShardMap& map, bool route_keys);
  void RouteKey(uint32_t key_id);  // exact, from the high word (MD5 on a tie)
  void FillColumns();
  uint32_t CellClass(uint32_t key_id) const;
  uint32_t ClassBytes(uint32_t cell_class) const;
  void BuildCells();  // cells_ from cell_mass_
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
  uint32_t DrawId(Rng& rng) const;          // a key id, without tables (per-record spaces)
  KeyDraw SamplePerRecord(Rng& rng) const;  // DrawId, hashed and routed alone

  const KeyModel* model_;
  // The model's parameters a draw reads, copied so that the hot path reads one object.
  KeyDist dist_;
  uint32_t template_count_;
  uint32_t affix_bytes_;
  uint32_t digit_copies_;
  uint32_t stored_base_;
  bool per_record_;
  ShardRouter router_;
  std::vector<uint32_t, HugePageAllocator<uint32_t>> shard_of_;  // by key id
  std::vector<ZipfColumn, HugePageAllocator<ZipfColumn>> columns_;
  std::vector<double> cell_mass_;  // [shard * kCellClasses + class]: the keys' probability
  std::vector<CellColumn> cells_;  // alias table over the cells of positive mass
};

// Told before the routes of a key model change, while the old ones still stand: a producer that
// holds records drawn without a key identity (KeyRoutes::SampleCell) gives them one then, so that
// they route again exactly.
class RouteHolder {
 public:
  virtual void BeforeReshard(const KeyRoutes& old_routes) = 0;

 protected:
  ~RouteHolder() = default;
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
  std::vector<RouteHolder*> holders_;
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
  // `holder` is told before each reshard of `model`'s routes. REQUIRES: `model` was attached;
  // `holder` outlives the table's reshards.
  void Hold(const KeyModel& model, RouteHolder* holder);
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
  if (per_record_) return SamplePerRecord(rng);
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

// A KeySampler's batch of draws hashed together (hash_per_record key spaces). At namespace scope:
// clang cannot default-construct a nested class with member initializers inside its enclosing
// class's own member functions.
struct KeySamplerHashed {
  uint32_t ids[kMd5Lanes] = {};
  Uint128 hashes[kMd5Lanes] = {};
  size_t next = kMd5Lanes;
  std::vector<char> text;
};

// Draws a producer group's keys with a lookahead of a few draws: their random values are taken
// early and their table entries prefetched, so the cache miss of a large key table overlaps the
// rest of a record's work instead of stalling it (measured: Zipf over 10^6 keys, 36 -> ~12 ns per
// draw inside the producer loop). Deterministic: the same Rng stream in the same order. Draws go
// through the routing's current routes, so a reshard changes the shards, never the draws.
class KeySampler {
 public:
  // `identity`: every draw needs its key id. Without it, routes with cells (HasCells) draw the
  // shard and key length only (key_id kNoKey).
  KeySampler(const KeyRouting& routing, Rng rng, bool identity = true)
      : routing_(&routing),
        rng_(rng),
        cells_(!identity && routing.routes().HasCells()),
        lookahead_(!cells_ && routing.routes().SupportsLookahead()) {
    if (routing.routes().HashesPerRecord()) hashed_.emplace();
    if (!lookahead_) return;
    for (uint64_t& u : ahead_) {
      u = rng_.Next();
      __builtin_prefetch(routing_->routes().LookaheadAddress(u));
    }
  }
  bool cells() const { return cells_; }
  [[gnu::always_inline]] KeyDraw Next() {
    const KeyRoutes& routes = routing_->routes();
    if (cells_) return routes.SampleCell(rng_.Next());
    if (!lookahead_) return hashed_ ? NextHashed() : routes.Sample(rng_);
    const uint64_t u = ahead_[slot_];
    ahead_[slot_] = rng_.Next();
    __builtin_prefetch(routes.LookaheadAddress(ahead_[slot_]));
    slot_ = (slot_ + 1) % kAhead;
    return routes.SampleFrom(u);
  }

 private:
  static constexpr size_t kAhead = 8;  // draws in flight: covers a memory miss at ~50 ns/record
  // Key spaces hashed per record: the next kMd5Lanes draws, drawn and hashed together; each is
  // routed when taken, through the routes current then (a reshard changes shards, not draws).
  using Hashed = KeySamplerHashed;
  KeyDraw NextHashed() {
    Hashed& h = *hashed_;
    const KeyRoutes& routes = routing_->routes();
    if (h.next == kMd5Lanes) {
      routes.DrawHashed(rng_, h.ids, h.hashes, h.text);
      h.next = 0;
    }
    const uint32_t id = h.ids[h.next];
    const Uint128 hash = h.hashes[h.next++];
    return {id, routes.router().Lookup(hash), routes.KeyBytes(id)};
  }
  const KeyRouting* routing_;
  Rng rng_;
  bool cells_;
  bool lookahead_;
  size_t slot_ = 0;
  uint64_t ahead_[kAhead] = {};
  std::optional<Hashed> hashed_;
};

}  // namespace shardsim
