// Kinesis hash keys: unsigned 128-bit integers in [0, 2^128-1], their strict decimal form, the
// partition-key -> hash-key mapping (MD5 of the UTF-8 bytes, read big-endian; fact sheet section
// 1) and partition-key validation. HashKey is a value type; an Md5Hasher is not thread-safe.
#pragma once

#include <openssl/types.h>

#include <array>
#include <compare>
#include <cstdint>
#include <iosfwd>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "sim/rng.h"

namespace shardsim {

// Wraps the compiler's unsigned __int128 rather than boost::multiprecision::uint128_t: Boost's
// fixed 128-bit cpp_int is stored as the same builtin on GCC/Clang, so both measured the same
// (binary search over 1000 starting keys: 52.7 vs 51.7 ns/lookup, noise), but including
// cpp_int.hpp costs ~1.9 s of compile time in every file that includes this header.
class HashKey {
 public:
  constexpr HashKey() = default;
  constexpr explicit HashKey(Uint128 value) : value_(value) {}
  static constexpr HashKey FromHalves(uint64_t high, uint64_t low) {
    return HashKey((static_cast<Uint128>(high) << 64) | low);
  }
  static constexpr HashKey Max() { return HashKey(~Uint128{0}); }  // 2^128 - 1

  constexpr Uint128 value() const { return value_; }
  constexpr uint64_t high() const { return static_cast<uint64_t>(value_ >> 64); }
  constexpr uint64_t low() const { return static_cast<uint64_t>(value_); }

  // Canonical decimal form, as the Kinesis API prints StartingHashKey / EndingHashKey.
  std::string ToDecimal() const;
  // Nearest double; for shares of the key space, never for routing.
  double ToDouble() const { return static_cast<double>(value_); }

  friend constexpr bool operator==(HashKey a, HashKey b) { return a.value_ == b.value_; }
  friend constexpr std::strong_ordering operator<=>(HashKey a, HashKey b) {
    return a.value_ < b.value_    ? std::strong_ordering::less
           : a.value_ == b.value_ ? std::strong_ordering::equal
                                  : std::strong_ordering::greater;
  }

 private:
  Uint128 value_ = 0;
};

std::ostream& operator<<(std::ostream& os, HashKey key);  // decimal

// Parses a hash key with the API's rule for ExplicitHashKey / NewStartingHashKey: the text must
// match `0|[1-9][0-9]{0,38}` (no sign, spaces or leading zeros) and lie in [0, 2^128-1]. On
// failure returns nullopt and, if `error` is non-null, a message that starts with `field` and
// names the broken rule.
std::optional<HashKey> ParseHashKey(std::string_view text, std::string* error,
                                    std::string_view field = "hash key");

inline constexpr int kMaxPartitionKeyChars = 256;

// Number of Unicode code points in `utf8`, or nullopt (with `error` naming the byte offset) if it
// is not valid UTF-8: overlong forms, surrogates, values above U+10FFFF and truncated sequences
// are rejected, as a strict UTF-8 decoder must.
std::optional<int> CountUtf8CodePoints(std::string_view utf8, std::string* error);

// True if `utf8_key` is a valid partition key: valid UTF-8 of 1 to 256 characters. Characters
// are counted as Unicode code points; the API says "Unicode characters" without saying whether a
// character outside the BMP (two UTF-16 units) counts once or twice (fact sheet section 1).
// On failure writes e.g. "partition_key must be 1 to 256 characters, got 300" to `error`.
bool ValidPartitionKey(std::string_view utf8_key, std::string* error,
                       std::string_view field = "partition_key");

// MD5 through OpenSSL 3's EVP API, reusing one fetched algorithm and one context for every call
// (~170 ns per short key; a fresh one-shot EVP_Q_digest costs ~460 ns). Not thread-safe: use one
// hasher per thread. Aborts at construction if the OpenSSL provider offers no MD5 (e.g. a
// FIPS-only configuration), since no routing is possible without it.
class Md5Hasher {
 public:
  Md5Hasher();
  ~Md5Hasher();
  Md5Hasher(Md5Hasher&&) noexcept;
  Md5Hasher& operator=(Md5Hasher&&) noexcept;
  Md5Hasher(const Md5Hasher&) = delete;
  Md5Hasher& operator=(const Md5Hasher&) = delete;

  std::array<uint8_t, 16> Digest(std::string_view bytes);
  // The hash key Kinesis routes a record by. REQUIRES: `utf8_key` is the UTF-8 encoding of the key.
  HashKey PartitionKeyHash(std::string_view utf8_key);

 private:
  struct Deleter {
    void operator()(EVP_MD* md) const;
    void operator()(EVP_MD_CTX* ctx) const;
  };
  std::unique_ptr<EVP_MD, Deleter> md_;
  std::unique_ptr<EVP_MD_CTX, Deleter> ctx_;
};

// Convenience form of Md5Hasher::PartitionKeyHash on a per-thread hasher; a pure function.
HashKey PartitionKeyHash(std::string_view utf8_key);

// PartitionKeyHash of many keys at once: out[i] = PartitionKeyHash(keys[i]), bit for bit. Keys of
// at most kMd5ShortKeyBytes bytes (one MD5 block) are hashed kMd5Lanes at a time by a
// data-parallel MD5 (GCC vector extensions: AVX-512 or AVX2 where the CPU has them, else SSE2),
// ~10x faster than one EVP call per key; longer keys go through OpenSSL. This is what makes hashing
// a 10^8-key space a matter of seconds. A pure function, thread-safe. REQUIRES: out.size() ==
// keys.size().
inline constexpr size_t kMd5Lanes = 16;
inline constexpr size_t kMd5ShortKeyBytes = 55;
void PartitionKeyHashes(std::span<const std::string_view> keys, std::span<HashKey> out);

}  // namespace shardsim
