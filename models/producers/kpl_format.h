// KPL aggregated-record format (fact sheet 8): exact sizes as user records are added, without
// encoding anything. Invariant: size_bytes() equals the size of the encoded record
// (tests/support/kpl_encoder.h encodes one) after any Adds. Thread safety: none; one aggregator
// per producer and target shard.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace shardsim {

// Bytes 0..3 of every aggregated record; a 16-byte MD5 of the protobuf body follows the body.
inline constexpr std::array<uint8_t, 4> kKplMagic = {0xF3, 0x89, 0x9A, 0xC2};
inline constexpr size_t kKplDigestBytes = 16;
inline constexpr size_t kKplFixedOverheadBytes = kKplMagic.size() + kKplDigestBytes;  // 20

// Length of `value` as a protobuf base-128 varint (1..10 bytes).
constexpr size_t VarintBytes(uint64_t value) {
  size_t n = 1;
  while (value >= 0x80) {
    value >>= 7;
    ++n;
  }
  return n;
}

// Tracks one aggregated record being filled, as the KPL's KinesisRecord does. Keys are compared
// by their UTF-8 bytes; a key already in the record's partition-key (or explicit-hash-key) table
// costs nothing more than its varint index. Memory: the key tables of the current record only.
// After warm-up (once the tables have reached their largest size) Add, Reset and the queries do
// not allocate; a record with more distinct keys than any before grows the tables once.
class KplAggregator {
 public:
  // Size in bytes the aggregated record would have with this user record added. Does not change
  // the aggregator. `data_bytes` is the user record's payload size.
  size_t SizeIfAdded(std::string_view partition_key,
                     std::optional<std::string_view> explicit_hash_key, size_t data_bytes) const;
  bool WouldExceed(size_t limit_bytes, std::string_view partition_key,
                   std::optional<std::string_view> explicit_hash_key, size_t data_bytes) const {
    return SizeIfAdded(partition_key, explicit_hash_key, data_bytes) > limit_bytes;
  }
  // Adds the user record and returns the new size_bytes().
  size_t Add(std::string_view partition_key, std::optional<std::string_view> explicit_hash_key,
             size_t data_bytes);
  // Add only if the new size stays within `limit_bytes` (one key lookup instead of the two of
  // WouldExceed + Add); returns whether the record was added.
  bool TryAdd(size_t limit_bytes, std::string_view partition_key,
              std::optional<std::string_view> explicit_hash_key, size_t data_bytes);
  // Empties the record; keeps the table capacity.
  void Reset();

  // Magic + protobuf + MD5 trailer of the aggregated record: 20 bytes when empty.
  size_t size_bytes() const { return kKplFixedOverheadBytes + body_bytes_; }
  size_t record_count() const { return record_count_; }
  // Bytes the KPL actually puts: nothing for an empty record and, for a single user record, just
  // its data -- the KPL sends a lone record unaggregated (KPL kinesis_record.cc accurate_size() and
  // serialize()); otherwise size_bytes().
  size_t KinesisRecordBytes() const;

 private:
  // Open-addressing set of the distinct keys of one table, in first-seen order. Slots carry the
  // generation they were written in, so Reset is O(1) and keeps every buffer.
  class KeyTable {
   public:
    // Table index of `key`, or -1. `hash` is Fnv1a64(key).
    int64_t Find(std::string_view key, uint64_t hash) const;
    uint64_t Insert(std::string_view key, uint64_t hash);  // REQUIRES: Find(key, hash) == -1
    uint64_t size() const { return entries_.size(); }
    void Clear();

   private:
    struct Entry {
      uint64_t hash;
      size_t offset;  // into arena_
      size_t length;
    };
    struct Slot {
      uint32_t generation = 0;
      uint32_t entry = 0;
    };
    void Grow();

    std::string arena_;  // key bytes, concatenated
    std::vector<Entry> entries_;
    std::vector<Slot> slots_;  // power-of-two size; kept at most half full
    uint32_t generation_ = 1;
  };

  struct Plan {
    uint64_t pk_hash = 0;
    uint64_t ehk_hash = 0;
    bool new_pk = false;
    bool new_ehk = false;
    size_t body_delta = 0;
  };
  Plan PlanAdd(std::string_view partition_key, std::optional<std::string_view> explicit_hash_key,
               size_t data_bytes) const;
  void Apply(const Plan& plan, std::string_view partition_key,
             std::optional<std::string_view> explicit_hash_key, size_t data_bytes);

  KeyTable partition_keys_;
  KeyTable explicit_hash_keys_;
  size_t body_bytes_ = 0;  // serialized AggregatedRecord protobuf
  size_t record_count_ = 0;
  size_t first_data_bytes_ = 0;
};

}  // namespace shardsim
