// KeyModel: spec validation, the once-per-key MD5 (kept as its high word), and the exact analyses
// (shard shares, top keys, balancing split points). See key_model.h.
#include "models/keys/key_model.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <queue>
#include <utility>

#include "models/keys/routing.h"
#include "sim/check.h"

namespace shardsim {
namespace {

// KeySpec::count's documented bound; keeps key ids below kNoKey with room to spare.
constexpr int64_t kMaxKeyCount = 100'000'000;
constexpr std::string_view kPlaceholder = "{i}";

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

// H(n, s) = sum_{k=1..n} k^-s in O(1) for key spaces hashed per record: the first terms summed
// (Neumaier), the rest by Euler-Maclaurin with three Bernoulli terms. The remainder is below
// s(s+1)...(s+6) m^(-s-7) / 1209600 (m = 4096): far below a double's rounding of H.
double HarmonicEulerMaclaurin(uint64_t n, double s) {
  constexpr uint64_t kSummed = 4096;
  if (n <= 2 * kSummed) return Zipf::GeneralizedHarmonic(n, s);
  CompensatedSum sum;
  for (uint64_t k = kSummed - 1; k >= 1; --k) sum.Add(std::pow(static_cast<double>(k), -s));
  const auto m = static_cast<double>(kSummed);
  const auto x = static_cast<double>(n);
  // sum_{k=m..n} f(k) = integral_m^n f + (f(m) + f(n)) / 2
  //                     + sum_j B_2j / (2j)! (f^(2j-1)(n) - f^(2j-1)(m)), f(x) = x^-s.
  const double log_ratio = std::log(x / m);
  const double a = (1 - s) * log_ratio;
  const double integral =
      a == 0 ? std::pow(m, 1 - s) * log_ratio : std::pow(m, 1 - s) * std::expm1(a) / (1 - s);
  auto f = [s](double v, int derivative) {
    double c = 1;  // (-1)^d s (s+1) ... (s+d-1)
    for (int i = 0; i < derivative; ++i) c *= -(s + i);
    return c * std::pow(v, -s - derivative);
  };
  sum.Add(integral);
  sum.Add((f(m, 0) + f(x, 0)) / 2);
  sum.Add((f(x, 1) - f(m, 1)) / 12);
  sum.Add(-(f(x, 3) - f(m, 3)) / 720);
  sum.Add((f(x, 5) - f(m, 5)) / 30240);
  return sum.Value();
}

}  // namespace

// ---------------------------------------------------------------- construction

bool KeyModel::HashesPerRecord(const KeySpec& spec, double expected_records) {
  const bool template_keys = spec.dist == KeyDist::kUniform || spec.dist == KeyDist::kZipf ||
                             spec.dist == KeyDist::kHotKey;
  return template_keys && spec.count >= static_cast<int64_t>(kHashPerRecordFromKeys) &&
         static_cast<double>(spec.count) > expected_records;
}

std::optional<KeyModel> KeyModel::Create(const KeySpec& spec, std::string* error,
                                         uint64_t store_hashes_below, bool hash_per_record) {
  auto fail = [&](std::string message) -> std::optional<KeyModel> {
    if (error != nullptr) *error = std::move(message);
    return std::nullopt;
  };
  KeyModel ks;
  ks.dist_ = spec.dist;
  ks.hash_per_record_ =
      hash_per_record && (spec.dist == KeyDist::kUniform || spec.dist == KeyDist::kZipf ||
                          spec.dist == KeyDist::kHotKey);

  const bool uses_template = spec.dist == KeyDist::kUniform || spec.dist == KeyDist::kZipf ||
                             spec.dist == KeyDist::kHotKey ||
                             spec.dist == KeyDist::kExplicitHashKey;
  if (uses_template) {
    if (spec.count < 1 || spec.count > kMaxKeyCount) {
      return fail("count must be in [1, 100000000], got " + std::to_string(spec.count));
    }
    // Every "{i}" is replaced by the index; the text between them is kept as pieces.
    int piece_chars = 0;
    for (size_t from = 0;;) {
      const size_t at = spec.format.find(kPlaceholder, from);
      ks.pieces_.push_back(spec.format.substr(from, at == std::string::npos ? at : at - from));
      std::string utf8_error;
      const std::optional<int> chars = CountUtf8CodePoints(ks.pieces_.back(), &utf8_error);
      if (!chars) return fail("format must be valid UTF-8: " + utf8_error);
      piece_chars += *chars;
      ks.affix_bytes_ += static_cast<uint32_t>(ks.pieces_.back().size());
      if (at == std::string::npos) break;
      from = at + kPlaceholder.size();
    }
    ks.digit_copies_ = static_cast<uint32_t>(ks.pieces_.size() - 1);
    if (ks.digit_copies_ == 0 && spec.count > 1) {
      return fail("format \"" + spec.format + "\" has no \"{i}\": all " +
                  std::to_string(spec.count) + " keys would be the same");
    }
    ks.template_count_ = static_cast<uint32_t>(spec.count);
    const int longest_chars =
        piece_chars + static_cast<int>(ks.digit_copies_ * std::to_string(spec.count - 1).size());
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
      if (ks.hash_per_record_) {
        // No O(keys) pass: the normaliser in O(1), draws by rejection-inversion.
        ks.zipf_harmonic_ = HarmonicEulerMaclaurin(ks.template_count_, spec.zipf_exponent);
        break;
      }
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
        const std::optional<uint32_t> in_space = ks.TemplateIdOf(spec.hot_key);
        if (in_space) ks.hot_id_ = *in_space;
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

  // One MD5 per template key; routing needs only the high word (KeyRoutes).
  if (ks.hash_per_record_ || ks.stored_base_ >= store_hashes_below) return ks;
  ks.template_high_.resize(ks.stored_base_);
  ks.ForEachTemplateHash(0, ks.stored_base_,
                         [&](uint32_t id, HashKey h) { ks.template_high_[id] = h.high(); });
  return ks;
}

// ---------------------------------------------------------------- template keys

std::string_view KeyModel::FormatTemplateKey(uint64_t i, char* const begin) const {
  char* out = std::copy(pieces_[0].begin(), pieces_[0].end(), begin);
  for (size_t k = 1; k < pieces_.size(); ++k) {
    out = std::to_chars(out, out + 20, i).ptr;
    out = std::copy(pieces_[k].begin(), pieces_[k].end(), out);
  }
  return {begin, static_cast<size_t>(out - begin)};
}

void KeyModel::ForEachTemplateHash(uint32_t first, uint32_t last,
                                   const std::function<void(uint32_t, HashKey)>& fn) const {
  // Chunks of keys formatted into one buffer, hashed kMd5Lanes at a time (PartitionKeyHashes).
  constexpr uint32_t kChunk = 256;
  const size_t stride = TemplateBufBytes();
  std::vector<char> text(stride * kChunk);
  std::vector<char> buf(stride);
  std::vector<std::string_view> keys(kChunk);
  std::vector<HashKey> hashes(kChunk);
  for (uint32_t from = first; from < last;) {
    const uint32_t n = std::min(kChunk, last - from);
    for (uint32_t k = 0; k < n; ++k) {
      const std::string_view key = FormatTemplateKey(from + k, buf);
      char* at = text.data() + size_t{k} * stride;
      std::copy(key.begin(), key.end(), at);
      keys[k] = {at, key.size()};
    }
    PartitionKeyHashes({keys.data(), n}, {hashes.data(), n});
    for (uint32_t k = 0; k < n; ++k) fn(from + k, hashes[k]);
    from += n;
  }
}

std::optional<uint32_t> KeyModel::TemplateIdOf(std::string_view key) const {
  if (digit_copies_ == 0) {
    return key == pieces_[0] ? std::optional<uint32_t>(0) : std::nullopt;
  }
  // Every copy of the index has the same number of digits, so the key's length gives it.
  if (key.size() <= affix_bytes_ || (key.size() - affix_bytes_) % digit_copies_ != 0 ||
      !key.starts_with(pieces_[0])) {
    return std::nullopt;
  }
  const size_t digits = (key.size() - affix_bytes_) / digit_copies_;
  const std::string_view text = key.substr(pieces_[0].size(), digits);
  uint64_t i = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), i);
  const bool canonical = text.size() == 1 || text[0] != '0';
  if (ec != std::errc() || end != text.data() + text.size() || !canonical || i >= template_count_) {
    return std::nullopt;
  }
  std::vector<char> buf(TemplateBufBytes());
  if (FormatTemplateKey(i, buf) != key) return std::nullopt;
  return static_cast<uint32_t>(i);
}

// ---------------------------------------------------------------- per-key queries

std::string KeyModel::KeyString(uint32_t key_id) const {
  SHARDSIM_CHECK(key_id < key_count_, "no such key id");
  if (key_id >= stored_base_) return stored_[key_id - stored_base_].text;
  std::vector<char> buf(TemplateBufBytes());
  return std::string(FormatTemplateKey(key_id, buf));
}

std::vector<uint32_t> KeyModel::IdsOf(std::string_view key) const {
  std::vector<uint32_t> ids;
  if (stored_base_ > 0) {
    const std::optional<uint32_t> id = TemplateIdOf(key);
    if (id && *id < stored_base_) ids.push_back(*id);
  }
  for (size_t i = 0; i < stored_.size(); ++i) {
    if (stored_[i].text == key) ids.push_back(stored_base_ + static_cast<uint32_t>(i));
  }
  return ids;
}

HashKey KeyModel::KeyHash(uint32_t key_id) const {
  SHARDSIM_CHECK(key_id < key_count_, "no such key id");
  if (key_id >= stored_base_) return stored_[key_id - stored_base_].hash;
  std::vector<char> buf(TemplateBufBytes());
  return PartitionKeyHash(FormatTemplateKey(key_id, buf));
}

uint64_t KeyModel::KeyHashHigh(uint32_t key_id) const {
  SHARDSIM_CHECK(key_id < key_count_, "no such key id");
  if (key_id >= stored_base_) return stored_[key_id - stored_base_].hash.high();
  return template_high_.empty() ? KeyHash(key_id).high() : template_high_[key_id];
}

uint32_t KeyModel::RouteKey(const ShardRouter& router, uint32_t key_id) const {
  if (key_id >= stored_base_) return router.Lookup(stored_[key_id - stored_base_].hash.value());
  if (template_high_.empty()) return router.Lookup(KeyHash(key_id).value());
  const uint32_t shard = router.LookupHigh(template_high_[key_id]);
  return shard != ShardRouter::kNoShard ? shard : router.Lookup(KeyHash(key_id).value());
}

std::vector<uint32_t> KeyModel::ShardsOn(const ShardMap& map) const {
  const ShardRouter router(map);
  std::vector<uint32_t> shard_of(key_count_);
  RouteAll(router, shard_of);
  return shard_of;
}

void KeyModel::RouteAll(const ShardRouter& router, std::span<uint32_t> shard_of) const {
  SHARDSIM_CHECK(shard_of.size() == key_count_, "one shard per key id");
  uint32_t id = 0;
  if (template_high_.empty() && stored_base_ > 0) {
    ForEachTemplateHash(0, stored_base_,
                        [&](uint32_t k, HashKey h) { shard_of[k] = router.Lookup(h.value()); });
    id = stored_base_;
  }
  for (; id < key_count_; ++id) shard_of[id] = RouteKey(router, id);
}

double KeyModel::Probability(uint32_t key_id) const {
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

bool KeyModel::HashIsUniform() const {
  return dist_ == KeyDist::kRandom || (dist_ == KeyDist::kExplicitHashKey && !discrete_);
}

// ---------------------------------------------------------------- analyses

std::vector<double> KeyModel::ExpectedShardShares(const ShardMap& map) const {
  if (HashIsUniform() || hash_per_record_) return ExpectedShardShares(map, {});
  if (!template_high_.empty() || stored_base_ == 0) return ExpectedShardShares(map, ShardsOn(map));
  // No stored high words: route the keys as they are hashed again instead of holding a shard per
  // key (400 MB at 10^8 keys). The same sums in the same id order: bit for bit the same shares.
  const ShardRouter router(map);
  std::vector<CompensatedSum> sums(map.shards().size());
  ForEachTemplateHash(0, stored_base_, [&](uint32_t id, HashKey h) {
    sums[router.Lookup(h.value())].Add(Probability(id));
  });
  for (uint32_t id = stored_base_; id < key_count_; ++id) {
    sums[RouteKey(router, id)].Add(Probability(id));
  }
  std::vector<double> shares(sums.size());
  for (size_t i = 0; i < shares.size(); ++i) shares[i] = sums[i].Value();
  return shares;
}

std::vector<double> KeyModel::ExpectedShardShares(const ShardMap& map,
                                                  std::span<const uint32_t> shard_of) const {
  std::vector<double> shares(map.shards().size(), 0.0);
  if (HashIsUniform()) {
    for (int index : map.open_shards()) {
      shares[static_cast<size_t>(index)] = RangeShare(map.shard(index).range);
    }
    return shares;
  }
  std::vector<CompensatedSum> sums(shares.size());
  if (hash_per_record_) {
    const ShardRouter router(map);
    ForEachTemplateHash(0, HeadCount(), [&](uint32_t id, HashKey h) {
      sums[router.Lookup(h.value())].Add(Probability(id));
    });
    for (uint32_t id = stored_base_; id < key_count_; ++id) {
      sums[RouteKey(router, id)].Add(Probability(id));
    }
    if (HotPastHead()) sums[RouteKey(router, hot_id_)].Add(Probability(hot_id_));
    const double tail = TailMass();
    for (int index : map.open_shards()) {
      sums[static_cast<size_t>(index)].Add(tail * RangeShare(map.shard(index).range));
    }
    for (size_t i = 0; i < shares.size(); ++i) shares[i] = sums[i].Value();
    return shares;
  }
  SHARDSIM_CHECK(shard_of.size() == key_count_, "one shard per key id");
  for (uint32_t id = 0; id < key_count_; ++id) sums[shard_of[id]].Add(Probability(id));
  for (size_t i = 0; i < shares.size(); ++i) shares[i] = sums[i].Value();
  return shares;
}

std::vector<KeyWeight> KeyModel::TopKeys(std::span<const uint32_t> shard_of, int shard,
                                         size_t n) const {
  std::vector<KeyWeight> top;
  if (HashIsUniform() || n == 0) return top;
  SHARDSIM_CHECK(shard_of.size() == key_count_, "one shard per key id");
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
      if (shard_of[id] != target) continue;
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
  if (dist_ == KeyDist::kHotKey && shard_of[hot_id_] == target) add(hot_id_);
  for (uint32_t id = 0; id < template_count_ && top.size() < n; ++id) {
    if (shard_of[id] == target && !(dist_ == KeyDist::kHotKey && id == hot_id_)) add(id);
  }
  return top;
}

std::vector<KeyWeight> KeyModel::TopKeysOn(const ShardMap& map, int shard, size_t n) const {
  const int shards[] = {shard};
  return std::move(TopKeysOn(map, shards, n).front());
}

std::vector<std::vector<KeyWeight>> KeyModel::TopKeysOn(const ShardMap& map,
                                                        std::span<const int> shards,
                                                        size_t n) const {
  std::vector<std::vector<KeyWeight>> top(shards.size());
  // Uniform, Zipf and hot_key: the leading ids (below), exact whatever the model keeps per key.
  const bool leading =
      dist_ == KeyDist::kUniform || dist_ == KeyDist::kZipf || dist_ == KeyDist::kHotKey;
  if (!leading) {
    const std::vector<uint32_t> shard_of = ShardsOn(map);
    for (size_t i = 0; i < shards.size(); ++i) top[i] = TopKeys(shard_of, shards[i], n);
    return top;
  }
  // Slot of each wanted open shard index; ids are hashed in order until every slot is full.
  std::vector<int> slot(map.shards().size(), -1);
  size_t open = 0;
  for (size_t i = 0; i < shards.size(); ++i) {
    if (n > 0 && map.IsOpen(shards[i]) && slot[static_cast<size_t>(shards[i])] < 0) {
      slot[static_cast<size_t>(shards[i])] = static_cast<int>(i);
      ++open;
    }
  }
  const ShardRouter router(map);
  size_t full = 0;
  auto add = [&](uint32_t id, HashKey h, uint32_t shard) {
    const int k = slot[shard];
    if (k < 0 || top[static_cast<size_t>(k)].size() >= n) return;
    std::vector<KeyWeight>& t = top[static_cast<size_t>(k)];
    t.push_back({id, KeyString(id), h, Probability(id)});
    if (t.size() == n) ++full;
  };
  // The hot key (the most probable) first, then the cold keys in id order: weights never increase.
  const bool hot = dist_ == KeyDist::kHotKey;
  if (hot) add(hot_id_, KeyHash(hot_id_), RouteKey(router, hot_id_));
  constexpr uint32_t kChunk = 4096;
  for (uint32_t from = 0; from < template_count_ && full < open;) {
    const auto to =
        static_cast<uint32_t>(std::min<uint64_t>(template_count_, uint64_t{from} + kChunk));
    ForEachTemplateHash(from, to, [&](uint32_t id, HashKey h) {
      if (!(hot && id == hot_id_)) add(id, h, router.Lookup(h.value()));
    });
    from = to;
  }
  return top;
}

uint32_t KeyModel::HeadCount() const { return std::min(template_count_, kHeadKeys); }

bool KeyModel::HotPastHead() const {
  return dist_ == KeyDist::kHotKey && hot_id_ >= HeadCount() && hot_id_ < template_count_;
}

double KeyModel::TailMass() const {
  const uint32_t head = HeadCount();
  if (head >= template_count_) return 0;
  switch (dist_) {
    case KeyDist::kZipf: {
      // H(n, s) - H(head, s), both O(1) or O(head).
      const double s = zipf_->s();
      return std::max(0.0, 1 - Zipf::GeneralizedHarmonic(head, s) / zipf_harmonic_);
    }
    case KeyDist::kUniform:
      return static_cast<double>(template_count_ - head) / template_count_;
    case KeyDist::kHotKey: {
      // Cold keys past the head; the hot key is summed with the head (a stored key or id 0).
      const double cold = (1 - hot_share_) / cold_count_;
      uint64_t tail_ids = template_count_ - head;
      if (cold_skip_ != kNoKey && hot_id_ >= head) --tail_ids;  // the hot key is summed apart
      return cold * static_cast<double>(tail_ids);
    }
    default:
      return 0;
  }
}

std::optional<SplitPoint> KeyModel::BalancingSplitPoint(const ShardMap& map, int shard) const {
  if (HashIsUniform()) return SplitByWeight(map, shard, nullptr);
  return SplitByWeight(map, shard, [this](uint32_t id) { return Probability(id); });
}

std::optional<SplitPoint> KeyModel::BalancingSplitPoint(const ShardMap& map, int shard,
                                                        std::span<const uint32_t> shard_of) const {
  if (HashIsUniform()) return SplitByWeight(map, shard, nullptr);
  return SplitByWeight(
      map, shard, [this](uint32_t id) { return Probability(id); }, shard_of);
}

std::optional<SplitPoint> KeyModel::BalancingSplitPoint(
    const ShardMap& map, int shard, std::span<const uint64_t> observed_counts) const {
  SHARDSIM_CHECK(observed_counts.size() == key_count_, "one observed count per key id");
  return SplitByWeight(map, shard, [observed_counts](uint32_t id) {
    return static_cast<double>(observed_counts[id]);
  });
}

std::optional<SplitPoint> KeyModel::BalancingSplitPoint(
    const ShardMap& map, int shard, const std::function<double(uint32_t)>& weight) const {
  SHARDSIM_CHECK(weight != nullptr, "a weight callback is required");
  return SplitByWeight(map, shard, weight);
}

std::optional<SplitPoint> KeyModel::SplitByWeight(const ShardMap& map, int shard,
                                                  const std::function<double(uint32_t)>& weight,
                                                  std::span<const uint32_t> shard_of) const {
  if (!map.IsOpen(shard)) return std::nullopt;
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
  Md5Hasher hasher;
  std::vector<char> buf(TemplateBufBytes());
  auto hash_of = [&](uint32_t id) {
    return id >= stored_base_ ? stored_[id - stored_base_].hash.value()
                              : hasher.PartitionKeyHash(FormatTemplateKey(id, buf)).value();
  };
  // The high word rules out every key outside [start, end] but those sharing its ends' high words.
  const uint64_t start_high = HashKey(start).high();
  const uint64_t end_high = HashKey(end).high();
  uint32_t first_id = 0;
  // A hashed template key: kept when it lies in the shard and carries weight.
  auto add_in_shard = [&](uint32_t id, HashKey hk) {
    const Uint128 h = hk.value();
    if (h < start || h > end) return;
    const double w = weight(id);
    SHARDSIM_CHECK(std::isfinite(w) && w >= 0, "key weights must be finite and >= 0");
    if (w > 0) items.push_back({h, w, id});
  };
  if (hash_per_record_) {
    // Only the head is hashed (header); a hot key past it is weighed apart.
    if (HotPastHead()) {
      const Uint128 h = KeyHash(hot_id_).value();
      if (h >= start && h <= end && weight(hot_id_) > 0)
        items.push_back({h, weight(hot_id_), hot_id_});
    }
    ForEachTemplateHash(0, HeadCount(), add_in_shard);
    first_id = stored_base_;
  } else if (!shard_of.empty()) {
    // The keys' routes are known: the keys in [start, end] are those routed to `shard`, and only
    // they are hashed (to sort them), not the whole key space.
    SHARDSIM_CHECK(shard_of.size() == key_count_, "one shard per key id");
    for (uint32_t id = 0; id < key_count_; ++id) {
      if (shard_of[id] != static_cast<uint32_t>(shard)) continue;
      const double w = weight(id);
      SHARDSIM_CHECK(std::isfinite(w) && w >= 0, "key weights must be finite and >= 0");
      if (w == 0) continue;
      const Uint128 h = hash_of(id);
      SHARDSIM_CHECK(h >= start && h <= end, "shard_of routes the keys on another map");
      items.push_back({h, w, id});
    }
    first_id = key_count_;
  } else if (template_high_.empty() && stored_base_ > 0) {
    // No stored high words: every template key is hashed again, in batches.
    ForEachTemplateHash(0, stored_base_, add_in_shard);
    first_id = stored_base_;
  }
  for (uint32_t id = first_id; id < key_count_; ++id) {
    const uint64_t high = KeyHashHigh(id);
    if (high < start_high || high > end_high) continue;
    const double w = weight(id);
    SHARDSIM_CHECK(std::isfinite(w) && w >= 0, "key weights must be finite and >= 0");
    if (w == 0) continue;
    const Uint128 h = hash_of(id);
    if (h < start || h > end) continue;
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
  // Keys past a per-record space's head weigh their expected share of the range.
  const double shard_weight =
      hash_per_record_ ? total + TailMass() * RangeShare(map.shard(shard).range) : total;
  if (best && items[heaviest].weight > shard_weight / 2) {
    best->dominant_key = true;
    best->dominant_key_id = items[heaviest].id;
  }
  return best;
}

// Vose's alias method over the exact Zipf probabilities: per column a 32-bit threshold fraction
// and the alias key. Quantising the threshold changes a key's probability by at most 2^-32 / n,
// far below any sampling error.
void KeyModel::BuildZipfAlias() {
  const size_t n = template_count_;
  std::vector<double> scaled(n);
  const double s = zipf_->s();
  for (size_t k = 0; k < n; ++k) {
    scaled[k] = std::pow(static_cast<double>(k) + 1, -s) / zipf_harmonic_ * static_cast<double>(n);
  }
  std::vector<uint32_t> small, large;
  for (size_t k = n; k-- > 0;)
    (scaled[k] < 1.0 ? small : large).push_back(static_cast<uint32_t>(k));
  zipf_alias_.assign(n, AliasColumn{});
  auto pack = [](double threshold, uint32_t alias) {
    const double t = std::min(std::max(threshold, 0.0), 1.0) * 4294967296.0;
    const uint32_t q = t >= 4294967295.0 ? 0xffffffffU : static_cast<uint32_t>(t);
    return AliasColumn{q, alias};
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

}  // namespace shardsim
