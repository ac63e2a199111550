// Property tests (rapidcheck) of routing and resharding: after any sequence of SplitShard,
// MergeShards and UpdateShardCount calls, the open shards partition [0, 2^128-1], every hash key
// routes to exactly the one open shard holding it (ShardMap, ShardRouter, KeyRoutes agree), MD5
// routing equals an independent MD5, children cover exactly their parents, and a call is accepted
// exactly when Kinesis's checks pass (fact sheet 3).
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "models/keys/hash_key.h"
#include "models/keys/key_model.h"
#include "models/keys/routing.h"
#include "models/keys/shard_map.h"
#include "models/stream/resharding.h"
#include "tests/support/reference_md5.h"

namespace shardsim {
namespace {

constexpr Uint128 kMax = ~Uint128{0};

Uint128 AnyHash() {
  // Mostly uniform 128-bit values, sometimes small or near the top (boundary cases).
  const auto high = *rc::gen::arbitrary<uint64_t>();
  const auto low = *rc::gen::arbitrary<uint64_t>();
  switch (*rc::gen::inRange(0, 4)) {
    case 0:
      return low;
    case 1:
      return kMax - low;
    default:
      return (Uint128{high} << 64) | low;
  }
}

HashKey ReferenceHash(const std::string& key) {
  const std::array<uint8_t, 16> d = support::ReferenceMd5(key);
  Uint128 v = 0;
  for (uint8_t b : d) v = (v << 8) | b;  // big-endian (fact sheet 1)
  return HashKey(v);
}

// Whether range `b` starts right after range `a` ends (no wrap-around past 2^128-1).
bool Touch(const HashRange& a, const HashRange& b) {
  return a.end.value() != kMax && a.end.value() + 1 == b.start.value();
}

// The open shard holding `hash`, by a scan of every shard; -1 if none or more than one.
int ReferenceShard(const ShardMap& map, Uint128 hash) {
  int found = -1, count = 0;
  for (const Shard& s : map.shards()) {
    if (s.state == ShardState::kOpen && s.range.start.value() <= hash &&
        hash <= s.range.end.value()) {
      found = s.index;
      ++count;
    }
  }
  return count == 1 ? found : -1;
}

// Applies up to `ops` random successful SplitShard / MergeShards calls to `map`.
void RandomReshards(ShardMap* map, int ops) {
  for (int i = 0; i < ops; ++i) {
    const std::vector<int>& open = map->open_shards();
    if (*rc::gen::inRange(0, 3) < 2 || open.size() < 2) {
      const Shard& s = map->shard(open[*rc::gen::inRange<size_t>(0, open.size())]);
      const Uint128 width = s.range.end.value() - s.range.start.value();
      if (width < 3) continue;
      const Uint128 offset = 2 + AnyHash() % (width - 2);  // start + 1 < key < end
      RC_ASSERT(map->Split(s.index, HashKey(s.range.start.value() + offset)).ok());
    } else {
      const size_t p = *rc::gen::inRange<size_t>(0, open.size() - 1);
      const bool swapped = *rc::gen::arbitrary<bool>();
      const int a = open[p], b = open[p + 1];
      RC_ASSERT(map->Merge(swapped ? b : a, swapped ? a : b).ok());
    }
  }
}

void AssertPartitions(const ShardMap& map) {
  const std::vector<int>& open = map.open_shards();
  RC_ASSERT(!open.empty());
  RC_ASSERT(map.shard(open.front()).range.start.value() == Uint128{0});
  RC_ASSERT(map.shard(open.back()).range.end.value() == kMax);
  for (size_t i = 0; i < open.size(); ++i) {
    const HashRange& r = map.shard(open[i]).range;
    RC_ASSERT(r.start <= r.end);
    if (i > 0) RC_ASSERT(Touch(map.shard(open[i - 1]).range, r));
  }
  int open_count = 0;
  for (const Shard& s : map.shards()) open_count += s.state == ShardState::kOpen ? 1 : 0;
  RC_ASSERT(open_count == map.open_count());
}

// Every closed shard's range is covered exactly by its children: two split children that touch
// and span it, or one merge child spanning it and its adjacent parent.
void AssertLineage(const ShardMap& map) {
  for (const Shard& parent : map.shards()) {
    std::vector<const Shard*> children;
    for (const Shard& c : map.shards()) {
      if (c.parent == parent.index || c.adjacent_parent == parent.index) children.push_back(&c);
    }
    if (parent.state == ShardState::kOpen) {
      RC_ASSERT(children.empty());
      continue;
    }
    RC_ASSERT(!children.empty());
    if (children.size() == 2) {  // split
      const HashRange& lo = children[0]->range;
      const HashRange& hi = children[1]->range;
      RC_ASSERT(children[0]->adjacent_parent == -1 && children[1]->adjacent_parent == -1);
      RC_ASSERT(lo.start == parent.range.start && hi.end == parent.range.end);
      RC_ASSERT(Touch(lo, hi));
    } else {  // merge
      RC_ASSERT(children.size() == 1u);
      const Shard& c = *children[0];
      RC_ASSERT(c.parent >= 0 && c.adjacent_parent >= 0);
      const HashRange& a = map.shard(c.parent).range;
      const HashRange& b = map.shard(c.adjacent_parent).range;
      RC_ASSERT(Touch(a, b) || Touch(b, a));
      RC_ASSERT(c.range.start == std::min(a.start, b.start));
      RC_ASSERT(c.range.end == std::max(a.end, b.end));
    }
  }
}

RC_GTEST_PROP(RoutingProperty, EveryHashKeyRoutesToExactlyOneOpenShard, ()) {
  ShardMap map = ShardMap::CreateStream(*rc::gen::inRange(1, 65));
  RandomReshards(&map, *rc::gen::inRange(0, 25));
  AssertPartitions(map);
  const ShardRouter router(map);
  std::vector<Uint128> hashes =
      *rc::gen::container<std::vector<Uint128>>(64, rc::gen::exec([] { return AnyHash(); }));
  for (int index : map.open_shards()) {  // both sides of every boundary
    const HashRange& r = map.shard(index).range;
    hashes.insert(hashes.end(),
                  {r.start.value(), r.end.value(), r.start.value() - 1, r.end.value() + 1});
  }
  for (Uint128 h : hashes) {
    const int expected = ReferenceShard(map, h);
    RC_ASSERT(expected >= 0);
    RC_ASSERT(map.Lookup(HashKey(h)) == expected);
    RC_ASSERT(router.Lookup(h) == static_cast<uint32_t>(expected));
    const uint32_t by_high = router.LookupHigh(static_cast<uint64_t>(h >> 64));
    if (by_high != ShardRouter::kNoShard) RC_ASSERT(by_high == static_cast<uint32_t>(expected));
  }
}

RC_GTEST_PROP(RoutingProperty, Md5RoutingEqualsReferenceComputation, (const std::string& key)) {
  const HashKey expected = ReferenceHash(key);
  RC_ASSERT(PartitionKeyHash(key) == expected);
  // CreateStream(N): h = floor(2^128 / N), shard i holds [i*h, (i+1)*h - 1], the last up to the
  // top (fact sheet 1), so the shard is min(hash / h, N - 1).
  const int n = *rc::gen::inRange(1, 2000);
  int shard = 0;  // n = 1: h would be 2^128
  if (n > 1) {
    const auto big_n = static_cast<Uint128>(n);
    const Uint128 h = kMax / big_n + (kMax % big_n == big_n - 1 ? 1 : 0);  // floor(2^128 / n)
    shard = static_cast<int>(std::min<Uint128>(expected.value() / h, big_n - 1));
  }
  RC_ASSERT(ShardMap::CreateStream(n).Lookup(expected) == shard);
}

RC_GTEST_PROP(RoutingProperty, KeyRoutesEqualPerKeyMd5OnAnyMap, ()) {
  KeySpec spec;
  spec.dist = *rc::gen::element(KeyDist::kUniform, KeyDist::kZipf);
  spec.count = *rc::gen::inRange(1, 1500);
  spec.format = *rc::gen::element<std::string>("key-{i}", "{i}", "device/{i}/x", "ü-{i}");
  spec.zipf_exponent = 1.1;
  std::string error;
  std::optional<KeyModel> model = KeyModel::Create(spec, &error);
  RC_ASSERT(model.has_value());
  ShardMap map = ShardMap::CreateStream(*rc::gen::inRange(1, 40));
  RandomReshards(&map, *rc::gen::inRange(0, 10));
  const KeyRoutes routes(*model, map);
  ShardMap after = map;
  RandomReshards(&after, *rc::gen::inRange(1, 6));
  const KeyRoutes rebuilt = routes.Rebuilt(after);
  for (uint32_t id = 0; id < model->key_count(); ++id) {
    const HashKey hash = ReferenceHash(model->KeyString(id));
    RC_ASSERT(model->KeyHash(id) == hash);
    RC_ASSERT(routes.ShardOf(id) == static_cast<uint32_t>(ReferenceShard(map, hash.value())));
    RC_ASSERT(rebuilt.ShardOf(id) == static_cast<uint32_t>(ReferenceShard(after, hash.value())));
  }
}

RC_GTEST_PROP(ReshardingProperty, AnyCallSequenceKeepsThePartitionAndTheLimits, ()) {
  const int initial = *rc::gen::inRange(1, 41);
  ShardMap map = ShardMap::CreateStream(initial);
  ReshardLimitsSpec limits;
  limits.update_shard_count_per_24h = *rc::gen::inRange(1, 5);
  limits.max_shards = *rc::gen::inRange<int64_t>(initial, 120);
  limits.account_shard_quota = *rc::gen::inRange<int64_t>(initial, 160);
  ReshardStatus status;
  SimTime now = SimTime::Zero();
  const int calls = *rc::gen::inRange(1, 30);
  for (int call = 0; call < calls; ++call) {
    now = now + Minutes(*rc::gen::inRange(0, 30 * 60));
    const int open = map.open_count();
    const auto any_shard = [&] {
      return *rc::gen::inRange<int64_t>(0, static_cast<int64_t>(map.shards().size()));
    };
    ReshardSpec op;
    bool expect_ok = true;
    switch (*rc::gen::inRange(0, 3)) {
      case 0: {
        op.action = ReshardAction::kSplit;
        op.shard = any_shard();
        const Shard& s = map.shard(static_cast<int>(op.shard));
        Uint128 key;
        if (*rc::gen::arbitrary<bool>()) {
          op.new_starting_hash_key = "even";
          key = s.range.start.value() / 2 + s.range.end.value() / 2 +
                (s.range.start.value() % 2 + s.range.end.value() % 2) / 2;
        } else {
          const Uint128 span = s.range.end.value() - s.range.start.value();
          key = s.range.start.value() + (span == 0 ? 0 : AnyHash() % span);
          op.new_starting_hash_key = HashKey(key).ToDecimal();
        }
        expect_ok = s.state == ShardState::kOpen && s.range.start.value() + 1 < key &&
                    key < s.range.end.value() && open + 1 <= limits.account_shard_quota;
        break;
      }
      case 1: {
        op.action = ReshardAction::kMerge;
        const std::vector<int>& o = map.open_shards();
        if (o.size() >= 2 && *rc::gen::arbitrary<bool>()) {  // usually a valid pair
          const size_t p = *rc::gen::inRange<size_t>(0, o.size() - 1);
          op.shard = o[p];
          op.adjacent_shard = o[p + 1];
        } else {
          op.shard = any_shard();
          op.adjacent_shard = any_shard();
        }
        const Shard& a = map.shard(static_cast<int>(op.shard));
        const Shard& b = map.shard(static_cast<int>(op.adjacent_shard));
        expect_ok = a.state == ShardState::kOpen && b.state == ShardState::kOpen &&
                    (Touch(a.range, b.range) || Touch(b.range, a.range));
        break;
      }
      default: {
        op.action = ReshardAction::kUpdateShardCount;
        op.target_shards = *rc::gen::inRange<int64_t>(1, 2 * open + 3);
        const auto recent = std::count_if(status.update_shard_count_calls.begin(),
                                          status.update_shard_count_calls.end(),
                                          [&](SimTime t) { return t > now - Hours(24); });
        expect_ok = op.target_shards <= limits.max_shards && op.target_shards <= 2 * open &&
                    2 * op.target_shards >= open && recent < limits.update_shard_count_per_24h;
        break;
      }
    }
    const ReshardPlan plan = PlanReshard(map, op, limits, &status, now, "s");
    if (op.action == ReshardAction::kUpdateShardCount && expect_ok) {
      // The quota check needs the plan's intermediate shards; it is the only other refusal.
      expect_ok = plan.peak_open_shards <= limits.account_shard_quota;
    }
    RC_ASSERT(plan.ok() == expect_ok);
    if (!plan.ok()) continue;
    RC_ASSERT(plan.peak_open_shards <= limits.account_shard_quota);
    for (const ReshardStep& step : plan.steps) RC_ASSERT(ApplyStep(&map, step).ok());
    if (op.action == ReshardAction::kUpdateShardCount) {
      status.update_shard_count_calls.push_back(now);
      RC_ASSERT(map.open_count() == op.target_shards);
      // UNIFORM_SCALING: CreateStream's layout for the target, each boundary within 2^64.
      const std::vector<HashRange> target = UniformRanges(static_cast<int>(op.target_shards));
      for (size_t i = 0; i < target.size(); ++i) {
        const Uint128 got = map.shard(map.open_shards()[i]).range.start.value();
        const Uint128 want = target[i].start.value();
        RC_ASSERT((got > want ? got - want : want - got) < (Uint128{1} << 64));
      }
    }
    AssertPartitions(map);
    AssertLineage(map);
  }
}

}  // namespace
}  // namespace shardsim
