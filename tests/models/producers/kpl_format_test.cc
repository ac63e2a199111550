// Tests for models/kpl_format: hand-encoded aggregated records (bytes written from the protobuf
// wire rules, MD5 trailers from Python's hashlib), the incremental size against the reference
// encoder for random record sets, and the KPL's single-record and limit behaviour.
#include "models/producers/kpl_format.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "models/keys/hash_key.h"
#include "sim/rng.h"
#include "tests/support/kpl_encoder.h"

namespace shardsim {
namespace {

std::string Bytes(std::initializer_list<int> bytes) {
  std::string s;
  for (int b : bytes) s += static_cast<char>(b);
  return s;
}

std::string FromHex(std::string_view hex) {
  std::string s;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    s += static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16));
  }
  return s;
}

const std::string kMagic = Bytes({0xF3, 0x89, 0x9A, 0xC2});

size_t AddAll(KplAggregator& agg, const std::vector<KplUserRecord>& records) {
  size_t size = agg.size_bytes();
  for (const KplUserRecord& r : records) {
    const std::optional<std::string_view> ehk =
        r.explicit_hash_key ? std::optional<std::string_view>(*r.explicit_hash_key) : std::nullopt;
    size = agg.Add(r.partition_key, ehk, r.data.size());
  }
  return size;
}

TEST(KplFormatTest, VarintLengthsAtSevenBitBoundaries) {
  EXPECT_EQ(VarintBytes(0), 1u);
  EXPECT_EQ(VarintBytes(127), 1u);
  EXPECT_EQ(VarintBytes(128), 2u);
  EXPECT_EQ(VarintBytes(16383), 2u);
  EXPECT_EQ(VarintBytes(16384), 3u);
  EXPECT_EQ(VarintBytes((uint64_t{1} << 63) - 1), 9u);
  EXPECT_EQ(VarintBytes(uint64_t{1} << 63), 10u);
  EXPECT_EQ(VarintBytes(~uint64_t{0}), 10u);
}

TEST(KplFormatTest, EncodesOneRecordByHand) {
  // partition_key_table "a": 0A 01 61. records[0] = {pk index 0: 08 00, data "xyz": 1A 03 78 79
  // 7A}, length 7: 1A 07 ... MD5 of the 12-byte body from hashlib.
  const std::string body =
      Bytes({0x0A, 0x01, 0x61, 0x1A, 0x07, 0x08, 0x00, 0x1A, 0x03, 0x78, 0x79, 0x7A});
  const std::string expected = kMagic + body + FromHex("6ebf9c27d207ee48c7016f731d367b8e");
  const std::vector<KplUserRecord> records = {{"a", std::nullopt, "xyz"}};
  EXPECT_EQ(EncodeAggregatedRecord(records), expected);
  KplAggregator agg;
  EXPECT_EQ(AddAll(agg, records), 32u);
  EXPECT_EQ(expected.size(), 32u);
}

TEST(KplFormatTest, EncodesTablesBeforeRecordsAndExplicitHashKeysByHand) {
  // Tables first (field 1 "a", "b"; field 2 "5"), then records: {08 00, 1A 00} and
  // {08 01, 10 00, 1A 00}; empty data is still written because the field is required.
  const std::string body = Bytes({0x0A, 0x01, 0x61, 0x0A, 0x01, 0x62, 0x12, 0x01, 0x35,  //
                                  0x1A, 0x04, 0x08, 0x00, 0x1A, 0x00,                    //
                                  0x1A, 0x06, 0x08, 0x01, 0x10, 0x00, 0x1A, 0x00});
  const std::string expected = kMagic + body + FromHex("e8ca776df5e243947efd552e4d1741e3");
  const std::vector<KplUserRecord> records = {{"a", std::nullopt, ""}, {"b", "5", ""}};
  EXPECT_EQ(EncodeAggregatedRecord(records), expected);
  KplAggregator agg;
  EXPECT_EQ(AddAll(agg, records), expected.size());
  EXPECT_EQ(expected.size(), 43u);
}

TEST(KplFormatTest, EncodesTwoByteLengthsAndARepeatedKeyByHand) {
  // 200 = C8 01 as a varint; the record is 08 00 1A C8 01 + 200 bytes = 205 = CD 01. The repeated
  // key "k" appears once in the table.
  const std::string record =
      Bytes({0x1A, 0xCD, 0x01, 0x08, 0x00, 0x1A, 0xC8, 0x01}) + std::string(200, 'x');
  const std::string body = Bytes({0x0A, 0x01, 0x6B}) + record + record;
  const std::string expected = kMagic + body + FromHex("6238df0973afe07e508eb423d2c8c888");
  const std::vector<KplUserRecord> records = {{"k", std::nullopt, std::string(200, 'x')},
                                              {"k", std::nullopt, std::string(200, 'x')}};
  EXPECT_EQ(EncodeAggregatedRecord(records), expected);
  KplAggregator agg;
  EXPECT_EQ(AddAll(agg, records), 439u);
}

TEST(KplFormatTest, MatchesTheAggregationLibraryWorkedExample) {
  // Fact sheet section 8: 100-byte data with a unique 10-character key costs 118 bytes:
  // table 1+1+10, record 1+1+(1+1 + 1+1+100).
  KplAggregator agg;
  EXPECT_EQ(agg.size_bytes(), 20u);
  EXPECT_EQ(agg.Add("0123456789", std::nullopt, 100), 20u + 118u);
  EXPECT_EQ(agg.Add("abcdefghij", std::nullopt, 100), 20u + 2 * 118u);
  // A repeated key costs nothing in the table: only the 106-byte record.
  EXPECT_EQ(agg.Add("0123456789", std::nullopt, 100), 20u + 2 * 118u + 106u);
  EXPECT_EQ(agg.record_count(), 3u);
}

TEST(KplFormatTest, KeysAreMeasuredInUtf8Bytes) {
  KplAggregator agg;
  // "€" x 50 = 150 bytes: table entry 1 + 2 + 150.
  std::string euro_key;
  for (int i = 0; i < 50; ++i) euro_key += "\xe2\x82\xac";
  EXPECT_EQ(agg.Add(euro_key, std::nullopt, 0), 20u + 153u + 6u);
}

TEST(KplFormatTest, SizeIfAddedAndWouldExceedDoNotChangeTheRecord) {
  KplAggregator agg;
  agg.Add("a", std::nullopt, 10);
  const size_t before = agg.size_bytes();
  const size_t predicted = agg.SizeIfAdded("b", "42", 30);
  EXPECT_EQ(agg.size_bytes(), before);
  EXPECT_FALSE(agg.WouldExceed(predicted, "b", "42", 30));  // reaching the limit is allowed
  EXPECT_TRUE(agg.WouldExceed(predicted - 1, "b", "42", 30));
  EXPECT_EQ(agg.Add("b", "42", 30), predicted);
  EXPECT_EQ(agg.size_bytes(), EncodeAggregatedRecord(std::vector<KplUserRecord>{
                                                         {"a", std::nullopt, std::string(10, 'd')},
                                                         {"b", "42", std::string(30, 'd')}})
                                  .size());
}

TEST(KplFormatTest, TryAddStopsAtTheLimitLikeAFullRecord) {
  KplAggregator agg;
  // Each record with the repeated key "k" and 100 data bytes costs 1+1+(1+1+1+1+100) = 106; the
  // first also pays 3 for the table: 20 + 3 + 106 = 129, then 235, 341.
  EXPECT_TRUE(agg.TryAdd(341, "k", std::nullopt, 100));
  EXPECT_EQ(agg.size_bytes(), 129u);
  EXPECT_TRUE(agg.TryAdd(341, "k", std::nullopt, 100));
  EXPECT_TRUE(agg.TryAdd(341, "k", std::nullopt, 100));
  EXPECT_EQ(agg.size_bytes(), 341u);
  EXPECT_FALSE(agg.TryAdd(341, "k", std::nullopt, 0));
  EXPECT_EQ(agg.size_bytes(), 341u);
  EXPECT_EQ(agg.record_count(), 3u);
}

TEST(KplFormatTest, ResetForgetsTheKeyTables) {
  KplAggregator agg;
  agg.Add("key", std::nullopt, 5);
  agg.Add("key", "7", 5);
  agg.Reset();
  EXPECT_EQ(agg.size_bytes(), 20u);
  EXPECT_EQ(agg.record_count(), 0u);
  // After Reset the key is new again and takes index 0.
  EXPECT_EQ(agg.Add("key", "7", 5),
            EncodeAggregatedRecord(std::vector<KplUserRecord>{{"key", "7", "12345"}}).size());
}

TEST(KplFormatTest, KinesisRecordBytesSendsALoneRecordUnaggregated) {
  KplAggregator agg;
  EXPECT_EQ(agg.KinesisRecordBytes(), 0u);
  agg.Add("a", std::nullopt, 700);
  EXPECT_EQ(agg.KinesisRecordBytes(), 700u);
  agg.Add("b", std::nullopt, 300);
  EXPECT_EQ(agg.KinesisRecordBytes(), agg.size_bytes());
}

TEST(KplFormatTest, TrailerIsMd5OfTheProtobufBody) {
  const std::vector<KplUserRecord> records = {{"p", "1", "data"}, {"q", std::nullopt, "more"}};
  const std::string encoded = EncodeAggregatedRecord(records);
  ASSERT_GT(encoded.size(), 20u);
  EXPECT_EQ(encoded.substr(0, 4), kMagic);
  const std::string body = encoded.substr(4, encoded.size() - 20);
  const std::array<uint8_t, 16> md5 = Md5Hasher().Digest(body);
  EXPECT_EQ(encoded.substr(encoded.size() - 16), std::string(md5.begin(), md5.end()));
}

// Random record sets over key pools with multi-byte keys, optional explicit hash keys and data
// sizes on varint edges; the size must equal the encoding's after every single Add.
TEST(KplFormatTest, IncrementalSizeEqualsEncodedSizeForRandomRecordSets) {
  Rng rng(424242);
  const size_t kDataSizes[] = {0,   1,   100, 116, 117,   118,   125,
                               126, 127, 128, 129, 16370, 16383, 16384};
  for (int set = 0; set < 150; ++set) {
    std::vector<std::string> pks, ehks;
    const int pool = 1 + static_cast<int>(rng.Below(12));
    for (int i = 0; i < pool; ++i) {
      std::string pk = std::to_string(rng.Below(1000000));    // no "k" + ...: GCC 12 -Wrestrict bug
      const int extra = static_cast<int>(rng.Below(4)) * 40;  // some keys pass 127 bytes
      for (int c = 0; c < extra; ++c) pk += rng.Bernoulli(0.5) ? "\xc3\xa9" : "z";
      pks.push_back(pk);
      ehks.push_back(HashKey::FromHalves(rng.Next(), rng.Next() >> rng.Below(64)).ToDecimal());
    }
    std::vector<KplUserRecord> records;
    KplAggregator agg;
    const int count = 1 + static_cast<int>(rng.Below(30));
    for (int i = 0; i < count; ++i) {
      KplUserRecord r;
      r.partition_key = pks[rng.Below(pks.size())];
      if (rng.Bernoulli(0.3)) r.explicit_hash_key = ehks[rng.Below(ehks.size())];
      const size_t data =
          rng.Bernoulli(0.5) ? kDataSizes[rng.Below(std::size(kDataSizes))] : rng.Below(400);
      r.data.assign(data, 'd');
      const std::optional<std::string_view> ehk =
          r.explicit_hash_key ? std::optional<std::string_view>(*r.explicit_hash_key)
                              : std::nullopt;
      const size_t predicted = agg.SizeIfAdded(r.partition_key, ehk, data);
      records.push_back(r);
      ASSERT_EQ(agg.Add(r.partition_key, ehk, data), predicted);
      ASSERT_EQ(predicted, EncodeAggregatedRecord(records).size())
          << "set " << set << " record " << i;
    }
    if (rng.Bernoulli(0.5)) agg.Reset();  // reuse across sets is covered by the next test
  }
}

TEST(KplFormatTest, ReusedAggregatorWithManyKeysMatchesEncoder) {
  // More than 128 distinct keys gives two-byte table indexes; several fill/reset cycles exercise
  // table growth and generation-stamped clearing.
  Rng rng(99);
  KplAggregator agg;
  for (int cycle = 0; cycle < 4; ++cycle) {
    std::vector<KplUserRecord> records;
    const int count = 50 + 150 * cycle;
    for (int i = 0; i < count; ++i) {
      KplUserRecord r;
      r.partition_key = "user-" + std::to_string(rng.Below(static_cast<uint64_t>(count)));
      if (i % 3 == 0) r.explicit_hash_key = std::to_string(rng.Below(300));
      r.data.assign(rng.Below(64), 'd');
      records.push_back(r);
    }
    ASSERT_EQ(AddAll(agg, records), EncodeAggregatedRecord(records).size()) << "cycle " << cycle;
    agg.Reset();
  }
}

}  // namespace
}  // namespace shardsim
