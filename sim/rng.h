// Random number streams. One Rng per (seed, replication, stream id); the stream id is a stable
// FNV-1a hash of the component name and the purpose, so adding a component never changes the
// draws of another. The generator is xoshiro256++ (Blackman & Vigna 2019): 256-bit state,
// period 2^256-1, passes BigCrush, ~1 ns per draw, identical on every platform and standard
// library. Not thread-safe; each simulation (and each component) owns its streams.
#pragma once

#include <cstdint>
#include <string_view>

namespace shardsim {

__extension__ typedef unsigned __int128 Uint128;  // GCC/Clang builtin; -Wpedantic-safe alias

// 64-bit FNV-1a. Stable across runs, compilers and platforms (never std::hash).
constexpr uint64_t Fnv1a64(std::string_view s, uint64_t h = 0xcbf29ce484222325ULL) {
  for (unsigned char c : s) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

// Stream id of (component, purpose). The separator keeps ("ab","c") apart from ("a","bc").
constexpr uint64_t StreamId(std::string_view component, std::string_view purpose) {
  return Fnv1a64(purpose, Fnv1a64("\x1f", Fnv1a64(component)));
}

// SplitMix64's finaliser: a bijective, well-mixed 64-bit hash of a 64-bit value, the same on every
// platform (for stable hashing of ids; never std::hash).
constexpr uint64_t Mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// SplitMix64 step: used to expand seeds into generator state.
constexpr uint64_t SplitMix64(uint64_t& x) { return Mix64(x += 0x9e3779b97f4a7c15ULL); }

class Rng {
 public:
  using result_type = uint64_t;

  Rng(uint64_t seed, uint64_t replication, uint64_t stream_id) {
    uint64_t x = seed;
    uint64_t mix = SplitMix64(x) ^ (replication * 0xd1b54a32d192ed03ULL);
    mix = SplitMix64(mix) ^ stream_id;
    for (auto& s : s_) s = SplitMix64(mix);
  }
  explicit Rng(uint64_t seed) : Rng(seed, 0, 0) {}

  static constexpr uint64_t min() { return 0; }
  static constexpr uint64_t max() { return ~uint64_t{0}; }
  uint64_t operator()() { return Next(); }

  uint64_t Next() {
    const uint64_t result = Rotl(s_[0] + s_[3], 23) + s_[0];
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }

  // Uniform double in [0, 1) with 53 random bits.
  double NextDouble() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  // Uniform double in (0, 1]: safe for log().
  double NextDoubleOpenZero() { return static_cast<double>((Next() >> 11) + 1) * 0x1.0p-53; }

  // Uniform integer in [0, n) without modulo bias (Lemire 2019). REQUIRES: n > 0.
  uint64_t Below(uint64_t n) {
    Uint128 m = static_cast<Uint128>(Next()) * n;
    uint64_t low = static_cast<uint64_t>(m);
    if (low < n) {
      const uint64_t threshold = (0 - n) % n;
      while (low < threshold) {
        m = static_cast<Uint128>(Next()) * n;
        low = static_cast<uint64_t>(m);
      }
    }
    return static_cast<uint64_t>(m >> 64);
  }

  bool Bernoulli(double p) { return NextDouble() < p; }

 private:
  static constexpr uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

}  // namespace shardsim
