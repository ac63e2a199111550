// HashKey decimal conversion, UTF-8 / partition-key validation and MD5 routing. See hash_key.h.
#include "models/keys/hash_key.h"

#include <openssl/evp.h>

#include <algorithm>
#include <bit>
#include <charconv>
#include <cstring>
#include <ostream>

#include "sim/check.h"

namespace shardsim {
namespace {

constexpr std::string_view kMaxHashKeyDecimal = "340282366920938463463374607431768211455";
constexpr uint64_t kTenPow19 = 10'000'000'000'000'000'000ULL;

// Input echoed in an error message: at most 60 bytes, control bytes escaped, so a hostile line
// cannot garble the terminal or drown the message.
std::string QuoteForMessage(std::string_view text) {
  constexpr size_t kMaxShown = 60;
  std::string out = "\"";
  for (size_t i = 0; i < text.size() && i < kMaxShown; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c == 0x7f || c == '"' || c == '\\') {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  if (text.size() > kMaxShown) out += "...";
  out += '"';
  return out;
}

void AppendPadded(std::string& out, uint64_t v, int width) {
  char buf[20];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  SHARDSIM_CHECK(ec == std::errc());
  out.append(static_cast<size_t>(std::max<ptrdiff_t>(0, width - (end - buf))), '0');
  out.append(buf, end);
}

bool IsContinuation(unsigned char c) { return (c & 0xC0) == 0x80; }

// ---- data-parallel MD5 of one-block messages (RFC 1321), kMd5Lanes messages at a time.

using Md5Vec = uint32_t __attribute__((vector_size(4 * kMd5Lanes)));

constexpr uint32_t kMd5K[64] = {
    0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
    0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
    0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
    0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
    0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
    0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
    0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
    0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391};
constexpr int kMd5Shift[4][4] = {{7, 12, 17, 22}, {5, 9, 14, 20}, {4, 11, 16, 23}, {6, 10, 15, 21}};

// The 16 message words of each lane, transposed: word j of lane l is words[j * kMd5Lanes + l];
// `state` receives A, B, C, D the same way.
[[gnu::always_inline]] inline void Md5LanesKernel(const uint32_t* words, uint32_t* state) {
  Md5Vec m[16];
  std::memcpy(m, words, sizeof(m));
  Md5Vec a = Md5Vec{} + 0x67452301u, b = Md5Vec{} + 0xefcdab89u, c = Md5Vec{} + 0x98badcfeu,
         d = Md5Vec{} + 0x10325476u;
  const Md5Vec a0 = a, b0 = b, c0 = c, d0 = d;
#pragma GCC unroll 64
  for (int i = 0; i < 64; ++i) {
    Md5Vec f;
    int g;
    if (i < 16) {
      f = d ^ (b & (c ^ d));
      g = i;
    } else if (i < 32) {
      f = c ^ (d & (b ^ c));
      g = (5 * i + 1) % 16;
    } else if (i < 48) {
      f = b ^ c ^ d;
      g = (3 * i + 5) % 16;
    } else {
      f = c ^ (b | ~d);
      g = (7 * i) % 16;
    }
    f = f + a + kMd5K[i] + m[g];
    const int r = kMd5Shift[i / 16][i % 4];
    a = d;
    d = c;
    c = b;
    b = b + ((f << r) | (f >> (32 - r)));
  }
  a += a0;
  b += b0;
  c += c0;
  d += d0;
  std::memcpy(state, &a, sizeof(a));
  std::memcpy(state + kMd5Lanes, &b, sizeof(b));
  std::memcpy(state + 2 * kMd5Lanes, &c, sizeof(c));
  std::memcpy(state + 3 * kMd5Lanes, &d, sizeof(d));
}

[[gnu::target("avx512f")]] void Md5LanesAvx512(const uint32_t* words, uint32_t* state) {
  Md5LanesKernel(words, state);
}
[[gnu::target("avx2")]] void Md5LanesAvx2(const uint32_t* words, uint32_t* state) {
  Md5LanesKernel(words, state);
}
void Md5LanesBaseline(const uint32_t* words, uint32_t* state) { Md5LanesKernel(words, state); }

void Md5Lanes(const uint32_t* words, uint32_t* state) {
  static const int level = __builtin_cpu_supports("avx512f") ? 2
                           : __builtin_cpu_supports("avx2")  ? 1
                                                             : 0;
  if (level == 2) {
    Md5LanesAvx512(words, state);
  } else if (level == 1) {
    Md5LanesAvx2(words, state);
  } else {
    Md5LanesBaseline(words, state);
  }
}

}  // namespace

std::string HashKey::ToDecimal() const {
  // Three base-10^19 limbs keep the 128-bit divisions to two (each is a libgcc call).
  const uint64_t lo = static_cast<uint64_t>(value_ % kTenPow19);
  const Uint128 rest = value_ / kTenPow19;
  const uint64_t mid = static_cast<uint64_t>(rest % kTenPow19);
  const uint64_t top = static_cast<uint64_t>(rest / kTenPow19);
  std::string out;
  out.reserve(39);
  if (top != 0) {
    AppendPadded(out, top, 0);
    AppendPadded(out, mid, 19);
    AppendPadded(out, lo, 19);
  } else if (mid != 0) {
    AppendPadded(out, mid, 0);
    AppendPadded(out, lo, 19);
  } else {
    AppendPadded(out, lo, 0);
  }
  return out;
}

std::ostream& operator<<(std::ostream& os, HashKey key) { return os << key.ToDecimal(); }

std::optional<HashKey> ParseHashKey(std::string_view text, std::string* error,
                                    std::string_view field) {
  auto fail = [&](std::string_view rule) -> std::optional<HashKey> {
    if (error != nullptr) {
      *error = std::string(field) + " must " + std::string(rule) + ", got " + QuoteForMessage(text);
    }
    return std::nullopt;
  };
  bool all_digits = !text.empty();
  for (char c : text) all_digits = all_digits && c >= '0' && c <= '9';
  if (!all_digits || (text.size() > 1 && text[0] == '0')) {
    return fail(
        "be a decimal integer matching 0|[1-9][0-9]{0,38} (no sign, spaces or leading zeros)");
  }
  // Equal-length digit strings without leading zeros compare like their values.
  if (text.size() > kMaxHashKeyDecimal.size() ||
      (text.size() == kMaxHashKeyDecimal.size() && text > kMaxHashKeyDecimal)) {
    return fail("be in the range [0, 2^128-1] (at most " + std::string(kMaxHashKeyDecimal) + ")");
  }
  Uint128 value = 0;
  for (char c : text) value = value * 10 + static_cast<unsigned>(c - '0');
  return HashKey(value);
}

std::optional<int> CountUtf8CodePoints(std::string_view utf8, std::string* error) {
  int count = 0;
  size_t i = 0;
  const size_t n = utf8.size();
  auto byte = [&](size_t k) { return static_cast<unsigned char>(utf8[k]); };
  while (i < n) {
    const unsigned char c = byte(i);
    size_t len;
    unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte (RFC 3629 table)
    if (c < 0x80) {
      len = 1;
    } else if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      if (c == 0xE0) lo = 0xA0;  // overlong
      if (c == 0xED) hi = 0x9F;  // UTF-16 surrogates
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      if (c == 0xF0) lo = 0x90;  // overlong
      if (c == 0xF4) hi = 0x8F;  // above U+10FFFF
    } else {
      if (error != nullptr) {
        *error = "invalid UTF-8 byte 0x" + std::string(1, "0123456789abcdef"[c >> 4]) +
                 "0123456789abcdef"[c & 15] + " at byte offset " + std::to_string(i);
      }
      return std::nullopt;
    }
    bool ok = i + len <= n;
    if (ok && len > 1) ok = byte(i + 1) >= lo && byte(i + 1) <= hi;
    for (size_t k = 2; ok && k < len; ++k) ok = IsContinuation(byte(i + k));
    if (!ok) {
      if (error != nullptr) {
        *error = "invalid or truncated UTF-8 sequence at byte offset " + std::to_string(i);
      }
      return std::nullopt;
    }
    i += len;
    ++count;
  }
  return count;
}

bool ValidPartitionKey(std::string_view utf8_key, std::string* error, std::string_view field) {
  std::string utf8_error;
  const std::optional<int> chars = CountUtf8CodePoints(utf8_key, &utf8_error);
  if (!chars) {
    if (error != nullptr) *error = std::string(field) + " is not valid UTF-8: " + utf8_error;
    return false;
  }
  if (*chars < 1 || *chars > kMaxPartitionKeyChars) {
    if (error != nullptr) {
      *error = std::string(field) + " must be 1 to " + std::to_string(kMaxPartitionKeyChars) +
               " characters, got " + std::to_string(*chars);
    }
    return false;
  }
  return true;
}

void Md5Hasher::Deleter::operator()(EVP_MD* md) const { EVP_MD_free(md); }
void Md5Hasher::Deleter::operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }

Md5Hasher::Md5Hasher() : md_(EVP_MD_fetch(nullptr, "MD5", nullptr)), ctx_(EVP_MD_CTX_new()) {
  SHARDSIM_CHECK(md_ != nullptr, "OpenSSL offers no MD5 (FIPS-only provider?); cannot route keys");
  SHARDSIM_CHECK(ctx_ != nullptr, "EVP_MD_CTX_new failed");
}

Md5Hasher::~Md5Hasher() = default;
Md5Hasher::Md5Hasher(Md5Hasher&&) noexcept = default;
Md5Hasher& Md5Hasher::operator=(Md5Hasher&&) noexcept = default;

std::array<uint8_t, 16> Md5Hasher::Digest(std::string_view bytes) {
  SHARDSIM_CHECK(ctx_ != nullptr, "Md5Hasher used after move");
  std::array<uint8_t, 16> digest;
  unsigned int length = 0;
  // Re-initialising with the same algorithm reuses the provider context: no allocation per call.
  const bool ok = EVP_DigestInit_ex2(ctx_.get(), md_.get(), nullptr) == 1 &&
                  EVP_DigestUpdate(ctx_.get(), bytes.data(), bytes.size()) == 1 &&
                  EVP_DigestFinal_ex(ctx_.get(), digest.data(), &length) == 1;
  SHARDSIM_CHECK(ok && length == digest.size(), "OpenSSL MD5 failed");
  return digest;
}

HashKey Md5Hasher::PartitionKeyHash(std::string_view utf8_key) {
  const std::array<uint8_t, 16> d = Digest(utf8_key);
  Uint128 value = 0;
  for (uint8_t b : d) value = (value << 8) | b;  // big-endian: the hex digest as a number
  return HashKey(value);
}

HashKey PartitionKeyHash(std::string_view utf8_key) {
  // Per-thread so concurrent simulations never share an EVP context; the result depends only on
  // the key, so this cache is not observable state.
  thread_local Md5Hasher hasher;
  return hasher.PartitionKeyHash(utf8_key);
}

void PartitionKeyHashes(std::span<const std::string_view> keys, std::span<HashKey> out) {
  SHARDSIM_CHECK(out.size() == keys.size(), "one hash per key");
  alignas(64) uint32_t words[16 * kMd5Lanes] = {};
  alignas(64) uint32_t state[4 * kMd5Lanes];
  size_t lane_key[kMd5Lanes];
  size_t lanes = 0;
  auto flush = [&] {
    Md5Lanes(words, state);
    // The digest is A, B, C, D little-endian; the hash key reads it big-endian.
    auto word = [&](int w, size_t l) {
      return uint64_t{__builtin_bswap32(state[w * kMd5Lanes + l])};
    };
    for (size_t l = 0; l < lanes; ++l) {
      out[lane_key[l]] =
          HashKey::FromHalves(word(0, l) << 32 | word(1, l), word(2, l) << 32 | word(3, l));
    }
    lanes = 0;
  };
  for (size_t i = 0; i < keys.size(); ++i) {
    const std::string_view k = keys[i];
    if (k.size() > kMd5ShortKeyBytes) {
      out[i] = PartitionKeyHash(k);
      continue;
    }
    // The one padded block: the key, 0x80, zeros, the length in bits (64-bit little-endian).
    uint32_t block[16] = {};
    if constexpr (std::endian::native == std::endian::little) {
      std::memcpy(block, k.data(), k.size());
      block[k.size() / 4] |= uint32_t{0x80} << (8 * (k.size() % 4));
    } else {
      for (size_t b = 0; b < k.size(); ++b) {
        block[b / 4] |= uint32_t{static_cast<unsigned char>(k[b])} << (8 * (b % 4));
      }
      block[k.size() / 4] |= uint32_t{0x80} << (8 * (k.size() % 4));
    }
    block[14] = static_cast<uint32_t>(k.size() * 8);  // the length in bits, 64-bit little-endian
    for (size_t j = 0; j < 16; ++j) words[j * kMd5Lanes + lanes] = block[j];
    lane_key[lanes++] = i;
    if (lanes == kMd5Lanes) flush();
  }
  if (lanes > 0) flush();  // the unused lanes hash stale words; their digests are ignored
}

}  // namespace shardsim
