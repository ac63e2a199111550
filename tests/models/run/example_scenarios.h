// The example scenarios (scenarios/*.json, not the schema) as test rows: their paths, a gtest-safe
// row name per file, and one short run of a scenario. Shared by the run-level tests; header-only.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <string>
#include <vector>

#include "models/spec/loader/scenario_loader.h"
#include "planner/session.h"
#include "sim/time.h"
#include "tests/support/example_files.h"

namespace shardsim {

// Run-level tests use a short duration; long runs belong to `shardsim run` and compare.sh.
inline constexpr int64_t kExampleRunSeconds = 20;

// "write-hot-key.json" -> "write_hot_key": gtest row names allow only letters, digits and '_'.
inline std::string RowName(const std::filesystem::path& file) {
  std::string name = file.stem().string();
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

struct RowNamer {
  std::string operator()(const testing::TestParamInfo<std::filesystem::path>& info) const {
    return RowName(info.param);
  }
};

// Whether the loaded scenario uses only features the models implement.
inline bool Runnable(const LoadResult& loaded) {
  return loaded.ok() && UnsupportedFeatures(loaded, ImplementedFeatures()).empty();
}

inline RunOptions ShortRun() {
  RunOptions options;
  options.duration = Seconds(kExampleRunSeconds);
  return options;
}

}  // namespace shardsim
