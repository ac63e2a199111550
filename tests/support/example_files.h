// Test support: the example scenario files (scenarios/*.json, not the schema), sorted by name.
// Header-only.
#pragma once

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

namespace shardsim {

inline const std::string kSourceDir = SHARDSIM_SOURCE_DIR;

// Every example scenario file, sorted by name.
inline std::vector<std::filesystem::path> ExampleScenarioFiles() {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(kSourceDir + "/scenarios")) {
    if (entry.path().extension() == ".json" && entry.path().filename() != "scenario.schema.json") {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace shardsim
