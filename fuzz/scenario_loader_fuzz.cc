// libFuzzer target for the scenario loader: arbitrary bytes as scenario text through
// LoadScenarioText, and Validate once more on a scenario it accepted. Bad input must give
// diagnostics, never a crash, a hang or a sanitizer report. Built with SHARDSIM_FUZZ=ON (clang
// only); run with scripts/fuzz.sh, seeded with scenarios/*.json.
#include <cstddef>
#include <cstdint>
#include <string>

#include "models/spec/loader/scenario_loader.h"
#include "models/spec/validate.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  // Relative data files resolve against the working directory: scripts/fuzz.sh runs in the
  // scenarios directory so the examples' price and CSV files are found.
  const shardsim::LoadResult loaded = shardsim::LoadScenarioText(text, "fuzz.json", "");
  if (loaded.scenario) {
    const auto again = shardsim::Validate(*loaded.scenario);
    if (!again.empty()) __builtin_trap();  // an accepted scenario must stay valid
  }
  return 0;
}
