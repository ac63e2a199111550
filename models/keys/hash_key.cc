// HashKey decimal conversion, UTF-8 / partition-key validation and MD5 routing. See hash_key.h.
#include "models/keys/hash_key.h"

#include <openssl/evp.h>

#include <algorithm>
#include <charconv>
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

}  // namespace shardsim
