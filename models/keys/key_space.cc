// KeySpace: spec validation, the once-per-key MD5 routing table, rerouting after resharding, and
// the exact analyses (shard shares, top keys, balancing split points). See key_space.h.
#include "models/keys/key_space.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <queue>
#include <utility>

#include "sim/check.h"

namespace shardsim {
namespace {

// KeySpec::count's documented bound; keeps key ids below kNoKey with room to spare.
constexpr int64_t kMaxKeyCount = 100'000'000;
constexpr std::string_view kPlaceholder = "{i}";

// Writes template key i into `buf` (prefix + decimal + suffix) and returns it. `buf` must hold
// prefix + suffix + 20 bytes.
std::string_view FormatKey(std::string_view prefix, std::string_view suffix, uint64_t i,
                           std::vector<char>& buf) {
  char* out = std::copy(prefix.begin(), prefix.end(), buf.data());
  out = std::to_chars(out, out + 20, i).ptr;
  out = std::copy(suffix.begin(), suffix.end(), out);
  return {buf.data(), static_cast<size_t>(out - buf.data())};
}

bool ValidWeight(double w) { return std::isfinite(w) && w >= 0; }

// Neumaier's compensated sum: shares of 10^7 Zipf keys stay accurate to a few ulps.
struct CompensatedSum {
  double sum = 0;
  double compensation = 0;
  void Add(double x) {
    const double t = sum + x;
    compensation += std::fabs(sum) >= std::fabs(x) ? (sum - t) + x : (x - t) + sum;
    sum = t;
  }
  double Value() const { return sum + compensation; }
};

// Share of [0, 2^128) that an inclusive range covers.
double RangeShare(const HashRange& r) {
  return ((r.end.value() - r.start.value()) + 1.0) * 0x1.0p-128;
}

bool IsOpen(const ShardMap& map, int shard) {
  return shard >= 0 && shard < static_cast<int>(map.shards().size()) &&
         map.shard(shard).state == ShardState::kOpen;
}

}  // namespace

// ---------------------------------------------------------------- routing directory

void KeySpace::Router::Build(const ShardMap& map) {
  starts.clear();
  indexes.clear();
  for (int index : map.open_shards()) {
    starts.push_back(map.shard(index).range.start.value());
    indexes.push_back(static_cast<uint32_t>(index));
  }
  // Two to four buckets per open shard, so a uniform hash meets one or two starts; 2^16 buckets
  // (256 KiB) cover the 10,000-shard stream limit.
  const int bits = std::clamp(static_cast<int>(std::bit_width(starts.size())) + 1, 1, 16);
  shift = 128 - bits;
  const size_t buckets = size_t{1} << bits;
  directory.assign(buckets + 1, 0);
  size_t p = 0;
  for (size_t b = 0; b <= buckets; ++b) {
    while (p < starts.size() && static_cast<size_t>(starts[p] >> shift) < b) ++p;
    directory[b] = static_cast<uint32_t>(p);
  }
}

uint32_t KeySpace::Router::Lookup(Uint128 hash) const {
  const auto b = static_cast<size_t>(hash >> shift);
  uint32_t p = directory[b];
  const uint32_t end = directory[b + 1];
  // starts[0] == 0 <= hash, so p ends >= 1. Buckets hold one or two starts unless resharding
  // piled many into one; then binary search.
  if (end - p <= 8) {
    while (p < end && starts[p] <= hash) ++p;
  } else {
    uint32_t n = end - p;
    while (n > 0) {
      const uint32_t half = n / 2;
      if (starts[p + half] <= hash) {
        p += half + 1;
        n -= half + 1;
      } else {
        n = half;
      }
    }
  }
  return indexes[p - 1];
}

bool KeySpace::Router::SameAs(const ShardMap& map) const {
  const std::vector<int>& open = map.open_shards();
  if (open.size() != indexes.size()) return false;
  for (size_t i = 0; i < open.size(); ++i) {
    if (indexes[i] != static_cast<uint32_t>(open[i]) ||
        starts[i] != map.shard(open[i]).range.start.value()) {
      return false;
    }
  }
  return true;
}

// ---------------------------------------------------------------- construction

std::optional<KeySpace> KeySpace::Create(const KeySpec& spec, const ShardMap& map,
                                         std::string* error) {
  auto fail = [&](std::string message) -> std::optional<KeySpace> {
    if (error != nullptr) *error = std::move(message);
    return std::nullopt;
  };
  KeySpace ks;
  ks.dist_ = spec.dist;
  ks.router_.Build(map);

  const bool uses_template = spec.dist == KeyDist::kUniform || spec.dist == KeyDist::kZipf ||
                             spec.dist == KeyDist::kHotKey ||
                             spec.dist == KeyDist::kExplicitHashKey;
  if (uses_template) {
    if (spec.count < 1 || spec.count > kMaxKeyCount) {
      return fail("count must be in [1, 100000000], got " + std::to_string(spec.count));
    }
    const size_t at = spec.format.find(kPlaceholder);
    if (at == std::string::npos ||
        spec.format.find(kPlaceholder, at + kPlaceholder.size()) != std::string::npos) {
      return fail("format must contain \"{i}\" exactly once, got \"" + spec.format + "\"");
    }
    ks.prefix_ = spec.format.substr(0, at);
    ks.suffix_ = spec.format.substr(at + kPlaceholder.size());
    std::string utf8_error;
    const std::optional<int> prefix_chars = CountUtf8CodePoints(ks.prefix_, &utf8_error);
    const std::optional<int> suffix_chars =
        prefix_chars ? CountUtf8CodePoints(ks.suffix_, &utf8_error) : std::nullopt;
    if (!suffix_chars) return fail("format must be valid UTF-8: " + utf8_error);
    ks.template_count_ = static_cast<uint32_t>(spec.count);
    ks.affix_bytes_ = static_cast<uint32_t>(ks.prefix_.size() + ks.suffix_.size());
    const int longest_chars =
        *prefix_chars + *suffix_chars + static_cast<int>(std::to_string(spec.count - 1).size());
    if (longest_chars > kMaxPartitionKeyChars) {
      return fail("format with count " + std::to_string(spec.count) + " makes keys of " +
                  std::to_string(longest_chars) + " characters; partition keys have at most " +
                  std::to_string(kMaxPartitionKeyChars));
    }
  }

  switch (spec.dist) {
    case KeyDist::kUniform:
      ks.stored_base_ = ks.template_count_;
      break;
    case KeyDist::kZipf:
      if (!std::isfinite(spec.zipf_exponent) || spec.zipf_exponent <= 0) {
        return fail("zipf_exponent must be finite and > 0, got " +
                    std::to_string(spec.zipf_exponent));
      }
      ks.stored_base_ = ks.template_count_;
      ks.zipf_.emplace(ks.template_count_, spec.zipf_exponent);
      ks.zipf_harmonic_ = Zipf::GeneralizedHarmonic(ks.template_count_, spec.zipf_exponent);
      if (ks.template_count_ <= kMaxZipfAliasKeys) ks.BuildZipfAlias();
      break;
    case KeyDist::kHotKey: {
      if (!(spec.hot_share > 0 && spec.hot_share <= 1)) {
        return fail("hot_share must be in (0, 1], got " + std::to_string(spec.hot_share));
      }
      ks.stored_base_ = ks.template_count_;
      ks.hot_share_ = spec.hot_share;
      ks.hot_id_ = 0;
      if (!spec.hot_key.empty()) {
        std::string key_error;
        if (!ValidPartitionKey(spec.hot_key, &key_error, "hot_key")) return fail(key_error);
        // A hot key that is itself a template key (the loader fills in key 0) is that key;
        // any other string is an extra key after the template keys.
        const std::string_view hot = spec.hot_key;
        bool in_space = false;
        if (hot.size() > ks.affix_bytes_ && hot.starts_with(ks.prefix_) &&
            hot.ends_with(ks.suffix_)) {
          const std::string_view digits =
              hot.substr(ks.prefix_.size(), hot.size() - ks.affix_bytes_);
          uint64_t i = 0;
          const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), i);
          const bool canonical = digits.size() == 1 || digits[0] != '0';
          if (ec == std::errc() && end == digits.data() + digits.size() && canonical &&
              i < ks.template_count_) {
            in_space = true;
            ks.hot_id_ = static_cast<uint32_t>(i);
          }
        }
        if (!in_space) {
          ks.hot_id_ = ks.template_count_;
          ks.stored_.push_back({spec.hot_key, HashKey()});
        }
      }
      const bool hot_is_extra = ks.hot_id_ == ks.template_count_;
      if (hot_is_extra || ks.template_count_ == 1) {
        ks.cold_count_ = ks.template_count_;  // with count 1 the cold draws also take key 0
        ks.cold_skip_ = kNoKey;
      } else {
        ks.cold_count_ = ks.template_count_ - 1;
        ks.cold_skip_ = ks.hot_id_;
      }
      break;
    }
    case KeyDist::kWeighted: {
      if (spec.weighted_keys.empty()) return fail("weighted_keys must not be empty");
      if (spec.weighted_keys.size() > static_cast<size_t>(kMaxKeyCount)) {
        return fail("weighted_keys may hold at most 100000000 keys");
      }
      std::vector<double> weights;
      double total = 0;
      for (size_t i = 0; i < spec.weighted_keys.size(); ++i) {
        const WeightedKey& wk = spec.weighted_keys[i];
        const std::string field = "weighted_keys[" + std::to_string(i) + "]";
        std::string key_error;
        if (!ValidPartitionKey(wk.key, &key_error, field + ".key")) return fail(key_error);
        if (!ValidWeight(wk.weight)) {
          return fail(field + ".weight must be finite and >= 0, got " + std::to_string(wk.weight));
        }
        ks.stored_.push_back({wk.key, HashKey()});
        weights.push_back(wk.weight);
        total += wk.weight;
      }
      if (!(total > 0) || !std::isfinite(total)) {
        return fail("weighted_keys weights must have a finite sum > 0");
      }
      ks.discrete_.emplace(weights);
      break;
    }
    case KeyDist::kRandom:
      break;
    case KeyDist::kExplicitHashKey: {
      if (spec.hash_keys.empty()) break;  // uniform over [0, 2^128)
      if (spec.hash_keys.size() > static_cast<size_t>(kMaxKeyCount)) {
        return fail("hash_keys may hold at most 100000000 keys");
      }
      std::vector<double> weights;
      double total = 0;
      for (size_t i = 0; i < spec.hash_keys.size(); ++i) {
        const WeightedHashKey& wh = spec.hash_keys[i];
        const std::string field = "hash_keys[" + std::to_string(i) + "]";
        std::string parse_error;
        const std::optional<HashKey> hash =
            ParseHashKey(wh.hash_key, &parse_error, field + ".hash_key");
        if (!hash) return fail(parse_error);
        if (!ValidWeight(wh.weight)) {
          return fail(field + ".weight must be finite and >= 0, got " + std::to_string(wh.weight));
        }
        ks.stored_.push_back({hash->ToDecimal(), *hash});
        weights.push_back(wh.weight);
        total += wh.weight;
      }
      if (!(total > 0) || !std::isfinite(total)) {
        return fail("hash_keys weights must have a finite sum > 0");
      }
      ks.discrete_.emplace(weights);
      break;
    }
  }

  // Stored partition keys are hashed here; ExplicitHashKeys came with theirs.
  Md5Hasher hasher;
  if (spec.dist != KeyDist::kExplicitHashKey) {
    for (StoredKey& k : ks.stored_) {
      k.hash = hasher.PartitionKeyHash(k.text);
      ks.stored_bytes_.push_back(static_cast<uint32_t>(k.text.size()));
    }
  } else {
    ks.stored_bytes_.assign(ks.stored_.size(), 0);  // routing only; sizes come from the template
  }
  ks.key_count_ = ks.stored_base_ + ks.stored_.size();

  // The table: one MD5 per template key, routed through the directory.
  ks.shard_of_.resize(ks.key_count_);
  std::vector<char> buf(ks.affix_bytes_ + 20);
  for (uint32_t i = 0; i < ks.stored_base_; ++i) {
    ks.shard_of_[i] = ks.router_.Lookup(
        hasher.PartitionKeyHash(FormatKey(ks.prefix_, ks.suffix_, i, buf)).value());
  }
  for (size_t j = 0; j < ks.stored_.size(); ++j) {
    ks.shard_of_[ks.stored_base_ + j] = ks.router_.Lookup(ks.stored_[j].hash.value());
  }
  ks.RefreshAliasShards();
  return ks;
}

// ---------------------------------------------------------------- per-key queries

uint32_t KeySpace::ShardOf(uint32_t key_id) const {
  SHARDSIM_CHECK(key_id < key_count_, "no such key id");
  return shard_of_[key_id];
}

std::string KeySpace::KeyString(uint32_t key_id) const {
  SHARDSIM_CHECK(key_id < key_count_, "no such key id");
  if (key_id >= stored_base_) return stored_[key_id - stored_base_].text;
  std::vector<char> buf(affix_bytes_ + 20);
  return std::string(FormatKey(prefix_, suffix_, key_id, buf));
}

HashKey KeySpace::KeyHash(uint32_t key_id) const {
  SHARDSIM_CHECK(key_id < key_count_, "no such key id");
  if (key_id >= stored_base_) return stored_[key_id - stored_base_].hash;
  std::vector<char> buf(affix_bytes_ + 20);
  return PartitionKeyHash(FormatKey(prefix_, suffix_, key_id, buf));
}

double KeySpace::Probability(uint32_t key_id) const {
  SHARDSIM_CHECK(key_id < key_count_, "no such key id");
  switch (dist_) {
    case KeyDist::kUniform:
      return 1.0 / template_count_;
    case KeyDist::kZipf:
      // Exactly Zipf::Probability(n, s, key_id + 1), with H computed once.
      return std::pow(static_cast<double>(key_id) + 1, -zipf_->s()) / zipf_harmonic_;
    case KeyDist::kHotKey: {
      const double cold = (1 - hot_share_) / cold_count_;
      if (key_id != hot_id_) return cold;
      return cold_skip_ == kNoKey && hot_id_ < template_count_ ? hot_share_ + cold : hot_share_;
    }
    case KeyDist::kWeighted:
    case KeyDist::kExplicitHashKey:
      return discrete_->Probability(key_id);
    case KeyDist::kRandom:
      break;
  }
  SHARDSIM_CHECK(false, "random keys have no key ids");
  return 0;
}

KeyDraw KeySpace::SampleExplicitOrRandom(Rng& rng) const {
  // Random keys and uniform ExplicitHashKeys: a uniform 128-bit hash, routed per record.
  auto random_route = [&] {
    const Uint128 high = rng.Next();
    return router_.Lookup((high << 64) | rng.Next());
  };
  if (dist_ == KeyDist::kRandom) return {kNoKey, random_route(), kRandomKeyBytes};
  const uint32_t bytes = TemplateBytes(rng.Below(template_count_));
  if (!discrete_) return {kNoKey, random_route(), bytes};
  const auto id = static_cast<uint32_t>(discrete_->Sample(rng));
  return {id, shard_of_[id], bytes};
}

bool KeySpace::HashIsUniform() const {
  return dist_ == KeyDist::kRandom || (dist_ == KeyDist::kExplicitHashKey && !discrete_);
}

// ---------------------------------------------------------------- resharding

void KeySpace::Reroute(const ShardMap& map) {
  const Router old = std::move(router_);
  router_.Build(map);
  // A shard index names one immutable range, so a key whose shard is still open with the same
  // range stays; after a split of one shard in N only ~1/N of the keys are hashed again.
  std::vector<uint8_t> keep(map.shards().size(), 0);
  for (size_t p = 0; p < old.indexes.size(); ++p) {
    const int index = static_cast<int>(old.indexes[p]);
    if (!IsOpen(map, index)) continue;
    const HashRange& now = map.shard(index).range;
    const Uint128 old_end = p + 1 < old.starts.size() ? old.starts[p + 1] - 1 : ~Uint128{0};
    if (now.start.value() == old.starts[p] && now.end.value() == old_end) {
      keep[static_cast<size_t>(index)] = 1;
    }
  }
  Md5Hasher hasher;
  std::vector<char> buf(affix_bytes_ + 20);
  for (uint32_t id = 0; id < key_count_; ++id) {
    const uint32_t s = shard_of_[id];
    if (s < keep.size() && keep[s]) continue;
    const HashKey hash = id >= stored_base_
                             ? stored_[id - stored_base_].hash
                             : hasher.PartitionKeyHash(FormatKey(prefix_, suffix_, id, buf));
    shard_of_[id] = router_.Lookup(hash.value());
  }
  RefreshAliasShards();
}

// ---------------------------------------------------------------- analyses

std::vector<double> KeySpace::ExpectedShardShares(const ShardMap& map) const {
  std::vector<double> shares(map.shards().size(), 0.0);
  if (HashIsUniform()) {
    for (int index : map.open_shards()) {
      shares[static_cast<size_t>(index)] = RangeShare(map.shard(index).range);
    }
    return shares;
  }
  std::vector<CompensatedSum> sums(shares.size());
  if (router_.SameAs(map)) {
    for (uint32_t id = 0; id < key_count_; ++id) sums[shard_of_[id]].Add(Probability(id));
  } else {
    for (uint32_t id = 0; id < key_count_; ++id) {
      sums[static_cast<size_t>(map.Lookup(KeyHash(id)))].Add(Probability(id));
    }
  }
  for (size_t i = 0; i < shares.size(); ++i) shares[i] = sums[i].Value();
  return shares;
}

std::vector<KeyWeight> KeySpace::TopKeys(int shard, size_t n) const {
  std::vector<KeyWeight> top;
  if (HashIsUniform() || n == 0) return top;
  auto add = [&](uint32_t id) { top.push_back({id, KeyString(id), KeyHash(id), Probability(id)}); };
  const auto target = static_cast<uint32_t>(shard);
  if (dist_ == KeyDist::kWeighted || dist_ == KeyDist::kExplicitHashKey) {
    // (probability, id) with the best at the heap's top being the worst kept: a bounded heap.
    using Entry = std::pair<double, uint32_t>;
    auto better = [](const Entry& a, const Entry& b) {
      return a.first != b.first ? a.first > b.first : a.second < b.second;
    };
    std::priority_queue<Entry, std::vector<Entry>, decltype(better)> kept(better);
    for (uint32_t id = 0; id < key_count_; ++id) {
      if (shard_of_[id] != target) continue;
      kept.emplace(Probability(id), id);
      if (kept.size() > n) kept.pop();
    }
    std::vector<Entry> order;
    for (; !kept.empty(); kept.pop()) order.push_back(kept.top());
    std::reverse(order.begin(), order.end());
    for (const Entry& e : order) add(e.second);
    return top;
  }
  // Uniform, Zipf and the cold keys of hot_key are non-increasing in key id, so the first n ids
  // on the shard are the top n; the hot key (most probable) comes first.
  if (dist_ == KeyDist::kHotKey && shard_of_[hot_id_] == target) add(hot_id_);
  for (uint32_t id = 0; id < template_count_ && top.size() < n; ++id) {
    if (shard_of_[id] == target && !(dist_ == KeyDist::kHotKey && id == hot_id_)) add(id);
  }
  return top;
}

std::optional<SplitPoint> KeySpace::BalancingSplitPoint(const ShardMap& map, int shard) const {
  if (HashIsUniform()) return SplitByWeight(map, shard, nullptr);
  return SplitByWeight(map, shard, [this](uint32_t id) { return Probability(id); });
}

std::optional<SplitPoint> KeySpace::BalancingSplitPoint(
    const ShardMap& map, int shard, std::span<const uint64_t> observed_counts) const {
  SHARDSIM_CHECK(observed_counts.size() == key_count_, "one observed count per key id");
  return SplitByWeight(map, shard, [observed_counts](uint32_t id) {
    return static_cast<double>(observed_counts[id]);
  });
}

std::optional<SplitPoint> KeySpace::BalancingSplitPoint(
    const ShardMap& map, int shard, const std::function<double(uint32_t)>& weight) const {
  SHARDSIM_CHECK(weight != nullptr, "a weight callback is required");
  return SplitByWeight(map, shard, weight);
}

std::optional<SplitPoint> KeySpace::SplitByWeight(
    const ShardMap& map, int shard, const std::function<double(uint32_t)>& weight) const {
  if (!IsOpen(map, shard)) return std::nullopt;
  const Uint128 start = map.shard(shard).range.start.value();
  const Uint128 end = map.shard(shard).range.end.value();
  // SplitShard accepts Start + 2 <= new <= End - 1 (fact sheet 3).
  if (end - start < 3) return std::nullopt;
  const Uint128 lowest = start + 2;
  const Uint128 highest = end - 1;

  if (HashIsUniform()) {
    // Half the range's width, (end - start + 1) / 2, written so 2^128 does not overflow.
    const Uint128 half = (end - start) / 2 + ((end - start) & 1);
    SplitPoint sp;
    sp.new_starting_hash_key = HashKey(start + half);
    sp.lower_share = static_cast<double>(half) / ((end - start) + 1.0);
    return sp;
  }

  struct Item {
    Uint128 hash;
    double weight;
    uint32_t id;
  };
  std::vector<Item> items;
  const bool current = router_.SameAs(map);
  Md5Hasher hasher;
  std::vector<char> buf(affix_bytes_ + 20);
  auto hash_of = [&](uint32_t id) {
    return id >= stored_base_
               ? stored_[id - stored_base_].hash.value()
               : hasher.PartitionKeyHash(FormatKey(prefix_, suffix_, id, buf)).value();
  };
  for (uint32_t id = 0; id < key_count_; ++id) {
    if (current && shard_of_[id] != static_cast<uint32_t>(shard)) continue;
    const double w = weight(id);
    SHARDSIM_CHECK(std::isfinite(w) && w >= 0, "key weights must be finite and >= 0");
    if (w == 0) continue;
    const Uint128 h = hash_of(id);
    if (!current && (h < start || h > end)) continue;
    items.push_back({h, w, id});
  }
  std::sort(items.begin(), items.end(), [](const Item& a, const Item& b) {
    return a.hash != b.hash ? a.hash < b.hash : a.id < b.id;
  });
  // Keys with one hash (duplicate weighted keys or ExplicitHashKeys) can never be separated.
  size_t groups = 0;
  for (size_t i = 0; i < items.size(); ++i) {
    if (groups > 0 && items[groups - 1].hash == items[i].hash) {
      items[groups - 1].weight += items[i].weight;
    } else {
      items[groups++] = items[i];
    }
  }
  items.resize(groups);
  if (items.size() < 2) return std::nullopt;

  CompensatedSum total_sum;
  size_t heaviest = 0;
  for (size_t i = 0; i < items.size(); ++i) {
    total_sum.Add(items[i].weight);
    if (items[i].weight > items[heaviest].weight) heaviest = i;
  }
  const double total = total_sum.Value();
  std::optional<SplitPoint> best;
  double best_gap = 0;
  CompensatedSum lower;
  for (size_t j = 0; j + 1 < items.size(); ++j) {
    lower.Add(items[j].weight);
    // Every new in (hash_j, hash_j+1] makes the same cut; prefer the upper key's hash.
    const Uint128 lo = std::max(items[j].hash + 1, lowest);
    const Uint128 hi = std::min(items[j + 1].hash, highest);
    if (lo > hi) continue;
    const double gap = std::fabs(lower.Value() - total / 2);
    if (best && gap >= best_gap) continue;
    best_gap = gap;
    best = SplitPoint{HashKey(hi), lower.Value() / total, false, kNoKey};
  }
  if (best && items[heaviest].weight > total / 2) {
    best->dominant_key = true;
    best->dominant_key_id = items[heaviest].id;
  }
  return best;
}

// Vose's alias method over the exact Zipf probabilities: per column a 32-bit threshold fraction
// and the alias key. Quantising the threshold changes a key's probability by at most 2^-32 / n,
// far below any sampling error. The columns also carry both keys' shards (RefreshAliasShards), so
// a draw touches one 16-byte entry instead of the alias table and the routing table.
void KeySpace::BuildZipfAlias() {
  const size_t n = template_count_;
  std::vector<double> scaled(n);
  const double s = zipf_->s();
  for (size_t k = 0; k < n; ++k) {
    scaled[k] = std::pow(static_cast<double>(k) + 1, -s) / zipf_harmonic_ * static_cast<double>(n);
  }
  std::vector<uint32_t> small, large;
  for (size_t k = n; k-- > 0;)
    (scaled[k] < 1.0 ? small : large).push_back(static_cast<uint32_t>(k));
  zipf_alias_.assign(n, ZipfColumn{});
  auto pack = [](double threshold, uint32_t alias) {
    const double t = std::min(std::max(threshold, 0.0), 1.0) * 4294967296.0;
    const uint32_t q = t >= 4294967295.0 ? 0xffffffffU : static_cast<uint32_t>(t);
    return ZipfColumn{q, alias, 0, 0};
  };
  while (!small.empty() && !large.empty()) {
    const uint32_t lo = small.back();
    small.pop_back();
    const uint32_t l = large.back();
    zipf_alias_[lo] = pack(scaled[lo], l);
    scaled[l] = (scaled[l] + scaled[lo]) - 1.0;
    if (scaled[l] < 1.0) {
      large.pop_back();
      small.push_back(l);
    }
  }
  // Leftovers are full columns (their scaled weight is 1 up to rounding).
  for (uint32_t k : large) zipf_alias_[k] = pack(1.0, k);
  for (uint32_t k : small) zipf_alias_[k] = pack(1.0, k);
}

void KeySpace::RefreshAliasShards() {
  for (size_t k = 0; k < zipf_alias_.size(); ++k) {
    zipf_alias_[k].shard = shard_of_[k];
    zipf_alias_[k].alias_shard = shard_of_[zipf_alias_[k].alias];
  }
}

}  // namespace shardsim
