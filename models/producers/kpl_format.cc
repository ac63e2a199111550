// KPL aggregated-record size arithmetic. See kpl_format.h.
//
// Wire format (proto2, KPL aggregation-format.md):
//   AggregatedRecord { repeated string partition_key_table = 1; repeated string
//                      explicit_hash_key_table = 2; repeated Record records = 3; }
//   Record { required uint64 partition_key_index = 1; optional uint64 explicit_hash_key_index = 2;
//            required bytes data = 3; }
// Every field here costs a 1-byte tag; a length-delimited one adds varint(length) + length. The
// size arithmetic below is the same as awslabs/kinesis-aggregation's _calculate_record_size.
#include "models/producers/kpl_format.h"

#include <algorithm>
#include <cstring>

#include "sim/check.h"
#include "sim/rng.h"

namespace shardsim {
namespace {

constexpr size_t LengthDelimitedBytes(size_t payload_bytes) {
  return 1 + VarintBytes(payload_bytes) + payload_bytes;
}

size_t SlotOf(uint64_t hash, size_t mask) {
  return static_cast<size_t>(hash ^ (hash >> 32)) & mask;
}

}  // namespace

int64_t KplAggregator::KeyTable::Find(std::string_view key, uint64_t hash) const {
  if (slots_.empty()) return -1;
  const size_t mask = slots_.size() - 1;
  for (size_t i = SlotOf(hash, mask);; i = (i + 1) & mask) {
    const Slot& slot = slots_[i];
    if (slot.generation != generation_) return -1;
    const Entry& e = entries_[slot.entry];
    if (e.hash == hash && e.length == key.size() &&
        std::memcmp(arena_.data() + e.offset, key.data(), key.size()) == 0) {
      return slot.entry;
    }
  }
}

uint64_t KplAggregator::KeyTable::Insert(std::string_view key, uint64_t hash) {
  if ((entries_.size() + 1) * 2 > slots_.size()) Grow();
  const auto entry = static_cast<uint32_t>(entries_.size());
  entries_.push_back(Entry{hash, arena_.size(), key.size()});
  arena_.append(key);
  const size_t mask = slots_.size() - 1;
  size_t i = SlotOf(hash, mask);
  while (slots_[i].generation == generation_) i = (i + 1) & mask;
  slots_[i] = Slot{generation_, entry};
  return entry;
}

void KplAggregator::KeyTable::Grow() {
  SHARDSIM_CHECK(entries_.size() < UINT32_MAX / 2, "key table too large");
  std::vector<Slot> slots(std::max<size_t>(16, slots_.size() * 2));
  const size_t mask = slots.size() - 1;
  for (uint32_t e = 0; e < entries_.size(); ++e) {
    size_t i = SlotOf(entries_[e].hash, mask);
    while (slots[i].generation == generation_) i = (i + 1) & mask;
    slots[i] = Slot{generation_, e};
  }
  slots_ = std::move(slots);
}

void KplAggregator::KeyTable::Clear() {
  arena_.clear();
  entries_.clear();
  if (++generation_ == 0) {  // wrapped after 2^32 resets: old stamps could look current again
    for (Slot& s : slots_) s.generation = 0;
    generation_ = 1;
  }
}

KplAggregator::Plan KplAggregator::PlanAdd(std::string_view partition_key,
                                           std::optional<std::string_view> explicit_hash_key,
                                           size_t data_bytes) const {
  Plan plan;
  plan.pk_hash = Fnv1a64(partition_key);
  const int64_t pk_found = partition_keys_.Find(partition_key, plan.pk_hash);
  plan.new_pk = pk_found < 0;
  const uint64_t pk_index = plan.new_pk ? partition_keys_.size() : static_cast<uint64_t>(pk_found);
  if (plan.new_pk) plan.body_delta += LengthDelimitedBytes(partition_key.size());

  size_t inner = 1 + VarintBytes(pk_index);
  if (explicit_hash_key) {
    plan.ehk_hash = Fnv1a64(*explicit_hash_key);
    const int64_t ehk_found = explicit_hash_keys_.Find(*explicit_hash_key, plan.ehk_hash);
    plan.new_ehk = ehk_found < 0;
    const uint64_t ehk_index =
        plan.new_ehk ? explicit_hash_keys_.size() : static_cast<uint64_t>(ehk_found);
    if (plan.new_ehk) plan.body_delta += LengthDelimitedBytes(explicit_hash_key->size());
    inner += 1 + VarintBytes(ehk_index);
  }
  inner += LengthDelimitedBytes(data_bytes);
  plan.body_delta += LengthDelimitedBytes(inner);
  return plan;
}

size_t KplAggregator::SizeIfAdded(std::string_view partition_key,
                                  std::optional<std::string_view> explicit_hash_key,
                                  size_t data_bytes) const {
  return size_bytes() + PlanAdd(partition_key, explicit_hash_key, data_bytes).body_delta;
}

size_t KplAggregator::Add(std::string_view partition_key,
                          std::optional<std::string_view> explicit_hash_key, size_t data_bytes) {
  Apply(PlanAdd(partition_key, explicit_hash_key, data_bytes), partition_key, explicit_hash_key,
        data_bytes);
  return size_bytes();
}

bool KplAggregator::TryAdd(size_t limit_bytes, std::string_view partition_key,
                           std::optional<std::string_view> explicit_hash_key, size_t data_bytes) {
  const Plan plan = PlanAdd(partition_key, explicit_hash_key, data_bytes);
  if (size_bytes() + plan.body_delta > limit_bytes) return false;
  Apply(plan, partition_key, explicit_hash_key, data_bytes);
  return true;
}

void KplAggregator::Apply(const Plan& plan, std::string_view partition_key,
                          std::optional<std::string_view> explicit_hash_key, size_t data_bytes) {
  if (plan.new_pk) partition_keys_.Insert(partition_key, plan.pk_hash);
  if (plan.new_ehk) explicit_hash_keys_.Insert(*explicit_hash_key, plan.ehk_hash);
  body_bytes_ += plan.body_delta;
  if (record_count_++ == 0) first_data_bytes_ = data_bytes;
}

void KplAggregator::Reset() {
  partition_keys_.Clear();
  explicit_hash_keys_.Clear();
  body_bytes_ = 0;
  record_count_ = 0;
  first_data_bytes_ = 0;
}

size_t KplAggregator::KinesisRecordBytes() const {
  if (record_count_ == 0) return 0;
  if (record_count_ == 1) return first_data_bytes_;
  return size_bytes();
}

}  // namespace shardsim
