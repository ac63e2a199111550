// ShardRouter's directory, KeyRoutes built and rebuilt from KeyModel's high words, and the
// per-run RoutingTable. See routing.h.
#include "models/keys/routing.h"

#include <algorithm>
#include <bit>
#include <utility>

#include "sim/check.h"

namespace shardsim {
namespace {

uint64_t High(Uint128 v) { return static_cast<uint64_t>(v >> 64); }
uint64_t Low(Uint128 v) { return static_cast<uint64_t>(v); }

}  // namespace

// ---------------------------------------------------------------- ShardRouter

ShardRouter::ShardRouter(const ShardMap& map) {
  for (int index : map.open_shards()) {
    starts_.push_back(map.shard(index).range.start.value());
    indexes_.push_back(static_cast<uint32_t>(index));
  }
  // Two to four buckets per open shard, so a uniform hash meets one or two starts; 2^16 buckets
  // (256 KiB) cover the 10,000-shard stream limit.
  const int bits = std::clamp(static_cast<int>(std::bit_width(starts_.size())) + 1, 1, 16);
  shift_ = 128 - bits;
  const size_t buckets = size_t{1} << bits;
  directory_.assign(buckets + 1, 0);
  size_t p = 0;
  for (size_t b = 0; b <= buckets; ++b) {
    while (p < starts_.size() && static_cast<size_t>(starts_[p] >> shift_) < b) ++p;
    directory_[b] = static_cast<uint32_t>(p);
  }
}

uint32_t ShardRouter::Lookup(Uint128 hash) const {
  const auto b = static_cast<size_t>(hash >> shift_);
  uint32_t p = directory_[b];
  const uint32_t end = directory_[b + 1];
  // starts_[0] == 0 <= hash, so p ends >= 1. Buckets hold one or two starts unless resharding
  // piled many into one; then binary search.
  if (end - p <= 8) {
    while (p < end && starts_[p] <= hash) ++p;
  } else {
    uint32_t n = end - p;
    while (n > 0) {
      const uint32_t half = n / 2;
      if (starts_[p + half] <= hash) {
        p += half + 1;
        n -= half + 1;
      } else {
        n = half;
      }
    }
  }
  return indexes_[p - 1];
}

uint32_t ShardRouter::LookupHigh(uint64_t high) const {
  // The directory's bucket holds every start whose top bits equal the high word's (shift_ >= 112).
  const auto b = static_cast<size_t>(high >> (shift_ - 64));
  uint32_t p = directory_[b];
  const uint32_t end = directory_[b + 1];
  // Starts whose high word is below `high` are below every hash with that high word. Buckets
  // hold one or two starts unless resharding piled many into one; then binary search.
  if (end - p <= 8) {
    while (p < end && High(starts_[p]) < high) ++p;
  } else {
    uint32_t n = end - p;
    while (n > 0) {
      const uint32_t half = n / 2;
      if (High(starts_[p + half]) < high) {
        p += half + 1;
        n -= half + 1;
      } else {
        n = half;
      }
    }
  }
  // A start with the same high word is below such a hash only if its low word is 0.
  for (; p < end && High(starts_[p]) == high; ++p) {
    if (Low(starts_[p]) != 0) return kNoShard;
  }
  return indexes_[p - 1];  // starts_[0] == 0: p >= 1 here
}

bool ShardRouter::SameAs(const ShardMap& map) const {
  const std::vector<int>& open = map.open_shards();
  if (open.size() != indexes_.size()) return false;
  for (size_t i = 0; i < open.size(); ++i) {
    if (indexes_[i] != static_cast<uint32_t>(open[i]) ||
        starts_[i] != map.shard(open[i]).range.start.value()) {
      return false;
    }
  }
  return true;
}

// ---------------------------------------------------------------- KeyRoutes

KeyRoutes::KeyRoutes(const KeyModel& model, const ShardMap& map) : KeyRoutes(model, map, true) {}

KeyRoutes::KeyRoutes(const KeyModel& model, const ShardMap& map, bool route_keys)
    : model_(&model),
      dist_(model.dist_),
      template_count_(model.template_count_),
      affix_bytes_(model.affix_bytes_),
      digit_copies_(model.digit_copies_),
      stored_base_(model.stored_base_),
      per_record_(model.hash_per_record()),
      router_(map),
      shard_of_(per_record_ ? 0 : model.key_count()) {
  if (!route_keys || per_record_) return;
  model.RouteAll(router_, {shard_of_.data(), shard_of_.size()});
  FillColumns();
  const bool cells =
      (dist_ == KeyDist::kUniform || dist_ == KeyDist::kZipf || dist_ == KeyDist::kHotKey) &&
      model.key_count() >= kMinCellKeys;
  if (!cells) return;
  cell_mass_.assign(map.shards().size() * kCellClasses, 0.0);
  for (uint32_t id = 0; id < model.key_count(); ++id) {
    cell_mass_[size_t{shard_of_[id]} * kCellClasses + CellClass(id)] += model.Probability(id);
  }
  BuildCells();
}

KeyRoutes KeyRoutes::Rebuilt(const ShardMap& map) const {
  KeyRoutes next(*model_, map, false);
  if (per_record_) return next;  // nothing per key to carry over
  // A shard index names one immutable range, so a key whose shard is still open with the same
  // range stays; after a split of one shard in N only ~1/N of the keys route again.
  std::vector<uint8_t> keep(map.shards().size(), 0);
  const std::vector<Uint128>& starts = router_.starts();
  const std::vector<uint32_t>& indexes = router_.indexes();
  for (size_t p = 0; p < indexes.size(); ++p) {
    const int index = static_cast<int>(indexes[p]);
    if (!map.IsOpen(index)) continue;
    const HashRange& now = map.shard(index).range;
    const Uint128 old_end = p + 1 < starts.size() ? starts[p + 1] - 1 : ~Uint128{0};
    if (now.start.value() == starts[p] && now.end.value() == old_end) {
      keep[static_cast<size_t>(index)] = 1;
    }
  }
  const bool cells = HasCells();
  if (cells) {
    // The mass of closed shards moves to the shards their keys route to now.
    next.cell_mass_ = cell_mass_;
    next.cell_mass_.resize(map.shards().size() * kCellClasses, 0.0);
    for (size_t s = 0; s < map.shards().size(); ++s) {
      if (keep[s]) continue;
      std::fill_n(next.cell_mass_.begin() + static_cast<ptrdiff_t>(s * kCellClasses), kCellClasses,
                  0.0);
    }
  }
  for (uint32_t id = 0; id < model_->key_count(); ++id) {
    const uint32_t s = shard_of_[id];
    if (s < keep.size() && keep[s]) {
      next.shard_of_[id] = s;
      continue;
    }
    next.shard_of_[id] = model_->RouteKey(next.router_, id);
    if (cells) {
      next.cell_mass_[size_t{next.shard_of_[id]} * kCellClasses + CellClass(id)] +=
          model_->Probability(id);
    }
  }
  next.FillColumns();
  if (cells) next.BuildCells();
  return next;
}

uint32_t KeyRoutes::CellClass(uint32_t key_id) const {
  if (key_id >= template_count_) return kCellClasses - 1;  // the extra hot key
  return KeyModel::TemplateBytes(0, 1, key_id) - 1;        // decimal digits - 1
}

uint32_t KeyRoutes::ClassBytes(uint32_t cell_class) const {
  if (cell_class == kCellClasses - 1) return model_->stored_bytes_.front();
  return affix_bytes_ + digit_copies_ * (cell_class + 1);
}

// Vose's alias method over the cells of positive mass, thresholds in 32 bits as the Zipf table's.
void KeyRoutes::BuildCells() {
  std::vector<uint32_t> cell;  // cell_mass_ index of each column
  double total = 0;
  for (size_t i = 0; i < cell_mass_.size(); ++i) {
    if (cell_mass_[i] > 0) {
      cell.push_back(static_cast<uint32_t>(i));
      total += cell_mass_[i];
    }
  }
  SHARDSIM_CHECK(!cell.empty() && total > 0, "key probabilities carry no mass");
  const size_t n = cell.size();
  std::vector<double> scaled(n);
  for (size_t k = 0; k < n; ++k) scaled[k] = cell_mass_[cell[k]] / total * static_cast<double>(n);
  std::vector<uint32_t> small, large, alias(n);
  std::vector<double> keep(n, 1.0);
  for (size_t k = n; k-- > 0;)
    (scaled[k] < 1.0 ? small : large).push_back(static_cast<uint32_t>(k));
  for (size_t k = 0; k < n; ++k) alias[k] = static_cast<uint32_t>(k);
  while (!small.empty() && !large.empty()) {
    const uint32_t lo = small.back();
    small.pop_back();
    const uint32_t l = large.back();
    keep[lo] = scaled[lo];
    alias[lo] = l;
    scaled[l] = (scaled[l] + scaled[lo]) - 1.0;
    if (scaled[l] < 1.0) {
      large.pop_back();
      small.push_back(l);
    }
  }
  // Leftovers are full columns (their scaled weight is 1 up to rounding).
  cells_.resize(n);
  for (size_t k = 0; k < n; ++k) {
    const double t = std::min(std::max(keep[k], 0.0), 1.0) * 4294967296.0;
    const uint32_t shard = cell[k] / kCellClasses, alias_shard = cell[alias[k]] / kCellClasses;
    cells_[k] = {t >= 4294967295.0 ? 0xffffffffU : static_cast<uint32_t>(t), shard, alias_shard,
                 static_cast<uint16_t>(ClassBytes(cell[k] % kCellClasses)),
                 static_cast<uint16_t>(ClassBytes(cell[alias[k]] % kCellClasses))};
  }
}

KeyDraw KeyRoutes::SampleInCell(Rng& rng, uint32_t shard, uint32_t key_bytes) const {
  SHARDSIM_CHECK(HasCells(), "no cells to condition on");
  for (;;) {
    const KeyDraw d = Sample(rng);
    if (d.shard == shard && d.key_bytes == key_bytes) return d;
  }
}

void KeyRoutes::FillColumns() {
  const auto& alias = model_->zipf_alias_;
  columns_.resize(alias.size());
  for (size_t k = 0; k < alias.size(); ++k) {
    columns_[k] = {alias[k].threshold, alias[k].alias, shard_of_[k], shard_of_[alias[k].alias]};
  }
}

uint32_t KeyRoutes::ShardOf(uint32_t key_id) const {
  if (per_record_) {
    SHARDSIM_CHECK(key_id < model_->key_count(), "no such key id");
    return model_->RouteKey(router_, key_id);
  }
  SHARDSIM_CHECK(key_id < shard_of_.size(), "no such key id");
  return shard_of_[key_id];
}

uint32_t KeyRoutes::DrawId(Rng& rng) const {
  const KeyModel& m = *model_;
  switch (dist_) {
    case KeyDist::kUniform:
      return static_cast<uint32_t>(rng.Below(template_count_));
    case KeyDist::kZipf:
      return static_cast<uint32_t>(m.zipf_->Sample(rng) - 1);  // rank 1 is key 0
    case KeyDist::kHotKey: {
      if (rng.NextDouble() < m.hot_share_) return m.hot_id_;
      const auto r = static_cast<uint32_t>(rng.Below(m.cold_count_));
      return r + (r >= m.cold_skip_ ? 1 : 0);
    }
    default:
      break;
  }
  SHARDSIM_CHECK(false, "only uniform, zipf and hot_key key spaces are hashed per record");
  return 0;
}

KeyDraw KeyRoutes::SamplePerRecord(Rng& rng) const {
  const uint32_t id = DrawId(rng);
  return {id, model_->RouteKey(router_, id), KeyBytes(id)};
}

void KeyRoutes::DrawHashed(Rng& rng, std::span<uint32_t> ids, std::span<Uint128> hashes,
                           std::vector<char>& text) const {
  SHARDSIM_CHECK(per_record_ && ids.size() == hashes.size() && ids.size() <= kMd5Lanes,
                 "DrawHashed takes up to kMd5Lanes draws of a per-record key space");
  const KeyModel& m = *model_;
  const size_t stride = m.TemplateBufBytes();
  if (text.size() < stride * kMd5Lanes) text.resize(stride * kMd5Lanes);
  std::string_view keys[kMd5Lanes];
  HashKey out[kMd5Lanes];
  size_t n = 0;  // template keys to hash
  uint8_t lane[kMd5Lanes];
  for (size_t k = 0; k < ids.size(); ++k) {
    const uint32_t id = DrawId(rng);
    ids[k] = id;
    if (id >= stored_base_) {  // an extra hot key: hashed once at build
      hashes[k] = m.stored_[id - stored_base_].hash.value();
      continue;
    }
    keys[n] = m.FormatTemplateKey(id, text.data() + n * stride);
    lane[n++] = static_cast<uint8_t>(k);
  }
  PartitionKeyHashes({keys, n}, {out, n});
  for (size_t i = 0; i < n; ++i) hashes[lane[i]] = out[i].value();
}

KeyDraw KeyRoutes::SampleExplicitOrRandom(Rng& rng) const {
  const KeyModel& m = *model_;
  // Random keys and uniform ExplicitHashKeys: a uniform 128-bit hash, routed per record.
  auto random_draw = [&](uint32_t bytes) {
    const Uint128 high = rng.Next();
    const Uint128 hash = (high << 64) | rng.Next();
    return KeyDraw{kNoKey, router_.Lookup(hash), bytes, hash};
  };
  if (m.dist_ == KeyDist::kRandom) return random_draw(static_cast<uint32_t>(kRandomKeyBytes));
  const uint32_t bytes = m.TemplateBytes(rng.Below(m.template_count_));
  if (!m.discrete_) return random_draw(bytes);
  const auto id = static_cast<uint32_t>(m.discrete_->Sample(rng));
  return {id, shard_of_[id], bytes};
}

// ---------------------------------------------------------------- RoutingTable

const KeyRouting& RoutingTable::Attach(const KeyModel& model, const KeyRoutes* initial,
                                       const ShardMap& map) {
  auto routing = std::make_unique<KeyRouting>();
  routing->model_ = &model;
  routing->epoch_ = epoch_;
  if (initial != nullptr && &initial->model() == &model && initial->router().SameAs(map)) {
    routing->current_ = initial;
  } else {
    routing->owned_ = std::make_unique<KeyRoutes>(model, map);
    routing->current_ = routing->owned_.get();
  }
  routings_.push_back(std::move(routing));
  return *routings_.back();
}

const KeyRouting& RoutingTable::Find(const KeyModel& model) const {
  for (const std::unique_ptr<KeyRouting>& r : routings_) {
    if (r->model_ == &model) return *r;
  }
  SHARDSIM_CHECK(false, "key model not attached to this stream");
  return *routings_.front();
}

void RoutingTable::Hold(const KeyModel& model, RouteHolder* holder) {
  for (const std::unique_ptr<KeyRouting>& r : routings_) {
    if (r->model_ == &model) {
      r->holders_.push_back(holder);
      return;
    }
  }
  SHARDSIM_CHECK(false, "key model not attached to this stream");
}

void RoutingTable::Reshard(const ShardMap& map) {
  ++epoch_;
  for (const std::unique_ptr<KeyRouting>& r : routings_) {
    for (RouteHolder* h : r->holders_) h->BeforeReshard(*r->current_);
  }
  for (const std::unique_ptr<KeyRouting>& r : routings_) {
    auto next = std::make_unique<KeyRoutes>(r->current_->Rebuilt(map));
    r->owned_ = std::move(next);
    r->current_ = r->owned_.get();
    r->epoch_ = epoch_;
  }
}

}  // namespace shardsim
