// Invariant checks for the kernel and the models. A failed check is a bug in shardsim, not bad
// input: it prints file:line and the condition, then aborts -- in release builds too, because a
// wrong capacity number is worse than a crash. Input errors use Status values instead.
#pragma once

#include <cstdio>
#include <cstdlib>

namespace shardsim::internal {
[[noreturn]] inline void CheckFailed(const char* file, int line, const char* cond,
                                     const char* msg) {
  std::fprintf(stderr, "shardsim: internal error at %s:%d: check failed: %s%s%s\n", file, line,
               cond, msg[0] ? ": " : "", msg);
  std::fflush(stderr);
  std::abort();
}
}  // namespace shardsim::internal

// SHARDSIM_CHECK(cond) or SHARDSIM_CHECK(cond, "why it must hold").
#define SHARDSIM_CHECK(cond, ...)                                                   \
  do {                                                                              \
    if (__builtin_expect(!(cond), 0))                                               \
      ::shardsim::internal::CheckFailed(__FILE__, __LINE__, #cond, "" __VA_ARGS__); \
  } while (0)
