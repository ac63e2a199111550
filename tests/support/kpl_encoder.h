// The KPL aggregated record's bytes, for tests of KplAggregator's size arithmetic: magic, the
// AggregatedRecord protobuf (key tables in first-seen order, then the records), MD5 of the
// protobuf (KPL aggregation-format.md; fact sheet 8). It allocates and hashes, which is why the
// simulation uses KplAggregator's sizes instead. Deliberately independent of KplAggregator
// (std::unordered_map, real bytes, its own wire constants), so tests comparing the two catch a
// slip in either. Header-only; thread-safe (no shared state).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>

#include "models/keys/hash_key.h"
#include "models/producers/kpl_format.h"

namespace shardsim {

struct KplUserRecord {
  std::string partition_key;
  std::optional<std::string> explicit_hash_key;
  std::string data;
};

namespace kpl_wire {
inline constexpr uint8_t kTagPartitionKeyTable = 0x0A;     // field 1, length-delimited
inline constexpr uint8_t kTagExplicitHashKeyTable = 0x12;  // field 2, length-delimited
inline constexpr uint8_t kTagRecords = 0x1A;               // field 3, length-delimited
inline constexpr uint8_t kTagPartitionKeyIndex = 0x08;     // Record field 1, varint
inline constexpr uint8_t kTagExplicitHashKeyIndex = 0x10;  // Record field 2, varint
inline constexpr uint8_t kTagData = 0x1A;                  // Record field 3, length-delimited

inline void PutVarint(std::string& out, uint64_t value) {
  while (value >= 0x80) {
    out += static_cast<char>((value & 0x7F) | 0x80);
    value >>= 7;
  }
  out += static_cast<char>(value);
}

inline void PutLengthDelimited(std::string& out, uint8_t tag, std::string_view payload) {
  out += static_cast<char>(tag);
  PutVarint(out, payload.size());
  out += payload;
}
}  // namespace kpl_wire

inline std::string EncodeAggregatedRecord(std::span<const KplUserRecord> records) {
  using namespace kpl_wire;
  std::unordered_map<std::string, uint64_t> pk_index, ehk_index;
  std::string pk_table, ehk_table, record_list, record;
  for (const KplUserRecord& r : records) {
    auto [pk, pk_new] = pk_index.try_emplace(r.partition_key, pk_index.size());
    if (pk_new) PutLengthDelimited(pk_table, kTagPartitionKeyTable, r.partition_key);
    record.clear();
    record += static_cast<char>(kTagPartitionKeyIndex);
    PutVarint(record, pk->second);
    if (r.explicit_hash_key) {
      auto [ehk, ehk_new] = ehk_index.try_emplace(*r.explicit_hash_key, ehk_index.size());
      if (ehk_new) PutLengthDelimited(ehk_table, kTagExplicitHashKeyTable, *r.explicit_hash_key);
      record += static_cast<char>(kTagExplicitHashKeyIndex);
      PutVarint(record, ehk->second);
    }
    PutLengthDelimited(record, kTagData, r.data);
    PutLengthDelimited(record_list, kTagRecords, record);
  }
  // Serializers emit fields in field-number order: all of field 1, then 2, then 3.
  const std::string body = pk_table + ehk_table + record_list;
  std::string out(kKplMagic.begin(), kKplMagic.end());
  out += body;
  const std::array<uint8_t, 16> digest = Md5Hasher().Digest(body);
  out.append(digest.begin(), digest.end());
  return out;
}

}  // namespace shardsim
