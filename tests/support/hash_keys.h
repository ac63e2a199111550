// Test support: a 128-bit hash key from its decimal text, failing the test (and giving key 0)
// when the text is not one. Header-only.
#pragma once

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <string_view>

#include "models/keys/hash_key.h"

namespace shardsim::support {

inline HashKey DecimalKey(std::string_view decimal) {
  std::string error;
  const std::optional<HashKey> key = ParseHashKey(decimal, &error);
  EXPECT_TRUE(key.has_value()) << error;
  return key.value_or(HashKey());
}

}  // namespace shardsim::support
