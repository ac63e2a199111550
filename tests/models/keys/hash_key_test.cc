// Tests for models/hash_key: decimal form against Boost.Multiprecision as an independent oracle,
// MD5 routing against digests computed with Python's hashlib, and partition-key validation.
#include "models/keys/hash_key.h"

#include <gtest/gtest.h>

#include <boost/multiprecision/cpp_int.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "sim/rng.h"

namespace shardsim {
namespace {

using boost::multiprecision::uint128_t;

constexpr const char* kMaxDecimal = "340282366920938463463374607431768211455";

HashKey MustParse(std::string_view text) {
  std::string error;
  const std::optional<HashKey> key = ParseHashKey(text, &error);
  EXPECT_TRUE(key.has_value()) << text << ": " << error;
  return key.value_or(HashKey());
}

std::string ParseError(std::string_view text) {
  std::string error;
  EXPECT_FALSE(ParseHashKey(text, &error, "explicit_hash_key").has_value()) << text;
  return error;
}

std::string Repeat(std::string_view unit, int times) {
  std::string s;
  for (int i = 0; i < times; ++i) s += unit;
  return s;
}

TEST(HashKeyTest, MaxIsTwoToThe128MinusOne) {
  EXPECT_EQ(HashKey::Max().ToDecimal(), kMaxDecimal);
  EXPECT_EQ(MustParse(kMaxDecimal), HashKey::Max());
  EXPECT_EQ(HashKey::Max().high(), ~uint64_t{0});
  EXPECT_EQ(HashKey::Max().low(), ~uint64_t{0});
  EXPECT_DOUBLE_EQ(HashKey::Max().ToDouble(), 0x1.0p128);
}

TEST(HashKeyTest, PrintsSmallAndLimbBoundaryValues) {
  EXPECT_EQ(HashKey(0).ToDecimal(), "0");
  EXPECT_EQ(HashKey(7).ToDecimal(), "7");
  // 10^19 and 10^38 sit on the base-10^19 limb edges of ToDecimal.
  const Uint128 ten19 = 10'000'000'000'000'000'000ULL;
  EXPECT_EQ(HashKey(ten19 - 1).ToDecimal(), "9999999999999999999");
  EXPECT_EQ(HashKey(ten19).ToDecimal(), "10000000000000000000");
  EXPECT_EQ(HashKey(ten19 * ten19).ToDecimal(), "1" + std::string(38, '0'));
  EXPECT_EQ(HashKey(ten19 * ten19 - 1).ToDecimal(), std::string(38, '9'));
  EXPECT_EQ(HashKey::FromHalves(1, 0).ToDecimal(), "18446744073709551616");  // 2^64
  std::ostringstream os;
  os << HashKey(42);
  EXPECT_EQ(os.str(), "42");
}

TEST(HashKeyTest, DecimalRoundTripMatchesBoostForRandomKeys) {
  Rng rng(20240501);
  for (int i = 0; i < 2000; ++i) {
    // Mix full-width values with short ones so every digit count 1..39 appears.
    const int bits = 1 + static_cast<int>(rng.Below(128));
    HashKey key = HashKey::FromHalves(rng.Next(), rng.Next());
    key = HashKey(key.value() >> (128 - bits));
    const uint128_t oracle = (uint128_t(key.high()) << 64) | key.low();
    const std::string text = key.ToDecimal();
    ASSERT_EQ(text, oracle.str());
    ASSERT_EQ(MustParse(text), key);
  }
}

TEST(HashKeyTest, ParseAcceptsTheGrammarItsEdges) {
  EXPECT_EQ(MustParse("0"), HashKey(0));
  EXPECT_EQ(MustParse("1"), HashKey(1));
  EXPECT_EQ(MustParse(std::string(39, '1')).ToDecimal(), std::string(39, '1'));
  EXPECT_EQ(MustParse("340282366920938463463374607431768211454").value(), ~Uint128{0} - 1);
  EXPECT_EQ(MustParse("99999999999999999999999999999999999999").ToDecimal(), std::string(38, '9'));
}

TEST(HashKeyTest, ParseRejectsTextOutsideTheGrammarNamingTheRule) {
  for (const char* bad : {"", "-1", "+1", "01", "00", " 1", "1 ", "1e3", "0x10", "1.0", "١"}) {
    const std::string error = ParseError(bad);
    EXPECT_NE(error.find("explicit_hash_key must be a decimal integer matching 0|[1-9][0-9]{0,38}"),
              std::string::npos)
        << bad << " -> " << error;
  }
}

TEST(HashKeyTest, ParseRejectsValuesAboveTheRange) {
  for (const std::string& bad : std::vector<std::string>{
           "340282366920938463463374607431768211456",  // 2^128
           "340282366920938463463374607431768211460", "999999999999999999999999999999999999999",
           "1" + std::string(39, '0')}) {
    const std::string error = ParseError(bad);
    EXPECT_NE(error.find("explicit_hash_key must be in the range [0, 2^128-1]"), std::string::npos)
        << bad << " -> " << error;
  }
}

TEST(HashKeyTest, ParseErrorEscapesAndTruncatesTheEcho) {
  const std::string error = ParseError("1\n2" + std::string(100, '3'));
  EXPECT_NE(error.find("got \"1\\x0a2333"), std::string::npos) << error;
  EXPECT_NE(error.find("...\""), std::string::npos) << error;
  EXPECT_LT(error.size(), 250u);
}

TEST(HashKeyTest, ComparesAsUnsignedIntegers) {
  EXPECT_LT(HashKey(1), HashKey(2));
  EXPECT_LT(HashKey::FromHalves(0, ~uint64_t{0}), HashKey::FromHalves(1, 0));
  EXPECT_LT(HashKey::FromHalves(0x7fffffffffffffff, 0), HashKey::FromHalves(0x8000000000000000, 0));
  EXPECT_EQ(HashKey(5), HashKey(5));
  EXPECT_GT(HashKey::Max(), HashKey(0));
}

// Expected digests and decimals: python3 -c 'import hashlib; h=hashlib.md5(b).hexdigest();
// print(h, int(h, 16))'.
struct Md5Vector {
  std::string key;
  const char* hex;
  const char* decimal;
};

const Md5Vector kMd5Vectors[] = {
    {"", "d41d8cd98f00b204e9800998ecf8427e", "281949768489412648962353822266799178366"},
    {"a", "0cc175b9c0f1b6a831c399e269772661", "16955237001963240173058271559858726497"},
    {"abc", "900150983cd24fb0d6963f7d28e17f72", "191415658344158766168031473277922803570"},
    {"message digest", "f96b697d7cb7938d525a2f31aaf161d0",
     "331535486309434048055371704012530344400"},
    {"\xd0\xba\xd0\xbb\xd1\x8e\xd1\x87-\xf0\x9f\x94\x91",  // "ключ-🔑"
     "e9efceee734ec63dc2d27dd62a903477", "310955279035442261340063556077498676343"},
    {"a\tb", "6f7f0b434651658d5d07ec3764180020", "148203957669714466870823449206248177696"},
    {"partitionKey-0", "d593fc2c1c22ffb3f0109b2c4a73d4df",
     "283893945402358862714065952676399797471"},
};

std::string Hex(const std::array<uint8_t, 16>& digest) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s;
  for (uint8_t b : digest) {
    s += kHex[b >> 4];
    s += kHex[b & 15];
  }
  return s;
}

TEST(HashKeyTest, Md5DigestsMatchKnownVectors) {
  Md5Hasher hasher;
  for (const Md5Vector& v : kMd5Vectors) {
    EXPECT_EQ(Hex(hasher.Digest(v.key)), v.hex) << v.key;
  }
}

TEST(HashKeyTest, PartitionKeyHashReadsTheDigestBigEndian) {
  Md5Hasher hasher;
  for (const Md5Vector& v : kMd5Vectors) {
    EXPECT_EQ(hasher.PartitionKeyHash(v.key).ToDecimal(), v.decimal) << v.key;
    EXPECT_EQ(PartitionKeyHash(v.key).ToDecimal(), v.decimal) << v.key;
  }
}

TEST(HashKeyTest, ReusedHasherAgreesWithFreshHashers) {
  Md5Hasher reused;
  for (int i = 0; i < 200; ++i) {
    const std::string key = "device-" + std::to_string(i * 7919) + std::string(i % 17, 'x');
    ASSERT_EQ(reused.PartitionKeyHash(key), Md5Hasher().PartitionKeyHash(key)) << key;
  }
  Md5Hasher moved = std::move(reused);
  EXPECT_EQ(moved.PartitionKeyHash("a").ToDecimal(), kMd5Vectors[1].decimal);
}

TEST(HashKeyTest, CountsCodePointsOfValidUtf8) {
  std::string error;
  EXPECT_EQ(CountUtf8CodePoints("", &error), 0);
  EXPECT_EQ(CountUtf8CodePoints("abc", &error), 3);
  EXPECT_EQ(CountUtf8CodePoints("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", &error), 3);  // é € 😀
  EXPECT_EQ(CountUtf8CodePoints(std::string("a\0b", 3), &error), 3);
  EXPECT_EQ(CountUtf8CodePoints("\xef\xbf\xbf\xf4\x8f\xbf\xbf", &error), 2);  // U+FFFF U+10FFFF
}

TEST(HashKeyTest, RejectsMalformedUtf8) {
  const std::pair<std::string, const char*> cases[] = {
      {"a\x80", "offset 1"},              // lone continuation byte
      {"\xc0\xaf", "byte 0xc0"},          // overlong '/'
      {"\xe0\x80\xaf", "offset 0"},       // overlong 3-byte
      {"\xed\xa0\x80", "offset 0"},       // UTF-16 surrogate U+D800
      {"\xf4\x90\x80\x80", "offset 0"},   // U+110000
      {"ab\xe2\x82", "offset 2"},         // truncated
      {"\xf5\x80\x80\x80", "byte 0xf5"},  // never valid
      {"\xc3\x28", "offset 0"},           // bad continuation
  };
  for (const auto& [bytes, where] : cases) {
    std::string error;
    EXPECT_FALSE(CountUtf8CodePoints(bytes, &error).has_value()) << where;
    EXPECT_NE(error.find(where), std::string::npos) << error;
    std::string pk_error;
    EXPECT_FALSE(ValidPartitionKey(bytes, &pk_error));
    EXPECT_EQ(pk_error.rfind("partition_key is not valid UTF-8: ", 0), 0u) << pk_error;
  }
}

TEST(HashKeyTest, PartitionKeyOf256CharactersIsAcceptedAnd257Rejected) {
  std::string error;
  EXPECT_TRUE(ValidPartitionKey(std::string(256, 'k'), &error)) << error;
  EXPECT_FALSE(ValidPartitionKey(std::string(257, 'k'), &error));
  EXPECT_EQ(error, "partition_key must be 1 to 256 characters, got 257");
  EXPECT_FALSE(ValidPartitionKey("", &error));
  EXPECT_EQ(error, "partition_key must be 1 to 256 characters, got 0");
  EXPECT_FALSE(ValidPartitionKey(std::string(300, 'k'), &error));
  EXPECT_EQ(error, "partition_key must be 1 to 256 characters, got 300");
}

TEST(HashKeyTest, LimitCountsCharactersNotBytes) {
  std::string error;
  const std::string euro = "\xe2\x82\xac";                             // 3 bytes
  const std::string grin = "\xf0\x9f\x98\x80";                         // 4 bytes
  EXPECT_TRUE(ValidPartitionKey(Repeat(euro, 256), &error)) << error;  // 768 bytes
  EXPECT_TRUE(ValidPartitionKey(Repeat(grin, 256), &error)) << error;  // 1024 bytes
  EXPECT_FALSE(ValidPartitionKey(Repeat(grin, 257), &error));
  EXPECT_EQ(error, "partition_key must be 1 to 256 characters, got 257");
  EXPECT_FALSE(ValidPartitionKey(Repeat("\xc3\xa9", 257), &error, "key"));
  EXPECT_EQ(error, "key must be 1 to 256 characters, got 257");
}

}  // namespace
}  // namespace shardsim

namespace shardsim {
namespace {

// The data-parallel MD5 must equal OpenSSL bit for bit on every length it takes (0..55 bytes, one
// block), across the 55/56 boundary where it hands over to OpenSSL, and in partial batches.
TEST(HashKeyTest, BatchedHashesEqualOpenSslForEveryLength) {
  Rng rng(7, 0, 0);
  std::vector<std::string> texts;
  for (size_t len = 0; len <= 130; ++len) {
    for (int copy = 0; copy < 3; ++copy) {
      std::string t(len, '\0');
      for (char& c : t) c = static_cast<char>(rng.Below(256));
      texts.push_back(std::move(t));
    }
  }
  texts.push_back("device-0");
  texts.push_back("customer-12345");
  for (size_t count : {size_t{0}, size_t{1}, size_t{7}, size_t{8}, size_t{9}, texts.size()}) {
    std::vector<std::string_view> keys(texts.begin(),
                                       texts.begin() + static_cast<ptrdiff_t>(count));
    std::vector<HashKey> out(count);
    PartitionKeyHashes(keys, out);
    Md5Hasher hasher;
    for (size_t i = 0; i < count; ++i) {
      EXPECT_EQ(out[i], hasher.PartitionKeyHash(keys[i]))
          << "key " << i << " of " << keys[i].size() << " bytes, batch of " << count;
    }
  }
}

}  // namespace
}  // namespace shardsim
